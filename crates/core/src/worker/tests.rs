use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::*;

/// A drain that records its batches, can be held closed like a stuck disk,
/// and can be told to fail its next writes.
#[derive(Clone, Default)]
struct Recorder {
    batches: Arc<Mutex<Vec<Vec<u32>>>>,
    gate: Arc<(Mutex<bool>, Condvar)>,
    failures_left: Arc<Mutex<u32>>,
    flushes: Arc<Mutex<u32>>,
    closed: Arc<Mutex<bool>>,
}

impl Recorder {
    fn hold(&self) {
        *self.gate.0.lock().unwrap() = true;
    }

    fn release(&self) {
        *self.gate.0.lock().unwrap() = false;
        self.gate.1.notify_all();
    }

    fn written(&self) -> Vec<u32> {
        self.batches
            .lock()
            .unwrap()
            .iter()
            .flatten()
            .copied()
            .collect()
    }

    fn batch_count(&self) -> usize {
        self.batches.lock().unwrap().len()
    }
}

impl Drain<u32> for Recorder {
    fn write(&mut self, batch: &mut Vec<u32>) -> Result<Delivered, WriteFailure> {
        let mut held = self.gate.0.lock().unwrap();
        while *held {
            held = self.gate.1.wait(held).unwrap();
        }
        drop(held);
        let mut failures = self.failures_left.lock().unwrap();
        if *failures > 0 {
            *failures -= 1;
            let records = batch.len() as u64;
            batch.clear();
            return Err(WriteFailure {
                records,
                error: std::io::Error::from_raw_os_error(libc::ENOSPC),
                delivered: Delivered::default(),
            });
        }
        self.batches.lock().unwrap().push(std::mem::take(batch));
        Ok(Delivered::default())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        *self.flushes.lock().unwrap() += 1;
        Ok(())
    }

    fn close(&mut self) {
        *self.closed.lock().unwrap() = true;
    }
}

fn options(capacity: usize, policy: OverflowPolicy) -> WorkerOptions {
    WorkerOptions {
        name: "test-worker".into(),
        capacity,
        flush_interval: 1,
        policy,
        linger: Duration::ZERO,
        hold_limit: None,
    }
}

