//! RFC 5424 timestamps: RFC 3339 with at most microseconds (`TIME-SECFRAC`
//! is one to six digits), `Z` or a numeric offset.

use std::fmt::Write;

use crate::time::{days_from_civil, write_date_time};

const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// An instant and the UTC offset to show it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Nanoseconds since the epoch; written to the microsecond (floored).
    pub unix_ns: i64,
    /// Minutes east of UTC; zero is written `Z`.
    pub utc_offset_minutes: i32,
}

impl Timestamp {
    pub fn utc(unix_ns: i64) -> Timestamp {
        Timestamp {
            unix_ns,
            utc_offset_minutes: 0,
        }
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.ffffff` and `Z` or `+HH:MM`.
    pub fn write_rfc3339(&self, out: &mut String) {
        let local_ns = self.unix_ns + i64::from(self.utc_offset_minutes) * 60 * NANOS_PER_SECOND;
        let seconds = local_ns.div_euclid(NANOS_PER_SECOND);
        let micros = local_ns.rem_euclid(NANOS_PER_SECOND) / 1000;
        write_date_time(seconds, out);
        let _ = write!(out, ".{micros:06}");
        if self.utc_offset_minutes == 0 {
            out.push('Z');
        } else {
            let sign = if self.utc_offset_minutes < 0 {
                '-'
            } else {
                '+'
            };
            let minutes = self.utc_offset_minutes.unsigned_abs();
            let _ = write!(out, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
        }
    }

    /// Reads an RFC 3339 timestamp as RFC 5424 restricts it (uppercase `T`
    /// and `Z`); fractions of up to nine digits are taken, more precise than
    /// the six RFC 5424 allows, since some senders write nanoseconds.
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let bytes = text.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = bytes.get(range)?;
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(digits).ok()?.parse().ok()
        };
        let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
        if separators
            .iter()
            .any(|(index, byte)| bytes.get(*index) != Some(byte))
        {
            return None;
        }
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut index = 19;
        let mut nanos = 0;
        if bytes.get(index) == Some(&b'.') {
            let digits = bytes[index + 1..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
            if !(1..=9).contains(&digits) {
                return None;
            }
            nanos = number(index + 1..index + 1 + digits)? * 10i64.pow(9 - digits as u32);
            index += 1 + digits;
        }
        let offset_minutes = match bytes.get(index..)? {
            b"Z" => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (hours, minutes) =
                    (number(index + 1..index + 3)?, number(index + 4..index + 6)?);
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let magnitude = (hours * 60 + minutes) as i32;
                if *sign == b'-' {
                    -magnitude
                } else {
                    magnitude
                }
            }
            _ => return None,
        };
        // A leap second is read as the last second of its minute.
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second.min(59)
                - i64::from(offset_minutes) * 60;
        Some(Timestamp {
            unix_ns: seconds * NANOS_PER_SECOND + nanos,
            utc_offset_minutes: offset_minutes,
        })
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(timestamp: Timestamp) -> String {
        let mut out = String::new();
        timestamp.write_rfc3339(&mut out);
        out
    }

    #[test]
    fn instants_are_written_to_the_microsecond() {
        // datetime.fromtimestamp(1733333333.123456, timezone.utc).isoformat()
        assert_eq!(
            written(Timestamp::utc(1_733_333_333_123_456_789)),
            "2024-12-04T17:28:53.123456Z"
        );
        assert_eq!(written(Timestamp::utc(0)), "1970-01-01T00:00:00.000000Z");
        assert_eq!(written(Timestamp::utc(-1)), "1969-12-31T23:59:59.999999Z");
        assert_eq!(
            written(Timestamp {
                unix_ns: 951_782_400_000_000_000,
                utc_offset_minutes: -330,
            }),
            "2000-02-28T18:30:00.000000-05:30"
        );
        assert_eq!(
            written(Timestamp {
                unix_ns: 951_782_400_000_000_000,
                utc_offset_minutes: 60,
            }),
            "2000-02-29T01:00:00.000000+01:00"
        );
    }

    #[test]
    fn written_timestamps_parse_back() {
        for unix_ns in [
            0,
            1_733_333_333_123_456_000,
            -86_400_000_000_000,
            4_102_444_800_000_000_000,
        ] {
            for utc_offset_minutes in [0, 60, -330, 840] {
                let timestamp = Timestamp {
                    unix_ns,
                    utc_offset_minutes,
                };
                assert_eq!(
                    Timestamp::parse_rfc3339(&written(timestamp)),
                    Some(timestamp)
                );
            }
        }
        // Every day of four years, across a leap day and a century.
        for day in 0..4 * 366 {
            let timestamp = Timestamp::utc((10_957 + day) * 86_400 * NANOS_PER_SECOND);
            assert_eq!(
                Timestamp::parse_rfc3339(&written(timestamp)),
                Some(timestamp)
            );
        }
    }

    #[test]
    fn rfc_5424s_examples_and_refusals() {
        let parsed = Timestamp::parse_rfc3339("1985-04-12T23:20:50.52Z").unwrap();
        assert_eq!(parsed.unix_ns, 482_196_050_520_000_000);
        let parsed = Timestamp::parse_rfc3339("2003-10-11T22:14:15.003Z").unwrap();
        assert_eq!(parsed.unix_ns, 1_065_910_455_003_000_000);
        assert!(Timestamp::parse_rfc3339("2003-08-24T05:14:15.000003-07:00").is_some());
        for bad in [
            "2003-10-11t22:14:15.003Z",
            "2003-10-11T22:14:15.003",
            "2003-02-29T22:14:15Z",
            "2003-10-11T24:00:00Z",
            "2003-10-11T22:14:15.Z",
            "2003-10-11T22:14:15.1234567890Z",
            "03-10-11T22:14:15Z",
            "2003-10-11T22:14:15+0700",
            "",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
    }
}
