//! TLS over TCP, with rustls.
//!
//! The server's certificate is verified by default against the system's
//! roots (rustls-native-certs, which honours `SSL_CERT_FILE` and
//! `SSL_CERT_DIR`) and any CA certificates given in PEM. `insecure` accepts
//! any certificate; it is never the default. The handshake completes inside
//! `connect`, so a transport exists only once the server is verified: a
//! frame is never written before, or without, encryption.

mod insecure;
#[cfg(test)]
pub(crate) mod test_server;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};

use super::error::{Destination, TransportError};
use super::tcp::connect_tcp;
use super::Timeouts;
use insecure::AcceptAnyCertificate;
pub(crate) use transport::TlsTransport;

/// How a TLS connection verifies the server.
#[derive(Clone, Default)]
pub struct TlsOptions {
    /// The name sent as SNI and that the certificate must be valid for: a
    /// DNS name or an IP address. The host connected to when `None`.
    pub server_name: Option<String>,
    /// CA certificates to trust besides the system's, PEM (each entry may
    /// hold several certificates).
    pub extra_ca_pem: Vec<Vec<u8>>,
    /// Trust only `extra_ca_pem`, not the system's roots.
    pub without_system_roots: bool,
    /// Accept any certificate, from anyone: the connection is encrypted
    /// but an impostor can read it. Off unless asked for by name.
    pub insecure: bool,
}

impl fmt::Debug for TlsOptions {
    // The certificates' bytes say nothing to a reader of a debug dump.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("TlsOptions")
            .field("server_name", &self.server_name)
            .field(
                "extra_ca_pem",
                &format_args!("[{} PEM]", self.extra_ca_pem.len()),
            )
            .field("without_system_roots", &self.without_system_roots)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// TLS settings made ready once per handler: certificates parsed, the
/// rustls configuration shared by every reconnection.
pub(crate) struct TlsConnector {
    config: Arc<ClientConfig>,
    server_name: ServerName<'static>,
}

impl TlsConnector {
    pub fn new(
        destination: Destination,
        host: &str,
        options: &TlsOptions,
    ) -> Result<TlsConnector, TransportError> {
        let invalid = |reason: String| TransportError::TlsConfig {
            destination: destination.clone(),
            reason,
        };
        let name = options.server_name.as_deref().unwrap_or(host);
        let name = name.trim_start_matches('[').trim_end_matches(']');
        let server_name = ServerName::try_from(name.to_owned())
            .map_err(|error| invalid(format!("server name {name:?}: {error}")))?;

        let provider = Arc::new(ring_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|error| invalid(error.to_string()))?;
        let config = if options.insecure {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
                .with_no_client_auth()
        } else {
            let roots = trusted_roots(options).map_err(invalid)?;
            builder.with_root_certificates(roots).with_no_client_auth()
        };
        Ok(TlsConnector {
            config: Arc::new(config),
            server_name,
        })
    }

    /// Connects, then completes the handshake, all within the connect timeout.
    pub fn connect(
        &self,
        destination: Destination,
        host: &str,
        port: u16,
        timeouts: Timeouts,
    ) -> Result<TlsTransport, TransportError> {
        let deadline = Instant::now() + timeouts.connect;
        let stream = connect_tcp(&destination, host, port, timeouts.connect)?;
        stream
            .set_nodelay(true)
            .map_err(|source| TransportError::Setup {
                destination: destination.clone(),
                step: "set_nodelay",
                source,
            })?;
        let connection = ClientConnection::new(self.config.clone(), self.server_name.clone())
            .map_err(|error| TransportError::TlsConfig {
                destination: destination.clone(),
                reason: error.to_string(),
            })?;
        TlsTransport::establish(
            stream,
            connection,
            destination,
            timeouts,
            deadline,
            self.server_name.to_str().as_ref(),
        )
    }
}

/// rustls' ring provider. rustls marks it deprecated because ring has no
/// post-quantum key exchange; aws-lc-rs, which has, needs cmake and a far
/// longer build for every wheel. Syslog and log receivers (rsyslog's TLS
/// 1.2 among them) negotiate classical key exchange anyway.
#[allow(deprecated)]
fn ring_provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}

