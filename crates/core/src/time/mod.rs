//! Clock, calendar conversion and strftime with the exact behaviour of CPython.
//!
//! - `now_ns` reads the clock `time.time_ns()` reads; `record_times` derives a record's
//!   `created`, `msecs` and `relativeCreated` with the formulas of each CPython version.
//! - `localtime`, `gmtime` and `strftime` are the C library calls `time.localtime`,
//!   `time.gmtime` and `time.strftime` make, with CPython's conventions around them
//!   (rounding of float timestamps, `struct_time` fields, the strftime buffer loop).
//! - `AscTime` is `Formatter.formatTime`, cached per second.

mod asctime;
mod calendar;
mod civil;
mod clock;
mod error;
mod iso;
mod strftime;

#[cfg(test)]
pub(crate) mod test_support;

pub use asctime::{
    reset_timezone_cache, AscTime, Converter, DEFAULT_MSEC_FORMAT, DEFAULT_TIME_FORMAT,
};
pub use calendar::{gmtime, localtime, seconds_from_timestamp, CalendarTime};
pub use civil::{civil_from_days, days_from_civil, write_date_time};
pub use clock::{
    now_ns, ns_for_seconds, record_times, seconds_from_ns, whole_seconds_from_ns, PythonVersion,
    RecordTimes,
};
pub use error::TimeError;
pub use iso::write_iso_utc;
pub use strftime::{strftime, strftime_checked};
