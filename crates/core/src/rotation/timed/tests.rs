//! Tests of the timed rotation schedule. `cpython` holds tables printed by CPython; the
//! tests here check the rules one at a time, with values worked out from CPython's
//! behaviour (and confirmed against it) under Central European time.

mod cpython;

use std::cell::RefCell;

use super::*;
use crate::time::test_support::with_time_zone;
use crate::time::PythonVersion;

/// Europe/Berlin as a POSIX rule: summer time from the last Sunday of March, 02:00, to
/// the last Sunday of October, 03:00.
pub(super) const BERLIN: &str = "CET-1CEST,M3.5.0,M10.5.0/3";
const UTC: &str = "UTC0";

const ALL_VERSIONS: [PythonVersion; 3] = [
    PythonVersion::V3_11,
    PythonVersion::V3_12,
    PythonVersion::V3_13,
];

pub(super) fn schedule(
    when: &str,
    interval: i64,
    utc: bool,
    at: Option<AtTime>,
    version: PythonVersion,
) -> TimedSchedule {
    TimedSchedule::new(when, interval, utc, at, version).unwrap()
}

/// Seconds since the epoch of a UTC date and time.
fn utc_time(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> i64 {
    let days = crate::time::days_from_civil(year, month, day);
    ((days * 24 + hour) * 60 + minute) * 60 + second
}

/// A Berlin winter time (CET, UTC+1).
fn cet(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> i64 {
    utc_time(year, month, day, hour, minute, second) - 3600
}

/// A Berlin summer time (CEST, UTC+2).
fn cest(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> i64 {
    utc_time(year, month, day, hour, minute, second) - 7200
}

#[test]
fn test_dates_are_what_they_claim() {
    with_time_zone(BERLIN, || {
        let spring = localtime_of(cest(2026, 3, 29, 3, 0, 0));
        assert_eq!((spring.day, spring.hour, spring.is_dst), (29, 3, 1));
        let fall = localtime_of(cet(2026, 10, 25, 2, 30, 0));
        assert_eq!((fall.hour, fall.minute, fall.is_dst), (2, 30, 0));
        assert_eq!(
            cest(2026, 10, 25, 2, 30, 0) + 3600,
            cet(2026, 10, 25, 2, 30, 0)
        );
    });
}

fn localtime_of(seconds: i64) -> crate::time::CalendarTime {
    crate::time::localtime(seconds).unwrap()
}

// ---------------------------------------------------------------------------------------
// `when`, the interval, the suffix and the pattern.

#[test]
fn every_when_is_accepted_in_any_case() {
    let cases = [
        ("s", When::Seconds, 1, "%Y-%m-%d_%H-%M-%S"),
        ("M", When::Minutes, 60, "%Y-%m-%d_%H-%M"),
        ("h", When::Hours, 3600, "%Y-%m-%d_%H"),
        ("D", When::Days, 86_400, "%Y-%m-%d"),
        ("midnight", When::Midnight, 86_400, "%Y-%m-%d"),
        ("MidNight", When::Midnight, 86_400, "%Y-%m-%d"),
        ("w0", When::Weekday(0), 604_800, "%Y-%m-%d"),
        ("W6", When::Weekday(6), 604_800, "%Y-%m-%d"),
        // Python's upper() maps the long s to S; so does Rust's.
        ("\u{17f}", When::Seconds, 1, "%Y-%m-%d_%H-%M-%S"),
    ];
    for version in ALL_VERSIONS {
        for (text, when, seconds, suffix) in cases {
            let schedule = schedule(text, 1, false, None, version);
            assert_eq!(schedule.when(), when, "{text}");
            assert_eq!(schedule.interval(), seconds, "{text}");
            assert_eq!(schedule.suffix(), suffix, "{text}");
        }
    }
    assert_eq!(When::parse("w3").unwrap().name(), "W3");
    assert_eq!(When::Midnight.name(), "MIDNIGHT");
    assert_eq!(When::Weekday(4).day_of_week(), Some(4));
    assert_eq!(When::Days.day_of_week(), None);
}

#[test]
fn invalid_when_reads_like_cpython_value_errors() {
    // The messages of CPython 3.11 and 3.13, which agree; `when` is shown upper-cased.
    let cases = [
        ("X", "Invalid rollover interval specified: X"),
        ("", "Invalid rollover interval specified: "),
        (
            "midnight ",
            "Invalid rollover interval specified: MIDNIGHT ",
        ),
        (
            "W",
            "You must specify a day for weekly rollover from 0 to 6 (0 is Monday): W",
        ),
        (
            "W10",
            "You must specify a day for weekly rollover from 0 to 6 (0 is Monday): W10",
        ),
        (
            "week",
            "You must specify a day for weekly rollover from 0 to 6 (0 is Monday): WEEK",
        ),
        ("W7", "Invalid day specified for weekly rollover: W7"),
        ("Wx", "Invalid day specified for weekly rollover: WX"),
        // An Arabic-Indic three is a digit, but not one of '0' to '6'.
        (
            "w\u{663}",
            "Invalid day specified for weekly rollover: W\u{663}",
        ),
    ];
    for version in ALL_VERSIONS {
        for (text, message) in cases {
            let error = TimedSchedule::new(text, 1, false, None, version).unwrap_err();
            assert_eq!(error.to_string(), message);
        }
    }
}

#[test]
fn intervals_count_units_and_are_not_validated() {
    let version = PythonVersion::V3_13;
    assert_eq!(schedule("S", 30, false, None, version).interval(), 30);
    assert_eq!(schedule("M", 15, false, None, version).interval(), 900);
    assert_eq!(schedule("H", 3, false, None, version).interval(), 10_800);
    assert_eq!(schedule("D", 2, false, None, version).interval(), 172_800);
    assert_eq!(
        schedule("MIDNIGHT", 2, false, None, version).interval(),
        172_800
    );
    assert_eq!(
        schedule("W2", 2, false, None, version).interval(),
        1_209_600
    );
    assert_eq!(schedule("S", 0, false, None, version).interval(), 0);
    assert_eq!(schedule("H", -1, false, None, version).interval(), -3600);
    assert_eq!(
        TimedSchedule::new("W0", i64::MAX / 2, false, None, version),
        Err(ScheduleError::IntervalOutOfRange)
    );
    let mut changed = schedule("H", 1, false, None, version);
    changed.set_interval(60);
    assert_eq!(changed.compute_rollover(1_000), Ok(1_060));
}

#[test]
fn patterns_are_the_source_text_of_each_version() {
    // `handler.extMatch.pattern` in CPython 3.11.7 (3.12.1 agrees) and 3.13.0.
    let cases = [
        (
            "S",
            r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(\.\w+)?$",
            r"(?<!\d)\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(?!\d)",
        ),
        (
            "M",
            r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}(\.\w+)?$",
            r"(?<!\d)\d{4}-\d{2}-\d{2}_\d{2}-\d{2}(?!\d)",
        ),
        (
            "H",
            r"^\d{4}-\d{2}-\d{2}_\d{2}(\.\w+)?$",
            r"(?<!\d)\d{4}-\d{2}-\d{2}_\d{2}(?!\d)",
        ),
        (
            "D",
            r"^\d{4}-\d{2}-\d{2}(\.\w+)?$",
            r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)",
        ),
        (
            "MIDNIGHT",
            r"^\d{4}-\d{2}-\d{2}(\.\w+)?$",
            r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)",
        ),
        (
            "W4",
            r"^\d{4}-\d{2}-\d{2}(\.\w+)?$",
            r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)",
        ),
    ];
    for (when, before_313, since_313) in cases {
        for (version, expected) in [
            (PythonVersion::V3_11, before_313),
            (PythonVersion::V3_12, before_313),
            (PythonVersion::V3_13, since_313),
        ] {
            let schedule = schedule(when, 1, false, None, version);
            assert_eq!(
                schedule.ext_match().pattern(),
                expected,
                "{when} {version:?}"
            );
        }
    }
}

