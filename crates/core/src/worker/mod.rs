//! Handlers run behind a worker thread: the caller only enqueues.
//!
//! A `Worker` owns one thread and one bounded queue. The caller's side
//! (`submit`) applies the `OverflowPolicy` and counts what it drops; the
//! thread takes everything queued at once and hands it to a `Drain` (a
//! file, a stream, a Python object), which writes a batch with one syscall
//! where it can. `flush` is a barrier: it returns once everything submitted
//! before it is written, and says whether a failed write lost any of it.
//! `close` drains, stops and joins the thread, giving up only on a worker
//! that stops making progress, so that exit never hangs.

mod policy;
mod queue;
mod stats;

use std::collections::VecDeque;
use std::io;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

pub use policy::{OverflowPolicy, PolicyError};
pub use stats::{Stats, StatsSnapshot};

use queue::{Command, Queue, Refused};

/// How long `close` waits for a worker that makes no progress at all.
const STALL_LIMIT: Duration = Duration::from_secs(5);

/// What a worker writes to.
pub trait Drain<M>: Send + 'static {
    /// Writes the messages of `batch`, in order, and empties it.
    ///
    /// A write that fails loses the records it could not write: the drain
    /// reports how many, and the worker counts them and goes on. A record
    /// whose output a full disk cut part-way is neither written nor lost
    /// yet: the drain holds the rest (see `held`). A record the drain cannot
    /// turn into output (a line the worker could not format) is rejected:
    /// counted, and reported, but not a failed write.
    fn write(&mut self, batch: &mut Vec<M>) -> Result<Delivered, WriteFailure>;

    /// Pushes what was written to its destination (`flush()` of a stream),
    /// and what is held first.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Records whose output is partly written, the rest held back to be
    /// written before anything else. The worker counts a record as written
    /// once it is no longer held, and as lost if it still is at close.
    fn held(&self) -> u64 {
        0
    }

    /// Called once, after the last write.
    fn close(&mut self) {}
}

/// A drain chosen at run time.
impl<M, D: Drain<M> + ?Sized> Drain<M> for Box<D> {
    fn write(&mut self, batch: &mut Vec<M>) -> Result<Delivered, WriteFailure> {
        (**self).write(batch)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }

    fn close(&mut self) {
        (**self).close()
    }

    fn held(&self) -> u64 {
        (**self).held()
    }
}

/// What a write did besides writing: records it rejected, and why (the
/// first reason of the batch); rollovers that failed while every record was
/// still written, and why.
#[derive(Debug, Default)]
pub struct Delivered {
    pub rejected: u64,
    pub reason: Option<String>,
    pub rotation_errors: u64,
    pub rotation_reason: Option<String>,
    /// Attempts that failed and were made again (a request answered with
    /// an error, sent again after a backoff), and why (the first): counted
    /// as failed writes; their records count as the last attempt went.
    pub retried_errors: u64,
    pub retried_reason: Option<String>,
}

/// Records a failed write lost, and why; what the write did besides.
#[derive(Debug)]
pub struct WriteFailure {
    pub records: u64,
    pub error: io::Error,
    pub delivered: Delivered,
}

/// Why `submit` did not queue a message; it is handed back.
#[derive(Debug)]
pub enum SubmitError<M> {
    /// The queue stayed full (under `Drop` at once, under `Timeout` for the
    /// whole timeout). The message was counted as dropped.
    Full(M),
    /// The handler is closed. The message was counted as dropped.
    Closed(M),
}

/// The settings of one worker.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// What the warnings it prints call it (a file's path, an address); the
    /// thread is named after it.
    pub name: String,
    /// Messages the queue holds before the policy applies.
    pub capacity: usize,
    /// Records the worker may hold back, when the queue runs empty, waiting
    /// for more to write together; 1 writes as soon as the queue is empty.
    pub flush_interval: usize,
    pub policy: OverflowPolicy,
    /// How long the worker waits, once records arrive, for more to come
    /// before it writes them (cut short by `flush`, `close` and a half-full
    /// queue). Zero writes at once, at the cost of a wake-up per record
    /// when records come slower than the worker writes them.
    pub linger: Duration,
    /// The longest a record held back by `flush_interval` waits for the
    /// batch to fill before it is written anyway; `None`: until the batch
    /// fills, a flush or the close.
    pub hold_limit: Option<Duration>,
}

