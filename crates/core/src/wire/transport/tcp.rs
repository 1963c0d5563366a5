//! TCP: every address of the host is tried in turn, within one connect
//! timeout for them all.

use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::error::{is_timeout, Destination, TransportError};
use super::stream::StreamTransport;
use super::Timeouts;

/// The addresses of `host`, found before `deadline`.
///
/// The system resolver has no timeout of its own that we can set, so it
/// runs on a short-lived thread and is abandoned (it finishes on its own)
/// when the deadline comes: a worker is never held longer than its connect
/// timeout by a slow name server.
pub(crate) fn resolve(
    destination: &Destination,
    host: &str,
    port: u16,
    deadline: Instant,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, TransportError> {
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(address) = literal.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(address, port)]);
    }
    let (sender, receiver) = mpsc::channel();
    let name = host.to_owned();
    thread::Builder::new()
        .name("femtologging-resolve".into())
        .spawn(move || {
            let found = (name.as_str(), port)
                .to_socket_addrs()
                .map(|addresses| addresses.collect::<Vec<_>>());
            let _ = sender.send(found);
        })
        .map_err(|source| TransportError::Resolve {
            destination: destination.clone(),
            source,
        })?;
    match receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(addresses)) if addresses.is_empty() => Err(TransportError::NoAddress {
            destination: destination.clone(),
        }),
        Ok(Ok(addresses)) => Ok(addresses),
        Ok(Err(source)) => Err(TransportError::Resolve {
            destination: destination.clone(),
            source,
        }),
        Err(_) => Err(TransportError::ConnectTimeout {
            destination: destination.clone(),
            timeout,
        }),
    }
}

/// A TCP connection to one of `host`'s addresses, made within `timeout`.
///
/// Each address gets an equal share of what is left, so that one that
/// never answers (an IPv6 address with no route, say) leaves time for the
/// others while the whole stays within the timeout.
pub(crate) fn connect_tcp(
    destination: &Destination,
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<TcpStream, TransportError> {
    let deadline = Instant::now() + timeout;
    let addresses = resolve(destination, host, port, deadline, timeout)?;
    connect_in_turn(destination, &addresses, deadline, timeout)
}

fn connect_in_turn(
    destination: &Destination,
    addresses: &[SocketAddr],
    deadline: Instant,
    timeout: Duration,
) -> Result<TcpStream, TransportError> {
    let mut last_error = None;
    for (index, address) in addresses.iter().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let share = left / (addresses.len() - index) as u32;
        match TcpStream::connect_timeout(address, share.max(Duration::from_millis(1))) {
            Ok(stream) => return Ok(stream),
            Err(error) => last_error = Some((*address, error)),
        }
    }
    Err(match last_error {
        Some((address, source)) if !is_timeout(&source) => TransportError::Connect {
            destination: destination.clone(),
            address: address.to_string(),
            source,
        },
        _ => TransportError::ConnectTimeout {
            destination: destination.clone(),
            timeout,
        },
    })
}

pub(crate) type TcpTransport = StreamTransport<TcpStream>;

