//! The socket of the standard `SysLogHandler`: an unconnected UDP socket
//! that sends each message to one address, a connected TCP socket, or a
//! Unix datagram or stream socket connected to a path.
//!
//! It keeps the standard handler's semantics rather than the transports'
//! (`transport/`): UDP is not connected, so a port where nothing listens
//! is never reported (the standard handler never hears of it either); a
//! stream socket writes the bytes it is given with no framing of its own;
//! a failed send is an `io::Error` for the caller to report, and the socket
//! stays as it is (the standard handler keeps a broken TCP socket and fails
//! every later record). `reopen` and `peer_closed` are there for a caller
//! that chose to reconnect instead.

use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketType {
    Datagram,
    Stream,
}

#[derive(Debug, Clone)]
enum Target {
    Network { host: String, port: u16 },
    Path(PathBuf),
}

#[derive(Debug)]
enum Inner {
    Closed,
    Udp { socket: UdpSocket, to: SocketAddr },
    Tcp(TcpStream),
    UnixDatagram(UnixDatagram),
    UnixStream(UnixStream),
}

#[derive(Debug)]
pub struct SyslogSocket {
    inner: Inner,
    target: Target,
    socket_type: SocketType,
    timeout: Option<Duration>,
}

impl SyslogSocket {
    /// A Unix socket connected to `path`.
    pub fn connect_unix(path: &Path, socket_type: SocketType) -> io::Result<SyslogSocket> {
        let inner = match socket_type {
            SocketType::Datagram => {
                let socket = UnixDatagram::unbound()?;
                socket.connect(path)?;
                Inner::UnixDatagram(socket)
            }
            SocketType::Stream => Inner::UnixStream(UnixStream::connect(path)?),
        };
        Ok(SyslogSocket {
            inner,
            target: Target::Path(path.to_path_buf()),
            socket_type,
            timeout: None,
        })
    }

    /// A Unix socket for `path` that is already closed: what the standard
    /// handler keeps when it could not connect (its sends fail with `EBADF`
    /// until it connects again).
    pub fn closed_unix(path: &Path, socket_type: SocketType) -> SyslogSocket {
        SyslogSocket {
            inner: Inner::Closed,
            target: Target::Path(path.to_path_buf()),
            socket_type,
            timeout: None,
        }
    }

    /// A UDP socket for `host`'s first address, or a TCP socket connected
    /// to the first of its addresses that accepts, as the standard
    /// `createSocket` walks `getaddrinfo`'s answers. `timeout` bounds each
    /// TCP connect and write (none: block, as a Python socket does).
    pub fn open_network(
        host: &str,
        port: u16,
        socket_type: SocketType,
        timeout: Option<Duration>,
    ) -> io::Result<SyslogSocket> {
        let target = Target::Network {
            host: host.to_owned(),
            port,
        };
        let inner = connect_network(host, port, socket_type, timeout)?;
        Ok(SyslogSocket {
            inner,
            target,
            socket_type,
            timeout,
        })
    }

    pub fn socket_type(&self) -> SocketType {
        self.socket_type
    }

    pub fn is_closed(&self) -> bool {
        matches!(self.inner, Inner::Closed)
    }