fn matches(matcher: &ExtMatch, text: &str) -> (bool, bool) {
    let Ok(start) = matcher.match_start(text);
    let Ok(full) = matcher.full_match(text);
    (start, full)
}

fn search(matcher: &ExtMatch, text: &str, pos: usize) -> Option<(usize, String)> {
    let Ok(hit) = matcher.search(text, pos);
    hit.map(|hit| (hit.start, hit.text))
}

#[test]
fn the_anchored_pattern_behaves_like_re() {
    // re.match / re.fullmatch of `^\d{4}-\d{2}-\d{2}(\.\w+)?$` with re.ASCII.
    let pattern = ExtMatch::new(When::Days, PythonVersion::V3_11);
    let cases = [
        ("2026-11-21", true, true),
        ("2026-11-21.gz", true, true),
        // `$` also matches before a final newline, which fullmatch then cannot consume.
        ("2026-11-21\n", true, false),
        ("2026-11-21.gz\n", true, false),
        ("2026-11-21\n\n", false, false),
        ("2026-11-21.", false, false),
        ("2026-11-21x", false, false),
        ("2026-11-21.g-z", false, false),
        ("2026-11-21.gz.bz2", false, false),
        ("2026-11-21.\u{e9}", false, false),
        ("12026-11-21", false, false),
        ("2026-11-2", false, false),
        ("\u{663}026-11-21", false, false),
    ];
    for (text, start, full) in cases {
        assert_eq!(matches(&pattern, text), (start, full), "{text:?}");
    }
    assert_eq!(
        search(&pattern, "2026-11-21.gz\n", 0),
        Some((0, "2026-11-21.gz".into()))
    );
    assert_eq!(
        search(&pattern, "2026-11-21\n", 0),
        Some((0, "2026-11-21".into()))
    );
    // `^` does not match where a search merely starts.
    assert_eq!(search(&pattern, "2026-11-21", 1), None);
}

#[test]
fn the_delimited_pattern_behaves_like_re() {
    // re.match / re.fullmatch / re.search of `(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)`, re.ASCII.
    let pattern = ExtMatch::new(When::Midnight, PythonVersion::V3_13);
    let cases = [
        ("2026-11-21", true, true),
        ("2026-11-21.gz", true, false),
        ("2026-11-21x", true, false),
        ("2026-11-21\n", true, false),
        ("2026-11-211", false, false),
        ("12026-11-21", false, false),
        ("2026-11-2", false, false),
    ];
    for (text, start, full) in cases {
        assert_eq!(matches(&pattern, text), (start, full), "{text:?}");
    }
    assert_eq!(
        search(&pattern, "app.log.2026-11-21.gz", 0),
        Some((8, "2026-11-21".into()))
    );
    assert_eq!(
        search(&pattern, "x12026-11-21 2026-11-22", 0),
        Some((13, "2026-11-22".into()))
    );
    // The look-behind sees the text before the search's start.
    assert_eq!(search(&pattern, "12026-11-21", 1), None);
    assert_eq!(search(&pattern, "a2026-11-21", 2), None);
    assert_eq!(search(&pattern, "2026-11-21", 1), None);
    // Positions are bytes here (Python counts one code point before the date).
    assert_eq!(
        search(&pattern, "\u{e9}2026-11-21", 0),
        Some((2, "2026-11-21".into()))
    );
    let seconds = ExtMatch::new(When::Seconds, PythonVersion::V3_13);
    assert_eq!(matches(&seconds, "2026-11-21_10-20-30"), (true, true));
    assert_eq!(matches(&seconds, "2026-11-21_10-20"), (false, false));
    assert_eq!(matches(&seconds, "2026-11-21_10-20-3x"), (false, false));
}

// ---------------------------------------------------------------------------------------
// computeRollover, rule by rule. The `cpython` tables cover the combinations.

