//! `Formatter.formatTime`: a record's `asctime`, with a cache for the current second.
//!
//! The standard method is
//! `strftime(datefmt, converter(created))` when a `datefmt` is given, and otherwise
//! `default_msec_format % (strftime(default_time_format, converter(created)), msecs)`.
//! Converting and formatting the time costs more than the rest of a record, and the text
//! only changes once per second, so the last second's text is kept.
//!
//! # When the cache is right
//!
//! The text depends on the second, on the format and converter (fixed per `AscTime`), and
//! for local time on the C library's time zone state. CPython's `time.localtime` uses that
//! state as it is; it changes only when something calls `tzset()` (`time.tzset()`,
//! `time.mktime()`), not when `TZ` is merely assigned. The binding calls
//! `reset_timezone_cache()` after `time.tzset()`, which invalidates every cache at once.
//! A zone change made by other means (C code, `time.mktime` after assigning `TZ`) or a
//! `locale.setlocale(LC_TIME, ...)` is seen from the next second on: the cache never holds
//! more than one second.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::calendar::{gmtime, localtime, seconds_from_timestamp};
use super::error::TimeError;
use super::strftime::strftime_checked;
use crate::decimal::push_zero_padded;
use crate::format::{Applied, FieldValue, PositionalTemplate, RenderError};

/// Bumped by `reset_timezone_cache`; a cached text is only valid for the generation it
/// was computed in.
static TIME_ZONE_GENERATION: AtomicU64 = AtomicU64::new(0);

/// Forgets every cached `asctime` text: to be called after `time.tzset()` (and, if
/// wanted, after `locale.setlocale`).
pub fn reset_timezone_cache() {
    TIME_ZONE_GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// `Formatter.converter`, when it is one of the standard functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Converter {
    /// `time.localtime`, the default.
    Local,
    /// `time.gmtime`.
    Utc,
}

/// `Formatter.default_time_format`.
pub const DEFAULT_TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// `Formatter.default_msec_format`.
pub const DEFAULT_MSEC_FORMAT: &str = "%s,%03d";

/// `Formatter.formatTime` for one formatter's settings.
#[derive(Debug)]
pub struct AscTime {
    converter: Converter,
    /// `datefmt`, when it is a non-empty string (`formatTime` tests `if datefmt:`).
    date_format: Option<Box<str>>,
    default_time_format: Box<str>,
    /// `default_msec_format`, when it is a non-empty string.
    msec_format: Option<PositionalTemplate>,
    /// Whether that format is the standard `%s,%03d`, which `finish`
    /// writes without rendering a template.
    standard_msec_format: bool,
    last_second: Mutex<Option<CachedSecond>>,
}

#[derive(Debug)]
struct CachedSecond {
    seconds: i64,
    generation: u64,
    text: String,
}

impl AscTime {
    /// A standard `Formatter`'s `formatTime`.
    pub fn new(converter: Converter, date_format: Option<&str>) -> AscTime {
        AscTime::with_formats(
            converter,
            date_format,
            DEFAULT_TIME_FORMAT,
            Some(DEFAULT_MSEC_FORMAT),
        )
        .unwrap_or_else(|| unreachable!("the standard millisecond format is supported"))
    }

    /// A `Formatter` whose class overrides `default_time_format` or `default_msec_format`.
    ///
    /// `None` when the millisecond format is not `%s`-then-one-number (say `%s.%03d`),
    /// the only shape rendered here; the host must then run `formatTime` itself.
    pub fn with_formats(
        converter: Converter,
        date_format: Option<&str>,
        default_time_format: &str,
        default_msec_format: Option<&str>,
    ) -> Option<AscTime> {
        let msec_format = match default_msec_format.filter(|format| !format.is_empty()) {
            None => None,
            Some(format) => {
                let template = PositionalTemplate::compile(format)?;
                let types: Vec<char> = template.conversions().map(|spec| spec.type_char).collect();
                // The text must not need the host's repr; a float accepts every numeric
                // conversion but the integer-only ones (`%x` raises TypeError).
                match types[..] {
                    ['s', number] if "diueEfFgGsra".contains(number) => Some(template),
                    _ => return None,
                }
            }
        };
        Some(AscTime {
            standard_msec_format: default_msec_format == Some(DEFAULT_MSEC_FORMAT),
            converter,
            date_format: date_format
                .filter(|format| !format.is_empty())
                .map(Box::from),
            default_time_format: default_time_format.into(),
            msec_format,
            last_second: Mutex::new(None),
        })
    }