#[test]
fn block_policy_loses_nothing_with_four_threads() {
    let recorder = Recorder::default();
    let worker =
        Arc::new(Worker::spawn(options(16, OverflowPolicy::Block), recorder.clone()).unwrap());
    let threads: Vec<_> = (0..4u32)
        .map(|thread_index| {
            let worker = worker.clone();
            thread::spawn(move || {
                for sequence in 0..5000u32 {
                    worker.submit(thread_index * 100_000 + sequence).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(worker.close());
    let written = recorder.written();
    assert_eq!(written.len(), 20_000);
    // Each thread's records keep their order.
    for thread_index in 0..4u32 {
        let mine: Vec<u32> = written
            .iter()
            .copied()
            .filter(|value| value / 100_000 == thread_index)
            .collect();
        let expected: Vec<u32> = (0..5000)
            .map(|sequence| thread_index * 100_000 + sequence)
            .collect();
        assert_eq!(mine, expected);
    }
    let stats = worker.stats().snapshot();
    assert_eq!(
        (stats.accepted, stats.written, stats.dropped),
        (20_000, 20_000, 0)
    );
    assert!(*recorder.closed.lock().unwrap());
}

#[test]
fn drop_policy_counts_what_a_full_queue_refuses() {
    let recorder = Recorder::default();
    recorder.hold();
    let worker = Worker::spawn(options(4, OverflowPolicy::Drop), recorder.clone()).unwrap();
    let mut refused = 0;
    for value in 0..100 {
        match worker.submit(value) {
            Ok(()) => {}
            Err(SubmitError::Full(returned)) => {
                assert_eq!(returned, value);
                refused += 1;
            }
            Err(SubmitError::Closed(_)) => panic!("not closed"),
        }
    }
    recorder.release();
    assert!(worker.flush(Duration::from_secs(5)));
    let stats = worker.stats().snapshot();
    assert_eq!(stats.dropped, refused);
    assert_eq!(stats.accepted + stats.dropped, 100);
    assert_eq!(stats.written, stats.accepted);
    assert_eq!(recorder.written().len() as u64, stats.accepted);
    // The worker took at most one full queue out before it stuck in the
    // write, so at most twice the capacity got in.
    assert!(stats.accepted <= 8, "{stats:?}");
}

#[test]
fn timeout_policy_waits_then_drops() {
    let recorder = Recorder::default();
    recorder.hold();
    let policy = OverflowPolicy::Timeout(Duration::from_millis(60));
    let worker = Worker::spawn(options(1, policy), recorder.clone()).unwrap();
    // Fill the queue (the worker may hold one record in its stuck write).
    while worker.stats().snapshot().dropped == 0 {
        let started = Instant::now();
        if worker.submit(7).is_err() {
            assert!(started.elapsed() >= Duration::from_millis(60));
        }
    }
    recorder.release();
    // With room again, a submit under the timeout policy succeeds.
    assert!(worker.flush(Duration::from_secs(5)));
    worker.submit(8).unwrap();
    assert!(worker.close());
    assert_eq!(recorder.written().last(), Some(&8));
}

#[test]
fn flush_is_a_barrier_and_times_out_on_a_stuck_drain() {
    let recorder = Recorder::default();
    let worker = Worker::spawn(options(1024, OverflowPolicy::Block), recorder.clone()).unwrap();
    for value in 0..500 {
        worker.submit(value).unwrap();
    }
    assert!(worker.flush(Duration::from_secs(5)));
    assert_eq!(recorder.written(), (0..500).collect::<Vec<_>>());
    recorder.hold();
    worker.submit(500).unwrap();
    let started = Instant::now();
    assert!(!worker.flush(Duration::from_millis(100)));
    assert!(started.elapsed() >= Duration::from_millis(100));
    recorder.release();
    assert!(worker.flush(Duration::from_secs(5)));
    assert_eq!(recorder.written().len(), 501);
}

#[test]
fn records_that_arrive_together_are_written_together() {
    let recorder = Recorder::default();
    recorder.hold();
    let worker = Worker::spawn(options(1024, OverflowPolicy::Block), recorder.clone()).unwrap();
    worker.submit(0).unwrap();
    // While the first write is stuck, 300 more arrive.
    thread::sleep(Duration::from_millis(20));
    for value in 1..=300 {
        worker.submit(value).unwrap();
    }
    recorder.release();
    assert!(worker.close());
    assert_eq!(recorder.written(), (0..=300).collect::<Vec<_>>());
    assert!(
        recorder.batch_count() <= 3,
        "{} batches",
        recorder.batch_count()
    );
}

#[test]
fn flush_interval_holds_records_until_enough_arrive_or_a_flush() {
    let recorder = Recorder::default();
    let mut settings = options(1024, OverflowPolicy::Block);
    settings.flush_interval = 10;
    let worker = Worker::spawn(settings, recorder.clone()).unwrap();
    for value in 0..3 {
        worker.submit(value).unwrap();
    }
    thread::sleep(Duration::from_millis(50));
    assert!(recorder.written().is_empty());
    for value in 3..10 {
        worker.submit(value).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while recorder.written().len() < 10 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(recorder.written(), (0..10).collect::<Vec<_>>());
    worker.submit(10).unwrap();
    assert!(worker.flush(Duration::from_secs(5)));
    assert_eq!(recorder.written().len(), 11);
}

#[test]
fn close_twice_and_submit_after_close() {
    let recorder = Recorder::default();
    let worker = Worker::spawn(options(8, OverflowPolicy::Block), recorder.clone()).unwrap();
    worker.submit(1).unwrap();
    assert!(worker.close());
    assert!(worker.close());
    assert!(worker.is_closed());
    assert!(matches!(worker.submit(2), Err(SubmitError::Closed(2))));
    assert!(worker.flush(Duration::from_millis(10)));
    let stats = worker.stats().snapshot();
    assert_eq!((stats.written, stats.dropped), (1, 1));
    assert_eq!(recorder.written(), vec![1]);
}

#[test]
fn a_message_after_close_is_written_through_the_drain_given_and_counted() {
    let recorder = Recorder::default();
    let worker = Worker::spawn(options(8, OverflowPolicy::Block), recorder.clone()).unwrap();
    worker.submit(1).unwrap();
    assert!(worker.close());
    assert!(matches!(worker.try_submit(2), Err(SubmitError::Closed(2))));
    let mut reopened = Recorder::default();
    worker.write_after_close(Ok(&mut reopened), 2);
    worker.write_after_close(Err(std::io::Error::other("no such directory")), 3);
    assert_eq!(recorder.written(), vec![1]);
    assert_eq!(reopened.written(), vec![2]);
    assert_eq!(*reopened.flushes.lock().unwrap(), 1);
    let stats = worker.stats().snapshot();
    assert_eq!(
        (stats.accepted, stats.written, stats.failed, stats.dropped),
        (3, 2, 1, 0)
    );
}

#[test]
fn a_blocked_caller_is_released_by_close() {
    let recorder = Recorder::default();
    recorder.hold();
    let worker =
        Arc::new(Worker::spawn(options(1, OverflowPolicy::Block), recorder.clone()).unwrap());
    let producer = {
        let worker = worker.clone();
        thread::spawn(move || {
            (0..10)
                .map(|value| worker.submit(value).is_ok())
                .collect::<Vec<_>>()
        })
    };
    thread::sleep(Duration::from_millis(50));
    let closer = {
        let worker = worker.clone();
        thread::spawn(move || worker.close())
    };
    thread::sleep(Duration::from_millis(20));
    recorder.release();
    let outcomes = producer.join().unwrap();
    assert!(closer.join().unwrap());
    let accepted = outcomes.iter().filter(|accepted| **accepted).count();
    assert_eq!(recorder.written().len(), accepted);
    assert_eq!(worker.stats().snapshot().dropped as usize, 10 - accepted);
}

#[test]
fn failed_writes_are_counted_and_the_worker_recovers() {
    let recorder = Recorder::default();
    *recorder.failures_left.lock().unwrap() = 1;
    let worker = Worker::spawn(options(64, OverflowPolicy::Block), recorder.clone()).unwrap();
    worker.submit(1).unwrap();
    // The flush says a record was lost; the next one has nothing to say.
    assert!(!worker.flush(Duration::from_secs(5)));
    worker.submit(2).unwrap();
    assert!(worker.flush(Duration::from_secs(5)));
    assert!(worker.close());
    let stats = worker.stats().snapshot();
    assert_eq!((stats.failed, stats.write_errors, stats.written), (1, 1, 1));
    assert_eq!(recorder.written(), vec![2]);
}

/// A file on a disk with `room` bytes left, written as a femto file is: each
/// record a line, a line cut by the full disk finished first next time.
#[derive(Clone, Default)]
struct SmallDisk {
    content: Arc<Mutex<Vec<u8>>>,
    room: Arc<Mutex<usize>>,
    held: Arc<Mutex<crate::held::Held>>,
}

impl std::io::Write for &SmallDisk {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut room = self.room.lock().unwrap();
        if *room == 0 {
            return Err(std::io::Error::from_raw_os_error(libc::EFBIG));
        }
        let count = bytes.len().min(*room);
        *room -= count;
        self.content
            .lock()
            .unwrap()
            .extend_from_slice(&bytes[..count]);
        Ok(count)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drain<u32> for SmallDisk {
    fn write(&mut self, batch: &mut Vec<u32>) -> Result<Delivered, WriteFailure> {
        let mut text = Vec::new();
        let mut ends = Vec::new();
        for value in batch.drain(..) {
            text.extend_from_slice(format!("line {value:03}\n").as_bytes());
            ends.push(text.len());
        }
        let mut held = self.held.lock().unwrap();
        let span = 0..text.len();
        crate::held::write_lines(&mut &*self, &mut held, &text, &ends, span).map_err(
            |stopped| WriteFailure {
                records: (ends.len() - stopped.whole - stopped.cut as usize) as u64,
                error: stopped.error,
                delivered: Delivered::default(),
            },
        )?;
        Ok(Delivered::default())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut held = self.held.lock().unwrap();
        held.write_to(&mut &*self).map_err(|stopped| stopped.error)
    }

    fn held(&self) -> u64 {
        !self.held.lock().unwrap().is_empty() as u64
    }
}

#[test]
fn a_line_cut_by_a_full_disk_is_counted_once_its_rest_is_written() {
    let disk = SmallDisk::default();
    // Room for two lines of nine bytes and four bytes of a third.
    *disk.room.lock().unwrap() = 22;
    let worker = Worker::spawn(options(64, OverflowPolicy::Block), disk.clone()).unwrap();
    worker.submit(0).unwrap();
    assert!(worker.flush(Duration::from_secs(5)));
    for value in 1..5 {
        worker.submit(value).unwrap();
    }
    assert!(!worker.flush(Duration::from_secs(5)));
    let stats = worker.stats().snapshot();
    // Two whole lines; the third is cut and waits; two are lost.
    assert_eq!((stats.written, stats.failed), (2, 2));
    assert_eq!(
        *disk.content.lock().unwrap(),
        b"line 000\nline 001\nline".to_vec()
    );

    // Still full: the flush cannot finish the line, and says so.
    assert!(!worker.flush(Duration::from_secs(5)));
    *disk.room.lock().unwrap() = 1000;
    worker.submit(5).unwrap();
    assert!(worker.flush(Duration::from_secs(5)));
    let stats = worker.stats().snapshot();
    assert_eq!((stats.written, stats.failed), (4, 2));
    assert_eq!(
        *disk.content.lock().unwrap(),
        b"line 000\nline 001\nline 002\nline 005\n".to_vec()
    );
    assert!(worker.close());
}

#[test]
fn a_line_still_cut_at_close_is_counted_lost() {
    let disk = SmallDisk::default();
    *disk.room.lock().unwrap() = 13;
    let worker = Worker::spawn(options(64, OverflowPolicy::Block), disk.clone()).unwrap();
    worker.submit(0).unwrap();
    worker.submit(1).unwrap();
    assert!(worker.close());
    let stats = worker.stats().snapshot();
    assert_eq!((stats.accepted, stats.written, stats.failed), (2, 1, 1));
}

#[test]
fn close_gives_up_on_a_worker_that_makes_no_progress() {
    let recorder = Recorder::default();
    recorder.hold();
    let worker = Worker::spawn(options(8, OverflowPolicy::Block), recorder.clone()).unwrap();
    worker.submit(1).unwrap();
    let started = Instant::now();
    assert!(!worker.join_finished(Duration::from_millis(200)));
    assert!(started.elapsed() < Duration::from_secs(2));
    recorder.release();
    assert!(worker.close());
    assert_eq!(recorder.written(), vec![1]);
}

#[test]
fn a_second_close_waits_for_the_first_instead_of_returning_early() {
    let recorder = Recorder::default();
    recorder.hold();
    let worker =
        Arc::new(Worker::spawn(options(8, OverflowPolicy::Block), recorder.clone()).unwrap());
    for value in 0..5 {
        worker.submit(value).unwrap();
    }
    let first = {
        let worker = worker.clone();
        thread::spawn(move || worker.close())
    };
    // The first closer is waiting for the held worker when the second comes.
    thread::sleep(Duration::from_millis(100));
    let second = {
        let worker = worker.clone();
        let recorder = recorder.clone();
        thread::spawn(move || {
            let closed = worker.close();
            (closed, recorder.written())
        })
    };
    thread::sleep(Duration::from_millis(100));
    recorder.release();
    assert!(first.join().unwrap());
    let (closed, written_when_second_returned) = second.join().unwrap();
    assert!(closed);
    assert_eq!(written_when_second_returned, vec![0, 1, 2, 3, 4]);
}

fn lingering(capacity: usize, linger: Duration) -> WorkerOptions {
    WorkerOptions {
        linger,
        ..options(capacity, OverflowPolicy::Block)
    }
}

#[test]
fn a_lingering_worker_writes_records_that_arrive_together_in_one_batch() {
    let recorder = Recorder::default();
    let worker = Worker::spawn(
        lingering(1024, Duration::from_millis(200)),
        recorder.clone(),
    )
    .unwrap();
    for value in 0..100u32 {
        worker.submit(value).unwrap();
    }
    thread::sleep(Duration::from_millis(400));
    assert_eq!(recorder.written(), (0..100).collect::<Vec<_>>());
    assert_eq!(recorder.batch_count(), 1);
    assert!(worker.close());
}

#[test]
fn flush_and_close_cut_the_linger_short() {
    let recorder = Recorder::default();
    let worker = Worker::spawn(lingering(1024, Duration::from_secs(30)), recorder.clone()).unwrap();
    worker.submit(1).unwrap();
    let started = Instant::now();
    assert!(worker.flush(Duration::from_secs(10)));
    assert_eq!(recorder.written(), vec![1]);
    worker.submit(2).unwrap();
    assert!(worker.close());
    assert_eq!(recorder.written(), vec![1, 2]);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_half_full_queue_cuts_the_linger_short_so_blocked_callers_go_on() {
    let recorder = Recorder::default();
    let worker = Worker::spawn(lingering(8, Duration::from_secs(30)), recorder.clone()).unwrap();
    let started = Instant::now();
    for value in 0..1000u32 {
        worker.submit(value).unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(worker.close());
    assert_eq!(recorder.written(), (0..1000).collect::<Vec<_>>());
}

/// Writes even numbers and rejects odd ones, as a drain rejects records it
/// cannot format.
struct EvenOnly(Arc<Mutex<Vec<u32>>>);

impl Drain<u32> for EvenOnly {
    fn write(&mut self, batch: &mut Vec<u32>) -> Result<Delivered, WriteFailure> {
        let mut delivered = Delivered::default();
        for value in batch.drain(..) {
            if value % 2 == 0 {
                self.0.lock().unwrap().push(value);
            } else {
                delivered.rejected += 1;
                delivered
                    .reason
                    .get_or_insert_with(|| format!("{value} is odd"));
            }
        }
        Ok(delivered)
    }
}

#[test]
fn rejected_records_are_counted_apart_from_written_ones() {
    let written = Arc::new(Mutex::new(Vec::new()));
    let worker = Worker::spawn(
        options(64, OverflowPolicy::Block),
        EvenOnly(written.clone()),
    )
    .unwrap();
    for value in 0..10 {
        worker.submit(value).unwrap();
    }
    assert!(worker.close());
    assert_eq!(*written.lock().unwrap(), vec![0, 2, 4, 6, 8]);
    let stats = worker.stats().snapshot();
    assert_eq!((stats.written, stats.rejected), (5, 5));
}

#[test]
fn records_held_for_a_batch_are_written_when_the_hold_limit_passes() {
    let recorder = Recorder::default();
    let options = WorkerOptions {
        flush_interval: 100,
        hold_limit: Some(Duration::from_millis(50)),
        ..options(1024, OverflowPolicy::Block)
    };
    let worker = Worker::spawn(options, recorder.clone()).unwrap();
    worker.submit(1).unwrap();
    worker.submit(2).unwrap();
    // Far fewer than the batch: only the hold limit can write them.
    let started = Instant::now();
    while recorder.written().is_empty() && started.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(recorder.written(), vec![1, 2]);
    assert_eq!(worker.stats().snapshot().written, 2);
    assert!(worker.close());
}

#[test]
fn a_full_batch_is_written_without_waiting_for_the_hold_limit() {
    let recorder = Recorder::default();
    let options = WorkerOptions {
        flush_interval: 3,
        hold_limit: Some(Duration::from_secs(60)),
        ..options(1024, OverflowPolicy::Block)
    };
    let worker = Worker::spawn(options, recorder.clone()).unwrap();
    for value in 0..3u32 {
        worker.submit(value).unwrap();
    }
    let started = Instant::now();
    while recorder.written().len() < 3 && started.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(recorder.written(), vec![0, 1, 2]);
    worker.submit(3).unwrap();
    assert!(worker.close());
    assert_eq!(recorder.written(), vec![0, 1, 2, 3]);
}
