//! Clock, calendar conversion and strftime with the exact behaviour of CPython.
//!
//! The record time fields follow each CPython version's own formulas, so that
//! `created`, `msecs` and `relativeCreated` are the same floats the standard
//! library would have computed from the same clock reading.

use std::ffi::{CStr, CString};

/// The CPython versions whose record-time formulas differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonVersion {
    V3_11,
    V3_12,
    V3_13,
}

/// `created`, `msecs` and `relativeCreated` of a record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordTimes {
    pub created: f64,
    pub msecs: f64,
    pub relative_created: f64,
}

/// The wall clock in nanoseconds: what `time.time_ns()` returns.
pub fn now_ns() -> i64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
    now.tv_sec * 1_000_000_000 + now.tv_nsec
}

/// `time.time()` for a nanosecond reading: CPython divides in double precision.
pub fn seconds_from_ns(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// The record times as `LogRecord.__init__` computes them. `start_ns` is
/// logging's `_startTime` in nanoseconds (before 3.13 it is the float
/// `start_ns / 1e9`, which is what `time.time()` returned).
pub fn record_times(created_ns: i64, start_ns: i64, version: PythonVersion) -> RecordTimes {
    match version {
        PythonVersion::V3_11 | PythonVersion::V3_12 => {
            let created = seconds_from_ns(created_ns);
            let fraction = created - created.trunc();
            RecordTimes {
                created,
                msecs: ((fraction * 1000.0) as i64) as f64 + 0.0,
                relative_created: (created - seconds_from_ns(start_ns)) * 1000.0,
            }
        }
        PythonVersion::V3_13 => {
            let created = seconds_from_ns(created_ns);
            let whole_seconds = created_ns.div_euclid(1_000_000_000);
            let mut msecs = (created_ns.rem_euclid(1_000_000_000) / 1_000_000) as f64 + 0.0;
            // The float `created` can round up into the next second; the
            // standard library then reports 0 milliseconds rather than 999.
            if msecs == 999.0 && created.trunc() as i64 != whole_seconds {
                msecs = 0.0;
            }
            RecordTimes {
                created,
                msecs,
                relative_created: (created_ns - start_ns) as f64 / 1e6,
            }
        }
    }
}

/// A broken-down time, as `time.localtime()` / `time.gmtime()` return it.
#[derive(Clone)]
pub struct CalendarTime {
    tm: libc::tm,
}

/// Why a time could not be converted.
#[derive(Debug)]
pub struct CalendarError(pub String);

impl std::fmt::Display for CalendarError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for CalendarError {}

/// `time.localtime(seconds)`: the C library's localtime_r, as CPython calls it.
pub fn localtime(seconds: i64) -> Result<CalendarTime, CalendarError> {
    convert(seconds, libc::localtime_r)
}

/// `time.gmtime(seconds)`.
pub fn gmtime(seconds: i64) -> Result<CalendarTime, CalendarError> {
    convert(seconds, libc::gmtime_r)
}

type Converter = unsafe extern "C" fn(*const libc::time_t, *mut libc::tm) -> *mut libc::tm;

fn convert(seconds: i64, converter: Converter) -> Result<CalendarTime, CalendarError> {
    let time = seconds as libc::time_t;
    // SAFETY: an all-zero tm is a valid value; the converter fills it in.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers refer to locals that outlive the call.
    let result = unsafe { converter(&time, &mut tm) };
    if result.is_null() {
        return Err(CalendarError(std::io::Error::last_os_error().to_string()));
    }
    Ok(CalendarTime { tm })
}

/// `time.strftime(format, time)`: the C library's strftime, growing the
/// buffer as CPython does until the result fits.
pub fn strftime(format: &str, time: &CalendarTime) -> String {
    if format.is_empty() {
        return String::new();
    }
    let Ok(c_format) = CString::new(format) else {
        // CPython rejects embedded NULs before calling strftime; the binding
        // only passes formats that are valid C strings.
        return String::new();
    };
    let mut capacity = 1024usize.max(format.len() * 4);
    let limit = 256 * format.len().max(1) + 1024;
    loop {
        let mut buffer = vec![0u8; capacity];
        // SAFETY: the buffer has `capacity` bytes; strftime writes at most
        // that many, including the terminating NUL.
        let written = unsafe {
            libc::strftime(
                buffer.as_mut_ptr().cast(),
                capacity,
                c_format.as_ptr(),
                &time.tm,
            )
        };
        if written > 0 || capacity >= limit {
            buffer.truncate(written);
            return match CStr::from_bytes_until_nul(&[buffer.as_slice(), &[0]].concat()) {
                Ok(text) => text.to_string_lossy().into_owned(),
                Err(_) => String::from_utf8_lossy(&buffer).into_owned(),
            };
        }
        capacity *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msecs_truncate_like_python_311() {
        let times = record_times(
            1_700_000_000_123_999_999,
            1_700_000_000_000_000_000,
            PythonVersion::V3_11,
        );
        // The float `created` rounds up to ...0.124, and Python truncates
        // the fraction of that float, not of the nanosecond reading.
        assert_eq!(times.created, 1_700_000_000.124);
        assert_eq!(times.msecs, 124.0);
    }

    #[test]
    fn relative_created_counts_milliseconds_in_313() {
        let times = record_times(
            1_700_000_001_500_000_000,
            1_700_000_000_000_000_000,
            PythonVersion::V3_13,
        );
        assert_eq!(times.relative_created, 1500.0);
        assert_eq!(times.msecs, 500.0);
    }

    #[test]
    fn strftime_formats_utc_dates() {
        let time = gmtime(0).unwrap();
        assert_eq!(strftime("%Y-%m-%d %H:%M:%S", &time), "1970-01-01 00:00:00");
        assert_eq!(strftime("", &time), "");
    }
}
