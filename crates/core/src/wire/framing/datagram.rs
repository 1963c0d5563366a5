//! One record per datagram, as the standard `DatagramHandler` and
//! `SysLogHandler` over UDP send them: no delimiter, the datagram's bounds
//! are the record's.
//!
//! A datagram larger than the transport takes would be refused by the
//! kernel (`EMSGSIZE`) and the record lost whole; cutting it to the limit
//! keeps its start (for syslog, the header and the beginning of the
//! message, as RFC 5426 section 3.2 allows), and the caller counts it.

use super::{FrameDecoder, FrameError, Framed, Framer};

/// The largest UDP payload over IPv4 (65535 - 8 - 20).
pub const MAX_UDP_PAYLOAD: usize = 65_507;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram {
    pub max_datagram_size: usize,
}

impl Default for Datagram {
    fn default() -> Datagram {
        Datagram {
            max_datagram_size: MAX_UDP_PAYLOAD,
        }
    }
}

impl Framer for Datagram {
    /// Appends the payload, cut to `max_datagram_size`: `out` is meant to be
    /// sent as one datagram.
    fn encode(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<Framed, FrameError> {
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
        Box::new(DatagramDecoder::default())
    }
}

/// Each `feed` is one datagram, and one record.
#[derive(Debug, Default)]
pub struct DatagramDecoder {
    received: std::collections::VecDeque<Vec<u8>>,
}

impl FrameDecoder for DatagramDecoder {
    fn feed(&mut self, bytes: &[u8]) {
        self.received.push_back(bytes.to_vec());
    }

    fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        Ok(self.received.pop_front())
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