/// The linger of the femto handlers: long enough to batch a busy caller's
/// records, short enough that a line is on disk a moment after the call.
pub const DEFAULT_LINGER: Duration = Duration::from_millis(1);

pub struct Worker<M: Send + 'static> {
    options: WorkerOptions,
    queue: Arc<Queue<M>>,
    stats: Arc<Stats>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// The worker thread's id, to recognise a submit made from it.
    thread_id: ThreadId,
    finished: Mutex<Option<mpsc::Receiver<()>>>,
    /// Held while a thread waits for the worker to finish: a second closer
    /// (the exit hooks while a signal's drain closes the same worker) waits
    /// for the first instead of returning while records are still queued.
    joining: Mutex<()>,
}

impl<M: Send + 'static> Worker<M> {
    /// Starts the thread.
    pub fn spawn<D: Drain<M>>(options: WorkerOptions, drain: D) -> io::Result<Worker<M>> {
        let queue = Arc::new(Queue::new(options.capacity, options.linger));
        let stats = Arc::new(Stats::default());
        let (finished_sender, finished) = mpsc::sync_channel(1);
        let thread = {
            let queue = queue.clone();
            let stats = stats.clone();
            let name = options.name.clone();
            let flush_interval = options.flush_interval.max(1);
            let batch_limit = options.capacity.max(flush_interval);
            let holding = Holding {
                flush_interval,
                batch_limit,
                hold_limit: options.hold_limit,
            };
            std::thread::Builder::new()
                // The warnings begin with "femtologging:" and the name; a
                // thread listing has only the name to go by.
                .name(format!("femtologging {}", options.name))
                .spawn(move || {
                    run(&name, &queue, &stats, drain, holding);
                    let _ = finished_sender.send(());
                })?
        };
        Ok(Worker {
            options,
            queue,
            stats,
            thread_id: thread.thread().id(),
            thread: Mutex::new(Some(thread)),
            finished: Mutex::new(Some(finished)),
            joining: Mutex::new(()),
        })
    }

    pub fn options(&self) -> &WorkerOptions {
        &self.options
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Queues a message under the worker's policy.
    ///
    /// The worker's own thread never waits here (a Python handler logging
    /// from inside `handle` would otherwise wait for itself): for it a full
    /// queue drops.
    pub fn submit(&self, message: M) -> Result<(), SubmitError<M>> {
        let on_worker = std::thread::current().id() == self.thread_id;
        let deadline = match self.options.policy {
            _ if on_worker => None,
            OverflowPolicy::Drop => None,
            OverflowPolicy::Block => Some(None),
            OverflowPolicy::Timeout(limit) => Some(Some(Instant::now() + limit)),
        };
        match self
            .queue
            .push(message, deadline, || self.stats.count_queued())
        {
            Ok(()) => Ok(()),
            Err(Refused::Full(message)) => {
                self.stats.count_dropped(&self.options.name, "queue full");
                Err(SubmitError::Full(message))
            }
            Err(Refused::Closed(message)) => {
                self.stats
                    .count_dropped(&self.options.name, "handler closed");
                Err(SubmitError::Closed(message))
            }
        }
    }

    /// Queues a message if there is room now, without applying the policy:
    /// the message comes back uncounted, `Full` for a caller that must first
    /// release something (an interpreter lock) before it waits in `submit`,
    /// or that drops it with `count_dropped`; `Closed` for one that writes it
    /// itself (`write_after_close`).
    pub fn try_submit(&self, message: M) -> Result<(), SubmitError<M>> {
        match self.queue.push(message, None, || self.stats.count_queued()) {
            Ok(()) => Ok(()),
            Err(Refused::Full(message)) => Err(SubmitError::Full(message)),
            Err(Refused::Closed(message)) => Err(SubmitError::Closed(message)),
        }
    }

    /// Writes a message that came after `close` on the caller's thread,
    /// through `drain` (opened again for it), counted as the worker counts
    /// its own writes: the standard handlers go on writing after they are
    /// closed (a file handler reopens its file), and so records logged at
    /// the very end of a program, after the exit hooks, are not lost.
    /// `drain` is the error that kept it from opening, if one did.
    pub fn write_after_close(&self, drain: Result<&mut dyn Drain<M>, io::Error>, message: M) {
        self.stats.count_accepted();
        match drain {
            Ok(drain) => {
                let mut batch = vec![message];
                write(&self.options.name, &self.stats, drain, &mut batch);
                flush(&self.options.name, &self.stats, drain);
            }
            Err(error) => self
                .stats
                .count_write_failure(&self.options.name, 1, 0, &error),
        }
    }

    /// Counts a message `try_submit` handed back and the caller dropped.
    pub fn count_dropped(&self) {
        self.stats.count_dropped(&self.options.name, "queue full");
    }

    /// Waits until everything submitted before this call is written and
    /// flushed, for at most `timeout`. True when it was and no record was
    /// lost to a failed write since the previous flush; false too when the
    /// wait timed out. A closed worker has nothing left to write.
    pub fn flush(&self, timeout: Duration) -> bool {
        let (acknowledge, acknowledged) = mpsc::sync_channel(1);
        if !self.queue.push_control(Command::Flush(acknowledge)) {
            return self.join_finished(Duration::ZERO);
        }
        matches!(acknowledged.recv_timeout(timeout), Ok(true))
    }

    /// Writes what is queued, stops the thread and joins it. Calling it again
    /// does nothing. True when the worker finished; false when it stopped
    /// making progress for `STALL_LIMIT` and was left behind.
    ///
    /// The first close that returns says on standard error how many records
    /// were never written, if any were.
    pub fn close(&self) -> bool {
        self.queue.push_control(Command::Close);
        let finished = self.join_finished(STALL_LIMIT);
        self.stats.report_at_close(&self.options.name, !finished);
        finished
    }

    pub fn is_closed(&self) -> bool {
        self.queue.is_closed()
    }

    /// Waits for the thread to finish while it makes progress.
    fn join_finished(&self, stall_limit: Duration) -> bool {
        let _joining = self
            .joining
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let finished = self
            .finished
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(finished) = finished else {
            // Joined already.
            return self.thread_joined();
        };
        let mut progress = self.stats.progress();
        let mut quiet_since = Instant::now();
        loop {
            match finished.recv_timeout(Duration::from_millis(50)) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let now_progress = self.stats.progress();
                    if now_progress != progress {
                        progress = now_progress;
                        quiet_since = Instant::now();
                    } else if quiet_since.elapsed() >= stall_limit {
                        // Put the receiver back so a later close can try again.
                        *self
                            .finished
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(finished);
                        return false;
                    }
                }
            }
        }
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
        true
    }

    fn thread_joined(&self) -> bool {
        self.thread
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_none()
    }

    /// In the child of a `fork()`: the thread does not exist there, and the
    /// queue's records belong to the parent, which writes them. Forgets both
    /// without touching their locks (another parent thread may have held
    /// them at the fork) or joining the thread, and returns the settings for
    /// the child's own worker.
    pub fn abandon_after_fork(self: Arc<Self>) -> WorkerOptions {
        let options = self.options.clone();
        std::mem::forget(self);
        options
    }
}

