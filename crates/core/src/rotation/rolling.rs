//! A log file that rolls over by size or by time, as a femto handler's worker
//! writes it.
//!
//! The worker hands over a batch already formatted into one buffer, with the
//! offset where each record's line ends. Lines that fit go out in one write;
//! when the next line would take the file past its limit, what came before
//! is written, the backups shift, a fresh file is opened, and writing goes on
//! there. Sizes are counted in bytes, exactly. A time schedule (the standard
//! `TimedRotatingFileHandler`'s) is checked line by line against the time
//! each record was logged, so a record lands in the file of the period it
//! was logged in however late the worker writes it.
//!
//! A rollover that fails (a backup that cannot be replaced, a directory that
//! vanished, a full disk) never costs a record: the worker keeps appending to
//! the file it has, reports why, and tries again a second later. A write the
//! disk refuses part-way holds the rest of the line it cut (`held`), which
//! goes to the same file before anything else.
//!
//! With `interprocess`, every batch is written under the sidecar lock, and the
//! file is reopened first when another process has rotated it away: several
//! processes then share one set of files without losing, duplicating or
//! double-rotating anything.

use std::fs::{self, OpenOptions};
use std::io;
use std::ops::Range;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::fork::ProcessFile;
use crate::held::{write_lines, Held, LinesStopped};

use super::backups::{rename_if_exists, shift_backups, PathError, PlainRenamer, Renamer};
use super::compress::{Compression, Compressor};
use super::lock::{replaced_at, InterprocessLock};
use super::size::wants_rollover;
use super::timed::{mtime_seconds, Clock, ExistingBackup, SystemClock, TimedSchedule};

/// How long a failed rollover waits before it is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// How a `RollingFile` rotates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollingOptions {
    /// Roll over before a line would take the file past this many bytes;
    /// zero never rolls over by size.
    pub max_bytes: u64,
    /// How many numbered backups to keep.
    pub backup_count: u32,
    /// Compress each backup off the worker's thread.
    pub compression: Option<Compression>,
    /// Share the file with other processes under an advisory lock.
    pub interprocess: bool,
    /// Roll over on a time schedule too.
    pub timed: Option<TimedRotation>,
}

/// Rollover on the standard time schedule, keeping `backup_count` dated
/// backups (all of them when zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedRotation {
    pub schedule: TimedSchedule,
    pub backup_count: u32,
}

/// A worker's batch: its lines formatted into one buffer.
pub struct LineBatch<'a> {
    pub text: &'a [u8],
    /// Where each line ends in `text`; the last is `text.len()`.
    pub ends: &'a [usize],
    /// When each line's record was logged, in whole seconds of the epoch;
    /// without them the handler's clock is read once for the batch.
    pub times: Option<&'a [i64]>,
}

/// Rollovers that failed during one write, for the worker to count and report.
#[derive(Debug, Default)]
pub struct RotationFailures {
    pub count: u64,
    pub reason: Option<String>,
}

impl RotationFailures {
    fn add(&mut self, reason: String) {
        self.count += 1;
        self.reason.get_or_insert(reason);
    }
}

pub struct RollingFile {
    path: String,
    file: ProcessFile,
    /// The rest of a line a full disk cut, for the current file.
    held: Held,
    /// Bytes in the file, as far as this writer knows, with those held for it.
    size: u64,
    options: RollingOptions,
    lock: Option<InterprocessLock>,
    compressor: Option<Compressor>,
    /// After a failed rollover: not again before this.
    retry_at: Option<Instant>,
    clock: Arc<dyn Clock + Send + Sync>,
    /// When the time schedule next rolls over.
    rollover_at: i64,
}

impl RollingFile {
    /// Opens `path` for appending (truncating it first when `truncate`).
    pub fn open(path: &str, truncate: bool, options: RollingOptions) -> io::Result<RollingFile> {
        RollingFile::open_with_clock(path, truncate, options, Arc::new(SystemClock))
    }

