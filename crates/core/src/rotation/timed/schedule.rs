//! When the next rollover falls, and what the backup of the current one is called.

use crate::time::{gmtime, localtime, strftime_checked, CalendarTime, PythonVersion, TimeError};

use super::backups::files_to_delete;
use super::clock::Clock;
use super::ext_match::ExtMatch;
use super::when::{ScheduleError, When, DAY, WEEK};

/// One hour, the size of every daylight-saving correction the handler makes: it assumes
/// clocks move by exactly an hour.
const DST_SHIFT: i64 = 3600;

/// The time of day of `MIDNIGHT` and weekly rollovers (the handler's `atTime`).
///
/// Only its hour, minute and second count; a `datetime.time`'s microseconds and time
/// zone are ignored, as CPython ignores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AtTime {
    seconds: i64,
}

impl AtTime {
    /// `datetime.time(hour, minute, second)`. Values are not range-checked: CPython
    /// only reads the three attributes and does the arithmetic.
    pub fn new(hour: i64, minute: i64, second: i64) -> AtTime {
        AtTime {
            seconds: (hour * 60 + minute) * 60 + second,
        }
    }

    /// A time of day given in seconds after midnight.
    pub fn from_seconds(seconds: i64) -> AtTime {
        AtTime { seconds }
    }

    /// Seconds after midnight.
    pub fn seconds(self) -> i64 {
        self.seconds
    }
}

/// What a rollover does when its backup's name is already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExistingBackup {
    /// 3.11 and 3.12: delete the existing file, then rotate as usual.
    Replace,
    /// 3.13: take it as a sign that another process already rolled over, and do nothing
    /// at all: the stream stays open, no backup is deleted, and `rollover_at` keeps its
    /// value, so every following record makes the same attempt.
    Skip,
}

/// Everything a rollover needs to know apart from the files themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloverPlan {
    /// The time the backup is named after: the start of the interval that ends now,
    /// corrected by an hour when daylight saving changed in between (local time only).
    pub backup_time: CalendarTime,
    /// `base + "." + strftime(suffix, backup_time)`, before any namer
    /// (`rotation_filename`) is applied.
    pub backup_name: String,
    /// What to do when the backup's final name (after the namer) already exists.
    pub if_backup_exists: ExistingBackup,
    /// The `rollover_at` to keep once the rollover is done.
    pub next_rollover_at: i64,
}

/// The rules CPython changed at 3.13; 3.12 follows the earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    Before313,
    Since313,
}

impl From<PythonVersion> for Rules {
    fn from(version: PythonVersion) -> Rules {
        match version {
            PythonVersion::V3_11 | PythonVersion::V3_12 => Rules::Before313,
            PythonVersion::V3_13 => Rules::Since313,
        }
    }
}

/// The rollover schedule of one `TimedRotatingFileHandler`.
///
/// Times are whole seconds since the epoch. Conversions to local time go through the C
/// library (`localtime_r`), so they follow `TZ` as `time.localtime` does; a conversion
/// that fails is reported as the [`TimeError`] CPython would raise at the same point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedSchedule {
    when: When,
    interval: i64,
    utc: bool,
    at_time: Option<AtTime>,
    version: PythonVersion,
}

impl TimedSchedule {
    /// The schedule `TimedRotatingFileHandler(when=when, interval=interval, utc=utc,
    /// atTime=at_time)` follows under `version`.
    ///
    /// `when` is validated as CPython validates it, with its `ValueError` messages. The
    /// interval is not: zero and negative values are accepted, as they are by CPython.
    pub fn new(
        when: &str,
        interval: i64,
        utc: bool,
        at_time: Option<AtTime>,
        version: PythonVersion,
    ) -> Result<TimedSchedule, ScheduleError> {
        let when = When::parse(when)?;
        let interval = when
            .unit_seconds()
            .checked_mul(interval)
            .ok_or(ScheduleError::IntervalOutOfRange)?;
        Ok(TimedSchedule {
            when,
            interval,
            utc,
            at_time,
            version,
        })
    }

