//! Expectations computed by CPython itself.
//!
//! Every number below was printed by CPython 3.11.7 and 3.13.0 (3.12.1 agrees with
//! 3.11.7 throughout) with `TZ=CET-1CEST,M3.5.0,M10.5.0/3`, from a
//! `TimedRotatingFileHandler(..., delay=True)` in a scratch directory: `computeRollover(t)`
//! for the first table, and for the second, `doRollover()` called repeatedly with
//! `time.time` replaced by a settable clock and `rotate` recording the backup's name.

use super::{schedule, BERLIN};
use crate::rotation::timed::{AtTime, Clock, ManualClock, TimedSchedule};
use crate::time::test_support::with_time_zone;
use crate::time::PythonVersion;

type HourMinuteSecond = (i64, i64, i64);

/// `(current_time, when, interval, utc, atTime, 3.11 result, 3.13 result)`.
type ComputeCase = (
    i64,
    &'static str,
    i64,
    bool,
    Option<HourMinuteSecond>,
    i64,
    i64,
);

#[rustfmt::skip]
const COMPUTE_ROLLOVER: &[ComputeCase] = &[
    // Sat 2026-03-28 23:59:59 CET
    (1774738799, "S", 30, false, None, 1774738829, 1774738829),
    (1774738799, "M", 15, false, None, 1774739699, 1774739699),
    (1774738799, "H", 1, false, None, 1774742399, 1774742399),
    (1774738799, "H", 3, false, None, 1774749599, 1774749599),
    (1774738799, "D", 2, false, None, 1774911599, 1774911599),
    (1774738799, "MIDNIGHT", 1, false, None, 1774738800, 1774738800),
    (1774738799, "MIDNIGHT", 2, false, None, 1774738800, 1774821600),
    (1774738799, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1774776600, 1774773000),
    (1774738799, "MIDNIGHT", 1, true, None, 1774742400, 1774742400),
    (1774738799, "W0", 1, false, None, 1774908000, 1774908000),
    (1774738799, "W0", 2, false, Some((2, 30, 0)), 1774830600, 1775435400),
    (1774738799, "W6", 1, false, Some((10, 30, 0)), 1774776600, 1774773000),
    (1774738799, "W6", 3, false, None, 1774821600, 1776031200),
    (1774738799, "W3", 1, true, Some((0, 0, 0)), 1775088000, 1775088000),
    // Sun 2026-03-29 00:00:00 CET
    (1774738800, "H", 1, false, None, 1774742400, 1774742400),
    (1774738800, "H", 3, false, None, 1774749600, 1774749600),
    (1774738800, "D", 2, false, None, 1774911600, 1774911600),
    (1774738800, "MIDNIGHT", 1, false, None, 1774825200, 1774821600),
    (1774738800, "MIDNIGHT", 2, false, None, 1774825200, 1774908000),
    (1774738800, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1774776600, 1774773000),
    (1774738800, "MIDNIGHT", 1, true, None, 1774742400, 1774742400),
    (1774738800, "W0", 1, false, None, 1774908000, 1774908000),
    (1774738800, "W0", 2, false, Some((2, 30, 0)), 1774830600, 1775435400),
    (1774738800, "W6", 1, false, Some((10, 30, 0)), 1774776600, 1774773000),
    (1774738800, "W6", 3, false, None, 1774825200, 1776031200),
    (1774738800, "W3", 1, true, Some((0, 0, 0)), 1775088000, 1775088000),
    // Sun 2026-03-29 01:30:00 CET
    (1774744200, "H", 1, false, None, 1774747800, 1774747800),
    (1774744200, "H", 3, false, None, 1774755000, 1774755000),
    (1774744200, "D", 2, false, None, 1774917000, 1774917000),
    (1774744200, "MIDNIGHT", 1, false, None, 1774825200, 1774821600),
    (1774744200, "MIDNIGHT", 2, false, None, 1774825200, 1774908000),
    (1774744200, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1774776600, 1774773000),
    (1774744200, "MIDNIGHT", 1, true, None, 1774828800, 1774828800),
    (1774744200, "W0", 1, false, None, 1774908000, 1774908000),
    (1774744200, "W0", 2, false, Some((2, 30, 0)), 1774830600, 1775435400),
    (1774744200, "W6", 1, false, Some((10, 30, 0)), 1774776600, 1774773000),
    (1774744200, "W6", 3, false, None, 1774825200, 1776031200),
    (1774744200, "W3", 1, true, Some((0, 0, 0)), 1775088000, 1775088000),
    // Sun 2026-03-29 03:30:00 CEST
    (1774747800, "H", 1, false, None, 1774751400, 1774751400),
    (1774747800, "H", 3, false, None, 1774758600, 1774758600),
    (1774747800, "D", 2, false, None, 1774920600, 1774920600),
    (1774747800, "MIDNIGHT", 1, false, None, 1774821600, 1774821600),
    (1774747800, "MIDNIGHT", 2, false, None, 1774821600, 1774908000),
    (1774747800, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1774773000, 1774773000),
    (1774747800, "MIDNIGHT", 1, true, None, 1774828800, 1774828800),
    (1774747800, "W0", 1, false, None, 1774908000, 1774908000),
    (1774747800, "W0", 2, false, Some((2, 30, 0)), 1774830600, 1775435400),
    (1774747800, "W6", 1, false, Some((10, 30, 0)), 1774773000, 1774773000),
    (1774747800, "W6", 3, false, None, 1774821600, 1776031200),
    (1774747800, "W3", 1, true, Some((0, 0, 0)), 1775088000, 1775088000),
    // Wed 2026-03-25 12:00:00 CET
    (1774436400, "H", 1, false, None, 1774440000, 1774440000),
    (1774436400, "H", 3, false, None, 1774447200, 1774447200),
    (1774436400, "D", 2, false, None, 1774609200, 1774609200),
    (1774436400, "MIDNIGHT", 1, false, None, 1774479600, 1774479600),
    (1774436400, "MIDNIGHT", 2, false, None, 1774479600, 1774566000),
    (1774436400, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1774517400, 1774517400),
    (1774436400, "MIDNIGHT", 1, true, None, 1774483200, 1774483200),
    (1774436400, "W0", 1, false, None, 1774908000, 1774908000),
    (1774436400, "W0", 2, false, Some((2, 30, 0)), 1774830600, 1775435400),
    (1774436400, "W6", 1, false, Some((10, 30, 0)), 1774773000, 1774773000),
    (1774436400, "W6", 3, false, None, 1774821600, 1776031200),
    (1774436400, "W3", 1, true, Some((0, 0, 0)), 1774483200, 1774483200),
    // Sun 2026-10-25 00:00:00 CEST
    (1792879200, "H", 1, false, None, 1792882800, 1792882800),
    (1792879200, "H", 3, false, None, 1792890000, 1792890000),
    (1792879200, "D", 2, false, None, 1793052000, 1793052000),
    (1792879200, "MIDNIGHT", 1, false, None, 1792965600, 1792969200),
    (1792879200, "MIDNIGHT", 2, false, None, 1792965600, 1793055600),
    (1792879200, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1792917000, 1792920600),
    (1792879200, "MIDNIGHT", 1, true, None, 1792886400, 1792886400),
    (1792879200, "W0", 1, false, None, 1793055600, 1793055600),
    (1792879200, "W0", 2, false, Some((2, 30, 0)), 1792978200, 1793583000),
    (1792879200, "W6", 1, false, Some((10, 30, 0)), 1792917000, 1792920600),
    (1792879200, "W6", 3, false, None, 1792965600, 1794178800),
    (1792879200, "W3", 1, true, Some((0, 0, 0)), 1793232000, 1793232000),
    // Sun 2026-10-25 02:30:00 CEST
    (1792888200, "H", 1, false, None, 1792891800, 1792891800),
    (1792888200, "H", 3, false, None, 1792899000, 1792899000),
    (1792888200, "D", 2, false, None, 1793061000, 1793061000),
    (1792888200, "MIDNIGHT", 1, false, None, 1792965600, 1792969200),
    (1792888200, "MIDNIGHT", 2, false, None, 1792965600, 1793055600),
    (1792888200, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1792917000, 1792920600),
    (1792888200, "MIDNIGHT", 1, true, None, 1792972800, 1792972800),
    (1792888200, "W0", 1, false, None, 1793055600, 1793055600),
    (1792888200, "W0", 2, false, Some((2, 30, 0)), 1792978200, 1793583000),
    (1792888200, "W6", 1, false, Some((10, 30, 0)), 1792917000, 1792920600),
    (1792888200, "W6", 3, false, None, 1792965600, 1794178800),
    (1792888200, "W3", 1, true, Some((0, 0, 0)), 1793232000, 1793232000),
    // Sun 2026-10-25 02:30:00 CET
    (1792891800, "H", 1, false, None, 1792895400, 1792895400),
    (1792891800, "H", 3, false, None, 1792902600, 1792902600),
    (1792891800, "D", 2, false, None, 1793064600, 1793064600),
    (1792891800, "MIDNIGHT", 1, false, None, 1792969200, 1792969200),
    (1792891800, "MIDNIGHT", 2, false, None, 1792969200, 1793055600),
    (1792891800, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1792920600, 1792920600),
    (1792891800, "MIDNIGHT", 1, true, None, 1792972800, 1792972800),
    (1792891800, "W0", 1, false, None, 1793055600, 1793055600),
    (1792891800, "W0", 2, false, Some((2, 30, 0)), 1792978200, 1793583000),
    (1792891800, "W6", 1, false, Some((10, 30, 0)), 1792920600, 1792920600),
    (1792891800, "W6", 3, false, None, 1792969200, 1794178800),
    (1792891800, "W3", 1, true, Some((0, 0, 0)), 1793232000, 1793232000),
    // Wed 2026-10-21 12:00:00 CEST
    (1792576800, "H", 1, false, None, 1792580400, 1792580400),
    (1792576800, "H", 3, false, None, 1792587600, 1792587600),
    (1792576800, "D", 2, false, None, 1792749600, 1792749600),
    (1792576800, "MIDNIGHT", 1, false, None, 1792620000, 1792620000),
    (1792576800, "MIDNIGHT", 2, false, None, 1792620000, 1792706400),
    (1792576800, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1792657800, 1792657800),
    (1792576800, "MIDNIGHT", 1, true, None, 1792627200, 1792627200),
    (1792576800, "W0", 1, false, None, 1793055600, 1793055600),
    (1792576800, "W0", 2, false, Some((2, 30, 0)), 1792978200, 1793583000),
    (1792576800, "W6", 1, false, Some((10, 30, 0)), 1792920600, 1792920600),
    (1792576800, "W6", 3, false, None, 1792969200, 1794178800),
    (1792576800, "W3", 1, true, Some((0, 0, 0)), 1792627200, 1792627200),
    // Sat 2026-01-31 23:30:00 CET
    (1769898600, "H", 1, false, None, 1769902200, 1769902200),
    (1769898600, "H", 3, false, None, 1769909400, 1769909400),
    (1769898600, "D", 2, false, None, 1770071400, 1770071400),
    (1769898600, "MIDNIGHT", 1, false, None, 1769900400, 1769900400),
    (1769898600, "MIDNIGHT", 2, false, None, 1769900400, 1769986800),
    (1769898600, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1769938200, 1769938200),
    (1769898600, "MIDNIGHT", 1, true, None, 1769904000, 1769904000),
    (1769898600, "W0", 1, false, None, 1770073200, 1770073200),
    (1769898600, "W0", 2, false, Some((2, 30, 0)), 1769995800, 1770600600),
    (1769898600, "W6", 1, false, Some((10, 30, 0)), 1769938200, 1769938200),
    (1769898600, "W6", 3, false, None, 1769986800, 1771196400),
    (1769898600, "W3", 1, true, Some((0, 0, 0)), 1770249600, 1770249600),
    // Sat 2026-02-28 22:00:00 CET
    (1772312400, "H", 1, false, None, 1772316000, 1772316000),
    (1772312400, "H", 3, false, None, 1772323200, 1772323200),
    (1772312400, "D", 2, false, None, 1772485200, 1772485200),
    (1772312400, "MIDNIGHT", 1, false, None, 1772319600, 1772319600),
    (1772312400, "MIDNIGHT", 2, false, None, 1772319600, 1772406000),
    (1772312400, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1772357400, 1772357400),
    (1772312400, "MIDNIGHT", 1, true, None, 1772323200, 1772323200),
    (1772312400, "W0", 1, false, None, 1772492400, 1772492400),
    (1772312400, "W0", 2, false, Some((2, 30, 0)), 1772415000, 1773019800),
    (1772312400, "W6", 1, false, Some((10, 30, 0)), 1772357400, 1772357400),
    (1772312400, "W6", 3, false, None, 1772406000, 1773615600),
    (1772312400, "W3", 1, true, Some((0, 0, 0)), 1772668800, 1772668800),
    // Thu 2026-12-31 23:59:59 CET
    (1798757999, "S", 30, false, None, 1798758029, 1798758029),
    (1798757999, "M", 15, false, None, 1798758899, 1798758899),
    (1798757999, "H", 1, false, None, 1798761599, 1798761599),
    (1798757999, "H", 3, false, None, 1798768799, 1798768799),
    (1798757999, "D", 2, false, None, 1798930799, 1798930799),
    (1798757999, "MIDNIGHT", 1, false, None, 1798758000, 1798758000),
    (1798757999, "MIDNIGHT", 2, false, None, 1798758000, 1798844400),
    (1798757999, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1798795800, 1798795800),
    (1798757999, "MIDNIGHT", 1, true, None, 1798761600, 1798761600),
    (1798757999, "W0", 1, false, None, 1799103600, 1799103600),
    (1798757999, "W0", 2, false, Some((2, 30, 0)), 1799026200, 1799631000),
    (1798757999, "W6", 1, false, Some((10, 30, 0)), 1798968600, 1798968600),
    (1798757999, "W6", 3, false, None, 1799017200, 1800226800),
    (1798757999, "W3", 1, true, Some((0, 0, 0)), 1799280000, 1799280000),
    // Mon 2028-02-28 12:00:00 CET
    (1835348400, "H", 1, false, None, 1835352000, 1835352000),
    (1835348400, "H", 3, false, None, 1835359200, 1835359200),
    (1835348400, "D", 2, false, None, 1835521200, 1835521200),
    (1835348400, "MIDNIGHT", 1, false, None, 1835391600, 1835391600),
    (1835348400, "MIDNIGHT", 2, false, None, 1835391600, 1835478000),
    (1835348400, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1835429400, 1835429400),
    (1835348400, "MIDNIGHT", 1, true, None, 1835395200, 1835395200),
    (1835348400, "W0", 1, false, None, 1835391600, 1835391600),
    (1835348400, "W0", 2, false, Some((2, 30, 0)), 1835919000, 1836523800),
    (1835348400, "W6", 1, false, Some((10, 30, 0)), 1835861400, 1835861400),
    (1835348400, "W6", 3, false, None, 1835910000, 1837119600),
    (1835348400, "W3", 1, true, Some((0, 0, 0)), 1835568000, 1835568000),
    // Mon 2026-07-06 10:30:00 CEST
    (1783326600, "H", 1, false, None, 1783330200, 1783330200),
    (1783326600, "H", 3, false, None, 1783337400, 1783337400),
    (1783326600, "D", 2, false, None, 1783499400, 1783499400),
    (1783326600, "MIDNIGHT", 1, false, None, 1783375200, 1783375200),
    (1783326600, "MIDNIGHT", 2, false, None, 1783375200, 1783461600),
    (1783326600, "MIDNIGHT", 1, false, Some((10, 30, 0)), 1783326600, 1783413000),
    (1783326600, "MIDNIGHT", 1, true, None, 1783382400, 1783382400),
    (1783326600, "W0", 1, false, None, 1783375200, 1783375200),
    (1783326600, "W0", 2, false, Some((2, 30, 0)), 1783902600, 1784507400),
    (1783326600, "W6", 1, false, Some((10, 30, 0)), 1783845000, 1783845000),
    (1783326600, "W6", 3, false, None, 1783893600, 1785103200),
    (1783326600, "W3", 1, true, Some((0, 0, 0)), 1783555200, 1783555200),
];