#[test]
fn fixed_intervals_just_add() {
    with_time_zone(BERLIN, || {
        // Across the spring change: no daylight-saving correction for S, M, H or D.
        let before = cet(2026, 3, 29, 1, 30, 0);
        for version in ALL_VERSIONS {
            let hourly = schedule("H", 1, false, None, version);
            assert_eq!(hourly.compute_rollover(before), Ok(before + 3600));
            let daily = schedule("D", 1, false, None, version);
            assert_eq!(daily.compute_rollover(before), Ok(before + 86_400));
            let seconds = schedule("S", 5, false, None, version);
            assert_eq!(seconds.compute_rollover(before), Ok(before + 5));
            let minutes = schedule("M", 2, true, None, version);
            assert_eq!(minutes.compute_rollover(before), Ok(before + 120));
        }
    });
}

#[test]
fn midnight_rolls_at_the_next_midnight() {
    with_time_zone(BERLIN, || {
        let noon = cet(2026, 1, 31, 12, 0, 0);
        for version in ALL_VERSIONS {
            let midnight = schedule("MIDNIGHT", 1, false, None, version);
            // Month end: January 31 rolls into February 1.
            assert_eq!(
                midnight.compute_rollover(noon),
                Ok(cet(2026, 2, 1, 0, 0, 0))
            );
            let year_end = cet(2026, 12, 31, 23, 59, 59);
            assert_eq!(
                midnight.compute_rollover(year_end),
                Ok(cet(2027, 1, 1, 0, 0, 0))
            );
            let leap = cet(2028, 2, 28, 12, 0, 0);
            assert_eq!(
                midnight.compute_rollover(leap),
                Ok(cet(2028, 2, 29, 0, 0, 0))
            );
        }
    });
}

#[test]
fn a_time_exactly_at_the_rotation_time_differs_between_versions() {
    with_time_zone(BERLIN, || {
        let at = Some(AtTime::new(10, 30, 0));
        let exactly = cest(2026, 7, 6, 10, 30, 0);
        // 3.11: r == 0 is not "passed", so the rollover is now.
        let before = schedule("MIDNIGHT", 1, false, at, PythonVersion::V3_11);
        assert_eq!(before.compute_rollover(exactly), Ok(exactly));
        // 3.13: r <= 0 moves to the next day.
        let since = schedule("MIDNIGHT", 1, false, at, PythonVersion::V3_13);
        assert_eq!(since.compute_rollover(exactly), Ok(exactly + 86_400));
        // Either way the handler ends up a day later after a rollover at that instant.
        assert_eq!(before.next_rollover(exactly), Ok(exactly + 86_400));
        assert_eq!(since.next_rollover(exactly), Ok(exactly + 86_400));
    });
}

#[test]
fn at_time_for_daily_and_weekly_rollovers() {
    with_time_zone(BERLIN, || {
        let at = Some(AtTime::new(10, 30, 0));
        // Monday 2026-07-06, 09:00 and 11:00 summer time.
        let before_at = cest(2026, 7, 6, 9, 0, 0);
        let after_at = cest(2026, 7, 6, 11, 0, 0);
        for version in ALL_VERSIONS {
            let daily = schedule("MIDNIGHT", 1, false, at, version);
            assert_eq!(
                daily.compute_rollover(before_at),
                Ok(cest(2026, 7, 6, 10, 30, 0))
            );
            assert_eq!(
                daily.compute_rollover(after_at),
                Ok(cest(2026, 7, 7, 10, 30, 0))
            );
            // W0 at 10:30: Monday's 10:30 if still ahead, else next Monday's.
            let monday = schedule("W0", 1, false, at, version);
            assert_eq!(
                monday.compute_rollover(before_at),
                Ok(cest(2026, 7, 6, 10, 30, 0))
            );
            assert_eq!(
                monday.compute_rollover(after_at),
                Ok(cest(2026, 7, 13, 10, 30, 0))
            );
            // W3 at 10:30 from a Monday: Thursday.
            let thursday = schedule("W3", 1, false, at, version);
            assert_eq!(
                thursday.compute_rollover(after_at),
                Ok(cest(2026, 7, 9, 10, 30, 0))
            );
        }
        // Without atTime a weekly rollover falls at the midnight that ends the weekday.
        let monday = schedule("W0", 1, false, None, PythonVersion::V3_13);
        assert_eq!(
            monday.compute_rollover(after_at),
            Ok(cest(2026, 7, 7, 0, 0, 0))
        );
        assert_eq!(AtTime::from_seconds(37_800), AtTime::new(10, 30, 0));
    });
}

#[test]
fn intervals_of_midnight_and_weekly_rollovers_count_from_313() {
    with_time_zone(BERLIN, || {
        let noon = cest(2026, 7, 6, 12, 0, 0);
        let every_two_days = |version| schedule("MIDNIGHT", 2, false, None, version);
        let every_three_weeks = |version| schedule("W6", 3, false, None, version);
        for version in [PythonVersion::V3_11, PythonVersion::V3_12] {
            // Ignored: the next midnight, the next Sunday's end.
            assert_eq!(
                every_two_days(version).compute_rollover(noon),
                Ok(cest(2026, 7, 7, 0, 0, 0))
            );
            assert_eq!(
                every_three_weeks(version).compute_rollover(noon),
                Ok(cest(2026, 7, 13, 0, 0, 0))
            );
        }
        let version = PythonVersion::V3_13;
        assert_eq!(
            every_two_days(version).compute_rollover(noon),
            Ok(cest(2026, 7, 8, 0, 0, 0))
        );
        assert_eq!(
            every_three_weeks(version).compute_rollover(noon),
            Ok(cest(2026, 7, 27, 0, 0, 0))
        );
    });
}

