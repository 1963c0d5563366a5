//! One interface over the formats, so a handler holds a `Box<dyn
//! Serializer>` and a `Box<dyn Framer>` chosen apart from each other.
//!
//! A serializer reads what it needs from a `RecordSource`: the standard
//! attribute dict for pickle and JSON, a few typed fields for MessagePack,
//! the formatted line and the level for syslog.

use std::fmt;

use super::json::{self, JsonStyle};
use super::msgpack::{self, MsgpackError, MsgpackRecord};
use super::pickle::{self, PickleError};
use super::syslog::{self, rfc3164, rfc5424, Rfc5424Message, Timestamp};
use super::value::{Text, Value};

/// A record as the serializers see it. The binding implements it over a
/// Python record, the femto worker over its own records.
pub trait RecordSource {
    /// The record's attributes as `SocketHandler.makePickle` prepares them:
    /// a copy of `__dict__` with `msg` merged, `args` and `exc_info` `None`,
    /// no `message`, in the record's attribute order.
    fn attributes(&self) -> Value;
    fn logger_name(&self) -> &str;
    fn level_name(&self) -> &str;
    /// The message with its arguments merged (`getMessage()`).
    fn message(&self) -> &str;
    /// What the handler's formatter made of the record (`format(record)`),
    /// the text syslog sends.
    fn formatted(&self) -> &str;
    /// Nanoseconds since the epoch.
    fn created_ns(&self) -> i64;
    fn pathname(&self) -> &str;
    fn line_number(&self) -> u32;
    fn module(&self) -> &str;
    fn thread_id(&self) -> u64;
    fn thread_name(&self) -> &str;
    fn process_id(&self) -> Option<u32>;
    /// The keys the caller added (`extra`), in order.
    fn key_values(&self) -> Vec<(Text, Value)>;
}

/// Turns one record into the bytes of one frame's payload.
pub trait Serializer: Send + Sync {
    /// Appends the record to `out`; on error `out` may hold part of it and
    /// the caller truncates it back.
    fn serialize(&self, record: &dyn RecordSource, out: &mut Vec<u8>)
        -> Result<(), SerializeError>;
}

/// Why a record could not be serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerializeError {
    Pickle(PickleError),
    Msgpack(MsgpackError),
}

impl fmt::Display for SerializeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SerializeError::Pickle(error) => write!(formatter, "cannot pickle the record: {error}"),
            SerializeError::Msgpack(error) => {
                write!(
                    formatter,
                    "cannot encode the record as MessagePack: {error}"
                )
            }
        }
    }
}

impl std::error::Error for SerializeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SerializeError::Pickle(error) => Some(error),
            SerializeError::Msgpack(error) => Some(error),
        }
    }
}

impl From<PickleError> for SerializeError {
    fn from(error: PickleError) -> SerializeError {
        SerializeError::Pickle(error)
    }
}

impl From<MsgpackError> for SerializeError {
    fn from(error: MsgpackError) -> SerializeError {
        SerializeError::Msgpack(error)
    }
}

/// The standard `SocketHandler`'s payload: `pickle.dumps(attributes, 1)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PickleSerializer;

impl Serializer for PickleSerializer {
    fn serialize(
        &self,
        record: &dyn RecordSource,
        out: &mut Vec<u8>,
    ) -> Result<(), SerializeError> {
        Ok(pickle::encode(&record.attributes(), out)?)
    }
}

/// The attributes as one JSON object.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonSerializer {
    pub style: JsonStyle,
}

impl Serializer for JsonSerializer {
    fn serialize(
        &self,
        record: &dyn RecordSource,
        out: &mut Vec<u8>,
    ) -> Result<(), SerializeError> {
        json::encode(&record.attributes(), self.style, out);
        Ok(())
    }
}

/// The femto socket handler's ten-field map.
#[derive(Debug, Clone, Copy, Default)]
pub struct MsgpackSerializer;

