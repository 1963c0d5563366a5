//! Every decoder against cut and mutated copies of valid input: each must
//! return, with a value or an error, and never panic or hang.

use super::syslog::{rfc3164, rfc5424};
use super::{json, msgpack, pickle};
use crate::wire::framing::{
    Datagram, FrameDecoder, Framer, LengthPrefix, MixedSyslogDecoder, OctetCounting, Terminated,
    Terminator,
};
use crate::wire::serialize::test_support::hex;

/// A fixed linear congruential sequence: reproducible without a crate.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }
}

/// Every prefix of `sample`, then `rounds` copies with one to four bytes
/// replaced, inserted or removed.
fn hostile_copies(sample: &[u8], rounds: usize, sequence: &mut Sequence) -> Vec<Vec<u8>> {
    let mut copies: Vec<Vec<u8>> = (0..sample.len())
        .map(|length| sample[..length].to_vec())
        .collect();
    for _ in 0..rounds {
        let mut copy = sample.to_vec();
        for _ in 0..1 + sequence.next() % 4 {
            let position = sequence.next() % (copy.len() + 1);
            let byte = sequence.next() as u8;
            match sequence.next() % 3 {
                0 if position < copy.len() => copy[position] = byte,
                1 => copy.insert(position, byte),
                _ if position < copy.len() => {
                    copy.remove(position);
                }
                _ => copy.push(byte),
            }
        }
        copies.push(copy);
    }
    copies
}

fn samples(file: &str, column: usize) -> Vec<Vec<u8>> {
    file.lines()
        .map(|line| hex(line.split('\t').nth(column).unwrap()))
        .collect()
}

#[test]
fn text_and_binary_decoders_survive_hostile_input() {
    let mut sequence = Sequence(7);
    let json_samples: Vec<Vec<u8>> = include_str!("testdata/json.txt")
        .lines()
        .map(|line| line.split('\t').nth(4).unwrap().as_bytes().to_vec())
        .collect();
    for sample in json_samples.iter().take(8) {
        for copy in hostile_copies(sample, 300, &mut sequence) {
            let _ = json::decode(&copy);
        }
    }
    for sample in samples(include_str!("testdata/msgpack.txt"), 2) {
        for copy in hostile_copies(&sample, 300, &mut sequence) {
            let _ = msgpack::decode(&copy);
        }
    }
    for sample in samples(include_str!("testdata/syslog.txt"), 6) {
        for copy in hostile_copies(&sample, 100, &mut sequence) {
            let _ = rfc3164::decode(&copy);
        }
    }
    for sample in include_str!("testdata/logger5424.txt").lines().map(hex) {
        for copy in hostile_copies(&sample, 1000, &mut sequence) {
            let _ = rfc5424::decode(&copy);
        }
    }
    let pickles: Vec<Vec<u8>> = include_str!("pickle/testdata/cases.txt")
        .lines()
        .filter(|line| line.contains("\trecord-extras\t"))
        .map(|line| hex(line.split('\t').nth(4).unwrap()))
        .collect();
    for sample in &pickles {
        for copy in hostile_copies(sample, 500, &mut sequence) {
            let _ = pickle::decode(&copy);
        }
    }
}

#[test]
fn frame_decoders_survive_hostile_streams() {
    let mut sequence = Sequence(11);
    let framers: Vec<Box<dyn Framer>> = vec![
        Box::new(LengthPrefix::new(64)),
        Box::new(OctetCounting { max_frame_size: 64 }),
        Box::new(Terminated {
            terminator: Terminator::Newline,
            max_record_size: 64,
        }),
        Box::new(Datagram::length_prefixed()),
    ];
    for framer in &framers {
        let mut stream = Vec::new();
        for size in [0usize, 1, 10, 40, 64] {
            let _ = framer.encode(&vec![b'a'; size], &mut stream);
        }
        for copy in hostile_copies(&stream, 300, &mut sequence) {
            let mut decoder = framer.decoder();
            let mut position = 0;
            while position < copy.len() {
                let piece = 1 + sequence.next() % 16;
                let end = (position + piece).min(copy.len());
                decoder.feed(&copy[position..end]);
                position = end;
                // Each call consumes or stops; bounded so a loop would fail the test.
                for _ in 0..copy.len() + 2 {
                    if let Ok(None) = decoder.next_frame() {
                        break;
                    }
                }
            }
        }
    }
}

#[test]
fn the_mixed_syslog_decoder_survives_hostile_streams() {
    let mut sequence = Sequence(13);
    let mut stream = Vec::new();
    for (index, size) in [1usize, 10, 40, 64, 3].iter().enumerate() {
        let record = vec![b'<'; *size];
        if index % 2 == 0 {
            OctetCounting::default()
                .encode(&record, &mut stream)
                .unwrap();
        } else {
            Terminated::new(Terminator::Newline)
                .encode(&record, &mut stream)
                .unwrap();
        }
    }
    for copy in hostile_copies(&stream, 500, &mut sequence) {
        let mut decoder = MixedSyslogDecoder::new(Terminator::Newline, 48);
        for chunk in copy.chunks(1 + sequence.next() % 16) {
            decoder.feed(chunk);
            for _ in 0..copy.len() + 2 {
                if let Ok(None) = decoder.next_frame() {
                    break;
                }
            }
        }
    }
}
