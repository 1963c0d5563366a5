//! The payload, then a terminator: a newline (RFC 6587's non-transparent
//! framing, JSON lines) or a NUL (the standard `SysLogHandler`, whose
//! `append_nul` ends each message with `\000`).
//!
//! The encoder writes the payload as it is: a terminator inside it splits the
//! record at the receiver, as it does for the standard handler's messages.

use super::buffer::Buffer;
use super::length::DEFAULT_MAX_FRAME_SIZE;
use super::{FrameDecoder, FrameError, Framed, Framer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terminator {
    Newline,
    Nul,
}

impl Terminator {
    pub fn byte(self) -> u8 {
        match self {
            Terminator::Newline => b'\n',
            Terminator::Nul => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminated {
    pub terminator: Terminator,
    /// The longest record, without its terminator.
    pub max_record_size: usize,
}

impl Terminated {
    pub fn new(terminator: Terminator) -> Terminated {
        Terminated {
            terminator,
            max_record_size: DEFAULT_MAX_FRAME_SIZE,
        }
    }
}

impl Framer for Terminated {
    fn encode(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<Framed, FrameError> {
        if payload.len() > self.max_record_size {
            return Err(FrameError::TooLarge {
                size: payload.len(),
                limit: self.max_record_size,
            });
        }
        out.reserve(payload.len() + 1);
        out.extend_from_slice(payload);
        out.push(self.terminator.byte());
        Ok(Framed::Whole)
    }

    fn decoder(&self) -> Box<dyn FrameDecoder + Send> {
        Box::new(TerminatedDecoder::new(*self))
    }
}

/// Splits a stream at each terminator. A record that grows past the limit
/// is reported once; its bytes are dropped up to and including the next
/// terminator, and the records after it are read as usual.
#[derive(Debug)]
pub struct TerminatedDecoder {
    framing: Terminated,
    buffer: Buffer,
    /// How far the buffer is known to hold no terminator.
    scanned: usize,
    /// Dropping an over-long record until its terminator comes.
    discarding: bool,
}

impl TerminatedDecoder {
    pub fn new(framing: Terminated) -> TerminatedDecoder {
        TerminatedDecoder {
            framing,
            buffer: Buffer::default(),
            scanned: 0,
            discarding: false,
        }
    }

    /// At the end of the stream: the last record when its terminator never
    /// came (receivers such as rsyslog keep it), unless it was too long.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        let length = self.buffer.len();
        let discarding = std::mem::take(&mut self.discarding);
        self.scanned = 0;
        let rest = self.buffer.take(length);
        (!discarding && !rest.is_empty()).then_some(rest)
    }
}

impl FrameDecoder for TerminatedDecoder {
    fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend(bytes);
    }

    fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let limit = self.framing.max_record_size;
        loop {
            let bytes = self.buffer.as_slice();
            let found = bytes[self.scanned..]
                .iter()
                .position(|byte| *byte == self.framing.terminator.byte())
                .map(|index| self.scanned + index);
            let Some(end) = found else {
                self.scanned = bytes.len();
                if self.discarding {
                    self.buffer.consume(bytes.len());
                    self.scanned = 0;
                    return Ok(None);
                }
                if bytes.len() > limit {
                    let seen = bytes.len();
                    self.discarding = true;
                    self.buffer.consume(seen);
                    self.scanned = 0;
                    return Err(FrameError::TooLong { seen, limit });
                }
                return Ok(None);
            };
            self.scanned = 0;
            if std::mem::take(&mut self.discarding) {
                self.buffer.consume(end + 1);
                continue;
            }
            if end > limit {
                self.buffer.consume(end + 1);
                return Err(FrameError::TooLong { seen: end, limit });
            }
            let record = self.buffer.take(end);
            self.buffer.consume(1);
            return Ok(Some(record));
        }
    }

    fn pending(&self) -> usize {
        self.buffer.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(decoder: &mut dyn FrameDecoder) -> Vec<Result<Vec<u8>, FrameError>> {
        let mut out = Vec::new();
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => out.push(Ok(frame)),
                Ok(None) => return out,
                Err(error) => out.push(Err(error)),
            }
        }
    }

    #[test]
    fn records_end_with_a_newline_or_a_nul() {
        let mut out = Vec::new();
        Terminated::new(Terminator::Newline)
            .encode(b"{\"a\":1}", &mut out)
            .unwrap();
        Terminated::new(Terminator::Nul)
            .encode(b"<14>hello", &mut out)
            .unwrap();
        assert_eq!(out, b"{\"a\":1}\n<14>hello\x00");
    }

    #[test]
    fn a_partial_tail_waits_for_the_next_read() {
        let framing = Terminated::new(Terminator::Nul);
        let mut decoder = framing.decoder();
        decoder.feed(b"<13>one\x00<13>tw");
        assert_eq!(drain(decoder.as_mut()), vec![Ok(b"<13>one".to_vec())]);
        assert_eq!(decoder.pending(), 6);
        decoder.feed(b"o\x00\x00<13>three");
        assert_eq!(
            drain(decoder.as_mut()),
            vec![Ok(b"<13>two".to_vec()), Ok(Vec::new())]
        );
        let mut decoder = TerminatedDecoder::new(framing);
        decoder.feed(b"last");
        assert_eq!(decoder.next_frame(), Ok(None));
        assert_eq!(decoder.finish(), Some(b"last".to_vec()));
        assert_eq!(decoder.finish(), None);
    }

    #[test]
    fn an_over_long_record_is_reported_once_and_dropped() {
        let framing = Terminated {
            terminator: Terminator::Newline,
            max_record_size: 4,
        };
        let mut decoder = framing.decoder();
        decoder.feed(b"ok\nabcdef");
        assert_eq!(
            drain(decoder.as_mut()),
            vec![
                Ok(b"ok".to_vec()),
                Err(FrameError::TooLong { seen: 6, limit: 4 })
            ]
        );
        decoder.feed(b"ghij");
        assert_eq!(drain(decoder.as_mut()), vec![]);
        decoder.feed(b"klm\nfine\n");
        assert_eq!(drain(decoder.as_mut()), vec![Ok(b"fine".to_vec())]);
        // Over the limit but whole in one read: reported, and the next one read.
        decoder.feed(b"abcdefgh\nyes\n");
        assert_eq!(
            drain(decoder.as_mut()),
            vec![
                Err(FrameError::TooLong { seen: 8, limit: 4 }),
                Ok(b"yes".to_vec())
            ]
        );
        assert_eq!(decoder.pending(), 0);
    }

    #[test]
    fn split_anywhere_the_records_are_the_same() {
        let framing = Terminated::new(Terminator::Newline);
        let mut stream = Vec::new();
        let records: Vec<Vec<u8>> = (0..30).map(|size| vec![b'r'; size * 3]).collect();
        for record in &records {
            framing.encode(record, &mut stream).unwrap();
        }
        for piece in [1, 2, 7, 100] {
            let mut decoder = framing.decoder();
            let mut received = Vec::new();
            for chunk in stream.chunks(piece) {
                decoder.feed(chunk);
                received.extend(drain(decoder.as_mut()).into_iter().map(Result::unwrap));
            }
            assert_eq!(received, records);
        }
    }
}