fn at_time(at: Option<HourMinuteSecond>) -> Option<AtTime> {
    at.map(|(hour, minute, second)| AtTime::new(hour, minute, second))
}

#[test]
fn compute_rollover_matches_cpython() {
    with_time_zone(BERLIN, || {
        for &(current, when, interval, utc, at, v3_11, v3_13) in COMPUTE_ROLLOVER {
            for (version, expected) in [
                (PythonVersion::V3_11, v3_11),
                (PythonVersion::V3_12, v3_11),
                (PythonVersion::V3_13, v3_13),
            ] {
                let schedule =
                    TimedSchedule::new(when, interval, utc, at_time(at), version).unwrap();
                assert_eq!(
                    schedule.compute_rollover(current),
                    Ok(expected),
                    "{version:?} {when} x{interval} utc={utc} at={at:?} from {current}"
                );
            }
        }
    });
}

/// A handler created at `start` (no existing file) whose rollovers each happen `lag`
/// seconds after they are due. Per version: the first `rollover_at`, then for each
/// rollover the backup's suffix and the `rollover_at` it leaves.
struct RollSequence {
    when: &'static str,
    interval: i64,
    utc: bool,
    at: Option<HourMinuteSecond>,
    lag: i64,
    start: i64,
    v3_11: (i64, &'static [(&'static str, i64)]),
    v3_13: (i64, &'static [(&'static str, i64)]),
}

