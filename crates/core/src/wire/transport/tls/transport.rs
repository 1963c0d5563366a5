//! A TLS session over a connected TCP socket: the handshake against one
//! deadline, whole frames against another.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use rustls::ClientConnection;

use crate::wire::transport::error::{is_timeout, Destination, TransportError};
use crate::wire::transport::stream::{peek, NoSignalWriter, Peek, TimedSocket};
use crate::wire::transport::{Kind, Timeouts, Transport};

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
    /// Completes the handshake on a connected socket before `deadline`; the
    /// transport exists only once the server is verified.
    pub(super) fn establish(
        socket: TcpStream,
        connection: ClientConnection,
        destination: Destination,
        timeouts: Timeouts,
        deadline: Instant,
        server_name: &str,
    ) -> Result<TlsTransport, TransportError> {
        let mut transport = TlsTransport {
            socket: TimedSocket::new(socket),
            connection,
            destination,
            write_timeout: timeouts.write,
        };
        transport.handshake(deadline, timeouts.connect, server_name)?;
        Ok(transport)
    }

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
            let mut taken = 0;
            if accepted < frame.len() {
                taken = self
                    .connection
                    .writer()
                    .write(&frame[accepted..])
                    .map_err(|source| write_error(&self.destination, accepted, source))?;
                accepted += taken;
            }
            if !self.connection.wants_write() {
                if accepted == frame.len() {
                    return Ok(());
                }
                // Nothing to push out and nothing taken: the session no
                // longer accepts data (it was closed); looping would spin.
                if taken == 0 {
                    return Err(write_error(
                        &self.destination,
                        accepted,
                        io::Error::from(io::ErrorKind::WriteZero),
                    ));
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

    fn receive(&mut self, buffer: &mut [u8], deadline: Instant) -> Result<usize, TransportError> {
        let read_error = |destination: &Destination, source| TransportError::Read {
            destination: destination.clone(),
            source,
        };
        loop {
            // What was decrypted already comes first; `WouldBlock` asks for
            // more from the socket, and 0 is the server's `close_notify`.
            match self.connection.reader().read(buffer) {
                Ok(count) => return Ok(count),
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                // The socket ended without `close_notify`: an end all the same.
                Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(error) => return Err(read_error(&self.destination, error)),
            }
            let armed = self
                .arm(deadline)
                .map_err(|source| read_error(&self.destination, source))?;
            if !armed {
                return Err(TransportError::ReadTimeout {
                    destination: self.destination.clone(),
                });
            }
            match self
                .connection
                .read_tls(&mut SocketReader(&self.socket.socket))
            {
                Ok(0) => return Ok(0),
                Ok(_) => {}
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) if is_timeout(&error) => {
                    return Err(TransportError::ReadTimeout {
                        destination: self.destination.clone(),
                    })
                }
                Err(error) => return Err(read_error(&self.destination, error)),
            }
            if let Err(error) = self.connection.process_new_packets() {
                return Err(read_error(&self.destination, io::Error::other(error)));
            }
        }
    }

    /// Sends `close_notify`, then reads what the server still sends until
    /// it closes too (within the write timeout). A socket closed with bytes
    /// unread (TLS 1.3 session tickets, the server's own `close_notify`) is
    /// reset instead of closed, and a reset can destroy the last frames
    /// before the server has read them.
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
        let _ = self.socket.socket.shutdown(Shutdown::Write);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero()
                || self
                    .socket
                    .socket
                    .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                    .is_err()
            {
                return;
            }
            match self
                .connection
                .read_tls(&mut SocketReader(&self.socket.socket))
            {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let Ok(state) = self.connection.process_new_packets() else {
                return;
            };
            let mut unread = vec![0u8; state.plaintext_bytes_to_read()];
            let _ = self.connection.reader().read_exact(&mut unread);
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
    use super::super::test_server::*;
    use super::super::TlsOptions;
    use crate::wire::transport::{Outcome, TransportError};
    use rustls::{ServerConnection, StreamOwned};
    use std::io::Read;
    use std::net::TcpListener;
    use std::thread;
    use std::time::Duration;

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

    #[test]
    fn a_server_that_never_answers_the_hello_times_the_connect_out() {
        let pki = pki();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let config =
            crate::wire::transport::TransportConfig::new(crate::wire::transport::Endpoint::Tls {
                host: "localhost".into(),
                port,
                tls: trusting(&pki),
            })
            .with_timeouts(crate::wire::transport::Timeouts {
                connect: Duration::from_millis(300),
                write: Duration::from_millis(300),
            });
        let connector = crate::wire::transport::Connector::new(config).unwrap();
        let started = std::time::Instant::now();
        let error = connector.connect().err().unwrap();
        let elapsed = started.elapsed();
        assert!(
            matches!(error, TransportError::ConnectTimeout { .. }),
            "{error:?}"
        );
        assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
        drop(listener);
    }

    #[test]
    fn a_server_that_stops_reading_times_the_write_out() {
        let pki = pki();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = pki.server.clone();
        let (release, wait_release) = std::sync::mpsc::channel::<()>();
        let server = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut tls = StreamOwned::new(ServerConnection::new(config).unwrap(), stream);
            let mut first = [0u8; 6];
            tls.read_exact(&mut first).unwrap();
            // Hold the connection without reading until the test is done.
            let _ = wait_release.recv_timeout(Duration::from_secs(10));
        });
        let config =
            crate::wire::transport::TransportConfig::new(crate::wire::transport::Endpoint::Tls {
                host: "localhost".into(),
                port,
                tls: trusting(&pki),
            })
            .with_timeouts(crate::wire::transport::Timeouts {
                connect: Duration::from_secs(2),
                write: Duration::from_millis(300),
            });
        let connector = crate::wire::transport::Connector::new(config).unwrap();
        let mut transport = connector.connect().unwrap();
        transport.send(b"hello\n").unwrap();
        let started = std::time::Instant::now();
        let error = transport.send(&vec![0u8; 64 << 20]).err().unwrap();
        assert!(
            matches!(error, TransportError::WriteTimeout { .. }),
            "{error:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        release.send(()).unwrap();
        server.join().unwrap();
    }

    #[test]
    fn a_server_that_speaks_only_tls_1_2_is_reached() {
        let pki = pki();
        let server_config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
            super::super::ring_provider(),
        ))
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![pki.leaf.clone()], pki.key.clone_key())
        .unwrap();
        let (port, server) = serve_once(std::sync::Arc::new(server_config));
        let mut connection = connection("localhost", port, trusting(&pki));
        assert!(matches!(connection.send(b"over 1.2\n"), Outcome::Sent));
        connection.close();
        let served = server.join().unwrap();
        assert_eq!(served.error, None);
        assert_eq!(served.plaintext, b"over 1.2\n");
    }
}
