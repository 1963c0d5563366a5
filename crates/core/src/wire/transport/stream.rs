//! What the stream transports share: writing a whole frame against one
//! deadline, and looking whether the receiver has gone.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use super::error::{is_timeout, Destination, TransportError};
use super::{FramesFailure, Kind, Timeouts, Transport};

/// A connected stream socket whose send timeout is set only when it
/// changes (one `setsockopt` saved on every frame that goes in one write).
pub(crate) struct TimedSocket<S> {
    pub socket: S,
    timeout: Option<Duration>,
}

/// What `TimedSocket` needs of a socket; both std stream sockets have it.
pub(crate) trait SendTimeout: AsRawFd {
    fn set_send_timeout(&self, timeout: Option<Duration>) -> io::Result<()>;

    fn set_receive_timeout(&self, timeout: Option<Duration>) -> io::Result<()>;
}

impl SendTimeout for std::net::TcpStream {
    fn set_send_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_write_timeout(timeout)
    }

    fn set_receive_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_read_timeout(timeout)
    }
}

impl SendTimeout for std::os::unix::net::UnixStream {
    fn set_send_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_write_timeout(timeout)
    }

    fn set_receive_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.set_read_timeout(timeout)
    }
}

/// A connected stream socket as a transport: TCP and Unix stream sockets
/// differ only in how they connect (`tcp.rs`, `unix.rs`).
pub(crate) struct StreamTransport<S> {
    socket: TimedSocket<S>,
    destination: Destination,
    write_timeout: Duration,
}

impl<S: SendTimeout> StreamTransport<S> {
    pub fn new(socket: S, destination: Destination, timeouts: Timeouts) -> StreamTransport<S> {
        StreamTransport {
            socket: TimedSocket::new(socket),
            destination,
            write_timeout: timeouts.write,
        }
    }
}

impl<S: SendTimeout + Send> Transport for StreamTransport<S> {
    fn send(&mut self, frame: &[u8]) -> Result<(), TransportError> {
        self.socket.write_frames(
            frame,
            0,
            &[frame.len()],
            self.write_timeout,
            &self.destination,
        )
    }

    /// The frames in as few system calls as the kernel allows: a batch is
    /// one buffer, cut only where the socket's buffer is full.
    fn send_frames(
        &mut self,
        bytes: &[u8],
        start: usize,
        ends: &[usize],
    ) -> Result<(), FramesFailure> {
        self.socket
            .write_frames(bytes, start, ends, self.write_timeout, &self.destination)
            .map_err(|error| FramesFailure::after_bytes(error, start, ends))
    }

    fn peer_closed(&mut self) -> bool {
        peek(self.socket.socket.as_raw_fd()) == Peek::Closed
    }

    fn receive(&mut self, buffer: &mut [u8], deadline: Instant) -> Result<usize, TransportError> {
        let read_error = |source| TransportError::Read {
            destination: self.destination.clone(),
            source,
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TransportError::ReadTimeout {
                    destination: self.destination.clone(),
                });
            }
            self.socket
                .socket
                .set_receive_timeout(Some(left))
                .map_err(read_error)?;
            // SAFETY: `buffer` is valid and writable for its length.
            let count = unsafe {
                libc::recv(
                    self.socket.socket.as_raw_fd(),
                    buffer.as_mut_ptr().cast(),
                    buffer.len(),
                    0,
                )
            };
            if count >= 0 {
                return Ok(count as usize);
            }
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            if is_timeout(&error) {
                return Err(TransportError::ReadTimeout {
                    destination: self.destination.clone(),
                });
            }
            return Err(read_error(error));
        }
    }

    fn close(&mut self) {
        finish(self.socket.socket.as_raw_fd());
    }

    fn kind(&self) -> Kind {
        Kind::Stream
    }

    fn destination(&self) -> &Destination {
        &self.destination
    }
}

impl<S: SendTimeout> TimedSocket<S> {
    pub fn new(socket: S) -> TimedSocket<S> {
        TimedSocket {
            socket,
            timeout: None,
        }
    }

