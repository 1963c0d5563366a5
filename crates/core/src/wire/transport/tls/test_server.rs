//! A TLS server for tests: its own CA, a certificate for `localhost` and
//! `127.0.0.1`, and a copy of every raw byte it received.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use super::{ring_provider, TlsOptions};
use crate::wire::transport::{BackoffPolicy, Connection, Endpoint, Timeouts, TransportConfig};

/// A CA of its own and a server certificate it signed, for `localhost`
/// and `127.0.0.1`.
pub(crate) struct Pki {
    pub ca_pem: Vec<u8>,
    pub server: Arc<ServerConfig>,
    pub leaf: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

pub(crate) fn pki() -> Pki {
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
        .with_single_cert(vec![leaf.der().clone()], key.clone_key())
        .unwrap();
    Pki {
        ca_pem: ca.pem().into_bytes(),
        server: Arc::new(server),
        leaf: leaf.der().clone(),
        key,
    }
}

/// The server's socket, keeping a copy of every byte that crossed it.
pub(crate) struct Tap {
    stream: TcpStream,
    pub raw: Arc<Mutex<Vec<u8>>>,
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

pub(crate) struct Served {
    pub plaintext: Vec<u8>,
    pub raw: Vec<u8>,
    pub error: Option<String>,
}

/// A TLS server for one connection, read to its end.
pub(crate) fn serve_once(config: Arc<ServerConfig>) -> (u16, thread::JoinHandle<Served>) {
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

pub(crate) fn connection(host: &str, port: u16, tls: TlsOptions) -> Connection {
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

pub(crate) fn trusting(pki: &Pki) -> TlsOptions {
    TlsOptions {
        extra_ca_pem: vec![pki.ca_pem.clone()],
        without_system_roots: true,
        ..TlsOptions::default()
    }
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
