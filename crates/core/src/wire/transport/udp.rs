//! UDP: one datagram per frame, on a `connect`ed socket so that the ICMP
//! "port unreachable" a datagram provokes comes back as an error on a
//! later send, which the caller can count (an unconnected socket never
//! hears of it).

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use super::error::{is_timeout, Destination, TransportError};
use super::stream::send_no_signal;
use super::tcp::resolve;
use super::{Kind, Timeouts, Transport};

/// Sends `frame` as one datagram on a connected socket.
fn send_datagram(
    descriptor: RawFd,
    frame: &[u8],
    timeout: Duration,
    destination: &Destination,
) -> Result<(), TransportError> {
    loop {
        let error = match send_no_signal(descriptor, frame) {
            Ok(count) if count == frame.len() => return Ok(()),
            // A datagram goes whole or not at all; a short count would be a
            // kernel's oddity, reported rather than ignored.
            Ok(count) => {
                return Err(TransportError::Write {
                    destination: destination.clone(),
                    written: count,
                    length: frame.len(),
                    source: io::Error::from(io::ErrorKind::WriteZero),
                })
            }
            Err(error) => error,
        };
        return Err(match error.raw_os_error() {
            _ if error.kind() == io::ErrorKind::Interrupted => continue,
            Some(libc::EMSGSIZE) => TransportError::Oversized {
                destination: destination.clone(),
                length: frame.len(),
                source: error,
            },
            _ if is_timeout(&error) => TransportError::WriteTimeout {
                destination: destination.clone(),
                written: 0,
                length: frame.len(),
                timeout,
            },
            _ => TransportError::Write {
                destination: destination.clone(),
                written: 0,
                length: frame.len(),
                source: error,
            },
        });
    }
}

/// A connected datagram socket as a transport: UDP and Unix datagram
/// sockets differ only in how they connect.
pub(crate) struct DatagramTransport<S> {
    socket: S,
    destination: Destination,
    write_timeout: Duration,
}

impl<S> DatagramTransport<S> {
    pub fn new(socket: S, destination: Destination, timeouts: Timeouts) -> DatagramTransport<S> {
        DatagramTransport {
            socket,
            destination,
            write_timeout: timeouts.write,
        }
    }
}

impl<S: AsRawFd + Send> Transport for DatagramTransport<S> {
    fn send(&mut self, frame: &[u8]) -> Result<(), TransportError> {
        send_datagram(
            self.socket.as_raw_fd(),
            frame,
            self.write_timeout,
            &self.destination,
        )
    }

    fn kind(&self) -> Kind {
        Kind::Datagram
    }

    fn destination(&self) -> &Destination {
        &self.destination
    }
}

pub(crate) type UdpTransport = DatagramTransport<UdpSocket>;

impl UdpTransport {
    /// Connects to one of `host`'s addresses, starting with the one at
    /// `attempt` (modulo their number).
    ///
    /// A UDP connect succeeds whether or not anything listens, so trying
    /// the addresses in turn within one call, as TCP does, would always
    /// stop at the first. Instead each new connection (made after a send
    /// failed, a refusal among them) starts one address further: "localhost"
    /// resolving to `::1` first still reaches a receiver bound to
    /// `127.0.0.1` once `::1` has refused.
    pub fn connect(
        destination: Destination,
        host: &str,
        port: u16,
        timeouts: Timeouts,
        attempt: usize,
    ) -> Result<UdpTransport, TransportError> {
        let deadline = Instant::now() + timeouts.connect;
        let addresses = starting_at(
            resolve(&destination, host, port, deadline, timeouts.connect)?,
            attempt,
        );
        let mut last_error = None;
        // Connecting a UDP socket sends nothing; it fails only where no
        // route or no such family exists, and then the next address may do.
        for address in &addresses {
            let local: SocketAddr = if address.is_ipv4() {
                "0.0.0.0:0".parse().expect("a valid address")
            } else {
                "[::]:0".parse().expect("a valid address")
            };
            let attempt = UdpSocket::bind(local).and_then(|socket| {
                socket.connect(address)?;
                Ok(socket)
            });
            match attempt {
                Ok(socket) => {
                    socket
                        .set_write_timeout(Some(timeouts.write.max(Duration::from_millis(1))))
                        .map_err(|source| TransportError::Setup {
                            destination: destination.clone(),
                            step: "set_write_timeout",
                            source,
                        })?;
                    return Ok(DatagramTransport::new(socket, destination, timeouts));
                }
                Err(error) => last_error = Some((*address, error)),
            }
        }
        let (address, source) = last_error.expect("resolve returns at least one address");
        Err(TransportError::Connect {
            destination,
            address: address.to_string(),
            source,
        })
    }
}

