//! A transport that comes back: connects on the first frame, reconnects
//! after a loss as the backoff allows, and tells its worker what became of
//! each frame.
//!
//! What the worker can rely on:
//! - A frame is `Sent` once: nothing reported sent is ever written again.
//!   For a stream, "sent" means handed whole to the kernel (see the
//!   module's notes): a receiver that dies holding unread bytes loses them,
//!   as with any plain TCP logging protocol.
//! - A frame that is not sent comes back as `Later` (keep it, send it again
//!   first) or `Expired` / `Rejected` (drop it and count it): never lost
//!   without a word. A stream that took part of a frame before failing is
//!   dropped, so the receiver sees that part cut off by the end of its
//!   connection and the frame arrives whole on the next one.
//! - One `send` blocks for at most one connect timeout (resolution, every
//!   address, the TLS handshake) plus one write timeout.

use std::time::{Duration, Instant};

use super::backoff::{Backoff, BackoffPolicy, Jitter};
use super::error::TransportError;
use super::{Connector, FramesFailure, Transport, TransportConfig};

/// Where a connection reads the time (the backoff's delays and deadline);
/// tests move it by hand.
pub trait Clock: Send {
    fn now(&self) -> Instant;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// What became of a frame.
#[derive(Debug)]
pub enum Outcome {
    Sent,
    /// Not sent: send this frame again, before any later one, after
    /// `retry_in` (zero: at once, on a new connection). `error` is the
    /// failure of this call's attempt, if it made one.
    Later {
        retry_in: Duration,
        error: Option<TransportError>,
    },
    /// Not sent, and no connection (none that carried a frame) for longer
    /// than the deadline: drop the frame and count it. Later frames still
    /// try to connect when the backoff allows.
    Expired {
        error: Option<TransportError>,
    },
    /// This frame can never be sent (a datagram too large): drop it and
    /// count it. The connection is unharmed.
    Rejected(TransportError),
}

/// One destination, connected as needed; driven by one thread.
///
/// ```
/// use std::io::Read;
/// use std::net::TcpListener;
/// use std::time::Duration;
/// use femtologging_core::wire::transport::{
///     BackoffPolicy, Connection, Endpoint, Outcome, TransportConfig,
/// };
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let port = listener.local_addr().unwrap().port();
/// let endpoint = Endpoint::Tcp { host: "127.0.0.1".into(), port };
/// let mut connection =
///     Connection::new(TransportConfig::new(endpoint), BackoffPolicy::default()).unwrap();
///
/// let mut dropped = 0;
/// for frame in [&b"one\n"[..], &b"two\n"[..]] {
///     loop {
///         match connection.send(frame) {
///             Outcome::Sent => break,
///             // A worker keeps the frame first in line and waits.
///             Outcome::Later { retry_in, .. } => std::thread::sleep(retry_in),
///             Outcome::Expired { .. } | Outcome::Rejected(_) => {
///                 dropped += 1;
///                 break;
///             }
///         }
///     }
/// }
/// connection.close();
///
/// let (mut stream, _) = listener.accept().unwrap();
/// let mut received = String::new();
/// stream.read_to_string(&mut received).unwrap();
/// assert_eq!((received.as_str(), dropped), ("one\ntwo\n", 0));
/// ```
pub struct Connection<C: Clock = SystemClock> {
    connector: Connector,
    backoff: Backoff,
    clock: C,
    transport: Option<Box<dyn Transport>>,
    /// Whether the transport has sent a frame: only then does it count as a
    /// connection for the backoff (see `lose`).
    delivered: bool,
    /// When the next connection attempt may be made; `None`: now.
    next_attempt: Option<Instant>,
}

impl Connection<SystemClock> {
    /// Prepares the connection (the TLS settings are checked here); it is
    /// made when the first frame is sent.
    pub fn new(
        config: TransportConfig,
        policy: BackoffPolicy,
    ) -> Result<Connection<SystemClock>, TransportError> {
        Ok(Connection::with_parts(
            Connector::new(config)?,
            Backoff::new(policy, Jitter::random()),
            SystemClock,
        ))
    }
}

impl<C: Clock> Connection<C> {
    pub fn with_parts(connector: Connector, backoff: Backoff, clock: C) -> Connection<C> {
        Connection {
            connector,
            backoff,
            clock,
            transport: None,
            delivered: false,
            next_attempt: None,
        }
    }

