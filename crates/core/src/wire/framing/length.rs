//! A 4-byte big-endian length, then the payload: the standard
//! `SocketHandler`'s frame (`struct.pack(">L", len(s)) + s`) and the
//! femto socket handler's.

use super::buffer::Buffer;
use super::{FrameDecoder, FrameError, Framed, Framer};

/// The largest payload accepted unless told otherwise: a receiver's guard
/// against a peer that claims gigabytes. The standard `SocketHandler` sends
/// any size the prefix can say; a sender that must match it uses
/// `LengthPrefix::new(u32::MAX as usize)`.
pub const DEFAULT_MAX_FRAME_SIZE: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthPrefix {
    /// The largest payload written or read; never above `u32::MAX`, which
    /// is all the prefix can say.
    pub max_frame_size: usize,
}

impl LengthPrefix {
    pub fn new(max_frame_size: usize) -> LengthPrefix {
        LengthPrefix {
            max_frame_size: max_frame_size.min(u32::MAX as usize),
        }
    }
}

impl Default for LengthPrefix {
    fn default() -> LengthPrefix {
        LengthPrefix::new(DEFAULT_MAX_FRAME_SIZE)
    }
}

impl Framer for LengthPrefix {
    fn encode(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<Framed, FrameError> {
        if payload.len() > self.max_frame_size {
            return Err(FrameError::TooLarge {
                size: payload.len(),
                limit: self.max_frame_size,
            });
        }
        out.reserve(4 + payload.len());
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(payload);
        Ok(Framed::Whole)
    }

    fn decoder(&self) -> Box<dyn FrameDecoder + Send> {
        Box::new(LengthPrefixDecoder::new(self.max_frame_size))
    }
}

/// Splits a stream of length-prefixed frames. A frame over the limit is
/// reported once with its size, and its bytes are skipped as they arrive,
/// so the frames after it are still read.
#[derive(Debug)]
pub struct LengthPrefixDecoder {
    max_frame_size: usize,
    buffer: Buffer,
}

impl LengthPrefixDecoder {
    pub fn new(max_frame_size: usize) -> LengthPrefixDecoder {
        LengthPrefixDecoder {
            max_frame_size,
            buffer: Buffer::default(),
        }
    }
}

impl FrameDecoder for LengthPrefixDecoder {
    fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend(bytes);
    }

    fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        if self.buffer.still_skipping() {
            return Ok(None);
        }
        let Some(header) = self.buffer.as_slice().get(..4) else {
            return Ok(None);
        };
        let size = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        if size > self.max_frame_size {
            self.buffer.consume(4);
            self.buffer.skip(size);
            return Err(FrameError::TooLarge {
                size,
                limit: self.max_frame_size,
            });
        }
        if self.buffer.len() < 4 + size {
            return Ok(None);
        }
        self.buffer.consume(4);
        Ok(Some(self.buffer.take(size)))
    }

    fn pending(&self) -> usize {
        self.buffer.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(decoder: &mut dyn FrameDecoder) -> Vec<Result<Vec<u8>, FrameError>> {
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
    fn the_prefix_is_struct_pack_big_endian_l() {
        let mut out = Vec::new();
        LengthPrefix::default().encode(b"abc", &mut out).unwrap();
        // struct.pack(">L", 3) + b"abc"
        assert_eq!(out, b"\x00\x00\x00\x03abc");
        out.clear();
        LengthPrefix::default().encode(b"", &mut out).unwrap();
        assert_eq!(out, b"\x00\x00\x00\x00");
    }

    #[test]
    fn frames_split_anywhere_come_out_whole() {
        let framer = LengthPrefix::default();
        let mut stream = Vec::new();
        let payloads: Vec<Vec<u8>> = (0..20).map(|size| vec![size as u8; size * 7]).collect();
        for payload in &payloads {
            framer.encode(payload, &mut stream).unwrap();
        }
        for piece in [1, 2, 3, 5, 64, stream.len()] {
            let mut decoder = framer.decoder();
            let mut received = Vec::new();
            for chunk in stream.chunks(piece) {
                decoder.feed(chunk);
                received.extend(frames(decoder.as_mut()).into_iter().map(Result::unwrap));
            }
            assert_eq!(received, payloads, "pieces of {piece}");
            assert_eq!(decoder.pending(), 0);
        }
    }

    #[test]
    fn an_oversized_frame_is_refused_with_its_size_and_skipped() {
        let framer = LengthPrefix::new(8);
        let mut out = Vec::new();
        let error = framer.encode(&[0; 9], &mut out).unwrap_err();
        assert_eq!(error, FrameError::TooLarge { size: 9, limit: 8 });
        assert!(error.to_string().contains("9 bytes"));
        assert!(out.is_empty());

        let mut stream = b"\x00\x00\x00\x0cabcdefghijkl".to_vec();
        framer.encode(b"ok", &mut stream).unwrap();
        let mut decoder = framer.decoder();
        decoder.feed(&stream[..6]);
        assert_eq!(
            frames(decoder.as_mut()),
            vec![Err(FrameError::TooLarge { size: 12, limit: 8 })]
        );
        decoder.feed(&stream[6..]);
        assert_eq!(frames(decoder.as_mut()), vec![Ok(b"ok".to_vec())]);
    }
}
