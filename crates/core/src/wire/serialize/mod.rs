//! What a record becomes on the wire, and how it is read back.
//!
//! One file (or folder) per format, each an encoder that appends to a
//! `Vec<u8>` and a decoder that never panics on what a peer sends:
//! - `pickle`: the standard `SocketHandler`'s `pickle.dumps(d, 1)`;
//! - `msgpack`: `FemtoSocketHandler`'s ten-field map;
//! - `syslog`: RFC 3164 as the standard `SysLogHandler` sends it, and RFC 5424;
//! - `json`: a record as one JSON object.
//!
//! Each format has typed functions over the value model of `value` (a
//! record's attributes) or a message struct of its own; `serializer` puts
//! one `Serializer` trait over them, reading a `RecordSource`, and the
//! framers (`wire::framing`) take the bytes they produce, so a handler
//! combines any serializer with any framer.

pub mod attributes;
pub mod json;
pub mod msgpack;
pub mod pickle;
pub mod serializer;
pub mod syslog;
pub mod value;

#[cfg(test)]
mod mutation_tests;
#[cfg(test)]
mod test_support;

pub use attributes::{standard_attributes, RecordContext};
pub use serializer::{
    JsonSerializer, MsgpackSerializer, PickleSerializer, RecordSource, Rfc3164Serializer,
    Rfc5424Serializer, SerializeError, Serializer,
};
pub use value::{BigInt, Text, Value};