#[test]
fn midnight_across_the_spring_change() {
    with_time_zone(BERLIN, || {
        // Saturday 2026-03-28, 10:30 atTime, from noon: Sunday 10:30 is summer time.
        let saturday_noon = cet(2026, 3, 28, 12, 0, 0);
        let at = Some(AtTime::new(10, 30, 0));
        // 3.11 adds whole days of 86400 s and lands an hour late (its rollover corrects
        // the next one instead).
        let before = schedule("MIDNIGHT", 1, false, at, PythonVersion::V3_11);
        assert_eq!(
            before.compute_rollover(saturday_noon),
            Ok(cest(2026, 3, 29, 11, 30, 0))
        );
        // 3.13 takes the hour off.
        let since = schedule("MIDNIGHT", 1, false, at, PythonVersion::V3_13);
        assert_eq!(
            since.compute_rollover(saturday_noon),
            Ok(cest(2026, 3, 29, 10, 30, 0))
        );
        // Plain midnight from Sunday 01:30 winter time: Monday's midnight is summer time.
        let sunday_night = cet(2026, 3, 29, 1, 30, 0);
        let before = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_11);
        assert_eq!(
            before.compute_rollover(sunday_night),
            Ok(cest(2026, 3, 30, 1, 0, 0))
        );
        let since = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_13);
        assert_eq!(
            since.compute_rollover(sunday_night),
            Ok(cest(2026, 3, 30, 0, 0, 0))
        );
    });
}

#[test]
fn the_313_spring_correction_skips_the_missing_hour() {
    with_time_zone(BERLIN, || {
        // atTime 02:30 does not exist on 2026-03-29. From Saturday noon (winter time),
        // 14.5 hours later is 03:30 summer time; summer time differs from now, but the
        // hour before the result (01:30) is still winter time, so no hour is taken off.
        // A blind correction would give 01:30, before the rotation time.
        let at = Some(AtTime::new(2, 30, 0));
        let since = schedule("MIDNIGHT", 1, false, at, PythonVersion::V3_13);
        assert_eq!(
            since.compute_rollover(cet(2026, 3, 28, 12, 0, 0)),
            Ok(cest(2026, 3, 29, 3, 30, 0))
        );
        // From Sunday 03:30 (summer time) to Monday 02:30, no change happens.
        assert_eq!(
            since.compute_rollover(cest(2026, 3, 29, 3, 30, 0)),
            Ok(cest(2026, 3, 30, 2, 30, 0))
        );
        // From Saturday 23:59:59 with atTime midnight and two-day interval, the result
        // (Monday 00:00 after 2 * 86400 s) is summer time and so is the hour before it.
        let two_days = schedule("MIDNIGHT", 2, false, None, PythonVersion::V3_13);
        assert_eq!(
            two_days.compute_rollover(cet(2026, 3, 28, 23, 59, 59)),
            Ok(cest(2026, 3, 30, 0, 0, 0))
        );
    });
}

#[test]
fn midnight_across_the_fall_change() {
    with_time_zone(BERLIN, || {
        let saturday_noon = cest(2026, 10, 24, 12, 0, 0);
        for version in ALL_VERSIONS {
            let midnight = schedule("MIDNIGHT", 1, false, None, version);
            assert_eq!(
                midnight.compute_rollover(saturday_noon),
                Ok(cest(2026, 10, 25, 0, 0, 0))
            );
        }
        // From the first 02:30 (summer time) of Sunday, Monday's midnight is winter time:
        // 3.11 counts 86400 s blindly (23:00), 3.13 adds the hour back.
        let first_half_past_two = cest(2026, 10, 25, 2, 30, 0);
        let before = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_11);
        assert_eq!(
            before.compute_rollover(first_half_past_two),
            Ok(cet(2026, 10, 25, 23, 0, 0))
        );
        let since = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_13);
        assert_eq!(
            since.compute_rollover(first_half_past_two),
            Ok(cet(2026, 10, 26, 0, 0, 0))
        );
        // From the second 02:30 (winter time) nothing changes before midnight.
        let second_half_past_two = cet(2026, 10, 25, 2, 30, 0);
        for version in ALL_VERSIONS {
            let midnight = schedule("MIDNIGHT", 1, false, None, version);
            assert_eq!(
                midnight.compute_rollover(second_half_past_two),
                Ok(cet(2026, 10, 26, 0, 0, 0))
            );
        }
    });
}

#[test]
fn weekly_across_both_changes() {
    with_time_zone(BERLIN, || {
        // From Wednesday before each change, W6 ends on the Sunday of the change (no
        // correction needed), W0 on the Monday after it (corrected in every version,
        // because 3.11 corrects weekly rollovers on another day than today).
        let spring_wednesday = cet(2026, 3, 25, 12, 0, 0);
        let fall_wednesday = cest(2026, 10, 21, 12, 0, 0);
        for version in ALL_VERSIONS {
            let sunday = schedule("W6", 1, false, None, version);
            assert_eq!(
                sunday.compute_rollover(spring_wednesday),
                Ok(cet(2026, 3, 30, 0, 0, 0) - 3600)
            );
            let monday = schedule("W0", 1, false, None, version);
            assert_eq!(
                monday.compute_rollover(spring_wednesday),
                Ok(cest(2026, 3, 31, 0, 0, 0))
            );
            assert_eq!(
                monday.compute_rollover(fall_wednesday),
                Ok(cet(2026, 10, 27, 0, 0, 0))
            );
        }
    });
}

#[test]
fn utc_schedules_are_never_corrected() {
    with_time_zone(BERLIN, || {
        let spring_wednesday = cet(2026, 3, 25, 12, 0, 0);
        for version in ALL_VERSIONS {
            let midnight = schedule("MIDNIGHT", 1, true, None, version);
            assert_eq!(
                midnight.compute_rollover(spring_wednesday),
                Ok(utc_time(2026, 3, 26, 0, 0, 0))
            );
            let monday = schedule("W0", 1, true, None, version);
            assert_eq!(
                monday.compute_rollover(spring_wednesday),
                Ok(utc_time(2026, 3, 31, 0, 0, 0))
            );
            let backup = midnight
                .backup_time(utc_time(2026, 3, 30, 0, 0, 0), cest(2026, 3, 30, 2, 0, 0))
                .unwrap();
            assert_eq!((backup.day, backup.hour, backup.is_dst), (29, 0, 0));
        }
    });
}

