//! Unix stream and datagram sockets, by path (the local syslog's
//! `/dev/log`, a collector's socket).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::Path;
use std::time::Duration;

use super::error::{is_timeout, Destination, TransportError};
use super::stream::StreamTransport;
use super::udp::DatagramTransport;
use super::Timeouts;

/// Connects within `timeout`. std's `UnixStream::connect` blocks without
/// limit on a listener whose backlog is full; Linux bounds that wait by the
/// socket's send timeout, which can only be set on a socket made by hand.
fn connect_stream(
    destination: &Destination,
    path: &Path,
    timeout: Duration,
) -> Result<UnixStream, TransportError> {
    let failed = |source: io::Error| TransportError::Connect {
        destination: destination.clone(),
        address: path.display().to_string(),
        source,
    };
    // SAFETY: an all-zero sockaddr_un is a valid (empty) address.
    let mut address: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    address.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.as_os_str().as_bytes();
    // The path must leave room for its terminating NUL.
    if bytes.len() >= address.sun_path.len() {
        return Err(failed(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the socket path is too long",
        )));
    }
    for (slot, byte) in address.sun_path.iter_mut().zip(bytes) {
        *slot = *byte as libc::c_char;
    }
    let length = std::mem::offset_of!(libc::sockaddr_un, sun_path) + bytes.len() + 1;

    // SAFETY: plain socket creation; the descriptor is owned at once.
    let descriptor =
        unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if descriptor < 0 {
        return Err(failed(io::Error::last_os_error()));
    }
    // SAFETY: a fresh descriptor nobody else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(descriptor) };
    // A zero timeval means "no timeout" to the kernel.
    let timeout = timeout.max(Duration::from_millis(1));
    let timeval = libc::timeval {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_usec: timeout.subsec_micros() as libc::suseconds_t,
    };
    // SAFETY: a valid timeval of the size given.
    let set = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            (&timeval as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if set != 0 {
        return Err(failed(io::Error::last_os_error()));
    }
    loop {
        // SAFETY: `address` is a filled sockaddr_un of `length` bytes.
        let result = unsafe {
            libc::connect(
                socket.as_raw_fd(),
                (&address as *const libc::sockaddr_un).cast(),
                length as libc::socklen_t,
            )
        };
        if result == 0 {
            return Ok(UnixStream::from(socket));
        }
        let error = io::Error::last_os_error();
        match error.kind() {
            io::ErrorKind::Interrupted => continue,
            _ if is_timeout(&error) => {
                return Err(TransportError::ConnectTimeout {
                    destination: destination.clone(),
                    timeout,
                })
            }
            _ => return Err(failed(error)),
        }
    }
}

pub(crate) type UnixStreamTransport = StreamTransport<UnixStream>;

impl UnixStreamTransport {
    pub fn connect(
        destination: Destination,
        path: &Path,
        timeouts: Timeouts,
    ) -> Result<UnixStreamTransport, TransportError> {
        let stream = connect_stream(&destination, path, timeouts.connect)?;
        Ok(StreamTransport::new(stream, destination, timeouts))
    }
}

pub(crate) type UnixDatagramTransport = DatagramTransport<UnixDatagram>;