impl<M: Send + 'static> Drop for Worker<M> {
    fn drop(&mut self) {
        self.close();
    }
}

/// How many records the worker keeps before writing them, and for how long.
struct Holding {
    flush_interval: usize,
    batch_limit: usize,
    hold_limit: Option<Duration>,
}

fn run<M, D: Drain<M>>(
    name: &str,
    queue: &Queue<M>,
    stats: &Stats,
    mut drain: D,
    holding: Holding,
) {
    let Holding {
        flush_interval,
        batch_limit,
        hold_limit,
    } = holding;
    let mut commands = VecDeque::new();
    let mut pending: Vec<M> = Vec::new();
    // Records lost when the previous flush was acknowledged.
    let mut lost_before = 0;
    // When the oldest record of `pending` was taken from the queue.
    let mut held_since: Option<Instant> = None;
    loop {
        let write_by = held_since
            .zip(hold_limit)
            .map(|(since, limit)| since + limit);
        queue.take_all(&mut commands, write_by);
        let mut closing = false;
        // Commands that arrive while this batch is handled join it, so that
        // a steady stream is written in large batches.
        while let Some(command) = commands.pop_front() {
            match command {
                Command::Message(message) => {
                    pending.push(message);
                    if pending.len() >= batch_limit {
                        write(name, stats, &mut drain, &mut pending);
                    }
                }
                Command::Flush(acknowledge) => {
                    write(name, stats, &mut drain, &mut pending);
                    let flushed = flush(name, stats, &mut drain);
                    let lost = stats.failed();
                    let _ = acknowledge.try_send(flushed && lost == lost_before);
                    lost_before = lost;
                }
                Command::Close => {
                    write(name, stats, &mut drain, &mut pending);
                    flush(name, stats, &mut drain);
                    // What is still held now will never be written.
                    stats.count_failed(drain.held());
                    closing = true;
                }
            }
            if commands.is_empty() && !closing {
                queue.take_ready(&mut commands);
            }
        }
        if closing {
            break;
        }
        if pending.is_empty() {
            held_since = None;
        } else if held_since.is_none() {
            held_since = Some(Instant::now());
        }
        let overdue = write_by.is_some_and(|deadline| Instant::now() >= deadline);
        if pending.len() >= flush_interval || (overdue && !pending.is_empty()) {
            held_since = None;
            write(name, stats, &mut drain, &mut pending);
            // What the write left held was refused a moment ago: trying it
            // again at once would only fail, and count, a second time.
            if drain.held() == 0 {
                flush(name, stats, &mut drain);
            }
        }
    }
    drain.close();
}

