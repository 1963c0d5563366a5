//! Where the bytes go: TCP, TLS over TCP, UDP, Unix stream and Unix
//! datagram sockets, and the `Connection` that makes a lost one again.
//!
//! A handler's worker holds one `Connection` and hands it whole frames (the
//! framing layer has already delimited them). The rules every transport
//! keeps:
//!
//! - `send` writes the whole frame or fails. A stream transport continues
//!   partial writes until the frame is written or the write timeout (for the
//!   whole frame, not per system call) runs out.
//! - After any failed `send` (but `Oversized`) the transport is broken and
//!   is dropped: a stream that took part of a frame would desynchronise the
//!   receiver if the next frame followed it, and a datagram socket connected
//!   to a receiver that went away stays connected to the old socket. The
//!   frame was not sent and is sent again, whole, on a new connection.
//! - "Sent" means handed to the kernel: for TCP the bytes are in the
//!   socket's send buffer, not acknowledged by the receiver, which may still
//!   lose them if it dies (as CPython's `SocketHandler`). Before each frame
//!   the stream transports look, without blocking, whether the receiver has
//!   closed the connection, so the first frame after a receiver's restart is
//!   not written into the dead connection.
//! - Datagram transports send one datagram per frame; one larger than the
//!   socket accepts is reported as `Oversized` and never sent.
//!
//! Unix only, as the rest of the core's I/O (`libc` for `send` without
//! SIGPIPE and for a non-blocking look at the socket).

mod backoff;
mod connection;
mod error;
mod stream;
mod tcp;
mod tls;
mod udp;
mod unix;

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use backoff::{Backoff, BackoffPolicy, Jitter};
pub use connection::{Clock, Connection, Outcome, SystemClock};
pub use error::{Destination, TransportError};
pub use tls::TlsOptions;

/// The TLS test server and certificates, for the tests of protocols over TLS.
#[cfg(test)]
pub(crate) use tls::test_server;

/// Whether a transport delimits frames itself (one datagram each) or
/// carries them in one byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Stream,
    Datagram,
}

/// A connected transport, driven by one thread.
pub trait Transport: Send {
    /// Writes one whole frame (one datagram for a datagram transport).
    /// After an error other than `Oversized` the transport is broken: drop
    /// it and connect again.
    fn send(&mut self, frame: &[u8]) -> Result<(), TransportError>;

    /// Writes the frames laid end to end in `bytes`, from `start`, the
    /// first ending at `ends[0]` and each next one at the next end. On
    /// failure, says how many of them were written whole (and so are sent)
    /// before the error; the frame after those was not, and after an error
    /// other than `Oversized` the transport is broken, as after `send`.
    ///
    /// This one sends frame after frame: each is then whole or not sent, as
    /// a datagram transport needs, and as TLS needs too (what rustls took
    /// but did not push out is lost with the session, so bytes it accepted
    /// say nothing of what the server will read).
    fn send_frames(
        &mut self,
        bytes: &[u8],
        start: usize,
        ends: &[usize],
    ) -> Result<(), FramesFailure> {
        let mut from = start;
        for (index, &end) in ends.iter().enumerate() {
            self.send(&bytes[from..end])
                .map_err(|error| FramesFailure { sent: index, error })?;
            from = end;
        }
        Ok(())
    }

    /// Pushes out anything the transport holds. A completed `send` has
    /// already handed its frame to the kernel, so this is a no-op for every
    /// transport here; it exists for transports that buffer.
    fn flush(&mut self) -> Result<(), TransportError> {
        Ok(())
    }

    /// Whether the receiver has closed the connection (or reset it), seen
    /// without blocking. Datagram transports cannot tell and say no.
    fn peer_closed(&mut self) -> bool {
        false
    }

    /// Reads what the receiver answered into `buffer`, waiting for it until
    /// `deadline`: how many bytes, 0 at the end of the stream. For the
    /// request-response protocols (HTTP) over a stream; a log receiver sends
    /// nothing, and datagram transports read nothing.
    fn receive(&mut self, _buffer: &mut [u8], _deadline: Instant) -> Result<usize, TransportError> {
        Err(TransportError::Read {
            destination: self.destination().clone(),
            source: io::Error::from(io::ErrorKind::Unsupported),
        })
    }

    /// Ends the connection so that the receiver reads every frame, then the
    /// end of the stream (TLS: `close_notify`), within the write timeout.
    /// What the receiver sent and nobody read is read and discarded first:
    /// a socket closed with unread bytes is reset, and a reset can destroy
    /// frames the receiver has not read yet. Dropping a transport without
    /// `close` risks exactly that.
    fn close(&mut self) {}

