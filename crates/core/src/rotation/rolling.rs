//! A log file that rolls over by size, as a femto handler's worker writes it.
//!
//! The worker hands over a batch already formatted into one buffer, with the
//! offset where each record's line ends. Lines that fit go out in one write;
//! when the next line would take the file past its limit, what came before
//! is written, the backups shift, a fresh file is opened, and writing goes on
//! there. Sizes are counted in bytes, exactly.
//!
//! A rollover that fails (a backup that cannot be replaced, a directory that
//! vanished, a full disk) never costs a record: the worker keeps appending to
//! the file it has, reports why, and tries again a second later.
//!
//! With `interprocess`, every batch is written under the sidecar lock, and the
//! file is reopened first when another process has rotated it away: several
//! processes then share one set of files without losing, duplicating or
//! double-rotating anything.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use super::backups::{rename_if_exists, shift_backups, PathError, PlainRenamer, Renamer};
use super::compress::{Compression, Compressor};
use super::lock::InterprocessLock;
use super::size::wants_rollover;

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
    file: File,
    /// Bytes in the file, as far as this writer knows.
    size: u64,
    options: RollingOptions,
    lock: Option<InterprocessLock>,
    compressor: Option<Compressor>,
    /// After a failed rollover: not again before this.
    retry_at: Option<Instant>,
}

impl RollingFile {
    /// Opens `path` for appending (truncating it first when `truncate`).
    pub fn open(path: &str, truncate: bool, options: RollingOptions) -> io::Result<RollingFile> {
        let lock = match options.interprocess {
            true => Some(InterprocessLock::open(path)?),
            false => None,
        };
        let file = {
            let _guard = lock.as_ref().map(InterprocessLock::lock).transpose()?;
            open_for_append(path, truncate)?
        };
        let size = file.metadata()?.len();
        Ok(RollingFile {
            path: path.to_owned(),
            file,
            size,
            compressor: options.compression.map(Compressor::new),
            options,
            lock,
            retry_at: None,
        })
    }

    /// Writes `text`, whose records' lines end at the offsets `line_ends`
    /// (the last one is `text.len()`), rolling over between lines as needed.
    pub fn write_lines(
        &mut self,
        text: &[u8],
        line_ends: &[usize],
        failures: &mut RotationFailures,
    ) -> io::Result<()> {
        let lock = self.lock.take();
        let result = match &lock {
            Some(lock) => {
                let guard = lock.lock();
                match guard {
                    Ok(_guard) => self
                        .follow_other_writers()
                        .and_then(|()| self.write_rolling(text, line_ends, failures)),
                    Err(error) => Err(error),
                }
            }
            None => self.write_rolling(text, line_ends, failures),
        };
        self.lock = lock;
        result
    }

    /// Under the lock: when another process rotated the file away, write to
    /// the new one; and count what the others appended.
    fn follow_other_writers(&mut self) -> io::Result<()> {
        let ours = self.file.metadata()?;
        let replaced = match fs::metadata(&self.path) {
            Ok(theirs) => theirs.dev() != ours.dev() || theirs.ino() != ours.ino(),
            Err(error) if error.kind() == io::ErrorKind::NotFound => true,
            Err(error) => return Err(error),
        };
        if replaced {
            self.file = open_for_append(&self.path, false)?;
        }
        self.size = self.file.metadata()?.len();
        Ok(())
    }

    fn write_rolling(
        &mut self,
        text: &[u8],
        line_ends: &[usize],
        failures: &mut RotationFailures,
    ) -> io::Result<()> {
        let max_bytes = self.rollover_limit();
        if max_bytes == 0 || self.size + text.len() as u64 <= max_bytes {
            return self.write_chunk(text);
        }
        let mut chunk_start = 0;
        let mut line_start = 0;
        let mut pending = 0u64;
        for &line_end in line_ends {
            let line_bytes = (line_end - line_start) as u64;
            if self.rollover_limit() > 0
                && wants_rollover(self.size + pending, line_bytes, max_bytes)
            {
                self.write_chunk(&text[chunk_start..line_start])?;
                pending = 0;
                chunk_start = line_start;
                if let Err(reason) = self.roll_over() {
                    self.retry_at = Some(Instant::now() + RETRY_AFTER);
                    failures.add(reason);
                }
            }
            pending += line_bytes;
            line_start = line_end;
        }
        self.write_chunk(&text[chunk_start..])
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

    fn write_chunk(&mut self, chunk: &[u8]) -> io::Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        match self.file.write_all(chunk) {
            Ok(()) => {
                self.size += chunk.len() as u64;
                Ok(())
            }
            Err(error) => {
                // Part of the chunk may be in the file: ask the file.
                if let Ok(metadata) = self.file.metadata() {
                    self.size = metadata.len();
                }
                Err(error)
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
        match open_for_append(&path, false) {
            Ok(file) => {
                self.file = file;
                self.size = 0;
            }
            Err(error) => {
                problems.push(format!(
                    "could not open a fresh {path}: {error}; still appending to the rotated file"
                ));
            }
        }
        match problems.is_empty() {
            true => Ok(()),
            false => Err(problems.join("; ")),
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
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

fn open_for_append(path: &str, truncate: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    if truncate {
        options.write(true).create(true).truncate(true);
    } else {
        options.append(true).create(true);
    }
    options.open(path)
}
