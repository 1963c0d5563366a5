//! The socket of the standard `SysLogHandler`: an unconnected UDP socket
//! that sends each message to one address, a connected TCP socket, or a
//! Unix datagram or stream socket connected to a path.
//!
//! It keeps the standard handler's semantics rather than the transports'
//! (`transport/`): a port where nothing listens is never reported over UDP
//! (the standard handler, whose socket is not connected, never hears of
//! it either); a
//! stream socket writes the bytes it is given with no framing of its own;
//! a failed send is an `io::Error` for the caller to report, and the socket
//! stays as it is (the standard handler keeps a broken TCP socket and fails
//! every later record). `reopen` and `peer_closed` are there for a caller
//! that chose to reconnect instead.
//!
//! Two things the standard handler has no counterpart for: TLS over TCP
//! (the transports' `TlsTransport`, verified as `TlsOptions` say, the
//! handshake complete before a byte of a message is written), and a
//! datagram too large for the socket cut to the largest one it takes
//! (`send_truncating`) instead of refused.

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::wire::transport::{
    Connector, Endpoint, Timeouts, TlsOptions, Transport, TransportConfig, TransportError,
};

/// The largest UDP payload over IPv4: 65,535 bytes less the IP header (20)
/// and the UDP header (8).
const UDP_IPV4_LIMIT: usize = 65_507;
/// Over IPv6 the payload length excludes the IP header: 65,535 less the UDP
/// header (jumbograms aside, which loopback and the Internet do not carry).
const UDP_IPV6_LIMIT: usize = 65_527;
/// What Linux counts against a Unix datagram socket's send buffer besides
/// the message (`sk_sndbuf - 32` is its limit).
const UNIX_DATAGRAM_OVERHEAD: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketType {
    Datagram,
    Stream,
}

#[derive(Clone)]
enum Target {
    Network {
        host: String,
        port: u16,
    },
    Path(PathBuf),
    /// The TLS settings made ready once (certificates parsed), for every
    /// connection.
    Tls(Arc<Connector>),
}