    /// `open`, with the time schedule read from `clock`.
    pub fn open_with_clock(
        path: &str,
        truncate: bool,
        options: RollingOptions,
        clock: Arc<dyn Clock + Send + Sync>,
    ) -> io::Result<RollingFile> {
        let lock = match options.interprocess {
            true => Some(InterprocessLock::open(path)?),
            false => None,
        };
        let file = {
            let _guard = lock.as_ref().map(InterprocessLock::lock).transpose()?;
            open_for_append(path, truncate)?
        };
        let metadata = file.metadata()?;
        let size = metadata.len();
        let rollover_at = match &options.timed {
            // As the standard handler does: the schedule starts from the
            // file's last change, so a file left from yesterday rolls over
            // with the first batch.
            Some(timed) => {
                let version = timed.schedule.version();
                let mtime = mtime_seconds(metadata.mtime(), metadata.mtime_nsec(), version);
                timed
                    .schedule
                    .initial_rollover(Some(mtime), clock.as_ref())
                    .map_err(|error| io::Error::other(error.to_string()))?
            }
            None => i64::MAX,
        };
        Ok(RollingFile {
            path: path.to_owned(),
            file,
            held: Held::default(),
            size,
            compressor: options.compression.map(Compressor::new),
            options,
            lock,
            retry_at: None,
            clock,
            rollover_at,
        })
    }

    /// Whether `write_lines` wants the time each line was logged.
    pub fn wants_line_times(&self) -> bool {
        self.options.timed.is_some()
    }

    /// Whether the rest of a line a full disk cut is waiting to be written.
    pub fn holds_line(&self) -> bool {
        !self.held.is_empty()
    }

    /// Writes `batch`, rolling over between lines as needed. On failure,
    /// tells how many of its lines are whole in the files and whether one
    /// was cut (its rest held for the next write).
    pub fn write_lines(
        &mut self,
        batch: &LineBatch<'_>,
        failures: &mut RotationFailures,
    ) -> Result<(), LinesStopped> {
        let lock = self.lock.take();
        let result = match &lock {
            Some(lock) => match lock.lock() {
                // The rest of a cut line goes after its head, before this
                // writer follows another process to a fresh file.
                Ok(_guard) => self
                    .write_chunk(batch, 0..0)
                    .and_then(|()| {
                        self.follow_other_writers()
                            .map_err(LinesStopped::before_any)
                    })
                    .and_then(|()| self.write_rolling(batch, failures)),
                Err(error) => Err(LinesStopped::before_any(error)),
            },
            None => self.write_rolling(batch, failures),
        };
        self.lock = lock;
        result
    }

    /// Writes the rest of a line a full disk cut, if there is one.
    pub fn write_held(&mut self) -> io::Result<()> {
        if self.held.is_empty() {
            return Ok(());
        }
        let empty = LineBatch {
            text: &[],
            ends: &[],
            times: None,
        };
        let lock = self.lock.take();
        let result = match &lock {
            Some(lock) => lock
                .lock()
                .and_then(|_guard| self.write_chunk(&empty, 0..0).map_err(|s| s.error)),
            None => self.write_chunk(&empty, 0..0).map_err(|s| s.error),
        };
        self.lock = lock;
        result
    }

    /// Under the lock: when another process rotated the file away, write to
    /// the new one; and count what the others appended.
    fn follow_other_writers(&mut self) -> io::Result<()> {
        if replaced_at(&self.path, self.file.as_fd())? {
            self.file = open_for_append(&self.path, false)?;
        }
        self.size = self.file.metadata()?.len();
        Ok(())
    }

