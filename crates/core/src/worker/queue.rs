//! The bounded queue between the callers and one worker thread.
//!
//! One mutex guards a deque; the worker takes everything queued in one
//! swap, so a busy worker locks once per batch, not once per record. Control
//! commands (flush, close) do not count against the capacity: a full queue
//! can always be flushed and closed.
//!
//! Waking a sleeping thread is a system call that costs the caller more than
//! queueing the record itself. So the worker, once it has something to do,
//! lingers a moment before taking the batch: records queued meanwhile wake
//! nobody, and the worker takes them all at once. It stops lingering at once
//! for a control command or when the queue is half full, so callers of the
//! blocking policies never wait on a lingering worker.

use std::collections::VecDeque;
use std::sync::mpsc::SyncSender;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub(crate) enum Command<M> {
    Message(M),
    /// Write everything queued before this, then acknowledge.
    Flush(SyncSender<bool>),
    /// Write everything queued before this, then stop.
    Close,
}

pub(crate) struct Queue<M> {
    state: Mutex<State<M>>,
    /// Signalled when a command arrives: the worker waits on it.
    arrived: Condvar,
    /// Signalled when the worker takes a batch: blocked callers wait on it.
    room: Condvar,
    capacity: usize,
    /// Messages at which a lingering worker is woken.
    high_water: usize,
    linger: Duration,
}

struct State<M> {
    commands: VecDeque<Command<M>>,
    /// Messages among `commands`.
    messages: usize,
    /// Control commands among `commands`.
    controls: usize,
    /// No more messages are accepted.
    closed: bool,
    /// The worker is asleep waiting for a command: only then does a push
    /// pay for a wake-up (a futex call), not while the worker is busy.
    worker_waiting: bool,
    /// The worker is waiting out its linger: a push wakes it only on
    /// reaching the high-water mark.
    worker_lingering: bool,
    /// Callers asleep waiting for room.
    callers_waiting: usize,
}

/// Why a message was not queued; the message is handed back.
pub(crate) enum Refused<M> {
    Full(M),
    Closed(M),
}

impl<M> Queue<M> {
    pub(crate) fn new(capacity: usize, linger: Duration) -> Queue<M> {
        let capacity = capacity.max(1);
        Queue {
            state: Mutex::new(State {
                commands: VecDeque::with_capacity(capacity.min(4096)),
                messages: 0,
                controls: 0,
                closed: false,
                worker_waiting: false,
                worker_lingering: false,
                callers_waiting: 0,
            }),
            arrived: Condvar::new(),
            room: Condvar::new(),
            capacity,
            high_water: capacity.div_ceil(2),
            linger,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<M>> {
        // A panic while holding the lock leaves the deque consistent (every
        // operation on it is a single push or swap), so poisoning is ignored.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a message, waiting for room until `deadline` (`None`: do not
    /// wait; `Some(None)`: wait as long as it takes). `queued` runs once the
    /// message is queued, under the queue's lock.
    pub(crate) fn push(
        &self,
        message: M,
        deadline: Option<Option<Instant>>,
        queued: impl FnOnce(),
    ) -> Result<(), Refused<M>> {
        let mut state = self.lock();
        loop {
            if state.closed {
                return Err(Refused::Closed(message));
            }
            if state.messages < self.capacity {
                break;
            }
            let wait_until = match deadline {
                None => return Err(Refused::Full(message)),
                Some(None) => None,
                Some(Some(deadline)) => {
                    if Instant::now() >= deadline {
                        return Err(Refused::Full(message));
                    }
                    Some(deadline)
                }
            };
            state.callers_waiting += 1;
            state = match wait_until {
                None => self
                    .room
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    self.room
                        .wait_timeout(state, left)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
            state.callers_waiting -= 1;
        }
        state.messages += 1;
        state.commands.push_back(Command::Message(message));
        queued();
        let wake =
            state.worker_waiting || (state.worker_lingering && state.messages == self.high_water);
        if wake {
            // One wake-up per sleep: until the woken worker runs again, the
            // callers that follow would each pay for a futex call of their own.
            state.worker_waiting = false;
        }
        drop(state);
        if wake {
            self.arrived.notify_one();
        }
        Ok(())
    }

    /// Queues a control command; `Close` also refuses later messages.
    /// Returns false when the queue was already closed.
    pub(crate) fn push_control(&self, command: Command<M>) -> bool {
        let mut state = self.lock();
        if state.closed {
            return false;
        }
        if matches!(command, Command::Close) {
            state.closed = true;
            // Callers blocked on a full queue give up now rather than wait
            // for room that a closing worker will not make for them.
            self.room.notify_all();
        }
        state.commands.push_back(command);
        state.controls += 1;
        drop(state);
        self.arrived.notify_one();
        true
    }

    /// Waits for commands, lingers, and moves all of them into `batch`
    /// (which must be empty). With `until`, it stops waiting for commands
    /// then, and takes nothing if none came.
    pub(crate) fn take_all(&self, batch: &mut VecDeque<Command<M>>, until: Option<Instant>) {
        let mut state = self.lock();
        while state.commands.is_empty() {
            state.worker_waiting = true;
            state = match until {
                None => self
                    .arrived
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(until) => {
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        state.worker_waiting = false;
                        return;
                    }
                    self.arrived
                        .wait_timeout(state, left)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
            state.worker_waiting = false;
        }
        if !self.linger.is_zero() {
            let deadline = Instant::now() + self.linger;
            state.worker_lingering = true;
            while state.controls == 0 && state.messages < self.high_water {
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                state = self
                    .arrived
                    .wait_timeout(state, deadline - now)
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0;
            }
            state.worker_lingering = false;
        }
        std::mem::swap(&mut state.commands, batch);
        state.messages = 0;
        state.controls = 0;
        let wake = state.callers_waiting > 0;
        drop(state);
        if wake {
            self.room.notify_all();
        }
    }

    /// Moves whatever is queued into `batch` without waiting.
    pub(crate) fn take_ready(&self, batch: &mut VecDeque<Command<M>>) {
        let mut state = self.lock();
        if state.commands.is_empty() {
            return;
        }
        batch.extend(state.commands.drain(..));
        state.messages = 0;
        state.controls = 0;
        let wake = state.callers_waiting > 0;
        drop(state);
        if wake {
            self.room.notify_all();
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.lock().closed
    }
}
