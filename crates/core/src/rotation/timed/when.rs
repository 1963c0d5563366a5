//! The `when` argument: which unit the interval counts, and what backups are named after.

use std::error::Error;
use std::fmt;

const SECOND: i64 = 1;
const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
pub(super) const DAY: i64 = 24 * HOUR;
pub(super) const WEEK: i64 = 7 * DAY;

/// The rollover unit named by `when`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    /// `S`: every `interval` seconds.
    Seconds,
    /// `M`: every `interval` minutes.
    Minutes,
    /// `H`: every `interval` hours.
    Hours,
    /// `D`: every `interval` days, counted from the start, not from midnight.
    Days,
    /// `MIDNIGHT`: at midnight, or at `atTime`, every day (every `interval` days from 3.13).
    Midnight,
    /// `W0` to `W6`: on that weekday (0 is Monday) at midnight or at `atTime`, every week
    /// (every `interval` weeks from 3.13).
    Weekday(u8),
}

impl When {
    /// Parses `when` as the handler's constructor does: case-insensitively (with Python's
    /// full Unicode upper-casing, so `"midnight"` and `"w3"` are accepted), failing with
    /// the message of the `ValueError` CPython raises.
    pub fn parse(when: &str) -> Result<When, ScheduleError> {
        let upper = when.to_uppercase();
        let parsed = match upper.as_str() {
            "S" => When::Seconds,
            "M" => When::Minutes,
            "H" => When::Hours,
            "D" => When::Days,
            "MIDNIGHT" => When::Midnight,
            weekly if weekly.starts_with('W') => {
                let mut rest = weekly.chars().skip(1);
                let (Some(day), None) = (rest.next(), rest.next()) else {
                    return Err(ScheduleError::MissingWeekday(upper));
                };
                match day {
                    '0'..='6' => When::Weekday(day as u8 - b'0'),
                    _ => return Err(ScheduleError::InvalidWeekday(upper)),
                }
            }
            _ => return Err(ScheduleError::InvalidWhen(upper)),
        };
        Ok(parsed)
    }

    /// The canonical spelling, as the handler's `when` attribute holds it after a
    /// successful construction.
    pub fn name(self) -> String {
        match self {
            When::Seconds => "S".into(),
            When::Minutes => "M".into(),
            When::Hours => "H".into(),
            When::Days => "D".into(),
            When::Midnight => "MIDNIGHT".into(),
            When::Weekday(day) => format!("W{day}"),
        }
    }

    /// Seconds in one unit: the interval is this times the `interval` argument.
    pub fn unit_seconds(self) -> i64 {
        match self {
            When::Seconds => SECOND,
            When::Minutes => MINUTE,
            When::Hours => HOUR,
            When::Days | When::Midnight => DAY,
            When::Weekday(_) => WEEK,
        }
    }

    /// The `strftime` format appended to the base name of a backup.
    pub fn suffix(self) -> &'static str {
        match self {
            When::Seconds => "%Y-%m-%d_%H-%M-%S",
            When::Minutes => "%Y-%m-%d_%H-%M",
            When::Hours => "%Y-%m-%d_%H",
            When::Days | When::Midnight | When::Weekday(_) => "%Y-%m-%d",
        }
    }

    /// The weekday of a weekly rollover (the handler's `dayOfWeek`), 0 being Monday.
    pub fn day_of_week(self) -> Option<u8> {
        match self {
            When::Weekday(day) => Some(day),
            _ => None,
        }
    }

    /// Whether rollovers fall at a time of day (midnight or `atTime`) rather than a fixed
    /// distance after the start.
    pub fn is_time_of_day(self) -> bool {
        matches!(self, When::Midnight | When::Weekday(_))
    }
}

/// Why a schedule could not be built.
///
/// `Display` gives the text of the exception CPython raises: every variant but
/// `IntervalOutOfRange` is a `ValueError` with exactly that message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    /// `when` names no unit; holds `when` upper-cased, as the message shows it.
    InvalidWhen(String),
    /// `when` starts with `W` but is not two characters long.
    MissingWeekday(String),
    /// `when` is `W` and one character outside `0` to `6`.
    InvalidWeekday(String),
    /// The interval in seconds does not fit in 64 bits. CPython would accept it (its
    /// integers are unbounded) and fail later, when the time is converted.
    IntervalOutOfRange,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::InvalidWhen(when) => {
                write!(formatter, "Invalid rollover interval specified: {when}")
            }
            ScheduleError::MissingWeekday(when) => write!(
                formatter,
                "You must specify a day for weekly rollover from 0 to 6 (0 is Monday): {when}"
            ),
            ScheduleError::InvalidWeekday(when) => {
                write!(
                    formatter,
                    "Invalid day specified for weekly rollover: {when}"
                )
            }
            ScheduleError::IntervalOutOfRange => {
                formatter.write_str("rollover interval out of range")
            }
        }
    }
}

impl Error for ScheduleError {}