impl TcpTransport {
    pub fn connect(
        destination: Destination,
        host: &str,
        port: u16,
        timeouts: Timeouts,
    ) -> Result<TcpTransport, TransportError> {
        let stream = connect_tcp(&destination, host, port, timeouts.connect)?;
        // A frame is a whole record: waiting to coalesce it with the next
        // one only delays the log line.
        stream
            .set_nodelay(true)
            .map_err(|source| TransportError::Setup {
                destination: destination.clone(),
                step: "set_nodelay",
                source,
            })?;
        Ok(StreamTransport::new(stream, destination, timeouts))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::transport::Transport;
    use std::io::Read;
    use std::net::TcpListener;
    use std::os::fd::AsRawFd;

    pub(crate) fn destination(port: u16) -> Destination {
        Destination::Network {
            host: "127.0.0.1".into(),
            port,
        }
    }

    fn timeouts(milliseconds: u64) -> Timeouts {
        Timeouts {
            connect: Duration::from_millis(milliseconds),
            write: Duration::from_millis(milliseconds),
        }
    }

    /// A listener whose accept queue holds nothing more: Linux drops the
    /// SYNs of further connections, which then wait for their timeout.
    pub(crate) fn full_listener() -> (TcpListener, Vec<TcpStream>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        // SAFETY: a listening socket we own; listen again to shrink its backlog.
        assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
        let address = listener.local_addr().unwrap();
        let mut fillers = Vec::new();
        for _ in 0..8 {
            match TcpStream::connect_timeout(&address, Duration::from_millis(100)) {
                Ok(stream) => fillers.push(stream),
                Err(_) => break,
            }
        }
        (listener, fillers)
    }

    #[test]
    fn frames_arrive_whole_and_in_order() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let reader = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut received = Vec::new();
            stream.read_to_end(&mut received).unwrap();
            received
        });
        let mut transport =
            TcpTransport::connect(destination(port), "127.0.0.1", port, timeouts(2000)).unwrap();
        let large = vec![b'x'; 1 << 20];
        transport.send(b"first").unwrap();
        transport.send(&large).unwrap();
        transport.send(b"last").unwrap();
        assert!(!transport.peer_closed());
        drop(transport);
        let received = reader.join().unwrap();
        assert_eq!(received.len(), 5 + large.len() + 4);
        assert!(received.starts_with(b"firstxxx"));
        assert!(received.ends_with(b"xxxlast"));
    }

    #[test]
    fn a_host_name_is_resolved() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let destination = Destination::Network {
            host: "localhost".into(),
            port,
        };
        // Should "localhost" give ::1 first, it is refused and 127.0.0.1 is tried.
        let mut transport =
            TcpTransport::connect(destination, "localhost", port, timeouts(2000)).unwrap();
        transport.send(b"by name").unwrap();
        drop(transport);
        let (mut stream, _) = listener.accept().unwrap();
        let mut received = Vec::new();
        stream.read_to_end(&mut received).unwrap();
        assert_eq!(received, b"by name");
    }

    #[test]
    fn a_name_that_does_not_resolve_is_an_error_naming_it() {
        let destination = Destination::Network {
            host: "nothing-here.invalid".into(),
            port: 9020,
        };
        let error = TcpTransport::connect(
            destination,
            "nothing-here.invalid",
            9020,
            Timeouts::default(),
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
        assert!(
            error.to_string().contains("nothing-here.invalid:9020"),
            "{error}"
        );
    }

    #[test]
    fn a_refused_connection_names_the_address() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let error = TcpTransport::connect(destination(port), "127.0.0.1", port, timeouts(1000))
            .err()
            .unwrap();
        let TransportError::Connect {
            address, source, ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(address, &format!("127.0.0.1:{port}"));
        assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn a_listener_that_never_accepts_times_the_connect_out() {
        let (listener, _fillers) = full_listener();
        let port = listener.local_addr().unwrap().port();
        let started = Instant::now();
        let error = TcpTransport::connect(destination(port), "127.0.0.1", port, timeouts(300))
            .err()
            .unwrap();
        let elapsed = started.elapsed();
        assert!(
            matches!(error, TransportError::ConnectTimeout { .. }),
            "{error:?}"
        );
        assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    }

    #[test]
    fn an_address_that_never_answers_leaves_time_for_the_next() {
        let (silent, _fillers) = full_listener();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addresses = [silent.local_addr().unwrap(), listener.local_addr().unwrap()];
        let timeout = Duration::from_millis(600);
        let started = Instant::now();
        let stream = connect_in_turn(
            &destination(addresses[1].port()),
            &addresses,
            started + timeout,
            timeout,
        )
        .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(stream.peer_addr().unwrap(), addresses[1]);
        // The silent address had half of the timeout.
        assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
        // Within the timeout, give or take a busy machine's scheduling.
        assert!(
            elapsed < timeout + Duration::from_millis(300),
            "{elapsed:?}"
        );
    }

    #[test]
    fn ipv6_loopback_works_where_the_machine_has_it() {
        // A machine (or container) without IPv6 cannot bind ::1; nothing to prove there.
        let Ok(listener) = TcpListener::bind("[::1]:0") else {
            return;
        };
        let port = listener.local_addr().unwrap().port();
        let destination = Destination::Network {
            host: "::1".into(),
            port,
        };
        let mut transport =
            TcpTransport::connect(destination, "[::1]", port, timeouts(1000)).unwrap();
        transport.send(b"over v6").unwrap();
        drop(transport);
        let (mut stream, _) = listener.accept().unwrap();
        let mut received = Vec::new();
        stream.read_to_end(&mut received).unwrap();
        assert_eq!(received, b"over v6");
    }

    #[test]
    fn a_receiver_that_never_reads_times_the_write_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut transport =
            TcpTransport::connect(destination(port), "127.0.0.1", port, timeouts(300)).unwrap();
        let (_held, _) = listener.accept().unwrap();
        // Far more than both socket buffers hold.
        let frame = vec![0u8; 64 << 20];
        let started = Instant::now();
        let error = transport.send(&frame).err().unwrap();
        let elapsed = started.elapsed();
        let TransportError::WriteTimeout {
            written, length, ..
        } = error
        else {
            panic!("{error:?}");
        };
        assert!(written > 0 && written < length, "{written} of {length}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    }

    #[test]
    fn close_leaves_nothing_unread_so_the_last_frames_are_not_reset_away() {
        use std::io::Write;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (ready, wait_ready) = std::sync::mpsc::channel();
        let reader = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            // A receiver that talks back (a greeting, a TLS ticket).
            stream.write_all(b"unexpected").unwrap();
            ready.send(()).unwrap();
            // Read only once the sender has closed.
            thread::sleep(Duration::from_millis(200));
            let mut received = Vec::new();
            stream.read_to_end(&mut received).map(|_| received)
        });
        let mut transport =
            TcpTransport::connect(destination(port), "127.0.0.1", port, timeouts(1000)).unwrap();
        wait_ready.recv().unwrap();
        thread::sleep(Duration::from_millis(20));
        transport.send(b"last words").unwrap();
        transport.close();
        drop(transport);
        assert_eq!(reader.join().unwrap().unwrap(), b"last words");
    }

    #[test]
    fn a_closed_receiver_is_seen_before_the_next_frame() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut transport =
            TcpTransport::connect(destination(port), "127.0.0.1", port, timeouts(1000)).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert!(!transport.peer_closed());
        drop(accepted);
        let started = Instant::now();
        while !transport.peer_closed() {
            assert!(started.elapsed() < Duration::from_secs(2));
            thread::sleep(Duration::from_millis(5));
        }
    }
}