#[rustfmt::skip]
const ROLL_SEQUENCES: &[RollSequence] = &[
    // MIDNIGHT every 1, local, atTime None, from Sat 2026-03-28 12:00 CET, each rollover 0 s late
    RollSequence { when: "MIDNIGHT", interval: 1, utc: false, at: None, lag: 0, start: 1774695600,
        v3_11: (1774738800, &[
            ("2026-03-28", 1774821600),
            ("2026-03-29", 1774908000),
            ("2026-03-30", 1774994400),
            ("2026-03-31", 1775080800),
        ]),
        v3_13: (1774738800, &[
            ("2026-03-28", 1774821600),
            ("2026-03-29", 1774908000),
            ("2026-03-30", 1774994400),
            ("2026-03-31", 1775080800),
        ]),
    },
    // MIDNIGHT every 1, local, atTime None, from Sat 2026-10-24 12:00 CEST, each rollover 0 s late
    RollSequence { when: "MIDNIGHT", interval: 1, utc: false, at: None, lag: 0, start: 1792836000,
        v3_11: (1792879200, &[
            ("2026-10-24", 1792969200),
            ("2026-10-25", 1793055600),
            ("2026-10-26", 1793142000),
            ("2026-10-27", 1793228400),
        ]),
        v3_13: (1792879200, &[
            ("2026-10-24", 1792969200),
            ("2026-10-25", 1793055600),
            ("2026-10-26", 1793142000),
            ("2026-10-27", 1793228400),
        ]),
    },
    // MIDNIGHT every 1, local, atTime (2, 30, 0), from Sat 2026-03-28 12:00 CET, each rollover 0 s late
    RollSequence { when: "MIDNIGHT", interval: 1, utc: false, at: Some((2, 30, 0)), lag: 0, start: 1774695600,
        v3_11: (1774747800, &[
            ("2026-03-28", 1774830600),
            ("2026-03-29", 1774917000),
            ("2026-03-30", 1775003400),
            ("2026-03-31", 1775089800),
        ]),
        v3_13: (1774747800, &[
            ("2026-03-28", 1774830600),
            ("2026-03-29", 1774917000),
            ("2026-03-30", 1775003400),
            ("2026-03-31", 1775089800),
        ]),
    },
    // MIDNIGHT every 1, local, atTime (2, 30, 0), from Sat 2026-10-24 12:00 CEST, each rollover 0 s late
    RollSequence { when: "MIDNIGHT", interval: 1, utc: false, at: Some((2, 30, 0)), lag: 0, start: 1792836000,
        v3_11: (1792888200, &[
            ("2026-10-24", 1792978200),
            ("2026-10-25", 1793064600),
            ("2026-10-26", 1793151000),
            ("2026-10-27", 1793237400),
        ]),
        v3_13: (1792888200, &[
            ("2026-10-24", 1792978200),
            ("2026-10-25", 1793064600),
            ("2026-10-26", 1793151000),
            ("2026-10-27", 1793237400),
        ]),
    },
    // MIDNIGHT every 2, local, atTime None, from Sat 2026-03-28 12:00 CET, each rollover 5 s late
    RollSequence { when: "MIDNIGHT", interval: 2, utc: false, at: None, lag: 5, start: 1774695600,
        v3_11: (1774738800, &[
            ("2026-03-27", 1774821600),
            ("2026-03-28", 1774908000),
            ("2026-03-29", 1774994400),
            ("2026-03-30", 1775080800),
        ]),
        v3_13: (1774821600, &[
            ("2026-03-28", 1774994400),
            ("2026-03-30", 1775167200),
            ("2026-04-01", 1775340000),
            ("2026-04-03", 1775512800),
        ]),
    },
    // H every 1, local, atTime None, from Sun 2026-03-29 01:30 CET, each rollover 0 s late
    RollSequence { when: "H", interval: 1, utc: false, at: None, lag: 0, start: 1774744200,
        v3_11: (1774747800, &[
            ("2026-03-29_03", 1774751400),
            ("2026-03-29_03", 1774755000),
            ("2026-03-29_04", 1774758600),
            ("2026-03-29_05", 1774762200),
        ]),
        v3_13: (1774747800, &[
            ("2026-03-29_03", 1774751400),
            ("2026-03-29_03", 1774755000),
            ("2026-03-29_04", 1774758600),
            ("2026-03-29_05", 1774762200),
        ]),
    },
    // H every 1, local, atTime None, from Sun 2026-10-25 00:00 CEST, each rollover 0 s late
    RollSequence { when: "H", interval: 1, utc: false, at: None, lag: 0, start: 1792879200,
        v3_11: (1792882800, &[
            ("2026-10-25_00", 1792886400),
            ("2026-10-25_01", 1792890000),
            ("2026-10-25_01", 1792893600),
            ("2026-10-25_02", 1792897200),
            ("2026-10-25_03", 1792900800),
        ]),
        v3_13: (1792882800, &[
            ("2026-10-25_00", 1792886400),
            ("2026-10-25_01", 1792890000),
            ("2026-10-25_01", 1792893600),
            ("2026-10-25_02", 1792897200),
            ("2026-10-25_03", 1792900800),
        ]),
    },
    // W6 every 1, local, atTime None, from Wed 2026-03-25 12:00 CET, each rollover 0 s late
    RollSequence { when: "W6", interval: 1, utc: false, at: None, lag: 0, start: 1774436400,
        v3_11: (1774821600, &[
            ("2026-03-23", 1775426400),
            ("2026-03-30", 1776031200),
            ("2026-04-06", 1776636000),
        ]),
        v3_13: (1774821600, &[
            ("2026-03-23", 1775426400),
            ("2026-03-30", 1776031200),
            ("2026-04-06", 1776636000),
        ]),
    },
    // W0 every 1, local, atTime None, from Wed 2026-10-21 12:00 CEST, each rollover 0 s late
    RollSequence { when: "W0", interval: 1, utc: false, at: None, lag: 0, start: 1792576800,
        v3_11: (1793055600, &[
            ("2026-10-20", 1793660400),
            ("2026-10-27", 1794265200),
            ("2026-11-03", 1794870000),
        ]),
        v3_13: (1793055600, &[
            ("2026-10-20", 1793660400),
            ("2026-10-27", 1794265200),
            ("2026-11-03", 1794870000),
        ]),
    },
    // W0 every 1, UTC, atTime None, from Wed 2026-10-21 12:00 CEST, each rollover 0 s late
    RollSequence { when: "W0", interval: 1, utc: true, at: None, lag: 0, start: 1792576800,
        v3_11: (1793059200, &[
            ("2026-10-20", 1793664000),
            ("2026-10-27", 1794268800),
            ("2026-11-03", 1794873600),
        ]),
        v3_13: (1793059200, &[
            ("2026-10-20", 1793664000),
            ("2026-10-27", 1794268800),
            ("2026-11-03", 1794873600),
        ]),
    },
    // MIDNIGHT every 1, UTC, atTime None, from Sat 2026-10-24 12:00 CEST, each rollover 0 s late
    RollSequence { when: "MIDNIGHT", interval: 1, utc: true, at: None, lag: 0, start: 1792836000,
        v3_11: (1792886400, &[
            ("2026-10-24", 1792972800),
            ("2026-10-25", 1793059200),
            ("2026-10-26", 1793145600),
        ]),
        v3_13: (1792886400, &[
            ("2026-10-24", 1792972800),
            ("2026-10-25", 1793059200),
            ("2026-10-26", 1793145600),
        ]),
    },
    // D every 1, local, atTime None, from Sat 2026-03-28 12:00 CET, each rollover 0 s late
    RollSequence { when: "D", interval: 1, utc: false, at: None, lag: 0, start: 1774695600,
        v3_11: (1774782000, &[
            ("2026-03-28", 1774868400),
            ("2026-03-29", 1774954800),
            ("2026-03-30", 1775041200),
        ]),
        v3_13: (1774782000, &[
            ("2026-03-28", 1774868400),
            ("2026-03-29", 1774954800),
            ("2026-03-30", 1775041200),
        ]),
    },
    // MIDNIGHT every 1, local, atTime None, from Thu 2026-12-31 23:59:59 CET, each rollover 0 s late
    RollSequence { when: "MIDNIGHT", interval: 1, utc: false, at: None, lag: 0, start: 1798757999,
        v3_11: (1798758000, &[
            ("2026-12-31", 1798844400),
            ("2027-01-01", 1798930800),
        ]),
        v3_13: (1798758000, &[
            ("2026-12-31", 1798844400),
            ("2027-01-01", 1798930800),
        ]),
    },
];