enum Inner {
    Closed,
    Udp {
        socket: UdpSocket,
        to: SocketAddr,
        connected: bool,
    },
    Tcp(TcpStream),
    UnixDatagram(UnixDatagram),
    UnixStream(UnixStream),
    Tls(Box<dyn Transport>),
}

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

    /// A TLS connection to `host:port`, not made yet: `reopen` connects and
    /// completes the handshake. The settings are checked here (a CA that is
    /// not PEM, a server name that is no name: `InvalidInput`). `timeout`
    /// bounds the connect with its handshake, and each write; none means
    /// the transports' defaults (5 s and 1 s), since a TLS session cannot
    /// be left blocked halfway through a record.
    pub fn tls(
        host: &str,
        port: u16,
        options: TlsOptions,
        timeout: Option<Duration>,
    ) -> io::Result<SyslogSocket> {
        let timeouts = match timeout {
            Some(limit) => Timeouts {
                connect: limit,
                write: limit,
            },
            None => Timeouts::default(),
        };
        let config = TransportConfig::new(Endpoint::Tls {
            host: host.to_owned(),
            port,
            tls: options,
        })
        .with_timeouts(timeouts);
        let connector = Connector::new(config)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
        Ok(SyslogSocket {
            inner: Inner::Closed,
            target: Target::Tls(Arc::new(connector)),
            socket_type: SocketType::Stream,
            timeout,
        })
    }

    pub fn is_tls(&self) -> bool {
        matches!(self.target, Target::Tls(_))
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
            Inner::Udp {
                socket,
                connected: true,
                ..
            } => send_datagram(socket, data),
            Inner::Udp { socket, to, .. } => socket.send_to(data, *to).map(|_| ()),
            Inner::UnixDatagram(socket) => socket.send(data).map(|_| ()),
            Inner::Tcp(stream) => send_all(stream.as_raw_fd(), data),
            Inner::UnixStream(stream) => send_all(stream.as_raw_fd(), data),
            Inner::Tls(transport) => transport.send(data).map_err(io_error),
        }
    }

    /// Sends one datagram on a connected UDP socket without waiting for
    /// room in its buffer: `None` when it would have to wait, or for any
    /// other kind of socket, and then `send` is the way (it waits). Lets a
    /// caller keep a lock it should not hold while waiting (the Python
    /// interpreter's) for the send that almost never waits.
    pub fn send_without_waiting(&mut self, data: &[u8]) -> Option<io::Result<()>> {
        let Inner::Udp {
            socket,
            connected: true,
            ..
        } = &self.inner
        else {
            return None;
        };
        match send_datagram_with(socket.as_raw_fd(), data, libc::MSG_DONTWAIT) {
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                None
            }
            result => Some(result),
        }
    }

    /// Sends one message like `send`, but a datagram larger than the
    /// socket takes (`EMSGSIZE`) is cut to `datagram_limit` and sent; true
    /// when it was cut. The cut falls between UTF-8 characters, and with
    /// `keep_terminator` the message's last byte (the standard handler's
    /// NUL) still ends the datagram.
    pub fn send_truncating(&mut self, data: &[u8], keep_terminator: bool) -> io::Result<bool> {
        let error = match self.send(data) {
            Ok(()) => return Ok(false),
            Err(error) => error,
        };
        let limit = match self.datagram_limit() {
            Some(limit) if error.raw_os_error() == Some(libc::EMSGSIZE) && data.len() > limit => {
                limit
            }
            _ => return Err(error),
        };
        let terminator = if keep_terminator { data.last() } else { None };
        let body = limit - usize::from(terminator.is_some());
        let mut cut = body.min(data.len());
        while cut > 0 && cut < data.len() && data[cut] & 0xC0 == 0x80 {
            cut -= 1;
        }
        let mut shorter = Vec::with_capacity(cut + 1);
        shorter.extend_from_slice(&data[..cut]);
        shorter.extend(terminator);
        self.send(&shorter)?;
        Ok(true)
    }

    /// The largest datagram the socket sends: UDP's payload limit for its
    /// address family, or a Unix datagram socket's send buffer less what
    /// the kernel counts besides the message. None for a stream.
    pub fn datagram_limit(&self) -> Option<usize> {
        match &self.inner {
            Inner::Udp { to, .. } if to.is_ipv4() => Some(UDP_IPV4_LIMIT),
            Inner::Udp { .. } => Some(UDP_IPV6_LIMIT),
            Inner::UnixDatagram(socket) => {
                let mut size: libc::c_int = 0;
                let mut length = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
                // SAFETY: an int-sized buffer we own and its length; the
                // descriptor is open.
                let status = unsafe {
                    libc::getsockopt(
                        socket.as_raw_fd(),
                        libc::SOL_SOCKET,
                        libc::SO_SNDBUF,
                        (&mut size as *mut libc::c_int).cast(),
                        &mut length,
                    )
                };
                (status == 0).then(|| (size as usize).saturating_sub(UNIX_DATAGRAM_OVERHEAD))
            }
            _ => None,
        }
    }

    /// Whether the peer of a stream socket closed or reset the connection,
    /// seen without blocking; false for datagram sockets.
    pub fn peer_closed(&mut self) -> bool {
        let descriptor = match &mut self.inner {
            Inner::Tcp(stream) => stream.as_raw_fd(),
            Inner::UnixStream(stream) => stream.as_raw_fd(),
            Inner::Tls(transport) => return transport.peer_closed(),
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
            Target::Tls(connector) => Inner::Tls(connector.connect().map_err(io_error)?),
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
            // The session owns its socket: writing to it beside rustls
            // would corrupt the stream.
            Inner::Tls(_) => -1,
        }
    }

    /// Closes the socket; later sends fail with `EBADF`. A TLS session
    /// ends with `close_notify`, so that the server reads every message.
    pub fn close(&mut self) {
        if let Inner::Tls(transport) = &mut self.inner {
            transport.close();
        }
        self.inner = Inner::Closed;
    }
}