impl UnixDatagramTransport {
    pub fn connect(
        destination: Destination,
        path: &Path,
        timeouts: Timeouts,
    ) -> Result<UnixDatagramTransport, TransportError> {
        let failed = |source| TransportError::Connect {
            destination: destination.clone(),
            address: path.display().to_string(),
            source,
        };
        let socket = UnixDatagram::unbound().map_err(failed)?;
        socket.connect(path).map_err(failed)?;
        // A receiver whose queue is full makes a datagram send wait.
        socket
            .set_write_timeout(Some(timeouts.write.max(Duration::from_millis(1))))
            .map_err(|source| TransportError::Setup {
                destination: destination.clone(),
                step: "set_write_timeout",
                source,
            })?;
        Ok(DatagramTransport::new(socket, destination, timeouts))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::transport::{Kind, Transport};
    use std::io::Read;
    use std::os::unix::net::UnixListener;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;
    use std::time::Instant;

    /// A fresh directory under the system's temporary one, removed on drop.
    pub(crate) struct TempDirectory(pub PathBuf);

    impl TempDirectory {
        pub fn new() -> TempDirectory {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "femto-transport-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&path).unwrap();
            TempDirectory(path)
        }
    }

    impl Drop for TempDirectory {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn timeouts(milliseconds: u64) -> Timeouts {
        Timeouts {
            connect: Duration::from_millis(milliseconds),
            write: Duration::from_millis(milliseconds),
        }
    }

    #[test]
    fn stream_frames_arrive_in_order() {
        let directory = TempDirectory::new();
        let path = directory.0.join("log.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let reader = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut received = Vec::new();
            stream.read_to_end(&mut received).unwrap();
            received
        });
        let destination = Destination::Path(path.clone());
        let mut transport =
            UnixStreamTransport::connect(destination, &path, timeouts(1000)).unwrap();
        transport.send(b"one\n").unwrap();
        transport.send(b"two\n").unwrap();
        assert_eq!(transport.kind(), Kind::Stream);
        drop(transport);
        assert_eq!(reader.join().unwrap(), b"one\ntwo\n");
    }

    #[test]
    fn a_missing_socket_is_an_error_naming_the_path() {
        let directory = TempDirectory::new();
        let path = directory.0.join("absent.sock");
        let error =
            UnixStreamTransport::connect(Destination::Path(path.clone()), &path, timeouts(500))
                .err()
                .unwrap();
        assert!(matches!(error, TransportError::Connect { .. }), "{error:?}");
        assert!(error.to_string().contains("absent.sock"), "{error}");
    }

    #[test]
    fn a_full_backlog_times_the_connect_out() {
        let directory = TempDirectory::new();
        let path = directory.0.join("full.sock");
        let listener = UnixListener::bind(&path).unwrap();
        // SAFETY: a listening socket we own; listen again to shrink its backlog.
        assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
        let mut fillers = Vec::new();
        let started = Instant::now();
        let error = loop {
            match connect_stream(
                &Destination::Path(path.clone()),
                &path,
                Duration::from_millis(300),
            ) {
                Ok(stream) => fillers.push(stream),
                Err(error) => break error,
            }
            assert!(fillers.len() < 8, "the backlog never filled");
        };
        let elapsed = started.elapsed();
        assert!(
            matches!(error, TransportError::ConnectTimeout { .. }),
            "{error:?}"
        );
        assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    }

    #[test]
    fn a_stream_receiver_that_never_reads_times_the_write_out() {
        let directory = TempDirectory::new();
        let path = directory.0.join("slow.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let mut transport =
            UnixStreamTransport::connect(Destination::Path(path.clone()), &path, timeouts(300))
                .unwrap();
        let (_held, _) = listener.accept().unwrap();
        let started = Instant::now();
        let error = transport.send(&vec![0u8; 16 << 20]).err().unwrap();
        assert!(
            matches!(error, TransportError::WriteTimeout { .. }),
            "{error:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn datagrams_arrive_one_per_frame_and_an_oversized_one_is_reported() {
        let directory = TempDirectory::new();
        let path = directory.0.join("log.dgram");
        let receiver = UnixDatagram::bind(&path).unwrap();
        let mut transport =
            UnixDatagramTransport::connect(Destination::Path(path.clone()), &path, timeouts(500))
                .unwrap();
        transport.send(b"<13>first").unwrap();
        transport.send(b"<13>second").unwrap();
        let mut buffer = [0u8; 64];
        let count = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..count], b"<13>first");
        let count = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..count], b"<13>second");

        let error = transport.send(&vec![0u8; 8 << 20]).err().unwrap();
        assert!(
            matches!(error, TransportError::Oversized { length, .. } if length == 8 << 20),
            "{error:?}"
        );
        transport.send(b"<13>after").unwrap();
        let count = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..count], b"<13>after");
    }

    #[test]
    fn a_datagram_receiver_that_never_reads_times_the_send_out() {
        let directory = TempDirectory::new();
        let path = directory.0.join("full.dgram");
        let _receiver = UnixDatagram::bind(&path).unwrap();
        let mut transport =
            UnixDatagramTransport::connect(Destination::Path(path.clone()), &path, timeouts(200))
                .unwrap();
        // The receiver's queue holds a bounded number of datagrams; then a
        // send waits, for the write timeout at most.
        let mut sent = 0;
        let error = loop {
            let started = Instant::now();
            match transport.send(&[b'x'; 1024]) {
                Ok(()) => sent += 1,
                Err(error) => {
                    assert!(started.elapsed() < Duration::from_secs(1));
                    break error;
                }
            }
            assert!(sent < 100_000, "the queue never filled");
        };
        assert!(
            matches!(error, TransportError::WriteTimeout { written: 0, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_datagram_receiver_that_is_gone_is_an_error() {
        let directory = TempDirectory::new();
        let path = directory.0.join("gone.dgram");
        let receiver = UnixDatagram::bind(&path).unwrap();
        let mut transport =
            UnixDatagramTransport::connect(Destination::Path(path.clone()), &path, timeouts(500))
                .unwrap();
        drop(receiver);
        let error = transport.send(b"lost").err().unwrap();
        assert!(matches!(error, TransportError::Write { .. }), "{error:?}");
        assert!(error.to_string().contains("gone.dgram"), "{error}");
    }
}