    fn kind(&self) -> Kind;

    fn destination(&self) -> &Destination;
}

/// Why `send_frames` stopped: the frames written whole before it stopped,
/// and the error.
#[derive(Debug)]
pub struct FramesFailure {
    pub sent: usize,
    pub error: TransportError,
}

impl FramesFailure {
    /// For a stream that wrote its frames as one run of bytes from `start`:
    /// the frames that end within what the error says was written.
    pub(crate) fn after_bytes(
        error: TransportError,
        start: usize,
        ends: &[usize],
    ) -> FramesFailure {
        let written = match &error {
            TransportError::Write { written, .. }
            | TransportError::WriteTimeout { written, .. } => *written,
            _ => 0,
        };
        let sent = ends.partition_point(|&end| end <= start + written);
        FramesFailure { sent, error }
    }
}

/// Where to send.
#[derive(Debug, Clone)]
pub enum Endpoint {
    Tcp {
        host: String,
        port: u16,
    },
    Tls {
        host: String,
        port: u16,
        tls: TlsOptions,
    },
    Udp {
        host: String,
        port: u16,
    },
    UnixStream(PathBuf),
    UnixDatagram(PathBuf),
}

impl Endpoint {
    pub fn destination(&self) -> Destination {
        match self {
            Endpoint::Tcp { host, port }
            | Endpoint::Tls { host, port, .. }
            | Endpoint::Udp { host, port } => Destination::Network {
                host: host.clone(),
                port: *port,
            },
            Endpoint::UnixStream(path) | Endpoint::UnixDatagram(path) => {
                Destination::Path(path.clone())
            }
        }
    }
}

/// How long a transport may block.
///
/// | setting | default | bounds |
/// | --- | --- | --- |
/// | `connect` | 5 s | name resolution, every address tried, the TLS handshake |
/// | `write` | 1 s | one whole frame |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub write: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(5),
            write: Duration::from_secs(1),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TransportConfig {
    pub endpoint: Endpoint,
    pub timeouts: Timeouts,
}

impl TransportConfig {
    pub fn new(endpoint: Endpoint) -> TransportConfig {
        TransportConfig {
            endpoint,
            timeouts: Timeouts::default(),
        }
    }

    pub fn with_timeouts(mut self, timeouts: Timeouts) -> TransportConfig {
        self.timeouts = timeouts;
        self
    }
}

/// A configuration made ready to connect, as often as needed: the TLS
/// settings (certificates read and parsed) are built once, here.
pub struct Connector {
    config: TransportConfig,
    tls: Option<tls::TlsConnector>,
    /// UDP connections made so far: each starts at the next address.
    udp_attempts: AtomicUsize,
}

impl Connector {
    pub fn new(config: TransportConfig) -> Result<Connector, TransportError> {
        let tls = match &config.endpoint {
            Endpoint::Tls { host, tls, .. } => Some(tls::TlsConnector::new(
                config.endpoint.destination(),
                host,
                tls,
            )?),
            _ => None,
        };
        Ok(Connector {
            config,
            tls,
            udp_attempts: AtomicUsize::new(0),
        })
    }

    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// Opens a new connection, within the connect timeout.
    pub fn connect(&self) -> Result<Box<dyn Transport>, TransportError> {
        let timeouts = self.config.timeouts;
        let destination = self.config.endpoint.destination();
        match &self.config.endpoint {
            Endpoint::Tcp { host, port } => Ok(Box::new(tcp::TcpTransport::connect(
                destination,
                host,
                *port,
                timeouts,
            )?)),
            Endpoint::Tls { host, port, .. } => {
                let connector = self.tls.as_ref().expect("built in Connector::new");
                Ok(Box::new(connector.connect(
                    destination,
                    host,
                    *port,
                    timeouts,
                )?))
            }
            Endpoint::Udp { host, port } => Ok(Box::new(udp::UdpTransport::connect(
                destination,
                host,
                *port,
                timeouts,
                self.udp_attempts.fetch_add(1, Ordering::Relaxed),
            )?)),
            Endpoint::UnixStream(path) => Ok(Box::new(unix::UnixStreamTransport::connect(
                destination,
                path,
                timeouts,
            )?)),
            Endpoint::UnixDatagram(path) => Ok(Box::new(unix::UnixDatagramTransport::connect(
                destination,
                path,
                timeouts,
            )?)),
        }
    }
}
