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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::transport::{BackoffPolicy, Connection, Endpoint, Outcome, TransportConfig};
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use rustls::{ServerConfig, ServerConnection, StreamOwned};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::thread;

    /// A CA of its own and a server certificate it signed, for `localhost`
    /// and `127.0.0.1`.
    struct Pki {
        ca_pem: Vec<u8>,
        server: Arc<ServerConfig>,
    }

    fn pki() -> Pki {
        // Each CA has a name of its own: a client holding another CA of the
        // same name would fail on its signature, not on an unknown issuer.
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let ca_name = format!(
            "femtologging test CA {}",
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, ca_name);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = ca.self_signed(&ca_key).unwrap();

        let leaf_key = KeyPair::generate().unwrap();
        let mut leaf =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        leaf.distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf = leaf.signed_by(&leaf_key, &ca, &ca_key).unwrap();

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let server = ServerConfig::builder_with_provider(Arc::new(ring_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone()], key)
            .unwrap();
        Pki {
            ca_pem: ca.pem().into_bytes(),
            server: Arc::new(server),
        }
    }

    /// The server's socket, keeping a copy of every byte that crossed it.
    struct Tap {
        stream: TcpStream,
        raw: Arc<Mutex<Vec<u8>>>,
    }

    impl Read for Tap {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let count = self.stream.read(buffer)?;
            self.raw.lock().unwrap().extend_from_slice(&buffer[..count]);
            Ok(count)
        }
    }

    impl Write for Tap {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.stream.write(bytes)
        }

        fn flush(&mut self) -> io::Result<()> {
            self.stream.flush()
        }
    }

    struct Served {
        plaintext: Vec<u8>,
        raw: Vec<u8>,
        error: Option<String>,
    }

    /// A TLS server for one connection, read to its end.
    fn serve_once(config: Arc<ServerConfig>) -> (u16, thread::JoinHandle<Served>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let raw = Arc::new(Mutex::new(Vec::new()));
            let tap = Tap {
                stream,
                raw: raw.clone(),
            };
            let mut tls = StreamOwned::new(ServerConnection::new(config).unwrap(), tap);
            let mut plaintext = Vec::new();
            let error = tls
                .read_to_end(&mut plaintext)
                .err()
                .map(|error| error.to_string());
            let raw = raw.lock().unwrap().clone();
            Served {
                plaintext,
                raw,
                error,
            }
        });
        (port, server)
    }

    fn connection(host: &str, port: u16, tls: TlsOptions) -> Connection {
        let config = TransportConfig::new(Endpoint::Tls {
            host: host.into(),
            port,
            tls,
        })
        .with_timeouts(Timeouts {
            connect: Duration::from_secs(3),
            write: Duration::from_secs(1),
        });
        Connection::new(config, BackoffPolicy::default()).unwrap()
    }

    fn trusting(pki: &Pki) -> TlsOptions {
        TlsOptions {
            extra_ca_pem: vec![pki.ca_pem.clone()],
            without_system_roots: true,
            ..TlsOptions::default()
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    #[test]
    fn a_verified_server_receives_the_frames_decrypted() {
        let pki = pki();
        let (port, server) = serve_once(pki.server.clone());
        let mut connection = connection("localhost", port, trusting(&pki));
        assert!(matches!(connection.send(b"secret one\n"), Outcome::Sent));
        // A frame larger than rustls buffers at once.
        let large = vec![b'z'; 1 << 20];
        assert!(matches!(connection.send(&large), Outcome::Sent));
        connection.close();
        let served = server.join().unwrap();
        assert_eq!(served.error, None);
        assert_eq!(served.plaintext.len(), 11 + large.len());
        assert!(served.plaintext.starts_with(b"secret one\nzzz"));
        assert!(!contains(&served.raw, b"secret one"));
    }

    #[test]
    fn an_ip_address_is_a_server_name_too() {
        let pki = pki();
        let (port, server) = serve_once(pki.server.clone());
        let mut connection = connection("127.0.0.1", port, trusting(&pki));
        assert!(matches!(connection.send(b"by address\n"), Outcome::Sent));
        connection.close();
        assert_eq!(server.join().unwrap().plaintext, b"by address\n");
    }

    /// Sends a marker that must not reach the server, and returns the error.
    fn refused(host: &str, options: TlsOptions, pki: &Pki) -> String {
        let (port, server) = serve_once(pki.server.clone());
        let mut connection = connection(host, port, options);
        let outcome = connection.send(b"MARKER-IN-THE-CLEAR");
        assert!(!connection.is_connected());
        let Outcome::Later {
            error: Some(error @ TransportError::Handshake { .. }),
            ..
        } = outcome
        else {
            panic!("{outcome:?}");
        };
        let served = server.join().unwrap();
        assert!(served.error.is_some(), "the server saw a clean close");
        assert!(served.plaintext.is_empty());
        assert!(!served.raw.is_empty(), "no handshake was attempted");
        assert!(!contains(&served.raw, b"MARKER"));
        error.to_string()
    }

    #[test]
    fn an_unknown_ca_is_refused_and_nothing_is_sent() {
        let server_pki = pki();
        let other = pki();
        // The system's roots and another CA: neither signed this server.
        let options = TlsOptions {
            extra_ca_pem: vec![other.ca_pem.clone()],
            ..TlsOptions::default()
        };
        let message = refused("localhost", options, &server_pki);
        assert!(message.contains("localhost"), "{message}");
        assert!(message.to_lowercase().contains("issuer"), "{message}");
    }

    #[test]
    fn a_wrong_host_name_is_refused_and_nothing_is_sent() {
        let pki = pki();
        let options = TlsOptions {
            server_name: Some("logs.example.com".into()),
            ..trusting(&pki)
        };
        let message = refused("127.0.0.1", options, &pki);
        assert!(message.contains("logs.example.com"), "{message}");
        assert!(message.to_lowercase().contains("name"), "{message}");
    }

    #[test]
    fn insecure_accepts_an_unknown_ca() {
        let pki = pki();
        let (port, server) = serve_once(pki.server.clone());
        let options = TlsOptions {
            insecure: true,
            without_system_roots: true,
            ..TlsOptions::default()
        };
        let mut connection = connection("localhost", port, options);
        assert!(matches!(connection.send(b"unverified\n"), Outcome::Sent));
        connection.close();
        assert_eq!(server.join().unwrap().plaintext, b"unverified\n");
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

    #[test]
    fn a_server_that_closes_is_seen_and_the_next_frame_goes_to_a_new_connection() {
        let pki = pki();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = pki.server.clone();
        let (closed, wait_closed) = std::sync::mpsc::channel();
        let server = thread::spawn(move || {
            let mut lines = Vec::new();
            for _ in 0..2 {
                let (stream, _) = listener.accept().unwrap();
                let connection = ServerConnection::new(config.clone()).unwrap();
                let mut tls = StreamOwned::new(connection, stream);
                let mut line = [0u8; 6];
                tls.read_exact(&mut line).unwrap();
                lines.push(line.to_vec());
                tls.conn.send_close_notify();
                tls.conn.complete_io(&mut tls.sock).unwrap();
                drop(tls);
                closed.send(()).unwrap();
            }
            lines
        });
        let mut connection = connection("localhost", port, trusting(&pki));
        assert!(matches!(connection.send(b"first\n"), Outcome::Sent));
        wait_closed.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(matches!(connection.send(b"again\n"), Outcome::Sent));
        wait_closed.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(
            server.join().unwrap(),
            [b"first\n".to_vec(), b"again\n".to_vec()]
        );
    }
}
