//! Where the schedule's "now" comes from, and the modification time it starts from.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use crate::time::{now_ns, seconds_from_ns, PythonVersion};

/// A source of the current time, in whole seconds since the epoch.
///
/// The handler reads the time as `int(time.time())`; tests substitute a [`ManualClock`]
/// so that a rollover days away is reached without waiting.
pub trait Clock {
    /// The current time as `int(time.time())` would give it.
    fn now(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        // int() of the float, not the nanoseconds divided: the float can round up into the
        // next second, and then so does the handler.
        seconds_from_ns(now_ns()).trunc() as i64
    }
}

/// A clock that reads whatever it was last set to; shareable between threads.
#[derive(Debug, Default)]
pub struct ManualClock {
    seconds: AtomicI64,
}

impl ManualClock {
    /// A clock showing `seconds`.
    pub fn new(seconds: i64) -> ManualClock {
        ManualClock {
            seconds: AtomicI64::new(seconds),
        }
    }

    /// Moves the clock to `seconds`, backwards as well as forwards.
    pub fn set(&self, seconds: i64) {
        self.seconds.store(seconds, Ordering::SeqCst);
    }

    /// Moves the clock by `seconds` and returns the new reading.
    pub fn advance(&self, seconds: i64) -> i64 {
        self.seconds.fetch_add(seconds, Ordering::SeqCst) + seconds
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.seconds.load(Ordering::SeqCst)
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> i64 {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> i64 {
        (**self).now()
    }
}

/// The modification time the handler starts its schedule from, for a file whose `stat`
/// gives `seconds` and `nanoseconds` (`st_mtim`).
///
/// 3.11 and 3.12 take the integer field (`stat()[ST_MTIME]`, the seconds as stored). 3.13
/// truncates the float `st_mtime`, which is `seconds + nanoseconds * 1e-9` in double
/// precision: a time just before a whole second rounds up to it, and a time before 1970
/// moves towards zero.
pub fn mtime_seconds(seconds: i64, nanoseconds: i64, version: PythonVersion) -> i64 {
    match version {
        PythonVersion::V3_11 | PythonVersion::V3_12 => seconds,
        PythonVersion::V3_13 => (seconds as f64 + nanoseconds as f64 * 1e-9).trunc() as i64,
    }
}