    /// Sets the send timeout to what is left before `deadline`; `false`
    /// once nothing is left.
    pub fn arm(&mut self, deadline: Instant) -> io::Result<bool> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        // A timeout within a millisecond of the one set is kept: the kernel
        // counts in jiffies anyway.
        let close_enough = self
            .timeout
            .is_some_and(|set| set.abs_diff(left) < Duration::from_millis(1));
        if !close_enough {
            self.socket.set_send_timeout(Some(left))?;
            self.timeout = Some(left);
        }
        Ok(true)
    }

    /// Writes `bytes[start..]`, frames ending at `ends` (the last one at
    /// the end of `bytes`). The write timeout bounds each frame: the
    /// deadline moves on whenever a frame has been written whole, so a slow
    /// receiver that keeps reading is not cut off in the middle of a large
    /// batch, and one that reads nothing costs one timeout.
    pub fn write_frames(
        &mut self,
        bytes: &[u8],
        start: usize,
        ends: &[usize],
        timeout: Duration,
        destination: &Destination,
    ) -> Result<(), TransportError> {
        let end = ends.last().copied().unwrap_or(start);
        let mut deadline = Instant::now() + timeout;
        let mut next_end = 0;
        let mut written = start;
        // `written` and `length` in errors count from `start`.
        let write_error = |written: usize, source: io::Error| TransportError::Write {
            destination: destination.clone(),
            written: written - start,
            length: end - start,
            source,
        };
        while written < end {
            let armed = self
                .arm(deadline)
                .map_err(|source| write_error(written, source))?;
            let result = if armed {
                send_no_signal(self.socket.as_raw_fd(), &bytes[written..end])
            } else {
                Err(io::Error::from(io::ErrorKind::TimedOut))
            };
            match result {
                Ok(0) => return Err(write_error(written, io::ErrorKind::WriteZero.into())),
                Ok(count) => {
                    written += count;
                    let before = next_end;
                    while next_end < ends.len() && ends[next_end] <= written {
                        next_end += 1;
                    }
                    if next_end != before && written < end {
                        deadline = Instant::now() + timeout;
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) if is_timeout(&error) => {
                    return Err(TransportError::WriteTimeout {
                        destination: destination.clone(),
                        written: written - start,
                        length: end - start,
                        timeout,
                    })
                }
                Err(source) => return Err(write_error(written, source)),
            }
        }
        Ok(())
    }
}

/// `send(2)` without SIGPIPE: a receiver that went away must give an
/// `EPIPE` error, not kill a process that has not ignored the signal.
pub(crate) fn send_no_signal(fd: RawFd, bytes: &[u8]) -> io::Result<usize> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let flags = libc::MSG_NOSIGNAL;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let flags = 0;
    // SAFETY: `bytes` is valid for its length; the kernel only reads it.
    let count = unsafe { libc::send(fd, bytes.as_ptr().cast(), bytes.len(), flags) };
    if count < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(count as usize)
    }
}

/// What a look at the socket, without blocking, finds.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Peek {
    /// Nothing to read: the connection is up as far as we can tell.
    Quiet,
    /// The receiver sent bytes (a log receiver normally sends none; TLS
    /// sends session tickets and alerts).
    Data,
    /// End of stream or an error (a reset): the receiver has gone.
    Closed,
}

pub(crate) fn peek(fd: RawFd) -> Peek {
    let mut byte = 0u8;
    loop {
        // SAFETY: one writable byte; MSG_PEEK leaves it in the socket.
        let count = unsafe {
            libc::recv(
                fd,
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        if count > 0 {
            return Peek::Data;
        }
        if count == 0 {
            return Peek::Closed;
        }
        let error = io::Error::last_os_error();
        match error.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return Peek::Quiet,
            _ => return Peek::Closed,
        }
    }
}

/// Ends the sending half (the receiver reads the end of the stream after
/// the last frame) and discards what the receiver sent and nobody read: a
/// socket closed with unread bytes is reset, and a reset can destroy frames
/// the receiver has not read yet.
pub(crate) fn finish(fd: RawFd) {
    // SAFETY: shutdown and non-blocking reads on a socket we own.
    unsafe {
        libc::shutdown(fd, libc::SHUT_WR);
        let mut discard = [0u8; 4096];
        while libc::recv(
            fd,
            discard.as_mut_ptr().cast(),
            discard.len(),
            libc::MSG_DONTWAIT,
        ) > 0
        {}
    }
}

/// A `Write` over a socket that uses `send_no_signal`, for rustls.
pub(crate) struct NoSignalWriter(pub RawFd);

impl io::Write for NoSignalWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        send_no_signal(self.0, bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
