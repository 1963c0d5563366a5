//! The proleptic Gregorian calendar in arithmetic, without the C library:
//! days since 1970-01-01 to a date and back, counted in 400-year eras of
//! 146,097 days that start on 1 March (so a leap day ends its era's year),
//! and the UTC date and time text the ISO and RFC 3339 writers share.

use std::fmt::Write;

use crate::decimal::push_zero_padded;

/// Days since 1970-01-01 of a date.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: `(year, month, day)`.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Appends `YYYY-MM-DDTHH:MM:SS` for `seconds` since 1970-01-01T00:00:00
/// (UTC, or a local time already shifted by its offset).
pub fn write_date_time(seconds: i64, out: &mut String) {
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        let _ = write!(
            out,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        );
        return;
    }
    // Every record's timestamp comes through here: the digits are written
    // directly, without a `write!` per line.
    let fields = [
        (year, 4, '-'),
        (month, 2, '-'),
        (day, 2, 'T'),
        (second_of_day / 3600, 2, ':'),
        (second_of_day / 60 % 60, 2, ':'),
    ];
    for (value, width, separator) in fields {
        push_zero_padded(out, value.unsigned_abs(), width);
        out.push(separator);
    }
    push_zero_padded(out, (second_of_day % 60).unsigned_abs(), 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_gregorian_leap_years() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(47_540), (2100, 2, 28));
        assert_eq!(civil_from_days(47_541), (2100, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn days_and_dates_convert_both_ways() {
        for days in (-800_000..800_000).step_by(97) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }

    #[test]
    fn date_and_time_text() {
        let mut text = String::new();
        write_date_time(951_868_799, &mut text);
        assert_eq!(text, "2000-02-29T23:59:59");
        text.clear();
        write_date_time(-1, &mut text);
        assert_eq!(text, "1969-12-31T23:59:59");
    }
}
