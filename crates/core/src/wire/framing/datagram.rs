//! One record per datagram, as the standard `DatagramHandler` and
//! `SysLogHandler` over UDP send them: no delimiter, the datagram's bounds
//! are the record's.
//!
//! A datagram larger than the transport takes would be refused by the
//! kernel (`EMSGSIZE`) and the record lost whole; cutting it to the limit
//! keeps its start (for syslog, the header and the beginning of the
//! message, as RFC 5426 section 3.2 allows), and the caller counts it.
//!
//! The standard `DatagramHandler` sends `makePickle`'s whole frame, its
//! 4-byte length included, as the datagram (`length_prefix`). A pickle cut
//! short cannot be read, so such a datagram is refused, not cut.

use super::{FrameDecoder, FrameError, Framed, Framer};

/// The largest UDP payload over IPv4 (65535 - 8 - 20).
pub const MAX_UDP_PAYLOAD: usize = 65_507;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram {
    pub max_datagram_size: usize,
    /// Start each datagram with the payload's 4-byte big-endian length, as
    /// the standard `DatagramHandler` does.
    pub length_prefix: bool,
}

impl Default for Datagram {
    fn default() -> Datagram {
        Datagram {
            max_datagram_size: MAX_UDP_PAYLOAD,
            length_prefix: false,
        }
    }
}

impl Datagram {
    /// The standard `DatagramHandler`'s datagrams.
    pub fn length_prefixed() -> Datagram {
        Datagram {
            length_prefix: true,
            ..Datagram::default()
        }
    }
}

impl Framer for Datagram {
    /// Appends the payload, cut to `max_datagram_size`: `out` is meant to be
    /// sent as one datagram.
    fn encode(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<Framed, FrameError> {
        if self.length_prefix {
            let size = payload.len() + 4;
            if size > self.max_datagram_size || u32::try_from(payload.len()).is_err() {
                return Err(FrameError::TooLarge {
                    size,
                    limit: self.max_datagram_size,
                });
            }
            out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
            out.extend_from_slice(payload);
            return Ok(Framed::Whole);
        }
        let kept = payload.len().min(self.max_datagram_size);
        out.extend_from_slice(&payload[..kept]);
        if kept < payload.len() {
            return Ok(Framed::Truncated {
                original: payload.len(),
                kept,
            });
        }
        Ok(Framed::Whole)
    }

    fn decoder(&self) -> Box<dyn FrameDecoder + Send> {
        Box::new(DatagramDecoder {
            length_prefix: self.length_prefix,
            ..DatagramDecoder::default()
        })
    }
}

/// Each `feed` is one datagram, and one record.
#[derive(Debug, Default)]
pub struct DatagramDecoder {
    received: std::collections::VecDeque<Vec<u8>>,
    /// Check and remove the 4-byte length of a `DatagramHandler` datagram.
    pub length_prefix: bool,
}

impl FrameDecoder for DatagramDecoder {
    fn feed(&mut self, bytes: &[u8]) {
        self.received.push_back(bytes.to_vec());
    }

    fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let Some(mut datagram) = self.received.pop_front() else {
            return Ok(None);
        };
        if self.length_prefix {
            let declared = datagram.get(..4).map(|prefix| {
                u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]) as usize
            });
            if declared != Some(datagram.len().saturating_sub(4)) || datagram.len() < 4 {
                return Err(FrameError::LengthMismatch {
                    declared,
                    received: datagram.len(),
                });
            }
            datagram.drain(..4);
        }
        Ok(Some(datagram))
    }

    fn pending(&self) -> usize {
        self.received.iter().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_datagram_is_the_payload_itself() {
        let mut out = Vec::new();
        assert_eq!(
            Datagram::default().encode(b"<14>hi", &mut out),
            Ok(Framed::Whole)
        );
        assert_eq!(out, b"<14>hi");
    }

    #[test]
    fn an_oversized_payload_is_cut_and_reported() {
        let framer = Datagram {
            max_datagram_size: 4,
            length_prefix: false,
        };
        let mut out = Vec::new();
        assert_eq!(
            framer.encode(b"abcdefg", &mut out),
            Ok(Framed::Truncated {
                original: 7,
                kept: 4
            })
        );
        assert_eq!(out, b"abcd");
    }

    #[test]
    fn datagram_handler_datagrams_carry_the_length_and_are_never_cut() {
        let framer = Datagram {
            max_datagram_size: 10,
            length_prefix: true,
        };
        let mut out = Vec::new();
        assert_eq!(framer.encode(b"abcdef", &mut out), Ok(Framed::Whole));
        assert_eq!(out, b"\x00\x00\x00\x06abcdef");
        assert_eq!(
            framer.encode(b"abcdefg", &mut Vec::new()),
            Err(FrameError::TooLarge {
                size: 11,
                limit: 10
            })
        );
        let mut decoder = framer.decoder();
        decoder.feed(&out);
        decoder.feed(b"\x00\x00\x00\x09abc");
        decoder.feed(b"\x00\x00");
        assert_eq!(decoder.next_frame(), Ok(Some(b"abcdef".to_vec())));
        assert_eq!(
            decoder.next_frame(),
            Err(FrameError::LengthMismatch {
                declared: Some(9),
                received: 7
            })
        );
        assert_eq!(
            decoder.next_frame(),
            Err(FrameError::LengthMismatch {
                declared: None,
                received: 2
            })
        );
        assert_eq!(decoder.next_frame(), Ok(None));
    }

    #[test]
    fn each_datagram_is_one_frame_even_when_empty() {
        let mut decoder = Datagram::default().decoder();
        decoder.feed(b"one");
        decoder.feed(b"");
        assert_eq!(decoder.pending(), 3);
        assert_eq!(decoder.next_frame(), Ok(Some(b"one".to_vec())));
        assert_eq!(decoder.next_frame(), Ok(Some(Vec::new())));
        assert_eq!(decoder.next_frame(), Ok(None));
    }
}