    pub fn send(&mut self, frame: &[u8]) -> Outcome {
        match self.send_frames(frame, 0, &[frame.len()]) {
            (_, Some(outcome)) => outcome,
            (_, None) => Outcome::Sent,
        }
    }

    /// Sends the frames laid end to end in `bytes` from `start`, the first
    /// ending at `ends[0]` and each next one at the next end, in order and
    /// on one connection (a stream takes them in as few system calls as it
    /// can). Returns how many of them, from the first, were sent, and when
    /// that is not all, what became of the next one, as `send` would say
    /// (never `Sent`); the frames after it were not tried.
    ///
    /// A frame written whole is sent, even when the write failed after it,
    /// and is never written again; a frame the failure cut is sent again
    /// whole, first, on the next connection. Whether the receiver closed the
    /// connection is looked at once, before the first frame.
    pub fn send_frames(
        &mut self,
        bytes: &[u8],
        start: usize,
        ends: &[usize],
    ) -> (usize, Option<Outcome>) {
        if ends.is_empty() {
            return (0, None);
        }
        if let Some(transport) = &mut self.transport {
            // A receiver that closed (restarted, timed us out) would take
            // these frames into the dead connection's buffer and lose them.
            if transport.peer_closed() {
                self.lose(self.clock.now());
            }
        }
        if self.transport.is_none() {
            if let Err(outcome) = self.connect() {
                return (0, Some(outcome));
            }
        }
        let transport = self.transport.as_mut().expect("connected above");
        match transport.send_frames(bytes, start, ends) {
            Ok(()) => {
                self.carried_frames();
                (ends.len(), None)
            }
            Err(FramesFailure { sent, error }) => {
                if sent > 0 {
                    self.carried_frames();
                }
                if let TransportError::Oversized { .. } = error {
                    return (sent, Some(Outcome::Rejected(error)));
                }
                let now = self.clock.now();
                let retry_in = self.lose(now);
                (sent, Some(self.waiting(now, retry_in, Some(error))))
            }
        }
    }

    /// The transport has sent a frame: it counts as a connection for the
    /// backoff from now on.
    fn carried_frames(&mut self) {
        if !self.delivered {
            self.delivered = true;
            self.backoff.connected(self.clock.now());
        }
    }

    /// Flushes the transport, if connected; a failure drops it.
    pub fn flush(&mut self) -> Result<(), TransportError> {
        let Some(transport) = &mut self.transport else {
            return Ok(());
        };
        let result = transport.flush();
        if result.is_err() {
            self.lose(self.clock.now());
        }
        result
    }

    /// Closes the connection (see `Transport::close`); a later `send` opens
    /// a new one. Dropping the connection closes it too.
    pub fn close(&mut self) {
        if let Some(mut transport) = self.transport.take() {
            transport.close();
        }
    }

    pub fn is_connected(&self) -> bool {
        self.transport.is_some()
    }

    pub fn backoff(&self) -> &Backoff {
        &self.backoff
    }

    pub fn connector(&self) -> &Connector {
        &self.connector
    }

    fn connect(&mut self) -> Result<(), Outcome> {
        let now = self.clock.now();
        if let Some(at) = self.next_attempt {
            if now < at {
                return Err(self.waiting(now, at - now, None));
            }
        }
        match self.connector.connect() {
            Ok(transport) => {
                self.transport = Some(transport);
                self.delivered = false;
                self.next_attempt = None;
                Ok(())
            }
            Err(error) => {
                let now = self.clock.now();
                let delay = self.backoff.failed(now);
                self.next_attempt = Some(now + delay);
                Err(self.waiting(now, delay, Some(error)))
            }
        }
    }