#[test]
fn local_time_in_utc_is_utc() {
    with_time_zone(UTC, || {
        let start = utc_time(2026, 3, 28, 12, 0, 0);
        for version in ALL_VERSIONS {
            for when in ["MIDNIGHT", "W0", "W6", "H", "D"] {
                for at in [None, Some(AtTime::new(2, 30, 0))] {
                    for interval in [1, 2] {
                        let local = schedule(when, interval, false, at, version);
                        let utc = schedule(when, interval, true, at, version);
                        for offset in (0..10 * 86_400).step_by(3_541) {
                            let now = start + offset;
                            assert_eq!(local.compute_rollover(now), utc.compute_rollover(now));
                            assert_eq!(local.next_rollover(now), utc.next_rollover(now));
                        }
                    }
                }
            }
        }
    });
}

// ---------------------------------------------------------------------------------------
// The first rollover.

#[test]
fn the_first_rollover_counts_from_the_files_mtime() {
    with_time_zone(BERLIN, || {
        let clock = ManualClock::new(cest(2026, 7, 10, 12, 0, 0));
        let mtime = cest(2026, 7, 6, 9, 15, 0);
        for version in ALL_VERSIONS {
            let hourly = schedule("H", 1, false, None, version);
            assert_eq!(
                hourly.initial_rollover(Some(mtime), &clock),
                Ok(mtime + 3600)
            );
            assert_eq!(
                hourly.initial_rollover(None, &clock),
                Ok(clock.now() + 3600)
            );
            // A file last written days ago is due at once.
            let midnight = schedule("MIDNIGHT", 1, false, None, version);
            let first = midnight.initial_rollover(Some(mtime), &clock).unwrap();
            assert_eq!(first, cest(2026, 7, 7, 0, 0, 0));
            assert!(midnight.should_rollover(first, clock.now()));
            // The backup is named after the day the file was written, and the next
            // rollover is tonight.
            let plan = midnight
                .plan_rollover("/logs/app.log", first, clock.now())
                .unwrap();
            assert_eq!(plan.backup_name, "/logs/app.log.2026-07-06");
            assert_eq!(plan.next_rollover_at, cest(2026, 7, 11, 0, 0, 0));
        }
    });
}

#[test]
fn mtimes_are_read_as_each_version_reads_them() {
    // os.stat()[ST_MTIME] in 3.11 and 3.12; int(os.stat().st_mtime) in 3.13, measured on
    // files whose times were set with os.utime(ns=...).
    let cases = [
        (1_700_000_000, 999_999_999, 1_700_000_000, 1_700_000_001),
        (1_700_000_000, 999_999_880, 1_700_000_000, 1_700_000_000),
        (1_700_000_000, 999_999_881, 1_700_000_000, 1_700_000_001),
        (-2, 500_000_000, -2, -1),
        (-2, 1, -2, -1),
        (1_700_000_000, 0, 1_700_000_000, 1_700_000_000),
    ];
    for (seconds, nanoseconds, before_313, since_313) in cases {
        assert_eq!(
            mtime_seconds(seconds, nanoseconds, PythonVersion::V3_11),
            before_313
        );
        assert_eq!(
            mtime_seconds(seconds, nanoseconds, PythonVersion::V3_12),
            before_313
        );
        assert_eq!(
            mtime_seconds(seconds, nanoseconds, PythonVersion::V3_13),
            since_313
        );
    }
}

#[test]
fn clocks() {
    let clock = ManualClock::new(100);
    assert_eq!(clock.now(), 100);
    assert_eq!(clock.advance(86_400), 86_500);
    clock.set(5);
    fn read(clock: impl Clock) -> i64 {
        clock.now()
    }
    assert_eq!(read(&clock), 5);
    let shared = std::sync::Arc::new(ManualClock::new(7));
    assert_eq!(read(shared), 7);
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let now = SystemClock.now();
    assert!((wall..=wall + 2).contains(&now));
}

// ---------------------------------------------------------------------------------------
// doRollover's steps.

#[test]
fn backups_are_named_for_the_interval_they_cover_across_changes() {
    with_time_zone(BERLIN, || {
        for version in ALL_VERSIONS {
            let midnight = schedule("MIDNIGHT", 1, false, None, version);
            // The rollover at Monday's midnight (summer time) covers Sunday, which began
            // in winter time: rollover_at - 86400 is Saturday 23:00, corrected to Sunday.
            let monday = cest(2026, 3, 30, 0, 0, 0);
            assert_eq!(
                midnight.backup_name("/l/app.log", monday, monday),
                Ok("/l/app.log.2026-03-29".into())
            );
            // In the fall, 86400 s before Monday's midnight (winter time) is Sunday 01:00
            // summer time, which the correction moves back to Sunday's midnight.
            let monday = cet(2026, 10, 26, 0, 0, 0);
            let time = midnight.backup_time(monday, monday).unwrap();
            assert_eq!((time.day, time.hour, time.is_dst), (25, 0, 1));
            // Year end.
            let new_year = cet(2027, 1, 1, 0, 0, 0);
            assert_eq!(
                midnight.backup_name("/l/app.log", new_year, new_year + 3),
                Ok("/l/app.log.2026-12-31".into())
            );
            // Hourly at the spring change: the backup of 01:00-02:00 winter time,
            // rotated at 03:00 summer time, is named 03 (an hour added to 01:00 CET).
            let hourly = schedule("H", 1, false, None, version);
            let three = cest(2026, 3, 29, 3, 0, 0);
            assert_eq!(
                hourly.backup_name("/l/app.log", three, three),
                Ok("/l/app.log.2026-03-29_03".into())
            );
            // Hourly at the fall change: both hours from 02:00 are named 01 and 02 once
            // the clock reads winter time.
            let second_two = cet(2026, 10, 25, 2, 0, 0);
            assert_eq!(
                hourly.backup_name("/l/app.log", second_two, second_two),
                Ok("/l/app.log.2026-10-25_01".into())
            );
        }
    });
}

