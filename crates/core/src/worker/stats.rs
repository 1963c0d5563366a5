//! What a worker counts, and the warnings it prints while it loses records.
//!
//! Nothing is lost silently: every record dropped at the queue and every
//! record a failed write lost is counted here. While it happens a warning
//! goes to standard error at most once a second per worker, saying how many
//! were lost since the previous one and in total; and when the worker
//! closes, a last notice gives the totals if any record was never written,
//! so that the records lost after the last warning are not left unsaid.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const WARNING_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct Stats {
    accepted: AtomicU64,
    dropped: AtomicU64,
    written: AtomicU64,
    failed: AtomicU64,
    write_errors: AtomicU64,
    handler_errors: AtomicU64,
    rejected: AtomicU64,
    rotation_errors: AtomicU64,
    /// Nanoseconds since `epoch()` of the last warning, plus one (0: never).
    last_warning: AtomicU64,
    /// The counts of dropped, failed and rejected records the last warning
    /// of each kind gave, to say how many came since.
    noticed_dropped: AtomicU64,
    noticed_failed: AtomicU64,
    noticed_rejected: AtomicU64,
    /// Set once the closing notice was considered, so a worker closed twice
    /// (by the application, then at exit) says it once.
    closing_reported: AtomicBool,
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Records queued.
    pub accepted: u64,
    /// Records refused by a full or closed queue.
    pub dropped: u64,
    /// Records written.
    pub written: u64,
    /// Records lost to failed writes.
    pub failed: u64,
    /// Failed writes and flushes.
    pub write_errors: u64,
    /// Exceptions raised by Python handlers and formatters on the worker.
    pub handler_errors: u64,
    /// Records the worker could not turn into output (a template that
    /// fails for this record's values).
    pub rejected: u64,
    /// Rollovers that failed; the records went on to the current file.
    pub rotation_errors: u64,
}

impl StatsSnapshot {
    /// Records given to the worker that were never written, for any reason.
    pub fn lost(&self) -> u64 {
        self.dropped + self.failed + self.rejected
    }

    /// The closing notice for these counts, if any record was never written
    /// (or the worker was left behind with some unaccounted for).
    fn closing_report(&self, name: &str, unfinished: bool) -> Option<String> {
        let given = self.accepted + self.dropped;
        let unaccounted = self
            .accepted
            .saturating_sub(self.written + self.failed + self.rejected);
        let lost = self.lost() + if unfinished { unaccounted } else { 0 };
        if lost == 0 {
            return None;
        }
        let mut reasons = Vec::new();
        if self.dropped > 0 {
            reasons.push(format!("{} dropped at the queue", self.dropped));
        }
        if self.failed > 0 {
            reasons.push(format!("{} lost to failed writes", self.failed));
        }
        if self.rejected > 0 {
            reasons.push(format!("{} could not be formatted", self.rejected));
        }
        if unfinished && unaccounted > 0 {
            reasons.push(format!(
                "{unaccounted} still queued when it stopped waiting"
            ));
        }
        Some(format!(
            "femtologging: {name}: closed with {lost} of {given} {} never written ({})\n",
            if given == 1 { "record" } else { "records" },
            reasons.join(", ")
        ))
    }
}

/// How many of `total` came since the last notice, which now covers them.
fn since_notice(noticed: &AtomicU64, total: u64) -> u64 {
    total.saturating_sub(noticed.swap(total, Ordering::Relaxed))
}

/// "1 record", "2 records".
fn record_count(count: u64) -> String {
    if count == 1 {
        "1 record".to_owned()
    } else {
        format!("{count} records")
    }
}

