//! What leaves the machine: the wire layer shared by every network handler
//! and by the receiver.
//!
//! Three concerns, each in a folder of its own, one file per kind:
//! - `serialize`: what a record becomes on the wire (the standard pickle of
//!   a record's attributes, a MessagePack map, syslog RFC 3164 and 5424,
//!   JSON), each with the decoder that reads it back;
//! - `framing`: how one serialized record is delimited in a byte stream or
//!   a datagram (a 4-byte big-endian length, octet counting, a newline or
//!   NUL terminator, one record per datagram), each with its decoder;
//! - `http`: a minimal HTTP/1.1 client that POSTs batches of JSON lines;
//! - `transport`: where the bytes go (TCP, Unix stream, UDP, Unix datagram,
//!   TLS over TCP) and how a lost connection is made again (backoff with
//!   jitter).
//!
//! A handler picks one of each; none of them knows about the others.

pub mod framing;
pub mod http;
pub mod serialize;
pub mod syslog_socket;
pub mod transport;