/// `addresses` in turn from the one at `attempt`, wrapping around.
fn starting_at(mut addresses: Vec<SocketAddr>, attempt: usize) -> Vec<SocketAddr> {
    if !addresses.is_empty() {
        let start = attempt % addresses.len();
        addresses.rotate_left(start);
    }
    addresses
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    fn connect(port: u16) -> UdpTransport {
        let destination = Destination::Network {
            host: "127.0.0.1".into(),
            port,
        };
        UdpTransport::connect(destination, "127.0.0.1", port, Timeouts::default(), 0).unwrap()
    }

    #[test]
    fn each_frame_is_one_datagram() {
        let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut transport = connect(receiver.local_addr().unwrap().port());
        transport.send(b"<14>one").unwrap();
        transport.send(b"<14>two").unwrap();
        let mut buffer = [0u8; 64];
        let count = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..count], b"<14>one");
        let count = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..count], b"<14>two");
        assert_eq!(transport.kind(), Kind::Datagram);
    }

    #[test]
    fn each_new_connection_starts_one_address_further() {
        let v6: SocketAddr = "[::1]:514".parse().unwrap();
        let v4: SocketAddr = "127.0.0.1:514".parse().unwrap();
        assert_eq!(starting_at(vec![v6, v4], 0), [v6, v4]);
        assert_eq!(starting_at(vec![v6, v4], 1), [v4, v6]);
        assert_eq!(starting_at(vec![v6, v4], 2), [v6, v4]);
        assert!(starting_at(Vec::new(), 3).is_empty());
    }

    #[test]
    fn a_host_name_is_resolved() {
        let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let port = receiver.local_addr().unwrap().port();
        let destination = Destination::Network {
            host: "localhost".into(),
            port,
        };
        // Whichever address "localhost" gives first, one of two turns is 127.0.0.1.
        let mut heard = false;
        for attempt in 0..2 {
            let mut transport = UdpTransport::connect(
                destination.clone(),
                "localhost",
                port,
                Timeouts::default(),
                attempt,
            )
            .unwrap();
            let _ = transport.send(b"by name");
            let mut buffer = [0u8; 16];
            if let Ok(count) = receiver.recv(&mut buffer) {
                assert_eq!(&buffer[..count], b"by name");
                heard = true;
                break;
            }
        }
        assert!(heard);
    }

    #[test]
    fn a_datagram_larger_than_udp_allows_is_oversized() {
        let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut transport = connect(receiver.local_addr().unwrap().port());
        let error = transport.send(&vec![b'x'; 70_000]).err().unwrap();
        assert!(
            matches!(error, TransportError::Oversized { length: 70_000, .. }),
            "{error:?}"
        );
        transport.send(b"small").unwrap();
    }

    #[test]
    fn nothing_listening_shows_up_as_an_error_on_a_later_send() {
        let port = {
            let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            socket.local_addr().unwrap().port()
        };
        let mut transport = connect(port);
        let started = Instant::now();
        let mut refused = None;
        for _ in 0..50 {
            match transport.send(b"nobody hears this") {
                Ok(()) => thread::sleep(Duration::from_millis(10)),
                Err(error) => {
                    refused = Some(error);
                    break;
                }
            }
        }
        let error = refused.expect("the ICMP error never came back");
        let TransportError::Write { source, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(source.kind(), io::ErrorKind::ConnectionRefused);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_name_that_does_not_resolve_is_an_error() {
        let destination = Destination::Network {
            host: "udp-nothing.invalid".into(),
            port: 514,
        };
        let error = UdpTransport::connect(
            destination,
            "udp-nothing.invalid",
            514,
            Timeouts::default(),
            0,
        )
        .err()
        .unwrap();
        assert!(
            matches!(
                error,
                TransportError::Resolve { .. } | TransportError::NoAddress { .. }
            ),
            "{error:?}"
        );
    }
}