fn epoch() -> Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl Stats {
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            accepted: self.accepted.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
            handler_errors: self.handler_errors.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            rotation_errors: self.rotation_errors.load(Ordering::Relaxed),
        }
    }

    /// Changes whenever the worker finishes a batch.
    pub(crate) fn progress(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
            + self.failed.load(Ordering::Relaxed)
            + self.write_errors.load(Ordering::Relaxed)
            + self.rejected.load(Ordering::Relaxed)
    }

    pub(crate) fn count_accepted(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    /// `count_accepted` for a message the queue took, called under the
    /// queue's lock: the lock already orders the queue's callers, and a
    /// plain load and store spares every logging call a locked instruction.
    /// (The other writer, `count_accepted` after close, comes after every
    /// message the queue took: a closed queue takes none.)
    pub(crate) fn count_queued(&self) {
        let accepted = self.accepted.load(Ordering::Relaxed);
        self.accepted.store(accepted + 1, Ordering::Relaxed);
    }

    pub(crate) fn count_dropped(&self, name: &str, reason: &str) {
        let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        self.warn(|| {
            let since = since_notice(&self.noticed_dropped, dropped);
            format!(
                "femtologging: {name}: {reason}; {} dropped since the last notice, {dropped} in total\n",
                record_count(since)
            )
        });
    }

    pub(crate) fn count_written(&self, records: u64) {
        self.written.fetch_add(records, Ordering::Relaxed);
    }

    /// A failed write: `records` lost by it, `held` kept (a line it cut,
    /// records a failed flush still holds) for a later attempt to write or
    /// count lost, so not called lost yet.
    pub(crate) fn count_write_failure(
        &self,
        name: &str,
        records: u64,
        held: u64,
        error: &std::io::Error,
    ) {
        self.failed.fetch_add(records, Ordering::Relaxed);
        let errors = self.write_errors.fetch_add(1, Ordering::Relaxed) + 1;
        let lost = self.failed.load(Ordering::Relaxed);
        self.warn(|| {
            let since = since_notice(&self.noticed_failed, lost);
            let kept = if held > 0 {
                format!(", {} kept to try again", record_count(held))
            } else {
                String::new()
            };
            format!(
                "femtologging: {name}: write failed ({error}); {} lost since the last notice, {lost} in total{kept} ({errors} failed write(s))\n",
                record_count(since)
            )
        });
    }

    /// Failed attempts that were made again: failed writes, reported, whose
    /// records are counted by how the last attempt went.
    pub(crate) fn count_retried_errors(&self, name: &str, errors: u64, reason: &str) {
        let total = self.write_errors.fetch_add(errors, Ordering::Relaxed) + errors;
        self.warn(|| {
            format!(
                "femtologging: {name}: write failed ({reason}) and was retried; {total} failed write(s) so far\n"
            )
        });
    }

    /// Records lost without a failed write of their own: still held back
    /// when the worker closed.
    pub(crate) fn count_failed(&self, records: u64) {
        self.failed.fetch_add(records, Ordering::Relaxed);
    }

    /// Records lost to failed writes so far.
    pub(crate) fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    pub(crate) fn count_rejected(&self, name: &str, records: u64, reason: &str) {
        let rejected = self.rejected.fetch_add(records, Ordering::Relaxed) + records;
        self.warn(|| {
            let since = since_notice(&self.noticed_rejected, rejected);
            format!(
                "femtologging: {name}: a record could not be written ({reason}); {} rejected since the last notice, {rejected} in total\n",
                record_count(since)
            )
        });
    }

    pub(crate) fn count_rotation_error(&self, name: &str, failures: u64, reason: &str) {
        let total = self.rotation_errors.fetch_add(failures, Ordering::Relaxed) + failures;
        self.warn(|| {
            format!(
                "femtologging: {name}: rollover failed ({reason}); {total} failed rollover(s) so far, no record lost\n"
            )
        });
    }

    /// Counts an exception of a Python handler or formatter (reported by the
    /// binding itself, with its traceback).
    pub fn count_handler_error(&self) {
        self.handler_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Once, when the worker closes: when any record it was given was never
    /// written, says how many and why on standard error. The notices while
    /// records were lost are rate-limited, so without this the last second's
    /// losses would go unsaid. `unfinished` is true when the worker stopped
    /// making progress and was left behind with records still queued.
    pub(crate) fn report_at_close(&self, name: &str, unfinished: bool) {
        if self.closing_reported.swap(true, Ordering::Relaxed) {
            return;
        }
        if let Some(report) = self.snapshot().closing_report(name, unfinished) {
            let _ = std::io::stderr().write_all(report.as_bytes());
        }
    }

    /// Prints a warning unless one was printed less than a second ago.
    fn warn(&self, message: impl FnOnce() -> String) {
        let now = epoch().elapsed().as_nanos() as u64 + 1;
        let last = self.last_warning.load(Ordering::Relaxed);
        if last != 0 && now.saturating_sub(last) < WARNING_INTERVAL.as_nanos() as u64 {
            return;
        }
        if self
            .last_warning
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        let _ = std::io::stderr().write_all(message().as_bytes());
    }
}