#[test]
fn rollover_sequences_match_cpython() {
    with_time_zone(BERLIN, || {
        for sequence in ROLL_SEQUENCES {
            for (version, (first, rollovers)) in [
                (PythonVersion::V3_11, sequence.v3_11),
                (PythonVersion::V3_12, sequence.v3_11),
                (PythonVersion::V3_13, sequence.v3_13),
            ] {
                let schedule = schedule(
                    sequence.when,
                    sequence.interval,
                    sequence.utc,
                    at_time(sequence.at),
                    version,
                );
                let context = format!("{version:?} {} from {}", sequence.when, sequence.start);
                let clock = ManualClock::new(sequence.start);
                let mut rollover_at = schedule.initial_rollover(None, &clock).unwrap();
                assert_eq!(rollover_at, first, "{context}");
                for &(suffix, next) in rollovers {
                    clock.set(rollover_at - 1);
                    assert!(!schedule.should_rollover(rollover_at, clock.now()));
                    clock.set(rollover_at + sequence.lag);
                    assert!(schedule.should_rollover(rollover_at, clock.now()));
                    let plan = schedule
                        .plan_rollover("/var/log/app.log", rollover_at, clock.now())
                        .unwrap();
                    assert_eq!(
                        plan.backup_name,
                        format!("/var/log/app.log.{suffix}"),
                        "{context} at {rollover_at}"
                    );
                    assert_eq!(plan.next_rollover_at, next, "{context} at {rollover_at}");
                    rollover_at = plan.next_rollover_at;
                }
            }
        }
    });
}
