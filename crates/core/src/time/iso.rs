//! ISO 8601 text of a UTC instant, as structlog's `TimeStamper(fmt="iso",
//! utc=True)` writes it: `datetime.now(timezone.utc).isoformat()` with the
//! `+00:00` turned into `Z`. Like `isoformat`, the fraction is left out
//! when the microseconds are zero.

use std::cell::RefCell;
use std::fmt::Write;

use super::calendar::gmtime;

thread_local! {
    /// The date and time of day last written, for its whole second: most
    /// events of a busy thread fall in the same second as the one before.
    static LAST_SECOND: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
}

/// Appends `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` for `ns` nanoseconds since the
/// epoch, truncated to the microsecond as `datetime` keeps it.
pub fn write_iso_utc(ns: i64, out: &mut String) {
    let micros = ns.div_euclid(1_000);
    let second = micros.div_euclid(1_000_000);
    let fraction = micros.rem_euclid(1_000_000);
    LAST_SECOND.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != second {
            let mut text = String::with_capacity(19);
            if let Ok(time) = gmtime(second) {
                let _ = write!(
                    text,
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                    time.year, time.month, time.day, time.hour, time.minute, time.second
                );
            }
            *last = (second, text);
        }
        out.push_str(&last.1);
    });
    if fraction != 0 {
        let _ = write!(out, ".{fraction:06}");
    }
    out.push('Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(ns: i64) -> String {
        let mut text = String::new();
        write_iso_utc(ns, &mut text);
        text
    }

    #[test]
    fn microseconds_are_written_and_zero_leaves_them_out() {
        // 2021-06-29T21:04:15.507057Z, the seed's example.
        assert_eq!(
            iso(1_625_000_655_507_057_999),
            "2021-06-29T21:04:15.507057Z"
        );
        assert_eq!(iso(1_625_000_655_000_000_000), "2021-06-29T21:04:15Z");
        assert_eq!(
            iso(1_625_000_656_000_001_000),
            "2021-06-29T21:04:16.000001Z"
        );
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
    }
}