#[test]
fn the_next_rollover_of_311_is_corrected_twice_for_weekly_schedules() {
    with_time_zone(BERLIN, || {
        // CPython 3.11.7: W0 rolling over at Tuesday 2026-10-20 00:00 (summer time) next
        // rolls over at Tuesday 2026-10-27 01:00 winter time: computeRollover adds the
        // hour and doRollover adds it again. 3.13.0 says 00:00.
        let rollover = cest(2026, 10, 20, 0, 0, 0);
        let before = schedule("W0", 1, false, None, PythonVersion::V3_11);
        assert_eq!(
            before.next_rollover(rollover),
            Ok(cet(2026, 10, 27, 1, 0, 0))
        );
        let since = schedule("W0", 1, false, None, PythonVersion::V3_13);
        assert_eq!(
            since.next_rollover(rollover),
            Ok(cet(2026, 10, 27, 0, 0, 0))
        );
        // In spring, 3.11 rolls over an hour early, then again an hour later.
        let rollover = cet(2026, 3, 25, 0, 0, 0);
        let before = schedule("W1", 1, false, None, PythonVersion::V3_11);
        let early = before.next_rollover(rollover).unwrap();
        assert_eq!(early, cest(2026, 3, 31, 23, 0, 0));
        assert_eq!(before.next_rollover(early), Ok(cest(2026, 4, 1, 0, 0, 0)));
        let since = schedule("W1", 1, false, None, PythonVersion::V3_13);
        assert_eq!(since.next_rollover(rollover), Ok(cest(2026, 4, 1, 0, 0, 0)));
    });
}

#[test]
fn the_next_rollover_of_311_skips_missed_intervals() {
    with_time_zone(BERLIN, || {
        // A rollover handled late: 3.11 computes from now anyway, so the loop only
        // matters when computeRollover returns now itself (atTime reached exactly).
        let late = cest(2026, 7, 6, 15, 0, 0);
        for version in ALL_VERSIONS {
            let hourly = schedule("H", 2, false, None, version);
            assert_eq!(hourly.next_rollover(late), Ok(late + 7200));
        }
        // A zero interval would loop forever in 3.11; here it stops.
        let frozen = schedule("S", 0, false, None, PythonVersion::V3_11);
        assert_eq!(frozen.next_rollover(late), Ok(late));
        let frozen = schedule("S", 0, false, None, PythonVersion::V3_13);
        assert_eq!(frozen.next_rollover(late), Ok(late));
    });
}

#[test]
fn the_corrections_after_a_replaced_compute_rollover() {
    with_time_zone(BERLIN, || {
        // A subclass's computeRollover returning a time long past: 3.11 steps it forward
        // by whole intervals past now, then corrects a local midnight schedule by the
        // hour summer time moved in between; 3.13 keeps what it returned.
        let now = cet(2026, 3, 28, 23, 30, 0);
        let long_ago = cet(2026, 1, 1, 3, 0, 0);
        let before = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_11);
        // Stepping lands on 04:00 summer time, corrected to 03:00.
        assert_eq!(
            before.next_rollover_from(long_ago, now),
            Ok(cest(2026, 3, 29, 3, 0, 0))
        );
        let now = cest(2026, 7, 6, 15, 0, 0);
        let hourly = schedule("H", 1, false, None, PythonVersion::V3_11);
        assert_eq!(hourly.next_rollover_from(now - 5400, now), Ok(now + 1800));
        let since = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_13);
        assert_eq!(since.next_rollover_from(long_ago, now), Ok(long_ago));
    });
}

#[test]
fn an_existing_backup_is_replaced_before_313_and_skipped_since() {
    with_time_zone(BERLIN, || {
        let now = cest(2026, 7, 6, 0, 0, 0);
        for (version, policy) in [
            (PythonVersion::V3_11, ExistingBackup::Replace),
            (PythonVersion::V3_12, ExistingBackup::Replace),
            (PythonVersion::V3_13, ExistingBackup::Skip),
        ] {
            let midnight = schedule("MIDNIGHT", 1, false, None, version);
            assert_eq!(midnight.existing_backup(), policy);
            let plan = midnight.plan_rollover("/l/app.log", now, now).unwrap();
            assert_eq!(plan.if_backup_exists, policy);
            assert_eq!(plan.backup_name, "/l/app.log.2026-07-05");
            assert_eq!(plan.next_rollover_at, cest(2026, 7, 7, 0, 0, 0));
            let time = &plan.backup_time;
            assert_eq!((time.year, time.month, time.day), (2026, 7, 5));
        }
    });
}

#[test]
fn a_custom_suffix_is_formatted_like_time_strftime() {
    with_time_zone(BERLIN, || {
        let time = crate::time::localtime(cest(2026, 7, 6, 9, 5, 0)).unwrap();
        assert_eq!(
            backup_file_name("/l/app.log", "%Y%m%d-%H%M", &time),
            Ok("/l/app.log.20260706-0905".into())
        );
        assert!(backup_file_name("/l/app.log", "%Y\0", &time).is_err());
    });
}

#[test]
fn attributes_can_be_reassigned() {
    with_time_zone(BERLIN, || {
        let mut midnight = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_13);
        let noon = cest(2026, 7, 6, 12, 0, 0);
        midnight.set_at_time(Some(AtTime::new(13, 0, 0)));
        assert_eq!(midnight.at_time(), Some(AtTime::new(13, 0, 0)));
        assert_eq!(
            midnight.compute_rollover(noon),
            Ok(cest(2026, 7, 6, 13, 0, 0))
        );
        midnight.set_utc(true);
        assert!(midnight.utc());
        assert_eq!(
            midnight.compute_rollover(noon),
            Ok(utc_time(2026, 7, 6, 13, 0, 0))
        );
        assert_eq!(midnight.version(), PythonVersion::V3_13);
    });
}

