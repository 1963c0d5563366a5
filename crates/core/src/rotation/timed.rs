//! The schedule of `logging.handlers.TimedRotatingFileHandler`, as CPython 3.11 to 3.13
//! run it, without the file operations.
//!
//! A handler built on this module keeps one number, `rollover_at`, and asks:
//!
//! - at construction, [`TimedSchedule::initial_rollover`] (from the file's modification
//!   time when the file exists, read with [`mtime_seconds`]);
//! - on each record, [`TimedSchedule::should_rollover`] against a [`Clock`];
//! - on rollover, [`TimedSchedule::plan_rollover`]: the backup's name before any namer,
//!   what to do when that backup already exists ([`ExistingBackup`]), and the next
//!   `rollover_at`; then [`TimedSchedule::files_to_delete`] for the old backups to remove.
//!
//! 3.12 behaves as 3.11 throughout. 3.13 changed the arithmetic (the interval applies to
//! `MIDNIGHT` and weekly rollovers, daylight-saving corrections moved into
//! `computeRollover`, a rollover exactly at the rotation time moves to the next day), the
//! backup pattern and the way old backups are recognised, and no longer replaces a backup
//! that already exists. Each item documents where the versions part.

mod backups;
mod clock;
mod digits;
mod ext_match;
mod schedule;
mod when;

#[cfg(test)]
mod tests;

pub use backups::{files_to_delete, split_path, try_files_to_delete, Namer};
pub use clock::{mtime_seconds, Clock, ManualClock, SystemClock};
pub use ext_match::{ExtMatch, SearchHit, SuffixMatcher};
pub use schedule::{backup_file_name, AtTime, ExistingBackup, RolloverPlan, TimedSchedule};
pub use when::{ScheduleError, When};