    /// Sends one message: one datagram, or all of it on a stream. A closed
    /// socket fails with `EBADF`, as a closed Python socket does.
    pub fn send(&mut self, data: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Closed => Err(io::Error::from_raw_os_error(libc::EBADF)),
            Inner::Udp { socket, to } => socket.send_to(data, *to).map(|_| ()),
            Inner::UnixDatagram(socket) => socket.send(data).map(|_| ()),
            Inner::Tcp(stream) => send_all(stream.as_raw_fd(), data),
            Inner::UnixStream(stream) => send_all(stream.as_raw_fd(), data),
        }
    }

    /// Whether the peer of a stream socket closed or reset the connection,
    /// seen without blocking; false for datagram sockets.
    pub fn peer_closed(&self) -> bool {
        let descriptor = match &self.inner {
            Inner::Tcp(stream) => stream.as_raw_fd(),
            Inner::UnixStream(stream) => stream.as_raw_fd(),
            _ => return false,
        };
        let mut byte = 0u8;
        // SAFETY: a one-byte buffer we own; the descriptor is open.
        let count = unsafe {
            libc::recv(
                descriptor,
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        if count == 0 {
            return true;
        }
        count < 0 && {
            let error = io::Error::last_os_error();
            !matches!(
                error.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
            )
        }
    }

    /// Connects again to the same destination with the same socket type.
    pub fn reopen(&mut self) -> io::Result<()> {
        self.close();
        self.inner = match &self.target {
            Target::Network { host, port } => {
                connect_network(host, *port, self.socket_type, self.timeout)?
            }
            Target::Path(path) => Self::connect_unix(path, self.socket_type)?.inner,
        };
        Ok(())
    }

    pub fn fileno(&self) -> RawFd {
        match &self.inner {
            Inner::Closed => -1,
            Inner::Udp { socket, .. } => socket.as_raw_fd(),
            Inner::Tcp(stream) => stream.as_raw_fd(),
            Inner::UnixDatagram(socket) => socket.as_raw_fd(),
            Inner::UnixStream(stream) => stream.as_raw_fd(),
        }
    }

    /// Closes the socket; later sends fail with `EBADF`.
    pub fn close(&mut self) {
        self.inner = Inner::Closed;
    }
}

fn connect_network(
    host: &str,
    port: u16,
    socket_type: SocketType,
    timeout: Option<Duration>,
) -> io::Result<Inner> {
    let addresses: Vec<SocketAddr> = (host, port).to_socket_addrs()?.collect();
    let mut last_error = io::Error::other("getaddrinfo returns an empty list");
    for address in addresses {
        let attempt = match socket_type {
            SocketType::Datagram => {
                let local: SocketAddr = if address.is_ipv4() {
                    (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
                } else {
                    (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
                };
                UdpSocket::bind(local).map(|socket| Inner::Udp {
                    socket,
                    to: address,
                })
            }
            SocketType::Stream => {
                let stream = match timeout {
                    Some(limit) => TcpStream::connect_timeout(&address, limit),
                    None => TcpStream::connect(address),
                };
                stream.and_then(|stream| {
                    stream.set_write_timeout(timeout)?;
                    Ok(Inner::Tcp(stream))
                })
            }
        };
        match attempt {
            Ok(inner) => return Ok(inner),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

/// Writes all of `data`, without SIGPIPE when the peer has gone.
fn send_all(descriptor: RawFd, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        // SAFETY: `data` is a live slice; the descriptor is open.
        let count = unsafe {
            libc::send(
                descriptor,
                data.as_ptr().cast(),
                data.len(),
                libc::MSG_NOSIGNAL,
            )
        };
        if count < 0 {
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(error);
        }
        data = &data[count as usize..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    #[test]
    fn udp_sends_to_a_port_where_nothing_listens_without_error() {
        let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let mut socket =
            SyslogSocket::open_network("127.0.0.1", port, SocketType::Datagram, None).unwrap();
        for _ in 0..3 {
            socket.send(b"<14>x\0").unwrap();
        }
    }

    #[test]
    fn a_tcp_socket_sees_its_peer_close_and_reopens() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut socket =
            SyslogSocket::open_network("127.0.0.1", port, SocketType::Stream, None).unwrap();
        let (first, _) = listener.accept().unwrap();
        assert!(!socket.peer_closed());
        drop(first);
        std::thread::sleep(Duration::from_millis(50));
        assert!(socket.peer_closed());
        socket.reopen().unwrap();
        let (mut second, _) = listener.accept().unwrap();
        socket.send(b"<14>again\0").unwrap();
        socket.close();
        let mut received = Vec::new();
        second.read_to_end(&mut received).unwrap();
        assert_eq!(received, b"<14>again\0");
        assert_eq!(
            socket.send(b"x").unwrap_err().raw_os_error(),
            Some(libc::EBADF)
        );
    }
}
