//! `time.localtime` and `time.gmtime`: the C library's conversions, as CPython calls them.

use std::ffi::{CStr, CString};

use super::error::TimeError;

/// A broken-down time with the fields of Python's `struct_time`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CalendarTime {
    /// `tm_year`: the full year (the C field plus 1900).
    pub year: i64,
    /// `tm_mon`: 1 to 12.
    pub month: i32,
    /// `tm_mday`: 1 to 31.
    pub day: i32,
    pub hour: i32,
    pub minute: i32,
    /// 0 to 61.
    pub second: i32,
    /// `tm_wday`: 0 is Monday (the C library counts from Sunday).
    pub weekday: i32,
    /// `tm_yday`: 1 to 366.
    pub year_day: i32,
    /// `tm_isdst`: 1, 0 or -1.
    pub is_dst: i32,
    /// `tm_zone`: the zone's abbreviation (`CET`, `UTC`; `GMT` from `gmtime`).
    pub zone: Option<String>,
    /// `tm_gmtoff`: seconds east of UTC.
    pub utc_offset: i64,
}

impl CalendarTime {
    fn from_tm(tm: &libc::tm) -> CalendarTime {
        let zone = if tm.tm_zone.is_null() {
            None
        } else {
            // SAFETY: a non-null tm_zone from localtime_r/gmtime_r points to a NUL-terminated
            // string in the C library's time zone storage, which lives until the next tzset.
            let name = unsafe { CStr::from_ptr(tm.tm_zone) };
            Some(name.to_string_lossy().into_owned())
        };
        CalendarTime {
            year: i64::from(tm.tm_year) + 1900,
            month: tm.tm_mon + 1,
            day: tm.tm_mday,
            hour: tm.tm_hour,
            minute: tm.tm_min,
            second: tm.tm_sec,
            weekday: (tm.tm_wday + 6) % 7,
            year_day: tm.tm_yday + 1,
            is_dst: tm.tm_isdst,
            zone,
            utc_offset: tm.tm_gmtoff,
        }
    }

    /// The C structure `time.strftime` builds from a `struct_time` (CPython's `gettmarg`,
    /// plus the `tm_isdst` clamping `time.strftime` applies). `zone` must outlive the use
    /// of the result: the structure points into it.
    pub(crate) fn to_tm(&self, zone: Option<&CString>) -> libc::tm {
        // SAFETY: every field of tm is an integer or a pointer, for which zero is valid.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        tm.tm_year = (self.year - 1900) as libc::c_int;
        tm.tm_mon = self.month - 1;
        tm.tm_mday = self.day;
        tm.tm_hour = self.hour;
        tm.tm_min = self.minute;
        tm.tm_sec = self.second;
        tm.tm_wday = (self.weekday + 1) % 7;
        tm.tm_yday = self.year_day - 1;
        tm.tm_isdst = self.is_dst.clamp(-1, 1);
        tm.tm_gmtoff = self.utc_offset;
        tm.tm_zone = zone.map_or(std::ptr::null(), |zone| zone.as_ptr());
        tm
    }

    /// The zone name as the C structure needs it; `None` when absent or not representable
    /// (a name with a NUL character cannot come from the C library).
    pub(crate) fn zone_c_string(&self) -> Option<CString> {
        self.zone
            .as_deref()
            .and_then(|zone| CString::new(zone).ok())
    }
}

/// `time.localtime(seconds)`: `localtime_r`, which follows the C library's time zone
/// state. That state is read from `TZ` when first needed and then only when `tzset()` (or
/// `mktime()`, or the non-reentrant `localtime()`) is called, exactly as for CPython.
pub fn localtime(seconds: i64) -> Result<CalendarTime, TimeError> {
    convert(seconds, libc::localtime_r)
}

/// `time.gmtime(seconds)`.
pub fn gmtime(seconds: i64) -> Result<CalendarTime, TimeError> {
    convert(seconds, libc::gmtime_r)
}

type Conversion = unsafe extern "C" fn(*const libc::time_t, *mut libc::tm) -> *mut libc::tm;

