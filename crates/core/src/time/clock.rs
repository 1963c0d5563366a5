//! The wall clock, and the time fields of a record computed as each CPython computes them.
//!
//! `LogRecord.__init__` changed in 3.13: before, it read `time.time()` (a float) and
//! derived everything from that float; since, it reads `time.time_ns()` and derives
//! `msecs` and `relativeCreated` from the integer. `logging._startTime` changed the same
//! way. The formulas below are those of `Lib/logging/__init__.py`, evaluated with the
//! same IEEE operations, so the floats are bit-identical.

/// The CPython versions whose record-time formulas differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PythonVersion {
    /// 3.11 (and earlier): floats from `time.time()`.
    V3_11,
    /// 3.12: the same formulas as 3.11.
    V3_12,
    /// 3.13 and later: integers from `time.time_ns()`.
    V3_13,
}

impl PythonVersion {
    /// The formulas in force for `3.<minor>`.
    pub fn from_minor(minor: u32) -> PythonVersion {
        match minor {
            0..=11 => PythonVersion::V3_11,
            12 => PythonVersion::V3_12,
            _ => PythonVersion::V3_13,
        }
    }

    /// Whether `logging._startTime` is `time.time_ns()` (an int) rather than
    /// `time.time()` (a float).
    pub fn start_time_is_integer(self) -> bool {
        self == PythonVersion::V3_13
    }
}

/// `created`, `msecs` and `relativeCreated` of a record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordTimes {
    pub created: f64,
    pub msecs: f64,
    pub relative_created: f64,
}

const NANOSECONDS_PER_SECOND: i64 = 1_000_000_000;

/// The wall clock in nanoseconds: `CLOCK_REALTIME`, which is what `time.time_ns()` and
/// `time.time()` read on Linux.
pub fn now_ns() -> i64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we own; CLOCK_REALTIME always exists.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
    // time_t and the nanoseconds field are 64-bit on the Linux targets we build for.
    now.tv_sec * NANOSECONDS_PER_SECOND + now.tv_nsec
}

/// `int(time.time())` for a clock reading of `ns` nanoseconds: the whole
/// seconds, rounded down.
pub fn whole_seconds_from_ns(ns: i64) -> i64 {
    ns.div_euclid(NANOSECONDS_PER_SECOND)
}

/// `time.time()` for a clock reading of `ns` nanoseconds (CPython's
/// `_PyTime_AsSecondsDouble`): whole seconds are converted without a division, so that
/// they stay exact; anything else is the float of the nanoseconds divided by `1e9`.
pub fn seconds_from_ns(ns: i64) -> f64 {
    if ns % NANOSECONDS_PER_SECOND == 0 {
        (ns / NANOSECONDS_PER_SECOND) as f64
    } else {
        ns as f64 / 1e9
    }
}

/// A clock reading in nanoseconds that `seconds_from_ns` turns into exactly
/// `seconds`: how a record made before 3.13 keeps the float a replaced
/// `time.time()` returned (the record holds nanoseconds, and its times are
/// derived from `seconds_from_ns` of them). Near today's time a float's step
/// (about 240 ns) is finer than that of the floats `seconds_from_ns` can give
/// (256 ns, the step of an `i64` converted to a float), so not every float has
/// such a reading: then the nearest reading is returned. `None` for a value
/// that is not finite or is beyond what an `i64` of nanoseconds holds.
pub fn ns_for_seconds(seconds: f64) -> Option<i64> {
    if !seconds.is_finite() || seconds.abs() >= 9.2e9 {
        return None;
    }
    let nearest = nearest_ns(seconds);
    // The conversions round twice (to a float, then the division), so the
    // reading that gives `seconds` back may be a few hundred nanoseconds off.
    const SEARCHED: i64 = 600;
    let found = (0..=SEARCHED)
        .flat_map(|distance| [nearest - distance, nearest + distance])
        .find(|&ns| seconds_from_ns(ns) == seconds);
    Some(found.unwrap_or(nearest))
}

