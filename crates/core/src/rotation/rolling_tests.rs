//! `RollingFile` against real files.

use std::fs;
use std::path::Path;

use super::compress::Compression;
use super::rolling::{LineBatch, RollingFile, RollingOptions, RotationFailures};
use super::test_files::{read, Scratch};

/// Formats `lines` the way a worker hands a batch over.
fn batch(lines: &[String]) -> (Vec<u8>, Vec<usize>) {
    let mut text = Vec::new();
    let mut ends = Vec::new();
    for line in lines {
        text.extend_from_slice(line.as_bytes());
        ends.push(text.len());
    }
    (text, ends)
}

fn numbered(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("line {n:05}\n")).collect()
}

fn write(file: &mut RollingFile, lines: &[String]) -> RotationFailures {
    write_logged_at(file, lines, None)
}

/// `write`, with the time each line was logged (else the file's clock).
fn write_logged_at(
    file: &mut RollingFile,
    lines: &[String],
    times: Option<&[i64]>,
) -> RotationFailures {
    let (text, ends) = batch(lines);
    let mut failures = RotationFailures::default();
    let batch = LineBatch {
        text: &text,
        ends: &ends,
        times,
    };
    file.write_lines(&batch, &mut failures).unwrap();
    failures
}

fn sized(max_bytes: u64, backup_count: u32) -> RollingOptions {
    RollingOptions {
        max_bytes,
        backup_count,
        ..RollingOptions::default()
    }
}

#[test]
fn no_file_passes_the_limit_and_the_newest_lines_survive_in_order() {
    let scratch = Scratch::new("rolling");
    let path = scratch.path("app.log");
    // Each line is 11 bytes; 100 bytes hold 9 of them.
    let mut file = RollingFile::open(&path, false, sized(100, 3)).unwrap();
    for chunk in numbered(0..100).chunks(7) {
        assert_eq!(write(&mut file, chunk).count, 0);
    }
    assert_eq!(
        scratch.names(),
        vec!["app.log", "app.log.1", "app.log.2", "app.log.3"]
    );
    let mut kept = String::new();
    for name in ["app.log.3", "app.log.2", "app.log.1", "app.log"] {
        let text = read(&scratch.path(name));
        assert!(text.len() <= 100, "{name} has {} bytes", text.len());
        kept.push_str(&text);
    }
    // Files hold 9 lines each; the last file has what is left.
    let expected: String = numbered(100 - (9 * 3 + 100 % 9)..100).concat();
    assert_eq!(kept, expected);
}

#[test]
fn sizes_are_counted_in_bytes_not_characters() {
    let scratch = Scratch::new("utf8");
    let path = scratch.path("app.log");
    let mut file = RollingFile::open(&path, false, sized(20, 1)).unwrap();
    // "é" is two bytes: each line is 9 characters but 10 bytes.
    let line = "éééé\n".to_string();
    assert_eq!(line.len(), 9);
    let lines = vec![line.clone(), line.clone(), line.clone()];
    write(&mut file, &lines);
    assert_eq!(read(&path).len(), 9);
    assert_eq!(read(&scratch.path("app.log.1")).len(), 18);
}

#[test]
fn a_line_longer_than_the_limit_gets_a_file_of_its_own() {
    let scratch = Scratch::new("long");
    let path = scratch.path("app.log");
    let mut file = RollingFile::open(&path, false, sized(10, 2)).unwrap();
    let long = format!("{}\n", "x".repeat(30));
    write(&mut file, &[long.clone(), "short\n".into()]);
    assert_eq!(read(&scratch.path("app.log.1")), long);
    assert_eq!(read(&path), "short\n");
    // An empty file takes the long line without rolling over first.
    let scratch = Scratch::new("long-first");
    let path = scratch.path("app.log");
    let mut file = RollingFile::open(&path, false, sized(10, 2)).unwrap();
    write(&mut file, std::slice::from_ref(&long));
    assert_eq!(scratch.names(), vec!["app.log"]);
}

#[test]
fn an_existing_file_counts_towards_the_limit() {
    let scratch = Scratch::new("existing");
    let path = scratch.path("app.log");
    fs::write(&path, "x".repeat(95)).unwrap();
    let mut file = RollingFile::open(&path, false, sized(100, 1)).unwrap();
    write(&mut file, &numbered(0..1));
    assert_eq!(read(&scratch.path("app.log.1")).len(), 95);
    assert_eq!(read(&path), "line 00000\n");
}