    fn write_rolling(
        &mut self,
        batch: &LineBatch<'_>,
        failures: &mut RotationFailures,
    ) -> Result<(), LinesStopped> {
        let text = batch.text;
        let mut max_bytes = self.rollover_limit();
        let mut timed =
            self.options.timed.is_some() && self.retry_at.is_none_or(|when| Instant::now() >= when);
        // Without times from the worker, the whole batch counts as logged now.
        let batch_time = match (timed, batch.times) {
            (true, None) => self.clock.now(),
            _ => 0,
        };
        let time_of = |index: usize| batch.times.map_or(batch_time, |times| times[index]);
        let time_due =
            timed && (0..batch.ends.len()).any(|index| time_of(index) >= self.rollover_at);
        let size_due = max_bytes > 0 && self.size + text.len() as u64 > max_bytes;
        if !time_due && !size_due {
            return self.write_chunk(batch, 0..text.len());
        }
        let mut chunk_start = 0;
        let mut line_start = 0;
        let mut pending = 0u64;
        for (index, &line_end) in batch.ends.iter().enumerate() {
            let line_bytes = (line_end - line_start) as u64;
            let logged_at = time_of(index);
            let by_time = timed && logged_at >= self.rollover_at;
            let by_size = !by_time
                && max_bytes > 0
                && wants_rollover(self.size + pending, line_bytes, max_bytes);
            if by_time || by_size {
                self.write_chunk(batch, chunk_start..line_start)?;
                pending = 0;
                chunk_start = line_start;
                let outcome = match by_time {
                    true => self.roll_over_by_time(logged_at),
                    false => self.roll_over(),
                };
                if outcome.is_err() {
                    // No second attempt before the retry delay, in this batch either.
                    max_bytes = 0;
                    timed = false;
                }
                self.record_failure(outcome, failures);
            }
            pending += line_bytes;
            line_start = line_end;
        }
        self.write_chunk(batch, chunk_start..text.len())
    }

    /// After a failed rollover: count it, and wait before the next attempt.
    fn record_failure(&mut self, outcome: Result<(), String>, failures: &mut RotationFailures) {
        if let Err(reason) = outcome {
            self.retry_at = Some(Instant::now() + RETRY_AFTER);
            failures.add(reason);
        }
    }

    /// Opens a fresh file at the path after the old one was renamed away;
    /// when that fails, the rotated file stays the one written to.
    fn start_fresh_file(&mut self, problems: &mut Vec<String>) {
        match open_for_append(&self.path, false) {
            Ok(file) => {
                self.file = file;
                self.size = 0;
            }
            Err(error) => problems.push(format!(
                "could not open a fresh {}: {error}; still appending to the rotated file",
                self.path
            )),
        }
    }

    /// The size limit in force now: none while a failed rollover waits to
    /// be retried.
    fn rollover_limit(&mut self) -> u64 {
        if self.options.backup_count == 0 {
            return 0;
        }
        match self.retry_at {
            Some(when) if Instant::now() < when => 0,
            Some(_) => {
                self.retry_at = None;
                self.options.max_bytes
            }
            None => self.options.max_bytes,
        }
    }

    /// Writes what is held, then the lines of `batch` in `span`.
    fn write_chunk(
        &mut self,
        batch: &LineBatch<'_>,
        span: Range<usize>,
    ) -> Result<(), LinesStopped> {
        if span.is_empty() && self.held.is_empty() {
            return Ok(());
        }
        let bytes = span.len() as u64;
        match write_lines(
            &mut *self.file,
            &mut self.held,
            batch.text,
            batch.ends,
            span,
        ) {
            Ok(()) => {
                self.size += bytes;
                Ok(())
            }
            Err(stopped) => {
                // Part of the chunk may be in the file: ask the file.
                if let Ok(metadata) = self.file.metadata() {
                    self.size = metadata.len() + self.held.len() as u64;
                }
                Err(stopped)
            }
        }
    }

    /// Shifts the backups and opens a fresh file. On failure the current
    /// file stays the one written to, and the reason is returned.
    fn roll_over(&mut self) -> Result<(), String> {
        let path = self.path.clone();
        let mut problems = Vec::new();
        let shifted = match self.compressor.as_mut() {
            Some(compressor) => {
                if let Err(error) = compressor.wait() {
                    problems.push(format!("compressing the previous backup failed: {error}"));
                }
                shift_backups(
                    &path,
                    self.options.backup_count,
                    &mut Compressing(compressor),
                )
            }
            None => shift_backups(&path, self.options.backup_count, &mut PlainRenamer),
        };
        if let Err(error) = shifted {
            problems.push(format!(
                "could not rotate {path}: {error}; still writing to it"
            ));
            return Err(problems.join("; "));
        }
        self.start_fresh_file(&mut problems);
        joined(problems)
    }

