//! TLS over TCP, with rustls.
//!
//! The server's certificate is verified by default against the system's
//! roots (rustls-native-certs, which honours `SSL_CERT_FILE` and
//! `SSL_CERT_DIR`) and any CA certificates given in PEM. `insecure` accepts
//! any certificate; it is never the default. The handshake completes inside
//! `connect`, so a transport exists only once the server is verified: a
//! frame is never written before, or without, encryption.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::error::{is_timeout, Destination, TransportError};
use super::stream::{peek, NoSignalWriter, Peek, TimedSocket};
use super::tcp::connect_tcp;
use super::{Kind, Timeouts, Transport};

/// How a TLS connection verifies the server.
#[derive(Debug, Clone, Default)]
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
        let mut transport = TlsTransport {
            socket: TimedSocket::new(stream),
            connection,
            destination,
            write_timeout: timeouts.write,
        };
        transport.handshake(
            deadline,
            timeouts.connect,
            self.server_name.to_str().as_ref(),
        )?;
        Ok(transport)
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

/// What `insecure` verifies: nothing about who the server is. The
/// handshake's signatures are still checked, as rustls requires of a
/// verifier, so the session is at least the one the certificate signed.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            certificate,
            signature,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            certificate,
            signature,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Reads the socket directly (rustls reads only what is there to read).
struct SocketReader<'a>(&'a TcpStream);

impl Read for SocketReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let mut stream = self.0;
        stream.read(buffer)
    }
}

pub(crate) struct TlsTransport {
    socket: TimedSocket<TcpStream>,
    connection: ClientConnection,
    destination: Destination,
    write_timeout: Duration,
}

impl TlsTransport {
    fn handshake(
        &mut self,
        deadline: Instant,
        timeout: Duration,
        server_name: &str,
    ) -> Result<(), TransportError> {
        let failed = |destination: &Destination, reason: String| TransportError::Handshake {
            destination: destination.clone(),
            server_name: server_name.to_owned(),
            reason,
        };
        let timed_out = |destination: &Destination| TransportError::ConnectTimeout {
            destination: destination.clone(),
            timeout,
        };
        while self.connection.is_handshaking() || self.connection.wants_write() {
            while self.connection.wants_write() {
                if !self
                    .arm(deadline)
                    .map_err(|error| failed(&self.destination, error.to_string()))?
                {
                    return Err(timed_out(&self.destination));
                }
                let writer = &mut NoSignalWriter(self.socket.socket.as_raw_fd());
                match self.connection.write_tls(writer) {
                    Ok(_) => {}
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(error) if is_timeout(&error) => return Err(timed_out(&self.destination)),
                    Err(error) => return Err(failed(&self.destination, error.to_string())),
                }
            }
            if !self.connection.is_handshaking() {
                break;
            }
            if !self
                .arm(deadline)
                .map_err(|error| failed(&self.destination, error.to_string()))?
            {
                return Err(timed_out(&self.destination));
            }
            match self
                .connection
                .read_tls(&mut SocketReader(&self.socket.socket))
            {
                Ok(0) => {
                    return Err(failed(
                        &self.destination,
                        "the server closed the connection".into(),
                    ))
                }
                Ok(_) => {}
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) if is_timeout(&error) => return Err(timed_out(&self.destination)),
                Err(error) => return Err(failed(&self.destination, error.to_string())),
            }
            if let Err(error) = self.connection.process_new_packets() {
                // Tell the server why (rustls queued an alert), as far as
                // the socket takes it at once; then give up.
                let writer = &mut NoSignalWriter(self.socket.socket.as_raw_fd());
                let _ = self.connection.write_tls(writer);
                return Err(failed(&self.destination, error.to_string()));
            }
        }
        Ok(())
    }

    /// Sets both socket timeouts to what is left before `deadline`.
    fn arm(&mut self, deadline: Instant) -> io::Result<bool> {
        if !self.socket.arm(deadline)? {
            return Ok(false);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        self.socket
            .socket
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
        Ok(true)
    }
}

impl Transport for TlsTransport {
    fn send(&mut self, frame: &[u8]) -> Result<(), TransportError> {
        let deadline = Instant::now() + self.write_timeout;
        let mut accepted = 0;
        let write_error = |destination: &Destination, accepted, source| TransportError::Write {
            destination: destination.clone(),
            written: accepted,
            length: frame.len(),
            source,
        };
        loop {
            // rustls encrypts into its own buffer, which is bounded: feed it
            // what it takes, push it out, and go on until the frame is out.
            if accepted < frame.len() {
                accepted += self
                    .connection
                    .writer()
                    .write(&frame[accepted..])
                    .map_err(|source| write_error(&self.destination, accepted, source))?;
            }
            if !self.connection.wants_write() {
                if accepted == frame.len() {
                    return Ok(());
                }
                continue;
            }
            let armed = self
                .socket
                .arm(deadline)
                .map_err(|source| write_error(&self.destination, accepted, source))?;
            let result = if armed {
                self.connection
                    .write_tls(&mut NoSignalWriter(self.socket.socket.as_raw_fd()))
            } else {
                Err(io::Error::from(io::ErrorKind::TimedOut))
            };
            match result {
                Ok(_) => {}
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) if is_timeout(&error) => {
                    return Err(TransportError::WriteTimeout {
                        destination: self.destination.clone(),
                        written: accepted,
                        length: frame.len(),
                        timeout: self.write_timeout,
                    })
                }
                Err(source) => return Err(write_error(&self.destination, accepted, source)),
            }
        }
    }

    /// Reads what the server sent (session tickets, alerts): a
    /// `close_notify`, an alert, or the end of the stream means it is gone.
    fn peer_closed(&mut self) -> bool {
        let descriptor = self.socket.socket.as_raw_fd();
        // A few rounds at most: a server has no business sending much.
        for _ in 0..4 {
            match peek(descriptor) {
                Peek::Quiet => return false,
                Peek::Closed => return true,
                Peek::Data => {}
            }
            match self
                .connection
                .read_tls(&mut SocketReader(&self.socket.socket))
            {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
            let state = match self.connection.process_new_packets() {
                Ok(state) => state,
                Err(_) => return true,
            };
            if state.peer_has_closed() {
                return true;
            }
            let mut unexpected = vec![0u8; state.plaintext_bytes_to_read()];
            let _ = self.connection.reader().read_exact(&mut unexpected);
        }
        false
    }

    fn close(&mut self) {
        self.connection.send_close_notify();
        let deadline = Instant::now() + self.write_timeout;
        while self.connection.wants_write() {
            if !matches!(self.socket.arm(deadline), Ok(true)) {
                return;
            }
            let writer = &mut NoSignalWriter(self.socket.socket.as_raw_fd());
            if self.connection.write_tls(writer).is_err() {
                return;
            }
        }
    }

    fn kind(&self) -> Kind {
        Kind::Stream
    }

    fn destination(&self) -> &Destination {
        &self.destination
    }
}