impl fmt::Debug for SyslogSocket {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match &self.target {
            Target::Network { host, port } => format!("{host}:{port}"),
            Target::Path(path) => path.display().to_string(),
            Target::Tls(connector) => format!("TLS {}", connector.config().endpoint.destination()),
        };
        formatter
            .debug_struct("SyslogSocket")
            .field("target", &target)
            .field("socket_type", &self.socket_type)
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// A transport's error as the `io::Error` every other send returns. The
/// error itself is kept inside (`get_ref`), so that a caller can tell a
/// refused certificate from a refused connection; its kind is the system
/// call's where there was one, `TimedOut` for a timeout.
fn io_error(error: TransportError) -> io::Error {
    let kind = match &error {
        TransportError::ConnectTimeout { .. } | TransportError::WriteTimeout { .. } => {
            io::ErrorKind::TimedOut
        }
        other => std::error::Error::source(other)
            .and_then(|source| source.downcast_ref::<io::Error>())
            .map_or(io::ErrorKind::Other, io::Error::kind),
    };
    io::Error::new(kind, error)
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
                // Connected, so that the kernel looks the route up once, not
                // for every datagram (a fifth of a loopback send's cost).
                // Where there is no route yet, unconnected: the standard
                // handler is made all the same and each send fails.
                UdpSocket::bind(local).map(|socket| {
                    let connected = socket.connect(address).is_ok();
                    Inner::Udp {
                        socket,
                        to: address,
                        connected,
                    }
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

/// Sends one datagram on a connected UDP socket as an unconnected one
/// would. A connected socket learns of the ICMP "port unreachable" that an
/// earlier datagram drew, and its next send fails with `ECONNREFUSED`,
/// sending nothing; the standard handler's unconnected socket never hears
/// of it. So that error is taken as read and the datagram sent again (on
/// loopback the ICMP arrives during the send, so every send to a port
/// nobody serves meets one).
fn send_datagram(socket: &UdpSocket, data: &[u8]) -> io::Result<()> {
    send_datagram_with(socket.as_raw_fd(), data, 0)
}

/// `send_datagram` with `flags` for send(2).
fn send_datagram_with(descriptor: RawFd, data: &[u8], flags: libc::c_int) -> io::Result<()> {
    let mut refusals = 0;
    loop {
        // SAFETY: `data` is a live slice; the descriptor is open.
        let count = unsafe { libc::send(descriptor, data.as_ptr().cast(), data.len(), flags) };
        let result = if count < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        };
        match result {
            Ok(()) => return Ok(()),
            Err(error) if error.kind() == io::ErrorKind::ConnectionRefused && refusals < 2 => {
                refusals += 1;
            }
            Err(error) => return Err(error),
        }
    }
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
    use crate::wire::transport::test_server::{contains, pki, serve_once, trusting};
    use std::io::Read;
    use std::net::TcpListener;

    fn receiver() -> (UdpSocket, SyslogSocket) {
        let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let port = receiver.local_addr().unwrap().port();
        let socket =
            SyslogSocket::open_network("127.0.0.1", port, SocketType::Datagram, None).unwrap();
        (receiver, socket)
    }

    fn received(receiver: &UdpSocket) -> Vec<u8> {
        let mut buffer = vec![0u8; 1 << 17];
        let count = receiver.recv(&mut buffer).unwrap();
        buffer.truncate(count);
        buffer
    }

    #[test]
    fn an_oversized_udp_message_is_cut_to_the_largest_datagram_keeping_its_nul() {
        let (receiver, mut socket) = receiver();
        let mut message = b"<14>".to_vec();
        message.extend(std::iter::repeat_n(b'x', 70_000));
        message.push(0);
        assert_eq!(
            socket.send(&message).unwrap_err().raw_os_error(),
            Some(libc::EMSGSIZE)
        );
        assert!(socket.send_truncating(&message, true).unwrap());
        let datagram = received(&receiver);
        assert_eq!(datagram.len(), UDP_IPV4_LIMIT);
        assert_eq!(
            &datagram[..UDP_IPV4_LIMIT - 1],
            &message[..UDP_IPV4_LIMIT - 1]
        );
        assert_eq!(datagram.last(), Some(&0));
        // One that fits goes as it is.
        assert!(!socket.send_truncating(b"<14>short\0", true).unwrap());
        assert_eq!(received(&receiver), b"<14>short\0");
    }

    #[test]
    fn a_cut_never_splits_a_utf8_character() {
        let (receiver, mut socket) = receiver();
        // "é" is two bytes; after the 4-byte header the limit falls inside one.
        let mut message = b"<14>".to_vec();
        for _ in 0..40_000 {
            message.extend_from_slice("é".as_bytes());
        }
        assert!(socket.send_truncating(&message, false).unwrap());
        let datagram = received(&receiver);
        assert_eq!(datagram.len(), UDP_IPV4_LIMIT - 1);
        assert!(std::str::from_utf8(&datagram).is_ok());
        assert!(message.starts_with(&datagram));
    }

    #[test]
    fn an_oversized_unix_datagram_is_cut_to_the_send_buffer() {
        let (near, far) = UnixDatagram::pair().unwrap();
        let mut socket = SyslogSocket {
            inner: Inner::UnixDatagram(near),
            target: Target::Path(PathBuf::from("pair")),
            socket_type: SocketType::Datagram,
            timeout: None,
        };
        let limit = socket.datagram_limit().unwrap();
        let message = vec![b'u'; limit + 1000];
        assert!(socket.send_truncating(&message, false).unwrap());
        let mut buffer = vec![0u8; limit + 2000];
        let count = far.recv(&mut buffer).unwrap();
        assert_eq!(count, limit);
    }

    #[test]
    fn a_stream_error_is_not_truncated_away() {
        let mut socket = SyslogSocket::closed_unix(Path::new("nowhere"), SocketType::Datagram);
        let error = socket.send_truncating(b"<14>x", false).unwrap_err();
        assert_eq!(error.raw_os_error(), Some(libc::EBADF));
    }

    #[test]
    fn a_tls_socket_connects_only_when_asked_and_sends_encrypted() {
        let pki = pki();
        let (port, server) = serve_once(pki.server.clone());
        let mut socket = SyslogSocket::tls("localhost", port, trusting(&pki), None).unwrap();
        assert!(socket.is_closed() && socket.is_tls());
        assert_eq!(
            socket.send(b"x").unwrap_err().raw_os_error(),
            Some(libc::EBADF)
        );
        socket.reopen().unwrap();
        assert!(!socket.peer_closed());
        socket.send(b"<14>over tls\n").unwrap();
        socket.close();
        let served = server.join().unwrap();
        assert_eq!(served.error, None);
        assert_eq!(served.plaintext, b"<14>over tls\n");
        assert!(!contains(&served.raw, b"over tls"));
    }

    #[test]
    fn a_tls_server_nobody_vouches_for_is_refused_with_the_transport_error() {
        let server_pki = pki();
        let other = pki();
        let (port, server) = serve_once(server_pki.server.clone());
        let mut socket = SyslogSocket::tls("localhost", port, trusting(&other), None).unwrap();
        let error = socket.reopen().unwrap_err();
        let inner = error.get_ref().unwrap().downcast_ref::<TransportError>();
        assert!(
            matches!(inner, Some(TransportError::Handshake { .. })),
            "{error:?}"
        );
        assert!(socket.is_closed());
        let served = server.join().unwrap();
        assert!(served.plaintext.is_empty());
    }

    #[test]
    fn tls_settings_that_cannot_work_are_invalid_input() {
        let options = TlsOptions {
            extra_ca_pem: vec![b"not a certificate".to_vec()],
            ..TlsOptions::default()
        };
        let error = SyslogSocket::tls("localhost", 6514, options, None).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }

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
    fn a_udp_receiver_that_comes_back_gets_every_datagram_after_the_refusals() {
        let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        let mut socket =
            SyslogSocket::open_network("127.0.0.1", address.port(), SocketType::Datagram, None)
                .unwrap();
        socket.send(b"<14>lost\0").unwrap();
        socket.send(b"<14>lost too\0").unwrap();
        let receiver = UdpSocket::bind(address).unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        socket.send(b"<14>back\0").unwrap();
        assert_eq!(received(&receiver), b"<14>back\0");
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