    fn waiting(&self, now: Instant, retry_in: Duration, error: Option<TransportError>) -> Outcome {
        if self.backoff.expired(now) {
            Outcome::Expired { error }
        } else {
            Outcome::Later { retry_in, error }
        }
    }

    /// Drops a broken transport; returns how long until the next attempt.
    ///
    /// After losing a connection that carried frames, the first attempt is
    /// made at once (a restarted receiver is usually back) and the backoff
    /// paces the ones after it. A connection that carried none (a receiver
    /// that accepts and closes, or accepts and never reads) counts as a
    /// failed attempt: it is not retried in a tight loop, and the deadline
    /// runs on, so its frames expire as if nothing had answered.
    fn lose(&mut self, now: Instant) -> Duration {
        self.transport = None;
        if std::mem::take(&mut self.delivered) {
            self.backoff.lost(now);
            self.next_attempt = None;
            Duration::ZERO
        } else {
            let delay = self.backoff.failed(now);
            self.next_attempt = Some(now + delay);
            delay
        }
    }
}

impl<C: Clock> Drop for Connection<C> {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::transport::unix::tests::TempDirectory;
    use crate::wire::transport::{Endpoint, Timeouts};
    use std::io::{BufRead, BufReader};
    use std::net::{TcpListener, UdpSocket};
    use std::os::unix::net::UnixDatagram;
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};
    use std::thread;

    /// A clock moved by hand, shared with the test.
    #[derive(Clone)]
    struct ManualClock(Arc<Mutex<Instant>>);

    impl ManualClock {
        fn new() -> ManualClock {
            ManualClock(Arc::new(Mutex::new(Instant::now())))
        }

        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> Instant {
            *self.0.lock().unwrap()
        }
    }