#[test]
fn zero_backups_never_rotate() {
    let scratch = Scratch::new("no-backups");
    let path = scratch.path("app.log");
    let mut file = RollingFile::open(&path, false, sized(20, 0)).unwrap();
    write(&mut file, &numbered(0..10));
    assert_eq!(scratch.names(), vec!["app.log"]);
    assert_eq!(read(&path), numbered(0..10).concat());
}

#[test]
fn a_failed_rollover_keeps_every_line_in_the_current_file_and_says_why() {
    let scratch = Scratch::new("blocked-rollover");
    let path = scratch.path("app.log");
    let mut file = RollingFile::open(&path, false, sized(30, 1)).unwrap();
    write(&mut file, &numbered(0..2));
    // A non-empty directory where the first backup belongs cannot be
    // replaced, whoever runs the test.
    fs::create_dir(scratch.path("app.log.1")).unwrap();
    fs::write(scratch.path("app.log.1/keep"), "").unwrap();
    let failures = write(&mut file, &numbered(2..6));
    assert_eq!(failures.count, 1);
    let reason = failures.reason.unwrap();
    assert!(reason.contains("could not rotate"), "{reason}");
    assert_eq!(read(&path), numbered(0..6).concat());
    // Within the retry delay, no second attempt is made.
    let failures = write(&mut file, &numbered(6..8));
    assert_eq!(failures.count, 0);
    assert_eq!(read(&path), numbered(0..8).concat());
}