fn convert(seconds: i64, conversion: Conversion) -> Result<CalendarTime, TimeError> {
    let time: libc::time_t = seconds;
    // SAFETY: every field of tm is an integer or a pointer, for which zero is valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: errno is thread-local; clearing it lets a failure without errno be told
    // apart, as CPython does.
    unsafe { *libc::__errno_location() = 0 };
    // SAFETY: both pointers refer to locals that outlive the call.
    let result = unsafe { conversion(&time, &mut tm) };
    if result.is_null() {
        return Err(TimeError::last_os_error());
    }
    Ok(CalendarTime::from_tm(&tm))
}

/// The seconds `time.localtime(timestamp)` converts for a float timestamp: rounded toward
/// minus infinity (`_PyTime_ROUND_FLOOR`), so -1.5 is second -2.
pub fn seconds_from_timestamp(timestamp: f64) -> Result<i64, TimeError> {
    if timestamp.is_nan() {
        return Err(TimeError::InvalidValue(
            "Invalid value NaN (not a number)".into(),
        ));
    }
    let seconds = timestamp.floor();
    // time_t is 64 bits; CPython accepts [-2**63, 2**63).
    if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&seconds) {
        return Err(TimeError::Overflow(
            "timestamp out of range for platform time_t".into(),
        ));
    }
    Ok(seconds as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::test_support::{with_stable_time_zone, with_time_zone, PARIS};

    #[test]
    fn gmtime_matches_python_struct_time() {
        with_stable_time_zone(gmtime_examples);
    }

    fn gmtime_examples() {
        // time.gmtime(1700000000) in CPython.
        let time = gmtime(1_700_000_000).unwrap();
        assert_eq!(
            time,
            CalendarTime {
                year: 2023,
                month: 11,
                day: 14,
                hour: 22,
                minute: 13,
                second: 20,
                weekday: 1,
                year_day: 318,
                is_dst: 0,
                zone: Some("GMT".into()),
                utc_offset: 0,
            }
        );
        let epoch = gmtime(0).unwrap();
        assert_eq!((epoch.year, epoch.weekday, epoch.year_day), (1970, 3, 1));
        let before = gmtime(-1).unwrap();
        assert_eq!((before.year, before.hour, before.second), (1969, 23, 59));
    }

    #[test]
    fn localtime_follows_the_time_zone() {
        with_time_zone(PARIS, || {
            // time.localtime(1700000000) with TZ set as PARIS.
            let winter = localtime(1_700_000_000).unwrap();
            assert_eq!((winter.hour, winter.is_dst), (23, 0));
            assert_eq!(winter.zone.as_deref(), Some("CET"));
            assert_eq!(winter.utc_offset, 3600);
            let summer = localtime(1_690_000_000).unwrap();
            assert_eq!((summer.is_dst, summer.utc_offset), (1, 7200));
            assert_eq!(summer.zone.as_deref(), Some("CEST"));
        });
    }

    #[test]
    fn years_beyond_an_int_are_os_errors() {
        with_stable_time_zone(|| {
            assert_eq!(
                localtime(67_768_036_191_676_800),
                Err(TimeError::Os(libc::EOVERFLOW))
            );
            assert_eq!(gmtime(i64::MAX), Err(TimeError::Os(libc::EOVERFLOW)));
        });
    }

    #[test]
    fn float_timestamps_round_down() {
        assert_eq!(seconds_from_timestamp(1.9999999), Ok(1));
        assert_eq!(seconds_from_timestamp(-1.5), Ok(-2));
        assert_eq!(seconds_from_timestamp(-0.5), Ok(-1));
        assert_eq!(seconds_from_timestamp(-2f64.powi(63)), Ok(i64::MIN));
        assert_eq!(
            seconds_from_timestamp(2f64.powi(63)),
            Err(TimeError::Overflow(
                "timestamp out of range for platform time_t".into()
            ))
        );
        assert_eq!(
            seconds_from_timestamp(f64::NEG_INFINITY),
            Err(TimeError::Overflow(
                "timestamp out of range for platform time_t".into()
            ))
        );
        assert_eq!(
            seconds_from_timestamp(f64::NAN),
            Err(TimeError::InvalidValue(
                "Invalid value NaN (not a number)".into()
            ))
        );
    }

    #[test]
    fn the_c_structure_round_trips() {
        let time = with_stable_time_zone(|| gmtime(1_700_000_000).unwrap());
        let zone = time.zone_c_string();
        let tm = time.to_tm(zone.as_ref());
        assert_eq!(CalendarTime::from_tm(&tm), time);
    }
}