// ---------------------------------------------------------------------------------------
// getFilesToDelete.

/// A directory holding backups of `app.log` and look-alikes.
const DIRECTORY: &[&str] = &[
    "app.log",
    "app.log.2026-11-19",
    "app.log.2026-11-20",
    "app.log.2026-11-21",
    "app.log.2026-11-21.bak2",
    "app.log.12026-11-21",
    "app.log2.2026-11-21",
    "app.log.2026-11-21_10",
    "other.log.2026-11-18",
    "app.2026-11-17.log",
    "app.log.2026-11-16.gz",
    "app.log.2026-11-15\n",
    "app.log.x.2026-11-14",
    "app.log.2026-11-2",
];

fn in_logs(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| format!("/logs/{name}")).collect()
}

fn compressed(name: &str) -> String {
    format!("{name}.gz")
}

fn date_before_extension(name: &str) -> String {
    format!("{}.log", name.replace("app.log.", "app."))
}

fn delete(
    version: PythonVersion,
    when: &str,
    count: i64,
    namer: Option<&dyn Fn(&str) -> String>,
) -> Vec<String> {
    schedule(when, 1, false, None, version).files_to_delete(
        "/logs/app.log",
        DIRECTORY,
        count,
        namer,
    )
}

// The expected lists are getFilesToDelete() of CPython 3.11.7 (3.12.1 agrees) and 3.13.0
// over a directory holding exactly `DIRECTORY`.

#[test]
fn before_313_backups_are_recognised_loosely() {
    let matched = [
        "app.log.2026-11-15\n",
        "app.log.2026-11-16.gz",
        "app.log.2026-11-19",
        "app.log.2026-11-20",
        "app.log.2026-11-21",
        "app.log.2026-11-21.bak2",
        "app.log.x.2026-11-14",
        "app.log2.2026-11-21",
    ];
    for version in [PythonVersion::V3_11, PythonVersion::V3_12] {
        assert_eq!(delete(version, "D", 0, None), in_logs(&matched));
        // Keeping two keeps the last two in sorted order, which are look-alikes.
        assert_eq!(delete(version, "D", 2, None), in_logs(&matched[..6]));
        assert_eq!(delete(version, "D", 20, None), Vec::<String>::new());
        // With any namer, the renamed `app.2026-11-17.log` is found too; the namer is
        // never called.
        let mut with_namer = vec!["app.2026-11-17.log"];
        with_namer.extend(matched);
        let unused = |_: &str| -> String { unreachable!() };
        assert_eq!(delete(version, "D", 0, Some(&unused)), in_logs(&with_namer));
        assert_eq!(
            delete(version, "D", 2, Some(&compressed)),
            in_logs(&with_namer[..7])
        );
        assert_eq!(
            delete(version, "H", 0, Some(&date_before_extension)),
            in_logs(&["app.log.2026-11-21_10"])
        );
        assert_eq!(
            delete(version, "H", 0, None),
            in_logs(&["app.log.2026-11-21_10"])
        );
    }
}

#[test]
fn since_313_backups_are_recognised_strictly() {
    let version = PythonVersion::V3_13;
    let plain = [
        "app.log.2026-11-19",
        "app.log.2026-11-20",
        "app.log.2026-11-21",
    ];
    assert_eq!(delete(version, "D", 0, None), in_logs(&plain));
    assert_eq!(delete(version, "D", 2, None), in_logs(&plain[..1]));
    assert_eq!(delete(version, "D", 3, None), Vec::<String>::new());
    assert_eq!(delete(version, "D", 20, None), Vec::<String>::new());
    // With a namer, only names the namer would produce.
    assert_eq!(
        delete(version, "D", 0, Some(&compressed)),
        in_logs(&["app.log.2026-11-16.gz"])
    );
    assert_eq!(
        delete(version, "D", 0, Some(&date_before_extension)),
        in_logs(&["app.2026-11-17.log"])
    );
    assert_eq!(
        delete(version, "H", 0, None),
        in_logs(&["app.log.2026-11-21_10"])
    );
    assert_eq!(
        delete(version, "H", 0, Some(&compressed)),
        Vec::<String>::new()
    );
}

#[test]
fn look_alikes_that_313_rejects() {
    let version = PythonVersion::V3_13;
    for name in [
        "app.log.2026-11-21.bak2",
        "app.log.12026-11-21",
        "app.log2.2026-11-21",
        "app.log.x.2026-11-14",
        "app.log.2026-11-15\n",
        "other.log.2026-11-18",
    ] {
        let alone = [name];
        let midnight = schedule("MIDNIGHT", 1, false, None, version);
        assert!(
            midnight
                .files_to_delete("/logs/app.log", &alone, 0, None)
                .is_empty(),
            "{name:?}"
        );
        assert!(
            midnight
                .files_to_delete("/logs/app.log", &alone, 0, Some(&compressed))
                .is_empty(),
            "{name:?}"
        );
    }
}

#[test]
fn since_313_the_namer_is_tried_on_every_date_in_a_name() {
    let calls = RefCell::new(Vec::new());
    // A namer that puts the date in a directory-like prefix and keeps a copy at the end.
    let namer = |name: &str| {
        calls.borrow_mut().push(name.to_owned());
        let (_, base) = split_path(name);
        let date = &base["app.log.".len()..];
        format!("/elsewhere/2020-01-01-{date}.app.log")
    };
    let midnight = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_13);
    let names = ["2020-01-01-2026-11-21.app.log", "2026-11-21.app.log"];
    let deleted = midnight.files_to_delete("/logs/app.log", &names, 0, Some(&namer));
    // Only the basename of the namer's result is compared.
    assert_eq!(deleted, in_logs(&["2020-01-01-2026-11-21.app.log"]));
    assert_eq!(
        calls.into_inner(),
        [
            "/logs/app.log.2020-01-01",
            "/logs/app.log.2026-11-21",
            "/logs/app.log.2026-11-21",
        ]
    );
}