fn trusted_roots(options: &TlsOptions) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    if !options.without_system_roots {
        // Unreadable system certificates are skipped, as every TLS client
        // does; if none is left the check below says so.
        let found = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(found.certs);
    }
    for pem in &options.extra_ca_pem {
        let mut count = 0;
        for certificate in CertificateDer::pem_slice_iter(pem) {
            let certificate =
                certificate.map_err(|error| format!("a CA certificate's PEM: {error}"))?;
            roots
                .add(certificate)
                .map_err(|error| format!("a CA certificate: {error}"))?;
            count += 1;
        }
        if count == 0 {
            return Err("a CA certificate's PEM holds no certificate".into());
        }
    }
    if roots.is_empty() {
        return Err("no CA certificate to trust (none on the system, none given)".into());
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::test_server::{connection, pki, serve_once};
    use super::*;
    use crate::wire::transport::unix::tests::TempDirectory;
    use crate::wire::transport::Outcome;
    use std::process::Command;

    const CHILD_PORT: &str = "FEMTOLOGGING_TLS_TEST_PORT";

    /// The half of `the_system_roots_follow_ssl_cert_file` that runs in a
    /// process of its own, whose environment names the test's CA: setting
    /// a variable in this process would race the other tests' reads.
    #[test]
    #[ignore = "run by the_system_roots_follow_ssl_cert_file in a child process"]
    fn system_roots_in_a_child_process() {
        let Ok(port) = std::env::var(CHILD_PORT) else {
            return;
        };
        let mut connection = connection("localhost", port.parse().unwrap(), TlsOptions::default());
        let outcome = connection.send(b"trusted through SSL_CERT_FILE\n");
        assert!(matches!(outcome, Outcome::Sent), "{outcome:?}");
        connection.close();
    }

    #[test]
    fn the_system_roots_follow_ssl_cert_file() {
        let pki = pki();
        let directory = TempDirectory::new();
        let ca = directory.0.join("ca.pem");
        std::fs::write(&ca, &pki.ca_pem).unwrap();
        let (port, server) = serve_once(pki.server.clone());
        let output = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "wire::transport::tls::tests::system_roots_in_a_child_process",
                "--ignored",
                "--nocapture",
            ])
            .env("SSL_CERT_FILE", &ca)
            .env_remove("SSL_CERT_DIR")
            .env(CHILD_PORT, port.to_string())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("1 passed"));
        assert_eq!(
            server.join().unwrap().plaintext,
            b"trusted through SSL_CERT_FILE\n"
        );
    }

    #[test]
    fn options_show_how_many_certificates_not_their_bytes() {
        let options = TlsOptions {
            extra_ca_pem: vec![b"-----BEGIN CERTIFICATE-----".to_vec()],
            insecure: true,
            ..TlsOptions::default()
        };
        let text = format!("{options:?}");
        assert!(
            text.contains("[1 PEM]") && text.contains("insecure: true"),
            "{text}"
        );
    }

    #[test]
    fn settings_that_cannot_work_are_refused_before_connecting() {
        let destination = Destination::Network {
            host: "localhost".into(),
            port: 6514,
        };
        let not_pem = TlsOptions {
            extra_ca_pem: vec![b"not a certificate".to_vec()],
            ..TlsOptions::default()
        };
        let no_roots = TlsOptions {
            without_system_roots: true,
            ..TlsOptions::default()
        };
        let bad_name = TlsOptions {
            server_name: Some("not a name!".into()),
            ..TlsOptions::default()
        };
        for options in [not_pem, no_roots, bad_name] {
            let error = TlsConnector::new(destination.clone(), "localhost", &options)
                .err()
                .unwrap();
            assert!(
                matches!(error, TransportError::TlsConfig { .. }),
                "{error:?}"
            );
            assert!(error.to_string().contains("localhost:6514"), "{error}");
        }
    }
}
