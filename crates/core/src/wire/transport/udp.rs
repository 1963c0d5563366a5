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
use super::{FramesFailure, Kind, Timeouts, Transport};

/// Sends `frame` as one datagram on a connected socket.
fn send_datagram(
    descriptor: RawFd,
    frame: &[u8],
    timeout: Duration,
    destination: &Destination,
) -> Result<(), TransportError> {
    loop {
        match send_no_signal(descriptor, frame) {
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
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(send_error(error, frame.len(), timeout, destination)),
        }
    }
}

/// What a failed send of a `length`-byte datagram means.
fn send_error(
    error: io::Error,
    length: usize,
    timeout: Duration,
    destination: &Destination,
) -> TransportError {
    match error.raw_os_error() {
        Some(libc::EMSGSIZE) => TransportError::Oversized {
            destination: destination.clone(),
            length,
            source: error,
        },
        _ if is_timeout(&error) => TransportError::WriteTimeout {
            destination: destination.clone(),
            written: 0,
            length,
            timeout,
        },
        _ => TransportError::Write {
            destination: destination.clone(),
            written: 0,
            length,
            source: error,
        },
    }
}

/// Datagrams handed to the kernel by one `sendmmsg` call at most. The
/// tests use a few, so that a run of calls fits a receive buffer.
#[cfg(all(any(target_os = "linux", target_os = "android"), not(test)))]
const DATAGRAMS_PER_CALL: usize = 256;
#[cfg(all(any(target_os = "linux", target_os = "android"), test))]
const DATAGRAMS_PER_CALL: usize = 8;

/// Sends each frame (`bytes[start..ends[0]]`, then up to each next end) as
/// a datagram of its own, many per system call: on loopback the call
/// itself is a good part of a small datagram's cost. A datagram the kernel
/// refuses stops the run there, as a `send` of it alone would have.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn send_datagrams(
    descriptor: RawFd,
    bytes: &[u8],
    start: usize,
    ends: &[usize],
    timeout: Duration,
    destination: &Destination,
) -> Result<(), FramesFailure> {
    let mut iovecs: Vec<libc::iovec> = Vec::with_capacity(ends.len().min(DATAGRAMS_PER_CALL));
    let mut headers: Vec<libc::mmsghdr> = Vec::with_capacity(iovecs.capacity());
    let mut sent = 0;
    let mut from = start;
    while sent < ends.len() {
        let batch = &ends[sent..ends.len().min(sent + DATAGRAMS_PER_CALL)];
        iovecs.clear();
        let mut at = from;
        for &end in batch {
            iovecs.push(libc::iovec {
                iov_base: bytes[at..end].as_ptr() as *mut libc::c_void,
                iov_len: end - at,
            });
            at = end;
        }
        headers.clear();
        for iovec in iovecs.iter_mut() {
            // SAFETY: an all-zero msghdr is a valid "no address, no control
            // data" header; only its iovec fields are filled in.
            let mut header: libc::mmsghdr = unsafe { std::mem::zeroed() };
            header.msg_hdr.msg_iov = iovec;
            header.msg_hdr.msg_iovlen = 1;
            headers.push(header);
        }
        // SAFETY: every header points at one iovec of `iovecs`, each within
        // `bytes`, all alive until the call returns; the kernel only reads
        // them and writes the headers' msg_len.
        let count = unsafe {
            libc::sendmmsg(
                descriptor,
                headers.as_mut_ptr(),
                headers.len() as libc::c_uint,
                libc::MSG_NOSIGNAL,
            )
        };
        if count < 0 {
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            let length = iovecs[0].iov_len;
            return Err(FramesFailure {
                sent,
                error: send_error(error, length, timeout, destination),
            });
        }
        let count = count as usize;
        if count == 0 {
            // A blocking sendmmsg sends at least one or fails; never spin.
            return Err(FramesFailure {
                sent,
                error: send_error(
                    io::Error::from(io::ErrorKind::WriteZero),
                    iovecs[0].iov_len,
                    timeout,
                    destination,
                ),
            });
        }
        for header in &headers[..count] {
            if header.msg_len as usize != header_length(header) {
                return Err(FramesFailure {
                    sent,
                    error: TransportError::Write {
                        destination: destination.clone(),
                        written: header.msg_len as usize,
                        length: header_length(header),
                        source: io::Error::from(io::ErrorKind::WriteZero),
                    },
                });
            }
            sent += 1;
        }
        from = if sent == 0 { start } else { ends[sent - 1] };
    }
    Ok(())
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn header_length(header: &libc::mmsghdr) -> usize {
    // SAFETY: each header points at exactly one live iovec.
    unsafe { (*header.msg_hdr.msg_iov).iov_len }
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

    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn send_frames(
        &mut self,
        bytes: &[u8],
        start: usize,
        ends: &[usize],
    ) -> Result<(), FramesFailure> {
        send_datagrams(
            self.socket.as_raw_fd(),
            bytes,
            start,
            ends,
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

    /// Frames as the workers pass them: one run of bytes and where each ends.
    fn frames_of(texts: &[Vec<u8>]) -> (Vec<u8>, Vec<usize>) {
        let mut bytes = b"skipped".to_vec();
        let mut ends = Vec::new();
        for text in texts {
            bytes.extend_from_slice(text);
            ends.push(bytes.len());
        }
        (bytes, ends)
    }

    #[test]
    fn frames_sent_together_are_one_datagram_each_in_order() {
        let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut transport = connect(receiver.local_addr().unwrap().port());
        // Several system calls' worth, of lengths up to 600, one empty.
        let texts: Vec<Vec<u8>> = (0..61)
            .map(|index| {
                let length = if index == 35 { 0 } else { 1 + index * 10 };
                let mut text = format!("<14>{index}:").into_bytes();
                text.resize(text.len().max(length), b'x');
                text.truncate(if index == 35 { 0 } else { text.len() });
                text
            })
            .collect();
        let (bytes, ends) = frames_of(&texts);
        transport.send_frames(&bytes, 7, &ends).unwrap();
        let mut buffer = vec![0u8; 2048];
        for text in &texts {
            let count = receiver.recv(&mut buffer).unwrap();
            assert_eq!(&buffer[..count], &text[..]);
        }
    }

    #[test]
    fn an_oversized_frame_among_others_stops_the_run_there() {
        let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut transport = connect(receiver.local_addr().unwrap().port());
        let texts = vec![
            b"first".to_vec(),
            b"second".to_vec(),
            vec![b'x'; 70_000],
            b"after".to_vec(),
        ];
        let (bytes, ends) = frames_of(&texts);
        let failure = transport.send_frames(&bytes, 7, &ends).err().unwrap();
        assert_eq!(failure.sent, 2);
        assert!(
            matches!(
                failure.error,
                TransportError::Oversized { length: 70_000, .. }
            ),
            "{:?}",
            failure.error
        );
        let mut buffer = [0u8; 64];
        for text in [&b"first"[..], b"second"] {
            let count = receiver.recv(&mut buffer).unwrap();
            assert_eq!(&buffer[..count], text);
        }
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