    /// Appends `formatTime(record)` for a record's `created` and `msecs`.
    ///
    /// On error `out` is left as it was.
    pub fn format(&self, created: f64, msecs: f64, out: &mut String) -> Result<(), TimeError> {
        let seconds = seconds_from_timestamp(created)?;
        let generation = TIME_ZONE_GENERATION.load(Ordering::Acquire);
        // A formatter shared by threads never waits here: a busy cache is bypassed.
        if let Ok(cache) = self.last_second.try_lock() {
            if let Some(cached) = cache.as_ref() {
                if cached.seconds == seconds && cached.generation == generation {
                    return self.finish(&cached.text, msecs, out);
                }
            }
        }
        let text = self.time_text(seconds)?;
        let result = self.finish(&text, msecs, out);
        if let Ok(mut cache) = self.last_second.try_lock() {
            *cache = Some(CachedSecond {
                seconds,
                generation,
                text,
            });
        }
        result
    }

    /// `formatTime(record)` as a new string.
    pub fn format_to_string(&self, created: f64, msecs: f64) -> Result<String, TimeError> {
        let mut out = String::with_capacity(32);
        self.format(created, msecs, &mut out)?;
        Ok(out)
    }

    /// `time.strftime(format, converter(seconds))`.
    fn time_text(&self, seconds: i64) -> Result<String, TimeError> {
        let calendar = match self.converter {
            Converter::Local => localtime(seconds)?,
            Converter::Utc => gmtime(seconds)?,
        };
        let format = self
            .date_format
            .as_deref()
            .unwrap_or(&self.default_time_format);
        strftime_checked(format, &calendar)
    }