    fn policy() -> BackoffPolicy {
        BackoffPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            reset_after: Duration::from_secs(10),
            deadline: Some(Duration::from_secs(5)),
        }
    }

    fn connection(endpoint: Endpoint, clock: &ManualClock) -> Connection<ManualClock> {
        let config = TransportConfig::new(endpoint).with_timeouts(Timeouts {
            connect: Duration::from_millis(500),
            write: Duration::from_millis(300),
        });
        Connection::with_parts(
            Connector::new(config).unwrap(),
            Backoff::new(policy(), Jitter::seeded(3)),
            clock.clone(),
        )
    }

    fn tcp(port: u16) -> Endpoint {
        Endpoint::Tcp {
            host: "127.0.0.1".into(),
            port,
        }
    }

    /// A port nothing listens on (for the moment).
    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    /// Accepts one connection and returns its lines once the sender closes.
    fn read_lines(listener: TcpListener) -> thread::JoinHandle<Vec<String>> {
        thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            BufReader::new(stream).lines().map(Result::unwrap).collect()
        })
    }

    #[test]
    fn a_connection_moves_to_a_worker_thread() {
        fn movable<T: Send + 'static>() {}
        movable::<Connection>();
        movable::<Connector>();
    }

    #[test]
    fn connects_on_the_first_frame() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let clock = ManualClock::new();
        let mut connection = connection(tcp(listener.local_addr().unwrap().port()), &clock);
        assert!(!connection.is_connected());
        let reader = read_lines(listener);
        assert!(matches!(connection.send(b"one\n"), Outcome::Sent));
        assert!(connection.is_connected());
        assert!(matches!(connection.send(b"two\n"), Outcome::Sent));
        connection.flush().unwrap();
        connection.close();
        assert_eq!(reader.join().unwrap(), ["one", "two"]);
    }

    #[test]
    fn a_receiver_down_at_start_is_reached_once_it_is_up_and_the_backoff_allows() {
        let port = free_port();
        let clock = ManualClock::new();
        let mut connection = connection(tcp(port), &clock);

        let Outcome::Later {
            retry_in,
            error: Some(error),
        } = connection.send(b"first\n")
        else {
            panic!("the first frame cannot be sent");
        };
        assert!(matches!(error, TransportError::Connect { .. }), "{error:?}");
        assert!(retry_in >= Duration::from_millis(50) && retry_in <= Duration::from_millis(100));

        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        // Before the delay is over no attempt is made, even though it would work.
        assert!(matches!(
            connection.send(b"first\n"),
            Outcome::Later { error: None, .. }
        ));
        assert!(!connection.is_connected());

        clock.advance(retry_in);
        let reader = read_lines(listener);
        assert!(matches!(connection.send(b"first\n"), Outcome::Sent));
        assert!(matches!(connection.send(b"second\n"), Outcome::Sent));
        connection.close();
        assert_eq!(reader.join().unwrap(), ["first", "second"]);
    }

    #[test]
    fn past_the_deadline_frames_expire_until_the_receiver_is_back() {
        let port = free_port();
        let clock = ManualClock::new();
        let mut connection = connection(tcp(port), &clock);
        let mut expired = 0;
        for _ in 0..20 {
            match connection.send(b"frame\n") {
                Outcome::Later { retry_in, .. } => clock.advance(retry_in),
                Outcome::Expired { .. } => {
                    expired += 1;
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(expired, 1, "the 5 s deadline never came");
        // Still expired without a new attempt while the backoff waits.
        assert!(matches!(
            connection.send(b"frame\n"),
            Outcome::Expired { error: None }
        ));

        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        clock.advance(Duration::from_secs(1));
        let reader = read_lines(listener);
        assert!(matches!(connection.send(b"back\n"), Outcome::Sent));
        connection.close();
        assert_eq!(reader.join().unwrap(), ["back"]);
    }

    #[test]
    fn frames_after_a_receiver_restart_arrive_and_none_twice() {
        let port = free_port();
        let clock = ManualClock::new();
        let mut connection = connection(tcp(port), &clock);

        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let (done, finished) = mpsc::channel();
        let first = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut lines = BufReader::new(stream).lines();
            let received = vec![
                lines.next().unwrap().unwrap(),
                lines.next().unwrap().unwrap(),
            ];
            // The receiver goes away: its connection and its listener.
            drop(lines);
            drop(listener);
            done.send(()).unwrap();
            received
        });
        assert!(matches!(connection.send(b"1\n"), Outcome::Sent));
        assert!(matches!(connection.send(b"2\n"), Outcome::Sent));
        finished.recv_timeout(Duration::from_secs(5)).unwrap();

        // Down for a while: the frame waits.
        let Outcome::Later {
            retry_in,
            error: Some(_),
        } = connection.send(b"3\n")
        else {
            panic!("the receiver is down");
        };
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let second = read_lines(listener);
        clock.advance(retry_in);
        assert!(matches!(connection.send(b"3\n"), Outcome::Sent));
        assert!(matches!(connection.send(b"4\n"), Outcome::Sent));
        connection.close();

        assert_eq!(first.join().unwrap(), ["1", "2"]);
        assert_eq!(second.join().unwrap(), ["3", "4"]);
    }

    #[test]
    fn a_receiver_restarted_while_frames_flow_never_gets_one_twice() {
        let port = free_port();
        let lives = 3;
        let server = thread::spawn(move || {
            let mut received = Vec::new();
            for life in 0..lives {
                let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
                let (stream, _) = listener.accept().unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut lines = BufReader::new(stream).lines();
                let mut this_life = Vec::new();
                // Each life but the last ends abruptly after 40 frames.
                while life == lives - 1 || this_life.len() < 40 {
                    match lines.next() {
                        Some(Ok(line)) => this_life.push(line.parse::<u32>().unwrap()),
                        _ => break,
                    }
                }
                received.push(this_life);
                drop(lines);
                drop(listener);
                // Down for a moment before the next life.
                thread::sleep(Duration::from_millis(30));
            }
            received
        });
        let config = TransportConfig::new(tcp(port)).with_timeouts(Timeouts {
            connect: Duration::from_millis(500),
            write: Duration::from_millis(500),
        });
        let policy = BackoffPolicy {
            base: Duration::from_millis(5),
            cap: Duration::from_millis(20),
            ..policy()
        };
        let mut connection = Connection::new(config, policy).unwrap();
        let last = 200u32;
        for number in 0..=last {
            let frame = format!("{number}\n");
            let started = Instant::now();
            loop {
                match connection.send(frame.as_bytes()) {
                    Outcome::Sent => break,
                    Outcome::Later { retry_in, .. } => thread::sleep(retry_in),
                    other => panic!("frame {number}: {other:?}"),
                }
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "frame {number} stuck"
                );
            }
            thread::sleep(Duration::from_millis(1));
        }
        connection.close();
        let received = server.join().unwrap();
        let all: Vec<u32> = received.iter().flatten().copied().collect();
        // In order and never twice; frames written into a connection the
        // receiver was closing are lost, as with any plain TCP protocol.
        assert!(all.windows(2).all(|pair| pair[0] < pair[1]), "{received:?}");
        assert!(received.iter().all(|life| !life.is_empty()), "{received:?}");
        assert_eq!(all.last(), Some(&last));
    }

    /// `count` frames laid end to end, each `"<number> <padding>\n"` of
    /// `size` bytes; their ends.
    fn numbered_frames(count: usize, size: usize) -> (Vec<u8>, Vec<usize>) {
        let mut bytes = Vec::with_capacity(count * size);
        let mut ends = Vec::with_capacity(count);
        for number in 0..count {
            let start = bytes.len();
            bytes.extend_from_slice(format!("{number} ").as_bytes());
            bytes.resize(start + size - 1, b'.');
            bytes.push(b'\n');
            ends.push(bytes.len());
        }
        (bytes, ends)
    }

    /// The numbers of the whole lines of a connection; a last line the end
    /// of the connection cut is not a frame.
    fn whole_frames(received: &[u8]) -> Vec<usize> {
        let whole = match received.iter().rposition(|&byte| byte == b'\n') {
            Some(last) => &received[..=last],
            None => &[][..],
        };
        whole
            .split(|&byte| byte == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| {
                let text = std::str::from_utf8(line).unwrap();
                text.split(' ').next().unwrap().parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn a_batch_of_frames_arrives_whole_and_in_order() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let clock = ManualClock::new();
        let mut connection = connection(tcp(listener.local_addr().unwrap().port()), &clock);
        let reader = read_lines(listener);
        let (bytes, ends) = numbered_frames(500, 40);
        let (sent, outcome) = connection.send_frames(&bytes, 0, &ends);
        assert_eq!(sent, 500);
        assert!(outcome.is_none(), "{outcome:?}");
        // From the middle of a batch: only what follows `start`.
        let (sent, outcome) = connection.send_frames(&bytes, ends[497], &ends[498..]);
        assert_eq!((sent, outcome.is_none()), (2, true));
        connection.close();
        let numbers: Vec<usize> = reader
            .join()
            .unwrap()
            .iter()
            .map(|line| line.split(' ').next().unwrap().parse().unwrap())
            .collect();
        let expected: Vec<usize> = (0..500).chain([498, 499]).collect();
        assert_eq!(numbers, expected);
    }

    #[test]
    fn a_batch_cut_by_a_stalled_receiver_goes_on_from_the_first_frame_not_written_whole() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let clock = ManualClock::new();
        let mut connection = connection(tcp(port), &clock);
        // Far more than the socket buffers hold: the write timeout cuts it.
        let (bytes, ends) = numbered_frames(400, 64 << 10);
        let first_connection = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            (stream, listener)
        });
        let (sent, outcome) = connection.send_frames(&bytes, 0, &ends);
        let (mut stalled, listener) = first_connection.join().unwrap();
        assert!(sent > 0 && sent < ends.len(), "{sent} frames sent");
        let Some(Outcome::Later {
            retry_in,
            error: Some(TransportError::WriteTimeout { .. }),
        }) = outcome
        else {
            panic!("{outcome:?}");
        };
        // The connection carried frames: the next attempt is at once.
        assert_eq!(retry_in, Duration::ZERO);
        // The stalled receiver reads what it was sent, to its end.
        let mut first = Vec::new();
        stalled
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        std::io::Read::read_to_end(&mut stalled, &mut first).unwrap();
        let reader = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut received = Vec::new();
            std::io::Read::read_to_end(&mut stream, &mut received).unwrap();
            received
        });
        let start = ends[sent - 1];
        let (rest, outcome) = connection.send_frames(&bytes, start, &ends[sent..]);
        assert_eq!((rest, outcome.is_none()), (ends.len() - sent, true));
        connection.close();
        let second = reader.join().unwrap();
        // Every frame once: those written whole on the first connection,
        // the rest (the one it cut included) on the second.
        let mut numbers = whole_frames(&first);
        assert_eq!(numbers.len(), sent);
        numbers.extend(whole_frames(&second));
        assert_eq!(numbers, (0..ends.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_receiver_that_closes_in_the_middle_of_a_batch_gets_no_frame_twice() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let clock = ManualClock::new();
        let mut connection = connection(tcp(port), &clock);
        // The first connection reads a little, then is closed with bytes
        // unread (a reset): the write fails part-way through the batch.
        let server = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut first = vec![0u8; 100 << 10];
            std::io::Read::read_exact(&mut stream, &mut first).unwrap();
            drop(stream);
            let (mut stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut second = Vec::new();
            std::io::Read::read_to_end(&mut stream, &mut second).unwrap();
            (first, second)
        });
        let (bytes, ends) = numbered_frames(300, 16 << 10);
        let mut next = 0;
        let mut attempts = 0;
        while next < ends.len() {
            attempts += 1;
            assert!(attempts < 10, "the batch was never sent");
            let start = if next == 0 { 0 } else { ends[next - 1] };
            let (sent, outcome) = connection.send_frames(&bytes, start, &ends[next..]);
            next += sent;
            match outcome {
                None => break,
                Some(Outcome::Later { retry_in, .. }) => clock.advance(retry_in),
                Some(other) => panic!("{other:?}"),
            }
        }
        connection.close();
        let (first, second) = server.join().unwrap();
        // What the first connection delivered before the reset, then all
        // the rest: a frame reported sent is never written again, and none
        // is missing but those the reset destroyed unread on the way.
        let mut numbers = whole_frames(&first);
        let later = whole_frames(&second);
        assert!(!later.is_empty());
        assert!(
            numbers.iter().all(|&number| number < later[0]),
            "a frame twice"
        );
        numbers.extend(&later);
        assert!(
            numbers.windows(2).all(|pair| pair[0] < pair[1]),
            "{numbers:?}"
        );
        assert_eq!(*numbers.last().unwrap(), ends.len() - 1);
        assert_eq!(later, (later[0]..ends.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_receiver_that_closes_after_each_message_gets_every_message() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (received, messages) = mpsc::channel();
        let server = thread::spawn(move || {
            for _ in 0..4 {
                let (stream, _) = listener.accept().unwrap();
                let mut line = String::new();
                BufReader::new(stream).read_line(&mut line).unwrap();
                // The connection is closed before the sender hears of the line.
                received.send(line).unwrap();
            }
        });
        let clock = ManualClock::new();
        let mut connection = connection(tcp(port), &clock);
        let mut lines = Vec::new();
        for index in 0..4 {
            let frame = format!("message {index}\n");
            assert!(matches!(connection.send(frame.as_bytes()), Outcome::Sent));
            lines.push(messages.recv_timeout(Duration::from_secs(5)).unwrap());
            // Let the FIN reach the sender's socket.
            thread::sleep(Duration::from_millis(20));
        }
        server.join().unwrap();
        assert_eq!(
            lines,
            ["message 0\n", "message 1\n", "message 2\n", "message 3\n"]
        );
    }

    #[test]
    fn a_receiver_that_never_reads_costs_one_write_timeout_then_a_new_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let clock = ManualClock::new();
        let mut connection = connection(tcp(listener.local_addr().unwrap().port()), &clock);
        assert!(matches!(connection.send(b"hello\n"), Outcome::Sent));
        let (held, _) = listener.accept().unwrap();
        let started = Instant::now();
        let outcome = connection.send(&vec![b'x'; 64 << 20]);
        assert!(started.elapsed() < Duration::from_secs(2));
        let Outcome::Later {
            retry_in,
            error: Some(TransportError::WriteTimeout { .. }),
        } = outcome
        else {
            panic!("{outcome:?}");
        };
        assert_eq!(retry_in, Duration::ZERO);
        assert!(!connection.is_connected());
        drop(held);
    }

    #[test]
    fn a_receiver_that_accepts_but_never_reads_is_backed_off_and_its_frames_expire() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = TransportConfig::new(tcp(port)).with_timeouts(Timeouts {
            connect: Duration::from_millis(500),
            write: Duration::from_millis(100),
        });
        let policy = BackoffPolicy {
            deadline: Some(Duration::from_secs(1)),
            ..policy()
        };
        let clock = ManualClock::new();
        let mut connection = Connection::with_parts(
            Connector::new(config).unwrap(),
            Backoff::new(policy, Jitter::seeded(5)),
            clock.clone(),
        );
        // The kernel completes every connection; nobody reads any.
        let frame = vec![b'x'; 64 << 20];
        let mut attempts = 0;
        let started = Instant::now();
        let error = loop {
            attempts += 1;
            assert!(attempts < 10, "the frame never expired");
            match connection.send(&frame) {
                Outcome::Later { retry_in, error } => {
                    assert!(retry_in > Duration::ZERO, "retried in a tight loop");
                    assert!(matches!(error, Some(TransportError::WriteTimeout { .. })));
                    // Before the delay is over, no new connection is tried.
                    assert!(matches!(
                        connection.send(&frame),
                        Outcome::Later { error: None, .. }
                    ));
                    clock.advance(retry_in);
                }
                Outcome::Expired { error } => break error,
                other => panic!("{other:?}"),
            }
        };
        assert!(matches!(error, Some(TransportError::WriteTimeout { .. })));
        assert!(attempts >= 3, "{attempts} attempts");
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(listener);
    }

    #[test]
    fn udp_reports_refusals_and_oversized_frames_and_goes_on() {
        let port = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let clock = ManualClock::new();
        let mut connection = connection(
            Endpoint::Udp {
                host: "127.0.0.1".into(),
                port,
            },
            &clock,
        );
        assert!(matches!(
            connection.send(&vec![0u8; 70_000]),
            Outcome::Rejected(TransportError::Oversized { .. })
        ));
        let mut refused = 0;
        for _ in 0..50 {
            match connection.send(b"nobody") {
                Outcome::Sent => thread::sleep(Duration::from_millis(5)),
                Outcome::Later {
                    retry_in,
                    error: Some(_),
                } => {
                    assert_eq!(retry_in, Duration::ZERO);
                    refused += 1;
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(refused, 1);
        // A receiver that comes up on that port gets the frame retried.
        let receiver = UdpSocket::bind(("127.0.0.1", port)).unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        assert!(matches!(connection.send(b"heard"), Outcome::Sent));
        let mut buffer = [0u8; 16];
        let count = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..count], b"heard");
    }

    #[test]
    fn a_unix_datagram_receiver_that_restarts_gets_the_next_frames() {
        let directory = TempDirectory::new();
        let path = directory.0.join("log.dgram");
        let clock = ManualClock::new();
        let mut connection = connection(Endpoint::UnixDatagram(path.clone()), &clock);
        let receiver = UnixDatagram::bind(&path).unwrap();
        assert!(matches!(connection.send(b"before"), Outcome::Sent));
        let mut buffer = [0u8; 16];
        let count = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..count], b"before");

        drop(receiver);
        std::fs::remove_file(&path).unwrap();
        let receiver = UnixDatagram::bind(&path).unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        // The old socket is gone: the frame comes back, then goes to the new one.
        assert!(matches!(
            connection.send(b"after"),
            Outcome::Later { error: Some(_), .. }
        ));
        assert!(matches!(connection.send(b"after"), Outcome::Sent));
        let count = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..count], b"after");
        // Sent once.
        receiver.set_nonblocking(true).unwrap();
        let error = receiver.recv(&mut buffer).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::WouldBlock);
    }
}
