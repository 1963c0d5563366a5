//! What a record becomes on the wire, and how it is read back.
//!
//! One file (or folder) per format, each an encoder that appends to a
//! `Vec<u8>` and a decoder that never panics on what a peer sends:
//! - `pickle`: the standard `SocketHandler`'s `pickle.dumps(d, 1)`;
//! - `msgpack`: `FemtoSocketHandler`'s ten-field map;
//! - `syslog`: RFC 3164 as the standard `SysLogHandler` sends it, and RFC 5424;
//! - `json`: a record as one JSON object.
//!
//! The serializers take the value model of `value` (a record's attributes)
//! or a typed message, and the framers (`wire::framing`) take the bytes they
//! produce, so a handler combines any serializer with any framer.

pub mod json;
pub mod msgpack;
pub mod pickle;
pub mod syslog;
pub mod value;

pub use value::{BigInt, Text, Value};
