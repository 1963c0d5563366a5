//! The standard pickle of a record: what `SocketHandler` and
//! `DatagramHandler` send and what `logging.makeLogRecord` reads back.
//!
//! `SocketHandler.makePickle` copies the record's `__dict__`, replaces `msg`
//! with the merged message, sets `args` and `exc_info` to `None`, removes
//! `message`, and sends `pickle.dumps(d, 1)` behind a 4-byte big-endian
//! length (`framing::length`). `encode` writes those bytes exactly, for a
//! dict the binding fills in the record's attribute order; `FrameTemplate`
//! keeps one such pickle with its varying values cut out, to write the next
//! record of the same shape by copying; `decode` reads a pickle of any
//! protocol (0 to 5) back as long as it only holds data.

mod decode;
mod encode;
mod literals;
mod opcodes;
mod template;

#[cfg(test)]
mod tests;

use std::fmt;

pub use decode::decode;
pub use encode::{encode, DictWriter};
pub use template::{FrameTemplate, TemplateWriter, Varying};

/// Why a pickle could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickleError {
    /// The input ends inside the opcode at `offset`, or before `STOP`.
    Truncated { offset: usize },
    /// An opcode that would import, call or build an object.
    Refused {
        opcode: &'static str,
        offset: usize,
        detail: String,
    },
    /// A data opcode for a type records do not hold (sets, out-of-band
    /// buffers).
    Unsupported { opcode: &'static str, offset: usize },
    /// A byte that is no pickle opcode.
    UnknownOpcode { opcode: u8, offset: usize },
    /// A known opcode whose arguments or stack make no sense.
    Malformed { offset: usize, reason: String },
    /// The value nests deeper than the decoder or encoder allows.
    TooDeep { limit: usize },
    /// The memo shares containers so much that the value would be far larger
    /// than its pickle.
    TooLarge,
    /// A container that holds itself, which the value model cannot express.
    Recursive,
    /// The pickle's result is a callable, not a value.
    NotData,
}

impl fmt::Display for PickleError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PickleError::Truncated { offset } => {
                write!(formatter, "pickle data was truncated (at offset {offset})")
            }
            PickleError::Refused {
                opcode,
                offset,
                detail,
            } => {
                write!(formatter, "refused opcode {opcode} at offset {offset}")?;
                if !detail.is_empty() {
                    write!(formatter, " ({detail})")?;
                }
                write!(
                    formatter,
                    ": only plain data is decoded, nothing is executed"
                )
            }
            PickleError::Unsupported { opcode, offset } => write!(
                formatter,
                "unsupported opcode {opcode} at offset {offset}: its type is not part of a record"
            ),
            PickleError::UnknownOpcode { opcode, offset } => {
                write!(
                    formatter,
                    "invalid load key {opcode:#04x} at offset {offset}"
                )
            }
            PickleError::Malformed { offset, reason } => {
                write!(formatter, "malformed pickle at offset {offset}: {reason}")
            }
            PickleError::TooDeep { limit } => {
                write!(formatter, "value nests deeper than {limit} levels")
            }
            PickleError::TooLarge => {
                write!(
                    formatter,
                    "shared containers expand beyond the size allowed"
                )
            }
            PickleError::Recursive => write!(formatter, "a container holds itself"),
            PickleError::NotData => write!(formatter, "the pickle's result is not data"),
        }
    }
}

impl std::error::Error for PickleError {}