/// `seconds * 1e9` rounded to the nearest integer, computed exactly: a
/// finite float is `mantissa * 2^power`.
fn nearest_ns(seconds: f64) -> i64 {
    let bits = seconds.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, power) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    let scaled = i128::from(mantissa) * i128::from(NANOSECONDS_PER_SECOND);
    let magnitude = if power >= 0 {
        scaled << power
    } else if power <= -127 {
        0
    } else {
        let shift = -power;
        (scaled + (1i128 << (shift - 1))) >> shift
    };
    // The caller bounds `seconds`, so the magnitude fits.
    let magnitude = magnitude as i64;
    if seconds.is_sign_negative() {
        -magnitude
    } else {
        magnitude
    }
}

/// The record times as `LogRecord.__init__` computes them for a record created at
/// `created_ns`. `start_ns` is the clock reading `logging._startTime` was taken from
/// (3.11 and 3.12 keep it as the float `time.time()` returned then).
pub fn record_times(created_ns: i64, start_ns: i64, version: PythonVersion) -> RecordTimes {
    match version {
        PythonVersion::V3_11 | PythonVersion::V3_12 => {
            // ct = time.time()
            let created = seconds_from_ns(created_ns);
            // int((ct - int(ct)) * 1000) + 0.0; `+ 0.0` also turns -0.0 into 0.0.
            let msecs = ((created - created.trunc()) * 1000.0).trunc() + 0.0;
            // (self.created - _startTime) * 1000
            let relative_created = (created - seconds_from_ns(start_ns)) * 1000.0;
            RecordTimes {
                created,
                msecs,
                relative_created,
            }
        }
        PythonVersion::V3_13 => {
            // ct / 1e9: the int is rounded to the nearest float first, as `as` does.
            let created = created_ns as f64 / 1e9;
            // (ct % 1_000_000_000) // 1_000_000 + 0.0, with Python's floor semantics.
            let mut msecs = (created_ns.rem_euclid(NANOSECONDS_PER_SECOND) / 1_000_000) as f64;
            // The float `created` can round up into the next second; then 999 would
            // be wrong and the standard library writes 0.
            if msecs == 999.0
                && created.trunc() as i64 != created_ns.div_euclid(NANOSECONDS_PER_SECOND)
            {
                msecs = 0.0;
            }
            // (ct - _startTime) / 1e6, the difference exact as Python ints are.
            let relative_created = (i128::from(created_ns) - i128::from(start_ns)) as f64 / 1e6;
            RecordTimes {
                created,
                msecs,
                relative_created,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected floats come from CPython, printed with float.hex() to compare bits:
    //   3.11/3.12: ct = t / 1e9 as time.time() computes it, then LogRecord's formulas;
    //   3.13: LogRecord's formulas on the integer t.

    #[test]
    fn clock_reads_realtime_nanoseconds() {
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64;
        let now = now_ns();
        let after = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64;
        assert!(before <= now && now <= after);
    }

    #[test]
    fn a_float_of_seconds_is_kept_through_nanoseconds() {
        for seconds in [
            1_700_000_000.5,
            1_677_903_920.999_998_5,
            1_234_567.0,
            0.001,
            -1.25,
            1_700_000_000.123_456_7,
            4_698_091_149.0,
        ] {
            let ns = ns_for_seconds(seconds).unwrap();
            assert_eq!(seconds_from_ns(ns), seconds, "{seconds}");
        }
        assert_eq!(ns_for_seconds(1.5), Some(1_500_000_000));
        assert_eq!(ns_for_seconds(f64::NAN), None);
        assert_eq!(ns_for_seconds(1e300), None);
    }

    #[test]
    fn a_float_no_reading_gives_gets_the_nearest_reading() {
        // Floats a step (2^-22 s) apart near today's time: most are kept, and
        // none is off by more than one step.
        let base = 1_700_000_000.0_f64;
        let step = 2f64.powi(-22);
        let mut kept_exactly = 0;
        for offset in 0..64 {
            let seconds = f64::from_bits(base.to_bits() + offset);
            let kept = seconds_from_ns(ns_for_seconds(seconds).unwrap());
            assert!((kept - seconds).abs() <= step, "{seconds}");
            kept_exactly += usize::from(kept == seconds);
        }
        assert!(kept_exactly >= 56, "{kept_exactly}");
    }

    #[test]
    fn whole_seconds_convert_without_division() {
        // Dividing the float of this reading by 1e9 would give 4698091148.999999.
        assert_eq!(seconds_from_ns(4_698_091_149_000_000_000), 4_698_091_149.0);
        assert_eq!(
            4_698_091_149_000_000_000i64 as f64 / 1e9,
            4_698_091_148.999999
        );
        assert_eq!(
            seconds_from_ns(1_700_000_000_123_456_789),
            1_700_000_000.1234567
        );
        assert_eq!(seconds_from_ns(-1_500_000_000), -1.5);
        assert_eq!(seconds_from_ns(0), 0.0);
    }

    #[test]
    fn before_313_milliseconds_come_from_the_float() {
        let times = record_times(
            1_700_000_000_123_999_999,
            1_700_000_000_000_000_000,
            PythonVersion::V3_11,
        );
        // The float rounds up to ...0.124; 3.11 truncates the fraction of that float.
        assert_eq!(times.created, 1_700_000_000.124);
        assert_eq!(times.msecs, 124.0);
        assert_eq!(times.relative_created, 124.00007247924805);
        let same = record_times(
            1_700_000_000_123_999_999,
            1_700_000_000_000_000_000,
            PythonVersion::V3_12,
        );
        assert_eq!(times, same);
    }

    #[test]
    fn from_313_milliseconds_come_from_the_integer() {
        let times = record_times(
            1_700_000_000_123_999_999,
            1_700_000_000_000_000_000,
            PythonVersion::V3_13,
        );
        assert_eq!(times.created, 1_700_000_000.124);
        assert_eq!(times.msecs, 123.0);
        assert_eq!(times.relative_created, 123.999999);
    }

    #[test]
    fn from_313_a_second_rounded_up_reports_zero_milliseconds() {
        // CPython's own example: 1_677_903_920_999_999_900 ns -> 1_677_903_921.0 s.
        let times = record_times(1_677_903_920_999_999_900, 0, PythonVersion::V3_13);
        assert_eq!(times.created, 1_677_903_921.0);
        assert_eq!(times.msecs, 0.0);
        let times = record_times(1_677_903_920_999_000_000, 0, PythonVersion::V3_13);
        assert_eq!(times.msecs, 999.0);
    }

    #[test]
    fn times_before_the_epoch_follow_python_rounding() {
        // ct = -1.25: int(ct) is -1, so msecs is int(-0.25 * 1000) = -250.
        let times = record_times(-1_250_000_000, 0, PythonVersion::V3_11);
        assert_eq!((times.created, times.msecs), (-1.25, -250.0));
        // (ct % 1e9) // 1e6 uses floor division: -1.25 s is 750 ms into second -2.
        let times = record_times(-1_250_000_000, 0, PythonVersion::V3_13);
        assert_eq!((times.created, times.msecs), (-1.25, 750.0));
        // A zero fraction gives 0.0, never -0.0.
        let times = record_times(-2_000_000_000, 0, PythonVersion::V3_11);
        assert!(times.msecs == 0.0 && times.msecs.is_sign_positive());
    }

    #[test]
    fn versions_from_minor_numbers() {
        assert_eq!(PythonVersion::from_minor(11), PythonVersion::V3_11);
        assert_eq!(PythonVersion::from_minor(12), PythonVersion::V3_12);
        assert_eq!(PythonVersion::from_minor(13), PythonVersion::V3_13);
        assert_eq!(PythonVersion::from_minor(14), PythonVersion::V3_13);
        assert!(!PythonVersion::V3_12.start_time_is_integer());
        assert!(PythonVersion::V3_13.start_time_is_integer());
    }
}