    /// Renames the file to its dated backup, opens a fresh one and deletes
    /// the backups beyond the count.
    fn roll_over_by_time(&mut self, now: i64) -> Result<(), String> {
        let Some(timed) = self.options.timed.clone() else {
            return Ok(());
        };
        let path = self.path.clone();
        let plan = timed
            .schedule
            .plan_rollover(&path, self.rollover_at, now)
            .map_err(|error| format!("could not name the backup of {path}: {error}"))?;
        self.rollover_at = plan.next_rollover_at;
        let extension = self
            .compressor
            .as_ref()
            .map_or("", |compressor| compressor.kind().extension());
        let final_name = format!("{}{extension}", plan.backup_name);
        if fs::metadata(&final_name).is_ok() {
            // Among processes sharing the files, an existing backup of this
            // period means another one rotated first, and the file now open
            // is already the new period's: replacing the backup would lose
            // that writer's lines, whatever the standard rule for a lone
            // writer says.
            let if_exists = match self.options.interprocess {
                true => ExistingBackup::Skip,
                false => plan.if_backup_exists,
            };
            match if_exists {
                ExistingBackup::Skip => return Ok(()),
                ExistingBackup::Replace => fs::remove_file(&final_name)
                    .map_err(|error| format!("could not replace {final_name}: {error}"))?,
            }
        }
        let mut problems = Vec::new();
        if let Err(error) = rename_if_exists(&path, &plan.backup_name) {
            return Err(format!(
                "could not rotate {path}: {error}; still writing to it"
            ));
        }
        if let Some(compressor) = self.compressor.as_mut() {
            if let Err(error) = compressor.start(plan.backup_name.clone()) {
                problems.push(format!("compressing the previous backup failed: {error}"));
            }
        }
        self.start_fresh_file(&mut problems);
        if timed.backup_count > 0 {
            if let Some(compressor) = self.compressor.as_mut() {
                // The newest backup must exist under its final name to be counted.
                if let Err(error) = compressor.wait() {
                    problems.push(format!("compressing {} failed: {error}", plan.backup_name));
                }
            }
            if let Err(error) = self.delete_old_backups(&timed, extension) {
                problems.push(format!("could not delete old backups of {path}: {error}"));
            }
        }
        joined(problems)
    }

    fn delete_old_backups(&self, timed: &TimedRotation, extension: &str) -> io::Result<()> {
        let directory = Path::new(&self.path)
            .parent()
            .unwrap_or_else(|| Path::new("."));
        let mut names = Vec::new();
        for entry in fs::read_dir(directory)? {
            if let Ok(name) = entry?.file_name().into_string() {
                names.push(name);
            }
        }
        let add_extension = |name: &str| format!("{name}{extension}");
        let namer: Option<&dyn Fn(&str) -> String> = match extension.is_empty() {
            true => None,
            false => Some(&add_extension),
        };
        for old in
            timed
                .schedule
                .files_to_delete(&self.path, &names, i64::from(timed.backup_count), namer)
        {
            match fs::remove_file(&old) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
        Ok(())
    }

    /// The path the file was opened with.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Backups named with the compression's extension; the live file is renamed
/// to the uncompressed name and compressed in the background.
struct Compressing<'a>(&'a mut Compressor);

impl Renamer for Compressing<'_> {
    type Error = PathError;

    fn backup_name(&mut self, default_name: String) -> Result<String, PathError> {
        Ok(format!("{default_name}{}", self.0.kind().extension()))
    }

    fn rotate(&mut self, source: &str, destination: &str) -> Result<(), PathError> {
        let extension = self.0.kind().extension();
        let uncompressed = destination.strip_suffix(extension).unwrap_or(destination);
        rename_if_exists(source, uncompressed)?;
        if fs::metadata(uncompressed).is_ok() {
            self.0
                .start(uncompressed.to_owned())
                .map_err(|error| PathError {
                    error,
                    path: uncompressed.to_owned(),
                    other_path: None,
                })?;
        }
        Ok(())
    }
}

/// A rollover's outcome: every problem it met, in one reason.
fn joined(problems: Vec<String>) -> Result<(), String> {
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("; ")),
    }
}

fn open_for_append(path: &str, truncate: bool) -> io::Result<ProcessFile> {
    let mut options = OpenOptions::new();
    if truncate {
        options.write(true).create(true).truncate(true);
    } else {
        options.append(true).create(true);
    }
    options.open(path).map(ProcessFile::new)
}
