//! How one serialized record is delimited on the wire.
//!
//! A `Framer` appends one frame around a payload; its `FrameDecoder` is fed
//! the bytes as they arrive, in pieces of any size, and hands back complete
//! payloads, keeping a partial one across reads. Every decoder has a
//! maximum record size, so a peer cannot make it buffer without bound.
//!
//! - `length`: a 4-byte big-endian length, then the payload (the standard
//!   `SocketHandler`'s `struct.pack(">L", len(s)) + s`, and the femto one's);
//! - `octet`: RFC 6587 octet counting, `LEN SP MSG` (syslog over TCP);
//! - `terminator`: the payload, then a newline or a NUL (RFC 6587's
//!   non-transparent framing, the standard `SysLogHandler`'s `append_nul`);
//! - `datagram`: one payload per datagram, cut to the largest datagram the
//!   transport takes, or behind the 4-byte length the standard
//!   `DatagramHandler` keeps;
//! - `mixed`: a receiver's decoder for syslog streams that mix octet
//!   counting and terminators, frame by frame.
//!
//! The standard `SocketHandler`'s frame, sent and received:
//!
//! ```
//! use femtologging_core::wire::framing::{FrameDecoder, Framer, LengthPrefix};
//! use femtologging_core::wire::serialize::{pickle, Text, Value};
//!
//! let record = Value::Dict(vec![(Text::new("msg"), Value::str("hello"))]);
//! let mut payload = Vec::new();
//! pickle::encode(&record, &mut payload).unwrap();
//! let mut stream = Vec::new();
//! LengthPrefix::default().encode(&payload, &mut stream).unwrap();
//!
//! let mut decoder = LengthPrefix::default().decoder();
//! decoder.feed(&stream[..3]);
//! assert_eq!(decoder.next_frame(), Ok(None));
//! decoder.feed(&stream[3..]);
//! let frame = decoder.next_frame().unwrap().unwrap();
//! assert_eq!(pickle::decode(&frame), Ok(record));
//! ```

mod buffer;
pub mod datagram;
pub mod length;
pub mod mixed;
pub mod octet;
pub mod terminator;

use std::fmt;

pub use datagram::{Datagram, DatagramDecoder};
pub use length::{LengthPrefix, LengthPrefixDecoder};
pub use mixed::MixedSyslogDecoder;
pub use octet::{OctetCounting, OctetCountingDecoder};
pub use terminator::{Terminated, TerminatedDecoder, Terminator};

/// The framing a handler sends with.
pub trait Framer {
    /// Appends one frame holding `payload` to `out`. On error nothing is
    /// appended.
    fn encode(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<Framed, FrameError>;

    /// A decoder for the frames this framer writes, with the same limits.
    fn decoder(&self) -> Box<dyn FrameDecoder + Send>;
}

/// The receiving half: bytes in, whole payloads out.
pub trait FrameDecoder {
    /// Adds bytes received from the peer (for `Datagram`, one datagram).
    fn feed(&mut self, bytes: &[u8]);

    /// The next complete payload, `Ok(None)` until more bytes are needed.
    /// A payload that breaks the limits is reported once as an error; how
    /// the decoder goes on afterwards is each framer's to say.
    fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError>;

    /// How many bytes of an incomplete frame are waiting.
    fn pending(&self) -> usize;
}

/// What `encode` did with the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framed {
    Whole,
    /// The payload was cut to fit: the caller counts it as a truncated
    /// record.
    Truncated {
        original: usize,
        kept: usize,
    },
}

/// Why a frame could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// A frame larger than the framer allows.
    TooLarge { size: usize, limit: usize },
    /// A record whose terminator did not come within the limit: at least
    /// `seen` bytes long.
    TooLong { seen: usize, limit: usize },
    /// A length-prefixed datagram whose length is not the one it says
    /// (`declared` is `None` when it is too short to say one).
    LengthMismatch {
        declared: Option<usize>,
        received: usize,
    },
    /// An octet-counting header that is not `NONZERO-DIGIT *DIGIT SP`; the
    /// stream cannot be resynchronised after it.
    InvalidLength { header: Vec<u8> },
}

impl fmt::Display for FrameError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooLarge { size, limit } => write!(
                formatter,
                "frame of {size} bytes exceeds the maximum frame size of {limit} bytes"
            ),
            FrameError::TooLong { seen, limit } => write!(
                formatter,
                "record of at least {seen} bytes has no terminator within the maximum of {limit} bytes"
            ),
            FrameError::LengthMismatch { declared, received } => match declared {
                Some(declared) => write!(
                    formatter,
                    "datagram of {received} bytes declares a payload of {declared} bytes"
                ),
                None => write!(formatter, "datagram of {received} bytes is too short for a length"),
            },
            FrameError::InvalidLength { header } => write!(
                formatter,
                "invalid octet count {:?}: expected digits and a space",
                String::from_utf8_lossy(header)
            ),
        }
    }
}

impl std::error::Error for FrameError {}