#[test]
fn the_311_namer_filter_looks_one_character_past_the_prefix() {
    // With a namer, 3.11 drops names that end like the base file, do not start with it,
    // and have no digit at that position (Unicode digits count). The date must still be
    // a whole part.
    let midnight = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_11);
    let names = [
        "app.x2026-11-21.2026-11-20.log",
        "app.\u{b2}\u{b2}.2026-11-19.log",
        "app.x\u{bd}.2026-11-18.log",
        "app.2026-11-17.gz",
    ];
    let deleted = midnight.files_to_delete("/logs/app.log", &names, 0, Some(&compressed));
    assert_eq!(
        deleted,
        in_logs(&[
            "app.2026-11-17.gz",
            "app.x2026-11-21.2026-11-20.log",
            "app.\u{b2}\u{b2}.2026-11-19.log"
        ])
    );
}

#[test]
fn base_names_without_an_extension() {
    let names = [
        "app.2026-11-21",
        "app.2026-11-21.gz",
        "application.2026-11-20",
    ];
    for (version, expected) in [
        (
            PythonVersion::V3_11,
            vec!["app.2026-11-21", "app.2026-11-21.gz"],
        ),
        (PythonVersion::V3_13, vec!["app.2026-11-21"]),
    ] {
        let midnight = schedule("MIDNIGHT", 1, false, None, version);
        assert_eq!(
            midnight.files_to_delete("/logs/app", &names, 0, None),
            in_logs(&expected)
        );
    }
}

#[test]
fn a_non_positive_backup_count_deletes_every_backup() {
    for version in ALL_VERSIONS {
        let deleted = delete(version, "D", -1, None);
        assert_eq!(deleted, delete(version, "D", 0, None));
        assert!(deleted.len() >= 3);
    }
}

#[test]
fn paths_split_like_os_path() {
    assert_eq!(split_path("/var/log/app.log"), ("/var/log", "app.log"));
    assert_eq!(split_path("/app.log"), ("/", "app.log"));
    assert_eq!(split_path("//app.log"), ("//", "app.log"));
    assert_eq!(split_path("logs//app.log"), ("logs", "app.log"));
    assert_eq!(split_path("app.log"), ("", "app.log"));
    assert_eq!(split_path("/a/b/"), ("/a/b", ""));
    let midnight = schedule("MIDNIGHT", 1, false, None, PythonVersion::V3_13);
    assert_eq!(
        midnight.files_to_delete("/app.log", &["app.log.2026-11-21"], 0, None),
        ["/app.log.2026-11-21"]
    );
}

/// A user's `extMatch` for a compact suffix (`%Y%m%d`), standing in for a Python pattern
/// `\d{8}`: positions are counted in characters, as Python counts them.
struct CompactDates {
    fail_on: Option<&'static str>,
}

impl CompactDates {
    fn check(&self, text: &str) -> Result<(), String> {
        match self.fail_on {
            Some(bad) if text.contains(bad) => Err(format!("cannot match {text:?}")),
            _ => Ok(()),
        }
    }

    fn date_at(characters: &[char], at: usize) -> bool {
        characters.len() >= at + 8 && characters[at..at + 8].iter().all(char::is_ascii_digit)
    }
}

impl SuffixMatcher for CompactDates {
    type Error = String;

    fn match_start(&self, text: &str) -> Result<bool, String> {
        self.check(text)?;
        Ok(Self::date_at(&text.chars().collect::<Vec<_>>(), 0))
    }

    fn full_match(&self, text: &str) -> Result<bool, String> {
        self.check(text)?;
        Ok(text.chars().count() == 8 && self.match_start(text)?)
    }

    fn search(&self, text: &str, pos: usize) -> Result<Option<SearchHit>, String> {
        self.check(text)?;
        let characters: Vec<char> = text.chars().collect();
        Ok((pos..characters.len())
            .find(|&at| Self::date_at(&characters, at))
            .map(|start| SearchHit {
                start,
                text: characters[start..start + 8].iter().collect(),
            }))
    }
}

#[test]
fn a_replaced_pattern_is_used_as_given() {
    let names = [
        "app.log.20261121",
        "app.log.20261120",
        "app.log.2026-11-19",
        "é.20261118",
    ];
    let matcher = CompactDates { fail_on: None };
    for version in ALL_VERSIONS {
        let deleted = try_files_to_delete(version, &matcher, "/logs/app.log", &names, 1, None);
        assert_eq!(deleted, Ok(in_logs(&["app.log.20261120"])));
    }
    // Positions in characters work with the search loop.
    let mut namer =
        |name: &str| -> Result<String, String> { Ok(name.replace("app.log", "\u{e9}")) };
    let deleted = try_files_to_delete(
        PythonVersion::V3_13,
        &matcher,
        "/logs/app.log",
        &names,
        0,
        Some(&mut namer),
    );
    assert_eq!(deleted, Ok(in_logs(&["\u{e9}.20261118"])));
}

#[test]
fn errors_from_the_pattern_or_the_namer_stop_the_search() {
    let names = ["app.log.20261121", "app.log.20261120"];
    let matcher = CompactDates {
        fail_on: Some("1120"),
    };
    for version in ALL_VERSIONS {
        assert_eq!(
            try_files_to_delete(version, &matcher, "/logs/app.log", &names, 0, None),
            Err("cannot match \"20261120\"".into())
        );
    }
    let matcher = CompactDates { fail_on: None };
    let calls = RefCell::new(0);
    let mut namer = |_: &str| -> Result<String, String> {
        *calls.borrow_mut() += 1;
        Err("namer failed".into())
    };
    assert_eq!(
        try_files_to_delete(
            PythonVersion::V3_13,
            &matcher,
            "/logs/app.log",
            &names,
            0,
            Some(&mut namer)
        ),
        Err("namer failed".into())
    );
    assert_eq!(calls.into_inner(), 1);
}