fn write<M, D: Drain<M> + ?Sized>(name: &str, stats: &Stats, drain: &mut D, pending: &mut Vec<M>) {
    if pending.is_empty() {
        return;
    }
    // Records held before this write are written when no longer held.
    let settling = drain.held() + pending.len() as u64;
    let (delivered, lost) = match drain.write(pending) {
        Ok(delivered) => (delivered, 0),
        Err(failure) => {
            stats.count_write_failure(name, failure.records, drain.held(), &failure.error);
            (failure.delivered, failure.records)
        }
    };
    let unsettled = delivered.rejected + lost + drain.held();
    stats.count_written(settling.saturating_sub(unsettled));
    if delivered.rejected > 0 {
        let reason = delivered.reason.as_deref().unwrap_or("unknown");
        stats.count_rejected(name, delivered.rejected, reason);
    }
    if delivered.rotation_errors > 0 {
        let reason = delivered.rotation_reason.as_deref().unwrap_or("unknown");
        stats.count_rotation_error(name, delivered.rotation_errors, reason);
    }
    if delivered.retried_errors > 0 {
        let reason = delivered.retried_reason.as_deref().unwrap_or("unknown");
        stats.count_retried_errors(name, delivered.retried_errors, reason);
    }
    pending.clear();
}

fn flush<M, D: Drain<M> + ?Sized>(name: &str, stats: &Stats, drain: &mut D) -> bool {
    let held = drain.held();
    match drain.flush() {
        Ok(()) => {
            stats.count_written(held.saturating_sub(drain.held()));
            true
        }
        Err(error) => {
            stats.count_write_failure(name, 0, drain.held(), &error);
            false
        }
    }
}

#[cfg(test)]
mod tests;