#[test]
fn a_failed_rollover_is_retried_and_recovers() {
    let scratch = Scratch::new("recovering");
    let path = scratch.path("app.log");
    let mut file = RollingFile::open(&path, false, sized(30, 1)).unwrap();
    write(&mut file, &numbered(0..2));
    fs::create_dir(scratch.path("app.log.1")).unwrap();
    fs::write(scratch.path("app.log.1/keep"), "").unwrap();
    assert_eq!(write(&mut file, &numbered(2..3)).count, 1);
    fs::remove_dir_all(scratch.path("app.log.1")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(write(&mut file, &numbered(3..4)).count, 0);
    assert_eq!(read(&scratch.path("app.log.1")), numbered(0..3).concat());
    assert_eq!(read(&path), numbered(3..4).concat());
}

#[test]
fn a_directory_that_disappears_is_reported_and_writing_goes_on() {
    let scratch = Scratch::new("vanishing");
    let directory = scratch.path("logs");
    fs::create_dir(&directory).unwrap();
    let path = format!("{directory}/app.log");
    let mut file = RollingFile::open(&path, false, sized(30, 2)).unwrap();
    write(&mut file, &numbered(0..2));
    fs::remove_dir_all(&directory).unwrap();
    let failures = write(&mut file, &numbered(2..4));
    assert_eq!(failures.count, 1);
    assert!(!Path::new(&directory).exists());
}

#[test]
fn fewer_backups_on_a_second_run_leave_the_older_ones_alone() {
    let scratch = Scratch::new("fewer-backups");
    let path = scratch.path("app.log");
    // Two lines of 11 bytes to a file.
    let mut file = RollingFile::open(&path, false, sized(22, 5)).unwrap();
    write(&mut file, &numbered(0..12));
    drop(file);
    let mut file = RollingFile::open(&path, false, sized(22, 2)).unwrap();
    write(&mut file, &numbered(12..16));
    drop(file);
    let expected = [
        ("app.log", 14..16),
        ("app.log.1", 12..14),
        ("app.log.2", 10..12),
        // As the standard library does: beyond the new count, untouched.
        ("app.log.3", 4..6),
        ("app.log.4", 2..4),
        ("app.log.5", 0..2),
    ];
    for (name, lines) in expected.clone() {
        assert_eq!(
            read(&scratch.path(name)),
            numbered(lines).concat(),
            "{name}"
        );
    }
    assert_eq!(scratch.names().len(), expected.len());
}

#[test]
fn a_file_removed_by_another_process_is_replaced_at_the_next_rollover() {
    let scratch = Scratch::new("removed");
    let path = scratch.path("app.log");
    let mut file = RollingFile::open(&path, false, sized(22, 2)).unwrap();
    write(&mut file, &numbered(0..1));
    fs::remove_file(&path).unwrap();
    // Line 1 still goes to the removed file, as a standard handler's would;
    // line 2 starts the fresh one, with nothing to rename and no error.
    let failures = write(&mut file, &numbered(1..4));
    assert_eq!(failures.count, 0);
    assert_eq!(scratch.names(), vec!["app.log"]);
    assert_eq!(read(&path), numbered(2..4).concat());
}

#[test]
fn a_shared_file_removed_by_another_process_is_reopened_at_once() {
    let scratch = Scratch::new("removed-shared");
    let path = scratch.path("app.log");
    let options = RollingOptions {
        interprocess: true,
        ..sized(22, 2)
    };
    let mut file = RollingFile::open(&path, false, options).unwrap();
    write(&mut file, &numbered(0..1));
    fs::remove_file(&path).unwrap();
    let failures = write(&mut file, &numbered(1..4));
    assert_eq!(failures.count, 0);
    assert_eq!(
        scratch.names(),
        vec!["app.log", "app.log.1", "app.log.lock"]
    );
    assert_eq!(read(&scratch.path("app.log.1")), numbered(1..3).concat());
    assert_eq!(read(&path), numbered(3..4).concat());
}

#[test]
fn compressed_backups_hold_exactly_the_rotated_lines() {
    use flate2::read::GzDecoder;
    use std::io::Read;
    let scratch = Scratch::new("compressed");
    let path = scratch.path("app.log");
    let options = RollingOptions {
        compression: Some(Compression::Gzip),
        ..sized(100, 2)
    };
    let mut file = RollingFile::open(&path, false, options).unwrap();
    for chunk in numbered(0..40).chunks(5) {
        write(&mut file, chunk);
    }
    drop(file);
    assert_eq!(
        scratch.names(),
        vec!["app.log", "app.log.1.gz", "app.log.2.gz"]
    );
    let gunzip = |name: &str| {
        let mut text = String::new();
        GzDecoder::new(fs::File::open(scratch.path(name)).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let kept = gunzip("app.log.2.gz") + &gunzip("app.log.1.gz") + &read(&path);
    assert_eq!(kept, numbered(40 - 9 * 2 - 40 % 9..40).concat());
}

#[test]
fn writers_sharing_a_file_under_the_lock_lose_and_repeat_nothing() {
    let scratch = Scratch::new("interprocess");
    let path = scratch.path("app.log");
    let options = RollingOptions {
        interprocess: true,
        ..sized(2_000, 50)
    };
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let path = path.clone();
            let options = options.clone();
            std::thread::spawn(move || {
                // Each thread opens its own file and lock, as a process would.
                let mut file = RollingFile::open(&path, false, options).unwrap();
                for chunk in 0..50 {
                    let lines: Vec<String> = (0..5)
                        .map(|n| format!("w{writer} {:04}\n", chunk * 5 + n))
                        .collect();
                    assert_eq!(write(&mut file, &lines).count, 0);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let mut lines = Vec::new();
    for name in scratch.names() {
        if name.ends_with(".lock") {
            continue;
        }
        let text = read(&scratch.path(&name));
        assert!(text.len() <= 2_000, "{name} has {} bytes", text.len());
        lines.extend(text.lines().map(str::to_owned));
    }
    assert_eq!(lines.len(), 4 * 250);
    lines.sort();
    lines.dedup();
    assert_eq!(lines.len(), 4 * 250, "some lines were written twice");
}

mod timed {
    use super::*;
    use crate::rotation::rolling::TimedRotation;
    use crate::rotation::timed::{ManualClock, TimedSchedule};
    use crate::time::PythonVersion;
    use std::sync::Arc;

    /// 2026-11-21 10:00:00 UTC.
    const START: i64 = 1_795_255_200;

    fn hourly(backup_count: u32) -> RollingOptions {
        RollingOptions {
            timed: Some(TimedRotation {
                schedule: TimedSchedule::new("H", 1, true, None, PythonVersion::V3_13).unwrap(),
                backup_count,
            }),
            ..RollingOptions::default()
        }
    }

    /// Opens a fresh file whose schedule starts at START, as if it had been
    /// created then.
    fn open(path: &str, options: RollingOptions, clock: &Arc<ManualClock>) -> RollingFile {
        fs::File::create(path)
            .unwrap()
            .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(START as u64))
            .unwrap();
        RollingFile::open_with_clock(path, false, options, clock.clone()).unwrap()
    }

    #[test]
    fn each_hour_gets_a_dated_backup_and_the_oldest_are_deleted() {
        let scratch = Scratch::new("hourly");
        let path = scratch.path("app.log");
        let clock = Arc::new(ManualClock::new(START + 60));
        let mut file = open(&path, hourly(2), &clock);
        for hour in 0..4 {
            write(&mut file, &numbered(hour * 10..hour * 10 + 10));
            clock.advance(3600);
        }
        write(&mut file, &numbered(40..41));
        assert_eq!(
            scratch.names(),
            vec!["app.log", "app.log.2026-11-21_12", "app.log.2026-11-21_13"]
        );
        assert_eq!(
            read(&scratch.path("app.log.2026-11-21_12")),
            numbered(20..30).concat()
        );
        assert_eq!(
            read(&scratch.path("app.log.2026-11-21_13")),
            numbered(30..40).concat()
        );
        assert_eq!(read(&path), numbered(40..41).concat());
    }

    #[test]
    fn writers_sharing_the_files_rotate_each_hour_once() {
        let scratch = Scratch::new("hourly-shared");
        let path = scratch.path("app.log");
        let clock = Arc::new(ManualClock::new(START + 60));
        // 3.11's rule for a lone writer replaces an existing backup.
        let options = RollingOptions {
            interprocess: true,
            timed: Some(TimedRotation {
                schedule: TimedSchedule::new("H", 1, true, None, PythonVersion::V3_11).unwrap(),
                backup_count: 0,
            }),
            ..RollingOptions::default()
        };
        let mut first = open(&path, options.clone(), &clock);
        let mut second =
            RollingFile::open_with_clock(&path, false, options, clock.clone()).unwrap();
        write(&mut first, &["a 1\n".to_owned()]);
        write(&mut second, &["b 1\n".to_owned()]);
        clock.set(START + 3610);
        write(&mut first, &["a 2\n".to_owned()]);
        write(&mut second, &["b 2\n".to_owned()]);
        let names: Vec<String> = scratch
            .names()
            .into_iter()
            .filter(|name| !name.ends_with(".lock"))
            .collect();
        assert_eq!(names, vec!["app.log", "app.log.2026-11-21_10"]);
        assert_eq!(read(&scratch.path("app.log.2026-11-21_10")), "a 1\nb 1\n");
        assert_eq!(read(&path), "a 2\nb 2\n");
    }

    #[test]
    fn no_rollover_before_the_hour_is_over() {
        let scratch = Scratch::new("same-hour");
        let path = scratch.path("app.log");
        let clock = Arc::new(ManualClock::new(START + 60));
        let mut file = open(&path, hourly(0), &clock);
        write(&mut file, &numbered(0..3));
        clock.set(START + 3599);
        write(&mut file, &numbered(3..6));
        assert_eq!(scratch.names(), vec!["app.log"]);
        clock.set(START + 3600);
        write(&mut file, &numbered(6..7));
        assert_eq!(scratch.names(), vec!["app.log", "app.log.2026-11-21_10"]);
        assert_eq!(
            read(&scratch.path("app.log.2026-11-21_10")),
            numbered(0..6).concat()
        );
    }

    #[test]
    fn dated_backups_can_be_compressed() {
        use flate2::read::GzDecoder;
        use std::io::Read;
        let scratch = Scratch::new("hourly-gzip");
        let path = scratch.path("app.log");
        let clock = Arc::new(ManualClock::new(START + 60));
        let options = RollingOptions {
            compression: Some(Compression::Gzip),
            ..hourly(1)
        };
        let mut file = open(&path, options, &clock);
        for hour in 0..3 {
            write(&mut file, &numbered(hour..hour + 1));
            clock.advance(3600);
        }
        write(&mut file, &numbered(3..4));
        drop(file);
        assert_eq!(scratch.names(), vec!["app.log", "app.log.2026-11-21_12.gz"]);
        let mut text = String::new();
        GzDecoder::new(fs::File::open(scratch.path("app.log.2026-11-21_12.gz")).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, numbered(2..3).concat());
    }

    #[test]
    fn a_late_batch_splits_at_the_hour_by_when_each_line_was_logged() {
        let scratch = Scratch::new("late-batch");
        let path = scratch.path("app.log");
        // The worker writes well after the hour; the first lines were logged
        // before it, the next two after it, the last one two hours on.
        let clock = Arc::new(ManualClock::new(START + 7300));
        let mut file = open(&path, hourly(0), &clock);
        let times = [
            START + 3598,
            START + 3599,
            START + 3600,
            START + 3601,
            START + 7200,
        ];
        write_logged_at(&mut file, &numbered(0..5), Some(&times));
        assert_eq!(
            scratch.names(),
            vec!["app.log", "app.log.2026-11-21_10", "app.log.2026-11-21_11"]
        );
        assert_eq!(
            read(&scratch.path("app.log.2026-11-21_10")),
            numbered(0..2).concat()
        );
        assert_eq!(
            read(&scratch.path("app.log.2026-11-21_11")),
            numbered(2..4).concat()
        );
        assert_eq!(read(&path), numbered(4..5).concat());
    }
}
