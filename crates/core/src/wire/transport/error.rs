//! The one error type of the transports: every variant names where the
//! bytes were going (host and port, or a path) and which step failed.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// Where a transport sends: a host and port, or a socket's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Network { host: String, port: u16 },
    Path(PathBuf),
}

impl fmt::Display for Destination {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // An IPv6 literal is bracketed so that its port stays readable.
            Destination::Network { host, port } if host.contains(':') => {
                write!(formatter, "[{host}]:{port}")
            }
            Destination::Network { host, port } => write!(formatter, "{host}:{port}"),
            Destination::Path(path) => write!(formatter, "{}", path.display()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("cannot resolve {destination}: {source}")]
    Resolve {
        destination: Destination,
        source: io::Error,
    },

    #[error("cannot resolve {destination}: the name has no address")]
    NoAddress { destination: Destination },

    /// Every address was tried; `source` is the last address's error.
    #[error("cannot connect to {destination}{}: {source}", other_address(.destination, .address))]
    Connect {
        destination: Destination,
        /// The address (or path) of the last attempt.
        address: String,
        source: io::Error,
    },

    #[error("cannot connect to {destination}: no answer within {timeout:?}")]
    ConnectTimeout {
        destination: Destination,
        timeout: Duration,
    },

    /// A socket option or another step after the connection was made.
    #[error("cannot set up the connection to {destination} ({step}): {source}")]
    Setup {
        destination: Destination,
        step: &'static str,
        source: io::Error,
    },

    /// The TLS settings themselves are wrong (a CA file that is not PEM, a
    /// server name that is neither a DNS name nor an IP address).
    #[error("invalid TLS settings for {destination}: {reason}")]
    TlsConfig {
        destination: Destination,
        reason: String,
    },

    /// The handshake failed: nothing was sent in the clear.
    #[error("TLS handshake with {destination} (as {server_name:?}) failed: {reason}")]
    Handshake {
        destination: Destination,
        server_name: String,
        reason: String,
    },

    /// `written` of the frame's `length` bytes reached the kernel.
    #[error("cannot send to {destination} ({written} of {length} bytes written): {source}")]
    Write {
        destination: Destination,
        written: usize,
        length: usize,
        source: io::Error,
    },

    #[error(
        "cannot send to {destination}: the receiver took nothing for {timeout:?} \
         ({written} of {length} bytes written)"
    )]
    WriteTimeout {
        destination: Destination,
        written: usize,
        length: usize,
        timeout: Duration,
    },

    /// Reading the receiver's answer failed (a request-response protocol).
    #[error("cannot read the answer of {destination}: {source}")]
    Read {
        destination: Destination,
        source: io::Error,
    },

    #[error("cannot read the answer of {destination}: none came in time")]
    ReadTimeout { destination: Destination },

    /// A datagram larger than the socket accepts; it can never be sent.
    #[error("a datagram of {length} bytes is too large for {destination}: {source}")]
    Oversized {
        destination: Destination,
        length: usize,
        source: io::Error,
    },
}

impl TransportError {
    pub fn destination(&self) -> &Destination {
        match self {
            TransportError::Resolve { destination, .. }
            | TransportError::NoAddress { destination }
            | TransportError::Connect { destination, .. }
            | TransportError::ConnectTimeout { destination, .. }
            | TransportError::Setup { destination, .. }
            | TransportError::TlsConfig { destination, .. }
            | TransportError::Handshake { destination, .. }
            | TransportError::Write { destination, .. }
            | TransportError::WriteTimeout { destination, .. }
            | TransportError::Read { destination, .. }
            | TransportError::ReadTimeout { destination, .. }
            | TransportError::Oversized { destination, .. } => destination,
        }
    }
}

/// The address tried, when it is not what the destination already says
/// (a host name's address, not a literal address repeated).
fn other_address(destination: &Destination, address: &str) -> String {
    if destination.to_string() == address {
        String::new()
    } else {
        format!(" (at {address})")
    }
}

/// Whether an I/O error is a timeout: a blocking socket reports its timeout
/// as `WouldBlock` on Unix and `TimedOut` elsewhere.
pub(crate) fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_destination_and_the_step() {
        let error = TransportError::Setup {
            destination: Destination::Network {
                host: "::1".into(),
                port: 514,
            },
            step: "set_nodelay",
            source: io::Error::from(io::ErrorKind::InvalidInput),
        };
        let text = error.to_string();
        assert!(text.contains("[::1]:514"), "{text}");
        assert!(text.contains("set_nodelay"), "{text}");

        let refused = |host: &str| TransportError::Connect {
            destination: Destination::Network {
                host: host.into(),
                port: 514,
            },
            address: "127.0.0.1:514".into(),
            source: io::Error::from(io::ErrorKind::ConnectionRefused),
        };
        assert_eq!(
            refused("127.0.0.1").to_string(),
            "cannot connect to 127.0.0.1:514: connection refused"
        );
        assert_eq!(
            refused("localhost").to_string(),
            "cannot connect to localhost:514 (at 127.0.0.1:514): connection refused"
        );

        let error = TransportError::Connect {
            destination: Destination::Path("/run/log.sock".into()),
            address: "/run/log.sock".into(),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        assert_eq!(
            error.to_string(),
            "cannot connect to /run/log.sock: entity not found"
        );
    }
}