impl Serializer for MsgpackSerializer {
    fn serialize(
        &self,
        record: &dyn RecordSource,
        out: &mut Vec<u8>,
    ) -> Result<(), SerializeError> {
        let map = MsgpackRecord {
            logger: record.logger_name().to_owned(),
            level: record.level_name().to_owned(),
            message: record.message().to_owned(),
            timestamp_ns: record.created_ns(),
            filename: record.pathname().to_owned(),
            line_number: record.line_number(),
            module_path: record.module().to_owned(),
            thread_id: record.thread_id(),
            thread_name: record.thread_name().to_owned(),
            key_values: record.key_values(),
        };
        Ok(msgpack::encode(&map, out)?)
    }
}

/// The standard `SysLogHandler`'s message.
#[derive(Debug, Clone)]
pub struct Rfc3164Serializer {
    /// The facility code (`LOG_USER` by default, as the standard handler).
    pub facility: u32,
    /// Put before the formatted record (`SysLogHandler.ident`).
    pub ident: String,
    /// End with a NUL (`SysLogHandler.append_nul`, true by default).
    pub append_nul: bool,
}

impl Default for Rfc3164Serializer {
    fn default() -> Rfc3164Serializer {
        Rfc3164Serializer {
            facility: syslog::LOG_USER,
            ident: String::new(),
            append_nul: true,
        }
    }
}

impl Serializer for Rfc3164Serializer {
    fn serialize(
        &self,
        record: &dyn RecordSource,
        out: &mut Vec<u8>,
    ) -> Result<(), SerializeError> {
        let priority = syslog::record_priority(self.facility, record.level_name());
        rfc3164::encode(
            priority,
            &self.ident,
            record.formatted(),
            self.append_nul,
            out,
        );
        Ok(())
    }
}

/// An RFC 5424 message: the record's time in UTC, the process id as PROCID
/// unless one is given, the formatted record as MSG.
#[derive(Debug, Clone)]
pub struct Rfc5424Serializer {
    /// The facility code, `LOG_USER` unless set, as for RFC 3164.
    pub facility: u32,
    pub hostname: Option<String>,
    pub app_name: Option<String>,
    pub procid: Option<String>,
    pub msgid: Option<String>,
    /// Mark the MSG as UTF-8 with a BOM (RFC 5424 section 6.4).
    pub bom: bool,
}

impl Default for Rfc5424Serializer {
    fn default() -> Rfc5424Serializer {
        Rfc5424Serializer {
            facility: syslog::LOG_USER,
            hostname: None,
            app_name: None,
            procid: None,
            msgid: None,
            bom: false,
        }
    }
}

impl Serializer for Rfc5424Serializer {
    fn serialize(
        &self,
        record: &dyn RecordSource,
        out: &mut Vec<u8>,
    ) -> Result<(), SerializeError> {
        let message = Rfc5424Message {
            priority: syslog::record_priority(self.facility, record.level_name()),
            timestamp: Some(Timestamp::utc(record.created_ns())),
            hostname: self.hostname.clone(),
            app_name: self.app_name.clone(),
            procid: self
                .procid
                .clone()
                .or_else(|| record.process_id().map(|id| id.to_string())),
            msgid: self.msgid.clone(),
            structured_data: Vec::new(),
            message: Some(record.formatted().to_owned()),
            bom: self.bom,
        };
        rfc5424::encode(&message, out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::framing::{
        Datagram, Framer, LengthPrefix, OctetCounting, Terminated, Terminator,
    };

    struct Sample;

    impl RecordSource for Sample {
        fn attributes(&self) -> Value {
            Value::Dict(vec![
                (Text::new("name"), Value::str("app")),
                (Text::new("msg"), Value::str("hello wörld")),
                (Text::new("levelname"), Value::str("ERROR")),
                (Text::new("created"), Value::Float(1733333333.123456)),
            ])
        }
        fn logger_name(&self) -> &str {
            "app"
        }
        fn level_name(&self) -> &str {
            "ERROR"
        }
        fn message(&self) -> &str {
            "hello wörld"
        }
        fn formatted(&self) -> &str {
            "ERROR:app:hello wörld"
        }
        fn created_ns(&self) -> i64 {
            1_733_333_333_123_456_000
        }
        fn pathname(&self) -> &str {
            "/srv/app.py"
        }
        fn line_number(&self) -> u32 {
            7
        }
        fn module(&self) -> &str {
            "app"
        }
        fn thread_id(&self) -> u64 {
            42
        }
        fn thread_name(&self) -> &str {
            "MainThread"
        }
        fn process_id(&self) -> Option<u32> {
            Some(4242)
        }
        fn key_values(&self) -> Vec<(Text, Value)> {
            vec![(Text::new("user"), Value::str("alice"))]
        }
    }

    /// Serializes, frames, splits the stream into 3-byte reads and decodes.
    fn through(serializer: &dyn Serializer, framer: &dyn Framer) -> Vec<u8> {
        through_pieces(serializer, framer, 3)
    }

    fn through_pieces(serializer: &dyn Serializer, framer: &dyn Framer, piece: usize) -> Vec<u8> {
        let mut payload = Vec::new();
        serializer.serialize(&Sample, &mut payload).unwrap();
        let mut stream = Vec::new();
        for _ in 0..2 {
            framer.encode(&payload, &mut stream).unwrap();
        }
        let mut decoder = framer.decoder();
        let mut frames = Vec::new();
        for chunk in stream.chunks(piece) {
            decoder.feed(chunk);
            while let Some(frame) = decoder.next_frame().unwrap() {
                frames.push(frame);
            }
        }
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0], payload);
        frames.swap_remove(0)
    }

