//! A syslog stream receiver's framing: each frame is octet-counted when it
//! starts with a digit and terminated otherwise, the rule rsyslog's TCP
//! input applies so that one port takes both kinds of sender (a syslog
//! message starts with `<`, never with a digit; RFC 6587 section 3.4).

use super::buffer::Buffer;
use super::{FrameDecoder, FrameError, Terminator};

/// Decodes a stream that mixes RFC 6587 octet counting with records ended
/// by `terminator`. Limits and recovery are those of `OctetCountingDecoder`
/// and `TerminatedDecoder`.
#[derive(Debug)]
pub struct MixedSyslogDecoder {
    terminator: Terminator,
    max_record_size: usize,
    buffer: Buffer,
    /// Bytes of a refused octet-counted frame still to skip.
    /// Dropping an over-long terminated record until its terminator.
    discarding: bool,
    broken: Option<FrameError>,
}

impl MixedSyslogDecoder {
    pub fn new(terminator: Terminator, max_record_size: usize) -> MixedSyslogDecoder {
        MixedSyslogDecoder {
            terminator,
            max_record_size,
            buffer: Buffer::default(),
            discarding: false,
            broken: None,
        }
    }

    fn octet_counted(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let bytes = self.buffer.as_slice();
        let digits = bytes
            .iter()
            .take(11)
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let header = match bytes.get(digits) {
            None if digits <= 10 => return Ok(None),
            Some(b' ') if digits <= 10 => digits + 1,
            _ => {
                let error = FrameError::InvalidLength {
                    header: bytes[..(digits + 1).min(bytes.len())].to_vec(),
                };
                self.broken = Some(error.clone());
                return Err(error);
            }
        };
        // Ten ASCII digits always parse into a usize on 64-bit targets.
        let size: usize = std::str::from_utf8(&bytes[..digits])
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(usize::MAX);
        if size > self.max_record_size {
            self.buffer.consume(header);
            self.buffer.skip(size);
            return Err(FrameError::TooLarge {
                size,
                limit: self.max_record_size,
            });
        }
        if self.buffer.len() < header + size {
            return Ok(None);
        }
        self.buffer.consume(header);
        Ok(Some(self.buffer.take(size)))
    }

    fn terminated(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let bytes = self.buffer.as_slice();
        let limit = self.max_record_size;
        match bytes
            .iter()
            .position(|byte| *byte == self.terminator.byte())
        {
            Some(end) if end > limit => {
                self.buffer.consume(end + 1);
                Err(FrameError::TooLong { seen: end, limit })
            }
            Some(end) => {
                let record = self.buffer.take(end);
                self.buffer.consume(1);
                Ok(Some(record))
            }
            None if bytes.len() > limit => {
                let seen = bytes.len();
                self.buffer.consume(seen);
                self.discarding = true;
                Err(FrameError::TooLong { seen, limit })
            }
            None => Ok(None),
        }
    }
}

impl FrameDecoder for MixedSyslogDecoder {
    fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend(bytes);
    }

    fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        if let Some(error) = &self.broken {
            return Err(error.clone());
        }
        if self.buffer.still_skipping() {
            return Ok(None);
        }
        if self.discarding {
            let bytes = self.buffer.as_slice();
            match bytes
                .iter()
                .position(|byte| *byte == self.terminator.byte())
            {
                Some(end) => {
                    self.buffer.consume(end + 1);
                    self.discarding = false;
                }
                None => {
                    let length = bytes.len();
                    self.buffer.consume(length);
                    return Ok(None);
                }
            }
        }
        match self.buffer.as_slice().first() {
            None => Ok(None),
            Some(b'1'..=b'9') => self.octet_counted(),
            Some(_) => self.terminated(),
        }
    }

    fn pending(&self) -> usize {
        self.buffer.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::framing::{Framer, OctetCounting, Terminated};

    fn drain(decoder: &mut MixedSyslogDecoder) -> Vec<Result<Vec<u8>, FrameError>> {
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
    fn both_kinds_of_sender_share_one_stream() {
        let messages: Vec<&[u8]> = vec![
            b"<14>1 - - - - - - counted",
            b"<13>plain line",
            b"<14>1 - - - - - - another\nwith a newline inside",
            b"<12>last line",
        ];
        let mut stream = Vec::new();
        OctetCounting::default()
            .encode(messages[0], &mut stream)
            .unwrap();
        Terminated::new(Terminator::Newline)
            .encode(messages[1], &mut stream)
            .unwrap();
        OctetCounting::default()
            .encode(messages[2], &mut stream)
            .unwrap();
        Terminated::new(Terminator::Newline)
            .encode(messages[3], &mut stream)
            .unwrap();
        for piece in [1, 4, stream.len()] {
            let mut decoder = MixedSyslogDecoder::new(Terminator::Newline, 1024);
            let mut received = Vec::new();
            for chunk in stream.chunks(piece) {
                decoder.feed(chunk);
                received.extend(drain(&mut decoder).into_iter().map(Result::unwrap));
            }
            assert_eq!(received, messages, "pieces of {piece}");
        }
    }

    #[test]
    fn limits_hold_in_both_modes() {
        let mut decoder = MixedSyslogDecoder::new(Terminator::Newline, 8);
        decoder.feed(b"9 123456789<1>ok\n<1>far too long\n<1>fine\n");
        assert_eq!(
            drain(&mut decoder),
            vec![
                Err(FrameError::TooLarge { size: 9, limit: 8 }),
                Ok(b"<1>ok".to_vec()),
                Err(FrameError::TooLong { seen: 15, limit: 8 }),
                Ok(b"<1>fine".to_vec()),
            ]
        );
        decoder.feed(b"<1>unterminated and long");
        assert_eq!(
            drain(&mut decoder),
            vec![Err(FrameError::TooLong { seen: 24, limit: 8 })]
        );
        decoder.feed(b" still\n<2>next\n");
        assert_eq!(drain(&mut decoder), vec![Ok(b"<2>next".to_vec())]);
        // A digit that starts no count leaves the stream without boundaries.
        decoder.feed(b"12x");
        for _ in 0..2 {
            assert!(matches!(
                decoder.next_frame(),
                Err(FrameError::InvalidLength { .. })
            ));
        }
    }
}
