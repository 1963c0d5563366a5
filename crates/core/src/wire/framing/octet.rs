//! RFC 6587 octet counting: `MSG-LEN SP SYSLOG-MSG`, with `MSG-LEN` a
//! decimal byte count without leading zeros (syslog over TCP and TLS, what
//! rsyslog and syslog-ng take on a stream port alongside newline framing).

use super::buffer::Buffer;
use super::length::DEFAULT_MAX_FRAME_SIZE;
use super::{FrameDecoder, FrameError, Framed, Framer};

/// Digits a length can have before the header is called invalid: enough for
/// any frame a decoder would accept.
const MAX_DIGITS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OctetCounting {
    pub max_frame_size: usize,
}

impl Default for OctetCounting {
    fn default() -> OctetCounting {
        OctetCounting {
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
        }
    }
}

impl Framer for OctetCounting {
    fn encode(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<Framed, FrameError> {
        if payload.len() > self.max_frame_size {
            return Err(FrameError::TooLarge {
                size: payload.len(),
                limit: self.max_frame_size,
            });
        }
        if payload.is_empty() {
            // MSG-LEN starts with a non-zero digit: an empty message has no frame.
            return Err(FrameError::InvalidLength {
                header: b"0".to_vec(),
            });
        }
        out.extend_from_slice(payload.len().to_string().as_bytes());
        out.push(b' ');
        out.extend_from_slice(payload);
        Ok(Framed::Whole)
    }

    fn decoder(&self) -> Box<dyn FrameDecoder + Send> {
        Box::new(OctetCountingDecoder::new(self.max_frame_size))
    }
}

/// Splits an octet-counted stream. A frame over the limit is reported once
/// and skipped; a header that is not a count leaves the stream with no
/// known boundary, so the decoder reports it on every call from then on.
#[derive(Debug)]
pub struct OctetCountingDecoder {
    max_frame_size: usize,
    buffer: Buffer,
    broken: Option<FrameError>,
}

impl OctetCountingDecoder {
    pub fn new(max_frame_size: usize) -> OctetCountingDecoder {
        OctetCountingDecoder {
            max_frame_size,
            buffer: Buffer::default(),
            broken: None,
        }
    }

    /// The count and the header's length, once the space after it is here.
    fn header(&self) -> Result<Option<(usize, usize)>, FrameError> {
        let bytes = self.buffer.as_slice();
        let digits = bytes
            .iter()
            .take(MAX_DIGITS + 1)
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let invalid = || FrameError::InvalidLength {
            header: bytes[..(digits + 1).min(bytes.len())].to_vec(),
        };
        if bytes.first() == Some(&b'0') || digits > MAX_DIGITS {
            return Err(invalid());
        }
        match bytes.get(digits) {
            None => Ok(None),
            Some(b' ') if digits > 0 => {
                let text = std::str::from_utf8(&bytes[..digits]).map_err(|_| invalid())?;
                let size = text.parse().map_err(|_| invalid())?;
                Ok(Some((size, digits + 1)))
            }
            Some(_) => Err(invalid()),
        }
    }
}

impl FrameDecoder for OctetCountingDecoder {
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
        let (size, header) = match self.header() {
            Ok(Some(found)) => found,
            Ok(None) => return Ok(None),
            Err(error) => {
                self.broken = Some(error.clone());
                return Err(error);
            }
        };
        if size > self.max_frame_size {
            self.buffer.consume(header);
            self.buffer.skip(size);
            return Err(FrameError::TooLarge {
                size,
                limit: self.max_frame_size,
            });
        }
        if self.buffer.len() < header + size {
            return Ok(None);
        }
        self.buffer.consume(header);
        Ok(Some(self.buffer.take(size)))
    }

    fn pending(&self) -> usize {
        self.buffer.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(decoder: &mut dyn FrameDecoder) -> Result<Option<Vec<u8>>, FrameError> {
        decoder.next_frame()
    }

    #[test]
    fn the_count_is_the_message_length_in_bytes() {
        let mut out = Vec::new();
        OctetCounting::default()
            .encode("<14>1 - - - - - - é".as_bytes(), &mut out)
            .unwrap();
        assert_eq!(out, "20 <14>1 - - - - - - é".as_bytes());
    }

    #[test]
    fn frames_fed_a_byte_at_a_time_come_out_whole() {
        let framer = OctetCounting::default();
        let mut stream = Vec::new();
        let payloads: Vec<Vec<u8>> = [1usize, 9, 10, 11, 99, 100, 1234]
            .iter()
            .map(|size| vec![b'x'; *size])
            .collect();
        for payload in &payloads {
            framer.encode(payload, &mut stream).unwrap();
        }
        let mut decoder = framer.decoder();
        let mut received = Vec::new();
        for byte in &stream {
            decoder.feed(std::slice::from_ref(byte));
            while let Some(frame) = next(decoder.as_mut()).unwrap() {
                received.push(frame);
            }
        }
        assert_eq!(received, payloads);
    }

    #[test]
    fn a_header_that_is_not_a_count_breaks_the_stream() {
        for bad in [&b"0 x"[..], b"12x", b"abc", b" 1 x", b"12345678901 "] {
            let mut decoder = OctetCounting::default().decoder();
            decoder.feed(bad);
            let error = next(decoder.as_mut()).unwrap_err();
            assert!(matches!(error, FrameError::InvalidLength { .. }), "{bad:?}");
            decoder.feed(b"3 abc");
            assert_eq!(next(decoder.as_mut()), Err(error));
        }
        assert!(OctetCounting::default()
            .encode(b"", &mut Vec::new())
            .is_err());
    }

    #[test]
    fn an_oversized_frame_is_reported_and_skipped() {
        let framer = OctetCounting { max_frame_size: 4 };
        let mut decoder = framer.decoder();
        decoder.feed(b"6 abcdef2 ok");
        assert_eq!(
            next(decoder.as_mut()),
            Err(FrameError::TooLarge { size: 6, limit: 4 })
        );
        assert_eq!(next(decoder.as_mut()), Ok(Some(b"ok".to_vec())));
        assert_eq!(next(decoder.as_mut()), Ok(None));
    }
}