    /// The rollover unit.
    pub fn when(&self) -> When {
        self.when
    }

    /// The interval in seconds (the handler's `interval` attribute).
    pub fn interval(&self) -> i64 {
        self.interval
    }

    /// Replaces the interval in seconds, for a handler whose `interval` attribute is
    /// reassigned.
    pub fn set_interval(&mut self, seconds: i64) {
        self.interval = seconds;
    }

    /// Whether times are UTC rather than local.
    pub fn utc(&self) -> bool {
        self.utc
    }

    /// Switches between UTC and local time, for a reassigned `utc` attribute.
    pub fn set_utc(&mut self, utc: bool) {
        self.utc = utc;
    }

    /// The time of day of `MIDNIGHT` and weekly rollovers, if not midnight.
    pub fn at_time(&self) -> Option<AtTime> {
        self.at_time
    }

    /// Replaces the time of day, for a reassigned `atTime` attribute.
    pub fn set_at_time(&mut self, at_time: Option<AtTime>) {
        self.at_time = at_time;
    }

    /// The CPython version whose behaviour this schedule reproduces.
    pub fn version(&self) -> PythonVersion {
        self.version
    }

    /// The `strftime` format of backup names (the handler's `suffix`).
    pub fn suffix(&self) -> &'static str {
        self.when.suffix()
    }

    /// The built-in matcher of backup names (the handler's `extMatch`); its
    /// [`ExtMatch::pattern`] is the source text the version compiles.
    pub fn ext_match(&self) -> ExtMatch {
        ExtMatch::new(self.when, self.version)
    }

    /// What a rollover does when its backup already exists, in this version.
    pub fn existing_backup(&self) -> ExistingBackup {
        match Rules::from(self.version) {
            Rules::Before313 => ExistingBackup::Replace,
            Rules::Since313 => ExistingBackup::Skip,
        }
    }

    fn rules(&self) -> Rules {
        Rules::from(self.version)
    }

    fn calendar(&self, seconds: i64) -> Result<CalendarTime, TimeError> {
        if self.utc {
            gmtime(seconds)
        } else {
            localtime(seconds)
        }
    }

    /// `computeRollover(current_time)`: the first rollover after `current_time`.
    ///
    /// For `S`, `M`, `H` and `D` it is simply `current_time + interval`, with no
    /// daylight-saving correction. For `MIDNIGHT` and weekly rollovers it is the next
    /// `atTime` (midnight by default), on the right weekday for a weekly one; from there:
    ///
    /// - 3.11/3.12: `interval` is ignored; a time exactly at `atTime` is its own
    ///   rollover; only a weekly rollover that is not today is corrected for daylight
    ///   saving (an hour less when summer time starts before it, an hour more when it ends).
    /// - 3.13: `interval` days or weeks are counted from that first `atTime`; a time
    ///   exactly at `atTime` rolls over one day later; both kinds are corrected for
    ///   daylight saving, except that no hour is taken off when the hour before the
    ///   result is still standard time.
    ///
    /// UTC schedules are never corrected.
    pub fn compute_rollover(&self, current_time: i64) -> Result<i64, TimeError> {
        if !self.when.is_time_of_day() {
            return Ok(current_time.saturating_add(self.interval));
        }
        let now = self.calendar(current_time)?;
        let rotate_at = self.at_time.map_or(DAY, AtTime::seconds);
        let time_of_day =
            (i64::from(now.hour) * 60 + i64::from(now.minute)) * 60 + i64::from(now.second);
        let mut until_rotation = rotate_at - time_of_day;
        let mut weekday = i64::from(now.weekday);
        let passed = match self.rules() {
            Rules::Before313 => until_rotation < 0,
            Rules::Since313 => until_rotation <= 0,
        };
        if passed {
            until_rotation += DAY;
            weekday = (weekday + 1) % 7;
        }
        let mut result = current_time + until_rotation;
        let days_to_weekday = |target: u8| (i64::from(target) - weekday).rem_euclid(7) * DAY;
        match self.rules() {
            Rules::Before313 => {
                if let When::Weekday(target) = self.when {
                    if i64::from(target) != weekday {
                        result += days_to_weekday(target);
                        if !self.utc {
                            result += dst_shift(now.is_dst, localtime(result)?.is_dst);
                        }
                    }
                }
            }
            Rules::Since313 => {
                // The first rotation time counts as the first unit of the interval.
                let first_unit = match self.when {
                    When::Weekday(target) => days_to_weekday(target) - WEEK,
                    _ => -DAY,
                };
                result = (result + first_unit)
                    .checked_add(self.interval)
                    .ok_or_else(out_of_range)?;
                if !self.utc {
                    let shift = dst_shift(now.is_dst, localtime(result)?.is_dst);
                    // Entering summer time, the hour comes off only if the hour before the
                    // result is summer time too: otherwise the result sits just after the
                    // missing hour and taking it off would land before the rotation time.
                    let already_right = shift < 0 && localtime(result - DST_SHIFT)?.is_dst == 0;
                    if !already_right {
                        result += shift;
                    }
                }
            }
        }
        Ok(result)
    }

    /// The first `rollover_at`, as the handler's constructor computes it: from the file's
    /// modification time (see [`super::mtime_seconds`]) when the file exists, else from
    /// the clock. Either way it may already have passed.
    pub fn initial_rollover(
        &self,
        mtime: Option<i64>,
        clock: &dyn Clock,
    ) -> Result<i64, TimeError> {
        let start = mtime.unwrap_or_else(|| clock.now());
        self.compute_rollover(start)
    }

    /// `shouldRollover`'s test of the time. CPython never rolls a file that exists but is
    /// not a regular file; it then sets `rollover_at` to `compute_rollover(now)` instead.
    pub fn should_rollover(&self, rollover_at: i64, now: i64) -> bool {
        now >= rollover_at
    }

    /// Whether summer time is in force at `now`, for comparisons with the backup time and
    /// the next rollover. 3.11 and 3.12 ask even for UTC schedules (so an unconvertible
    /// `now` fails there too); 3.13 only for local ones.
    fn dst_now(&self, now: i64) -> Result<Option<i32>, TimeError> {
        if self.utc && self.rules() == Rules::Since313 {
            return Ok(None);
        }
        Ok(Some(localtime(now)?.is_dst))
    }

    /// The time a rollover at `now` names its backup after: `rollover_at - interval`,
    /// shifted by an hour when daylight saving differs between then and `now`, so that a
    /// daily backup keeps the date of the day it covers. Both versions agree.
    pub fn backup_time(&self, rollover_at: i64, now: i64) -> Result<CalendarTime, TimeError> {
        let dst_now = self.dst_now(now)?;
        let start = rollover_at.saturating_sub(self.interval);
        if self.utc {
            return gmtime(start);
        }
        let then = localtime(start)?;
        match dst_now {
            Some(dst_now) if dst_now != then.is_dst => {
                let shift = if dst_now != 0 { DST_SHIFT } else { -DST_SHIFT };
                localtime(start + shift)
            }
            _ => Ok(then),
        }
    }

    /// The backup's name for a rollover at `now`, before any namer:
    /// `base + "." + strftime(suffix, backup_time(rollover_at, now))`.
    pub fn backup_name(&self, base: &str, rollover_at: i64, now: i64) -> Result<String, TimeError> {
        backup_file_name(base, self.suffix(), &self.backup_time(rollover_at, now)?)
    }

    /// The `rollover_at` a rollover at `now` leaves behind.
    ///
    /// - 3.11/3.12: `compute_rollover(now)`, advanced by whole intervals until it is after
    ///   `now`, then, for `MIDNIGHT` and weekly local schedules, shifted by an hour when
    ///   daylight saving differs between `now` and then (on top of any shift
    ///   `compute_rollover` made). A non-positive interval, with which CPython would loop
    ///   forever, leaves the value after the first step.
    /// - 3.13: `compute_rollover(now)`.
    pub fn next_rollover(&self, now: i64) -> Result<i64, TimeError> {
        self.next_rollover_from(self.compute_rollover(now)?, now)
    }

    /// [`TimedSchedule::next_rollover`] given the value `computeRollover(now)` returned,
    /// for a handler whose `computeRollover` a subclass may have replaced: the corrections
    /// 3.11 and 3.12 make afterwards still apply to what it returned.
    pub fn next_rollover_from(&self, computed: i64, now: i64) -> Result<i64, TimeError> {
        match self.rules() {
            Rules::Since313 => Ok(computed),
            Rules::Before313 => {
                let mut next = computed;
                if next <= now && self.interval > 0 {
                    let behind = now - next;
                    next += (behind / self.interval + 1) * self.interval;
                }
                Ok(next + self.dst_correction_before_313(now, next)?)
            }
        }
    }

    /// What 3.11 and 3.12 add to the next rollover at `next`, decided at
    /// `now`, when daylight saving starts or ends in between: an hour either
    /// way for a time-of-day schedule in local time, else nothing.
    pub fn dst_correction_before_313(&self, now: i64, next: i64) -> Result<i64, TimeError> {
        if self.rules() != Rules::Before313 || !self.when.is_time_of_day() || self.utc {
            return Ok(0);
        }
        Ok(dst_shift(localtime(now)?.is_dst, localtime(next)?.is_dst))
    }

    /// `doRollover` without the files: the backup's time and name, the policy for an
    /// existing backup, and the next `rollover_at`.
    ///
    /// The I/O layer applies its namer to `backup_name`; if the result exists it either
    /// deletes it or abandons the rollover (`if_backup_exists`); then it rotates, deletes
    /// what [`TimedSchedule::files_to_delete`] lists when `backup_count > 0`, and stores
    /// `next_rollover_at`. CPython computes the next rollover after rotating; computing
    /// it here only changes which error surfaces first for times the C library cannot
    /// convert.
    pub fn plan_rollover(
        &self,
        base: &str,
        rollover_at: i64,
        now: i64,
    ) -> Result<RolloverPlan, TimeError> {
        let backup_time = self.backup_time(rollover_at, now)?;
        let backup_name = backup_file_name(base, self.suffix(), &backup_time)?;
        Ok(RolloverPlan {
            backup_time,
            backup_name,
            if_backup_exists: self.existing_backup(),
            next_rollover_at: self.next_rollover(now)?,
        })
    }

    /// `getFilesToDelete` with the built-in `extMatch`: the full paths of the backups to
    /// delete, oldest first, given the base file's path and the names in its directory.
    /// See [`super::try_files_to_delete`] for the rules of each version.
    pub fn files_to_delete<S: AsRef<str>>(
        &self,
        base_path: &str,
        file_names: &[S],
        backup_count: i64,
        namer: Option<&dyn Fn(&str) -> String>,
    ) -> Vec<String> {
        files_to_delete(
            self.version,
            &self.ext_match(),
            base_path,
            file_names,
            backup_count,
            namer,
        )
    }
}

/// `base + "." + time.strftime(suffix, time)`, for a user's own `suffix` too; a suffix
/// CPython rejects (one with a NUL character) gives its error.
pub fn backup_file_name(
    base: &str,
    suffix: &str,
    time: &CalendarTime,
) -> Result<String, TimeError> {
    Ok(format!("{base}.{}", strftime_checked(suffix, time)?))
}

/// The correction CPython applies when the `tm_isdst` of two times differs: an hour less
/// when summer time starts in between, an hour more when it ends.
fn dst_shift(dst_before: i32, dst_after: i32) -> i64 {
    match (dst_before == dst_after, dst_before == 0) {
        (true, _) => 0,
        (false, true) => -DST_SHIFT,
        (false, false) => DST_SHIFT,
    }
}

/// What `time.localtime` raises for a time beyond 64 bits, which is where CPython's
/// unbounded arithmetic would fail.
fn out_of_range() -> TimeError {
    TimeError::Overflow("timestamp out of range for platform time_t".into())
}