    /// Framers for binary payloads; text ones may also go through a
    /// terminator, which a binary payload can hold.
    fn stream_framers(text: bool) -> Vec<Box<dyn Framer>> {
        let mut framers: Vec<Box<dyn Framer>> = vec![
            Box::new(LengthPrefix::default()),
            Box::new(OctetCounting::default()),
        ];
        if text {
            framers.push(Box::new(Terminated::new(Terminator::Newline)));
        }
        framers
    }

    #[test]
    fn any_serializer_goes_through_any_framer_that_fits_its_payload() {
        for framer in stream_framers(false) {
            let payload = through(&PickleSerializer, framer.as_ref());
            assert_eq!(pickle::decode(&payload).unwrap(), Sample.attributes());

            let payload = through(&MsgpackSerializer, framer.as_ref());
            let map = msgpack::decode(&payload).unwrap();
            assert_eq!((map.line_number, map.thread_id), (7, 42));
            assert_eq!(map.key_values, Sample.key_values());
        }
        for framer in stream_framers(true) {
            let payload = through(&JsonSerializer::default(), framer.as_ref());
            assert_eq!(json::decode(&payload).unwrap(), Sample.attributes());

            let payload = through(&Rfc5424Serializer::default(), framer.as_ref());
            let message = rfc5424::decode(&payload).unwrap();
            // user.err, as the standard handler maps ERROR.
            assert_eq!(message.priority, 11);
            assert_eq!(message.procid.as_deref(), Some("4242"));
            assert_eq!(message.timestamp.unwrap().unix_ns, Sample.created_ns());
        }
        let syslog = Rfc3164Serializer {
            ident: "app: ".into(),
            ..Rfc3164Serializer::default()
        };
        // A datagram decoder is fed whole datagrams, not pieces of a stream.
        let mut payload = Vec::new();
        syslog.serialize(&Sample, &mut payload).unwrap();
        let payload = through_pieces(&syslog, &Datagram::default(), payload.len());
        assert_eq!(payload, "<11>app: ERROR:app:hello wörld\0".as_bytes());
        let read = rfc3164::decode(&payload).unwrap();
        assert_eq!(read.message, "app: ERROR:app:hello wörld");
        // The standard handler's NUL, as a stream terminator over TCP.
        let syslog = Rfc3164Serializer {
            append_nul: false,
            ..Rfc3164Serializer::default()
        };
        let payload = through(&syslog, &Terminated::new(Terminator::Nul));
        assert_eq!(payload, "<11>ERROR:app:hello wörld".as_bytes());
    }

    #[test]
    fn errors_name_their_format() {
        let error = SerializeError::from(PickleError::TooDeep { limit: 900 });
        assert!(error.to_string().starts_with("cannot pickle the record"));
        assert!(std::error::Error::source(&error).is_some());
    }
}