    fn finish(&self, text: &str, msecs: f64, out: &mut String) -> Result<(), TimeError> {
        let msec_format = match (&self.date_format, &self.msec_format) {
            (None, Some(msec_format)) => msec_format,
            _ => {
                out.push_str(text);
                return Ok(());
            }
        };
        // `%03d` of a float truncates it; in [0, 1000) that is three digits.
        if self.standard_msec_format && (0.0..1000.0).contains(&msecs) {
            out.push_str(text);
            out.push(',');
            push_zero_padded(out, msecs as u64, 3);
            return Ok(());
        }
        let original_length = out.len();
        let values = [FieldValue::Str(text), FieldValue::Float(msecs)];
        let error = match msec_format.render(&values, out) {
            Ok(Applied::Written) => return Ok(()),
            // The conversions were checked when the formats were.
            Ok(Applied::Host) => TimeError::InvalidValue("unsupported msec format".into()),
            Err(RenderError::Overflow(message)) => TimeError::Overflow(message),
            Err(error) => TimeError::InvalidValue(error.to_string()),
        };
        out.truncate(original_length);
        Err(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::test_support::{with_stable_time_zone, with_time_zone, NEW_YORK, PARIS};

    // Expected values are logging.Formatter(...).formatTime(record) in CPython, with
    // record.created and record.msecs set as below.

    #[test]
    fn default_format_appends_milliseconds() {
        with_time_zone(PARIS, || {
            let asctime = AscTime::new(Converter::Local, None);
            let text = asctime
                .format_to_string(1_700_000_000.123456, 123.0)
                .unwrap();
            assert_eq!(text, "2023-11-14 23:13:20,123");
            // %03d truncates the float and pads with zeros.
            let text = asctime.format_to_string(1_700_000_000.0, 7.9).unwrap();
            assert_eq!(text, "2023-11-14 23:13:20,007");
        });
    }

    #[test]
    fn a_date_format_replaces_everything() {
        with_stable_time_zone(|| {
            let asctime = AscTime::new(Converter::Utc, Some("%d/%m/%Y %Z"));
            let text = asctime.format_to_string(1_700_000_000.5, 500.0).unwrap();
            assert_eq!(text, "14/11/2023 GMT");
        });
    }

    #[test]
    fn an_empty_date_format_means_the_default() {
        with_stable_time_zone(|| {
            let asctime = AscTime::new(Converter::Utc, Some(""));
            let text = asctime.format_to_string(0.25, 250.0).unwrap();
            assert_eq!(text, "1970-01-01 00:00:00,250");
        });
    }

    #[test]
    fn seconds_are_taken_by_rounding_down() {
        with_stable_time_zone(|| {
            let asctime = AscTime::new(Converter::Utc, None);
            assert_eq!(
                asctime.format_to_string(-0.5, -500.0).unwrap(),
                "1969-12-31 23:59:59,-500"
            );
        });
    }

    #[test]
    fn overridden_formats_are_honoured() {
        with_stable_time_zone(|| {
            let iso =
                AscTime::with_formats(Converter::Utc, None, "%Y-%m-%dT%H:%M:%S", Some("%s.%03dZ"))
                    .unwrap();
            assert_eq!(
                iso.format_to_string(1_700_000_000.042, 42.0).unwrap(),
                "2023-11-14T22:13:20.042Z"
            );
            let without = AscTime::with_formats(Converter::Utc, None, "%H:%M", None).unwrap();
            assert_eq!(without.format_to_string(60.0, 0.0).unwrap(), "00:01");
            let empty = AscTime::with_formats(Converter::Utc, None, "%H", Some("")).unwrap();
            assert_eq!(empty.format_to_string(3600.0, 0.0).unwrap(), "01");
            let fraction =
                AscTime::with_formats(Converter::Utc, None, "%S", Some("%s+%.1f")).unwrap();
            assert_eq!(fraction.format_to_string(1.0, 12.5).unwrap(), "01+12.5");
        });
    }

    #[test]
    fn millisecond_formats_the_host_must_run() {
        for format in [
            "%s", "%s %d %d", "%r,%03d", "%s,%x", "%(a)s", "%s,%*d", "%s,%",
        ] {
            assert!(
                AscTime::with_formats(Converter::Utc, None, DEFAULT_TIME_FORMAT, Some(format))
                    .is_none(),
                "{format}"
            );
        }
    }

    #[test]
    fn cached_seconds_follow_time_zone_resets() {
        let asctime = AscTime::new(Converter::Local, None);
        let paris = with_time_zone(PARIS, || {
            reset_timezone_cache();
            asctime.format_to_string(1_700_000_000.0, 0.0).unwrap()
        });
        assert_eq!(paris, "2023-11-14 23:13:20,000");
        let new_york = with_time_zone(NEW_YORK, || {
            // Without a reset the cached second would still be Paris time.
            let stale = asctime.format_to_string(1_700_000_000.0, 1.0).unwrap();
            assert_eq!(stale, "2023-11-14 23:13:20,001");
            reset_timezone_cache();
            asctime.format_to_string(1_700_000_000.0, 2.0).unwrap()
        });
        assert_eq!(new_york, "2023-11-14 17:13:20,002");
    }

    #[test]
    fn the_cache_only_serves_its_own_second() {
        with_stable_time_zone(|| {
            let asctime = AscTime::new(Converter::Utc, None);
            for (created, expected) in [
                (10.5, "1970-01-01 00:00:10,500"),
                (10.75, "1970-01-01 00:00:10,750"),
                (11.0, "1970-01-01 00:00:11,000"),
                (10.0, "1970-01-01 00:00:10,000"),
            ] {
                let msecs = (created % 1.0) * 1000.0;
                assert_eq!(asctime.format_to_string(created, msecs).unwrap(), expected);
            }
        });
    }

    #[test]
    fn errors_are_cpython_s() {
        with_stable_time_zone(|| {
            let asctime = AscTime::new(Converter::Utc, None);
            let mut out = String::from("kept");
            assert_eq!(
                asctime.format(f64::NAN, 0.0, &mut out),
                Err(TimeError::InvalidValue(
                    "Invalid value NaN (not a number)".into()
                ))
            );
            assert_eq!(
                asctime.format(1.0, f64::NAN, &mut out),
                Err(TimeError::InvalidValue(
                    "cannot convert float NaN to integer".into()
                ))
            );
            assert_eq!(
                asctime.format(1.0, f64::INFINITY, &mut out),
                Err(TimeError::Overflow(
                    "cannot convert float infinity to integer".into()
                ))
            );
            assert_eq!(out, "kept");
            let nul = AscTime::new(Converter::Utc, Some("%Y\0"));
            assert_eq!(
                nul.format(1.0, 0.0, &mut out),
                Err(TimeError::InvalidValue("embedded null character".into()))
            );
        });
    }
}
