//! The femto socket handler's record: a MessagePack map of ten fields,
//! `{logger, level, message, timestamp_ns, filename, line_number,
//! module_path, thread_id, thread_name, key_values}`, in that order.
//!
//! Values are written with the smallest encoding that holds them, as the
//! Python `msgpack` package writes them (`use_bin_type=True`, floats as
//! float64), so `msgpack.unpackb` on the receiving side gives the dict the
//! fields describe, tuples as lists. An integer outside MessagePack's range
//! (below -2^63 or above 2^64 - 1, which `msgpack.packb` refuses) is written
//! as the string of its digits rather than losing the record.

use std::fmt;

use rmp::encode as write;
use rmp::Marker;

use super::value::{BigInt, Text, Value};

/// How deep `key_values` may nest when reading.
pub const MAX_DEPTH: usize = 900;

/// One record as the femto socket handler sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct MsgpackRecord {
    pub logger: String,
    /// The level's name (`"INFO"`).
    pub level: String,
    /// The message with its arguments merged.
    pub message: String,
    /// Nanoseconds since the epoch.
    pub timestamp_ns: i64,
    /// The source file of the call, as the record's `pathname` holds it.
    pub filename: String,
    pub line_number: u32,
    /// The module the call was made from.
    pub module_path: String,
    pub thread_id: u64,
    pub thread_name: String,
    /// The record's extra keys, in insertion order.
    pub key_values: Vec<(Text, Value)>,
}

const FIELDS: [&str; 10] = [
    "logger",
    "level",
    "message",
    "timestamp_ns",
    "filename",
    "line_number",
    "module_path",
    "thread_id",
    "thread_name",
    "key_values",
];

/// The ten keys as `string` writes them, header included: written once per
/// record each, for every record a socket handler sends.
const ENCODED_FIELDS: [&[u8]; 10] = [
    b"\xa6logger",
    b"\xa5level",
    b"\xa7message",
    b"\xactimestamp_ns",
    b"\xa8filename",
    b"\xabline_number",
    b"\xabmodule_path",
    b"\xa9thread_id",
    b"\xabthread_name",
    b"\xaakey_values",
];

/// Why a record could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MsgpackError {
    /// The input ends inside the value that starts at `offset`.
    Truncated { offset: usize },
    /// Bytes that are not the MessagePack this format uses.
    Invalid { offset: usize, reason: String },
    /// One of the ten fields is absent.
    MissingField(&'static str),
    /// A field holds a value of another type.
    WrongType {
        field: &'static str,
        found: &'static str,
    },
    /// A string, byte string, list or map longer than MessagePack can say.
    TooLong { length: usize },
}

impl fmt::Display for MsgpackError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MsgpackError::Truncated { offset } => {
                write!(
                    formatter,
                    "MessagePack data ends inside the value at offset {offset}"
                )
            }
            MsgpackError::Invalid { offset, reason } => {
                write!(
                    formatter,
                    "invalid MessagePack at offset {offset}: {reason}"
                )
            }
            MsgpackError::MissingField(field) => write!(formatter, "record has no {field:?} field"),
            MsgpackError::WrongType { field, found } => {
                write!(formatter, "field {field:?} holds a {found}")
            }
            MsgpackError::TooLong { length } => {
                write!(
                    formatter,
                    "{length} items are more than MessagePack can count"
                )
            }
        }
    }
}

impl std::error::Error for MsgpackError {}

/// A record's ten fields, borrowed: a sender that holds them elsewhere (in
/// Python objects) encodes without copying them into a `MsgpackRecord`.
#[derive(Debug, Clone, Copy)]
pub struct MsgpackFields<'a> {
    pub logger: &'a str,
    pub level: &'a str,
    pub message: &'a str,
    pub timestamp_ns: i64,
    pub filename: &'a str,
    pub line_number: u32,
    pub module_path: &'a str,
    pub thread_id: u64,
    pub thread_name: &'a str,
    pub key_values: &'a [(Text, Value)],
}

impl MsgpackRecord {
    pub fn fields(&self) -> MsgpackFields<'_> {
        MsgpackFields {
            logger: &self.logger,
            level: &self.level,
            message: &self.message,
            timestamp_ns: self.timestamp_ns,
            filename: &self.filename,
            line_number: self.line_number,
            module_path: &self.module_path,
            thread_id: self.thread_id,
            thread_name: &self.thread_name,
            key_values: &self.key_values,
        }
    }
}

/// Appends the record's map to `out`. On error `out` may hold part of it.
pub fn encode(record: &MsgpackRecord, out: &mut Vec<u8>) -> Result<(), MsgpackError> {
    encode_fields(&record.fields(), out)
}

/// `encode` for borrowed fields.
pub fn encode_fields(record: &MsgpackFields<'_>, out: &mut Vec<u8>) -> Result<(), MsgpackError> {
    // The strings, the ten keys and their headers, the numbers: one
    // allocation for a record without key-values.
    let texts = [
        record.logger,
        record.level,
        record.message,
        record.filename,
        record.module_path,
        record.thread_name,
    ];
    out.reserve(texts.iter().map(|text| text.len() + 5).sum::<usize>() + 160);
    let _ = write::write_map_len(out, FIELDS.len() as u32);
    let [logger, level, message, timestamp_ns, filename, line_number, module_path, thread_id, thread_name, key_values] =
        ENCODED_FIELDS;
    out.extend_from_slice(logger);
    string(out, record.logger)?;
    out.extend_from_slice(level);
    string(out, record.level)?;
    out.extend_from_slice(message);
    string(out, record.message)?;
    out.extend_from_slice(timestamp_ns);
    let _ = write::write_sint(out, record.timestamp_ns);
    out.extend_from_slice(filename);
    string(out, record.filename)?;
    out.extend_from_slice(line_number);
    let _ = write::write_uint(out, record.line_number.into());
    out.extend_from_slice(module_path);
    string(out, record.module_path)?;
    out.extend_from_slice(thread_id);
    let _ = write::write_uint(out, record.thread_id);
    out.extend_from_slice(thread_name);
    string(out, record.thread_name)?;
    out.extend_from_slice(key_values);
    map(out, record.key_values)
}

fn length(length: usize) -> Result<u32, MsgpackError> {
    u32::try_from(length).map_err(|_| MsgpackError::TooLong { length })
}

/// A str: the smallest header for its length (fixstr, str8, str16, str32,
/// as `msgpack.packb` picks), then its bytes. Written by hand: this runs ten
/// times per record on the logging call's thread, and going through a
/// `Write` per marker cost more than the copy.
fn string(out: &mut Vec<u8>, text: &str) -> Result<(), MsgpackError> {
    let size = text.len();
    match size {
        0..=31 => out.push(0xa0 | size as u8),
        32..=0xff => out.extend_from_slice(&[0xd9, size as u8]),
        0x100..=0xffff => {
            out.push(0xda);
            out.extend_from_slice(&(size as u16).to_be_bytes());
        }
        _ => {
            out.push(0xdb);
            out.extend_from_slice(&length(size)?.to_be_bytes());
        }
    }
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

fn map(out: &mut Vec<u8>, entries: &[(Text, Value)]) -> Result<(), MsgpackError> {
    let _ = write::write_map_len(out, length(entries.len())?);
    for (key, item) in entries {
        string(out, &key.text)?;
        value(out, item)?;
    }
    Ok(())
}

fn value(out: &mut Vec<u8>, item: &Value) -> Result<(), MsgpackError> {
    match item {
        Value::None => {
            let _ = write::write_nil(out);
        }
        Value::Bool(flag) => {
            let _ = write::write_bool(out, *flag);
        }
        Value::Int(number) => {
            let _ = write::write_sint(out, *number);
        }
        Value::BigInt(number) => match number.to_u64() {
            Some(unsigned) => {
                let _ = write::write_uint(out, unsigned);
            }
            None => string(out, &number.to_string())?,
        },
        Value::Float(number) => {
            let _ = write::write_f64(out, *number);
        }
        Value::Str(text) => string(out, &text.text)?,
        Value::Bytes(bytes) => {
            let _ = write::write_bin_len(out, length(bytes.len())?);
            out.extend_from_slice(bytes);
        }
        Value::Tuple(items) | Value::List(items) => {
            let _ = write::write_array_len(out, length(items.len())?);
            for element in items {
                value(out, element)?;
            }
        }
        Value::Dict(entries) => map(out, entries)?,
    }
    Ok(())
}

/// Reads a record's map. Keys other than the ten are ignored, so a newer
/// sender can add fields; the ten must all be there.
pub fn decode(data: &[u8]) -> Result<MsgpackRecord, MsgpackError> {
    let mut reader = Reader { data, position: 0 };
    let Value::Dict(entries) = reader.value(0)? else {
        return Err(MsgpackError::Invalid {
            offset: 0,
            reason: "a record is a map".into(),
        });
    };
    let field = |name: &'static str| {
        entries
            .iter()
            .find(|(key, _)| key.text == name)
            .map(|(_, item)| item)
            .ok_or(MsgpackError::MissingField(name))
    };
    let text = |name: &'static str| match field(name)? {
        Value::Str(text) => Ok(text.text.clone()),
        other => Err(wrong(name, other)),
    };
    let integer = |name: &'static str| match field(name)? {
        Value::Int(number) => Ok(i128::from(*number)),
        Value::BigInt(number) => number
            .to_u64()
            .map(i128::from)
            .ok_or(wrong(name, &Value::BigInt(number.clone()))),
        other => Err(wrong(name, other)),
    };
    let in_range = |name: &'static str| {
        move |_| MsgpackError::WrongType {
            field: name,
            found: "number out of range",
        }
    };
    Ok(MsgpackRecord {
        logger: text("logger")?,
        level: text("level")?,
        message: text("message")?,
        timestamp_ns: integer("timestamp_ns")?
            .try_into()
            .map_err(in_range("timestamp_ns"))?,
        filename: text("filename")?,
        line_number: integer("line_number")?
            .try_into()
            .map_err(in_range("line_number"))?,
        module_path: text("module_path")?,
        thread_id: integer("thread_id")?
            .try_into()
            .map_err(in_range("thread_id"))?,
        thread_name: text("thread_name")?,
        key_values: match field("key_values")? {
            Value::Dict(entries) => entries.clone(),
            other => return Err(wrong("key_values", other)),
        },
    })
}

fn wrong(field: &'static str, found: &Value) -> MsgpackError {
    MsgpackError::WrongType {
        field,
        found: found.type_name(),
    }
}

struct Reader<'a> {
    data: &'a [u8],
    position: usize,
}

impl Reader<'_> {
    fn take(&mut self, count: usize, offset: usize) -> Result<&[u8], MsgpackError> {
        let end = self
            .position
            .checked_add(count)
            .filter(|end| *end <= self.data.len())
            .ok_or(MsgpackError::Truncated { offset })?;
        let bytes = &self.data[self.position..end];
        self.position = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self, offset: usize) -> Result<[u8; N], MsgpackError> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N, offset)?);
        Ok(array)
    }

    /// A length of 1, 2 or 4 big-endian bytes.
    fn length(&mut self, width: usize, offset: usize) -> Result<usize, MsgpackError> {
        Ok(match width {
            1 => self.take(1, offset)?[0].into(),
            2 => u16::from_be_bytes(self.array(offset)?).into(),
            _ => u32::from_be_bytes(self.array(offset)?) as usize,
        })
    }

    fn value(&mut self, depth: usize) -> Result<Value, MsgpackError> {
        let offset = self.position;
        if depth > MAX_DEPTH {
            return Err(MsgpackError::Invalid {
                offset,
                reason: "nesting too deep".into(),
            });
        }
        let marker = Marker::from_u8(self.take(1, offset)?[0]);
        let invalid = |reason: String| MsgpackError::Invalid { offset, reason };
        Ok(match marker {
            Marker::Null => Value::None,
            Marker::True => Value::Bool(true),
            Marker::False => Value::Bool(false),
            Marker::FixPos(number) => Value::Int(number.into()),
            Marker::FixNeg(number) => Value::Int(number.into()),
            Marker::U8 => Value::Int(self.take(1, offset)?[0].into()),
            Marker::U16 => Value::Int(u16::from_be_bytes(self.array(offset)?).into()),
            Marker::U32 => Value::Int(u32::from_be_bytes(self.array(offset)?).into()),
            Marker::U64 => {
                let number = u64::from_be_bytes(self.array(offset)?);
                let mut bytes = number.to_le_bytes().to_vec();
                bytes.push(0);
                BigInt::from_le_twos_complement(&bytes)
            }
            Marker::I8 => Value::Int((self.take(1, offset)?[0] as i8).into()),
            Marker::I16 => Value::Int(i16::from_be_bytes(self.array(offset)?).into()),
            Marker::I32 => Value::Int(i32::from_be_bytes(self.array(offset)?).into()),
            Marker::I64 => Value::Int(i64::from_be_bytes(self.array(offset)?)),
            Marker::F32 => Value::Float(f32::from_be_bytes(self.array(offset)?).into()),
            Marker::F64 => Value::Float(f64::from_be_bytes(self.array(offset)?)),
            Marker::FixStr(length) => self.text(length.into(), offset)?,
            Marker::Str8 | Marker::Str16 | Marker::Str32 => {
                let width = width(marker);
                let length = self.length(width, offset)?;
                self.text(length, offset)?
            }
            Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => {
                let width = width(marker);
                let length = self.length(width, offset)?;
                Value::Bytes(self.take(length, offset)?.to_vec())
            }
            Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => {
                let count = match marker {
                    Marker::FixArray(count) => count.into(),
                    _ => self.length(width(marker), offset)?,
                };
                // Every item takes a byte at least: a count beyond the input is a lie.
                if count > self.data.len() - self.position {
                    return Err(MsgpackError::Truncated { offset });
                }
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    items.push(self.value(depth + 1)?);
                }
                Value::List(items)
            }
            Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => {
                let count = match marker {
                    Marker::FixMap(count) => count.into(),
                    _ => self.length(width(marker), offset)?,
                };
                if count > (self.data.len() - self.position) / 2 {
                    return Err(MsgpackError::Truncated { offset });
                }
                let mut entries = Vec::with_capacity(count);
                for _ in 0..count {
                    let key_offset = self.position;
                    let Value::Str(key) = self.value(depth + 1)? else {
                        return Err(MsgpackError::Invalid {
                            offset: key_offset,
                            reason: "map keys must be strings".into(),
                        });
                    };
                    entries.push((key, self.value(depth + 1)?));
                }
                Value::Dict(entries)
            }
            Marker::FixExt1
            | Marker::FixExt2
            | Marker::FixExt4
            | Marker::FixExt8
            | Marker::FixExt16
            | Marker::Ext8
            | Marker::Ext16
            | Marker::Ext32 => return Err(invalid("extension types are not supported".into())),
            Marker::Reserved => return Err(invalid("0xc1 is never used".into())),
        })
    }

    fn text(&mut self, length: usize, offset: usize) -> Result<Value, MsgpackError> {
        let bytes = self.take(length, offset)?;
        let text = std::str::from_utf8(bytes).map_err(|_| MsgpackError::Invalid {
            offset,
            reason: "string is not UTF-8".into(),
        })?;
        Ok(Value::str(text))
    }
}

/// The width of the length after a str, bin, array or map marker.
fn width(marker: Marker) -> usize {
    match marker {
        Marker::Str8 | Marker::Bin8 => 1,
        Marker::Str16 | Marker::Bin16 | Marker::Array16 | Marker::Map16 => 2,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::serialize::pickle;
    use crate::wire::serialize::test_support::hex;

    #[test]
    fn the_encoded_keys_are_the_field_names_as_strings() {
        for (field, encoded) in FIELDS.iter().zip(ENCODED_FIELDS) {
            let mut expected = Vec::new();
            string(&mut expected, field).expect("short");
            assert_eq!(encoded, expected.as_slice(), "{field}");
        }
    }

    fn record_from(dict: &Value) -> MsgpackRecord {
        let text = |key| match dict.get(key) {
            Some(Value::Str(text)) => text.text.clone(),
            other => panic!("{key}: {other:?}"),
        };
        let int = |key| match dict.get(key) {
            Some(Value::Int(number)) => *number,
            other => panic!("{key}: {other:?}"),
        };
        let Some(Value::Dict(key_values)) = dict.get("key_values") else {
            panic!("key_values");
        };
        MsgpackRecord {
            logger: text("logger"),
            level: text("level"),
            message: text("message"),
            timestamp_ns: int("timestamp_ns"),
            filename: text("filename"),
            line_number: int("line_number") as u32,
            module_path: text("module_path"),
            thread_id: int("thread_id") as u64,
            thread_name: text("thread_name"),
            key_values: key_values.clone(),
        }
    }

    /// What `msgpack.unpackb` gives: tuples come back as lists.
    fn as_unpacked(value: &Value) -> Value {
        match value {
            Value::Tuple(items) | Value::List(items) => {
                Value::List(items.iter().map(as_unpacked).collect())
            }
            Value::Dict(entries) => Value::Dict(
                entries
                    .iter()
                    .map(|(key, item)| (key.clone(), as_unpacked(item)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// `testdata/msgpack.txt`: the dicts (as pickles) and `msgpack.packb` of them.
    #[test]
    fn the_map_is_byte_for_byte_what_msgpack_packb_writes() {
        let mut count = 0;
        for line in include_str!("testdata/msgpack.txt").lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            let record = record_from(&pickle::decode(&hex(fields[1])).unwrap());
            let expected = hex(fields[2]);
            let mut out = Vec::new();
            encode(&record, &mut out).unwrap();
            assert!(out == expected, "{}", fields[0]);
            let mut unpacked = record.clone();
            unpacked.key_values = match as_unpacked(&Value::Dict(record.key_values)) {
                Value::Dict(entries) => entries,
                _ => unreachable!(),
            };
            assert_eq!(decode(&expected).unwrap(), unpacked, "{}", fields[0]);
            count += 1;
        }
        assert_eq!(count, 4);
    }

    #[test]
    fn a_str_header_is_the_smallest_for_its_length_at_every_boundary() {
        for size in [0, 1, 31, 32, 255, 256, 65_535, 65_536, 70_000] {
            let text = "s".repeat(size);
            let mut ours = Vec::new();
            string(&mut ours, &text).unwrap();
            let mut reference = Vec::new();
            write::write_str_len(&mut reference, size as u32).unwrap();
            reference.extend_from_slice(text.as_bytes());
            assert!(ours == reference, "a str of {size} bytes");
        }
    }

    fn sample() -> MsgpackRecord {
        MsgpackRecord {
            logger: "root".into(),
            level: "INFO".into(),
            message: "m".repeat(70_000),
            timestamp_ns: 1,
            filename: "a.py".into(),
            line_number: 1,
            module_path: "a".into(),
            thread_id: 1,
            thread_name: "t".into(),
            key_values: vec![
                (
                    Text::new("big"),
                    BigInt::parse_decimal("-1180591620717411303424").unwrap(),
                ),
                (Text::new("f32"), Value::Float(0.5)),
            ],
        }
    }

    #[test]
    fn integers_beyond_messagepack_travel_as_their_digits() {
        let mut out = Vec::new();
        encode(&sample(), &mut out).unwrap();
        let decoded = decode(&out).unwrap();
        assert_eq!(decoded.message.len(), 70_000);
        assert_eq!(
            decoded.key_values[0].1,
            Value::str("-1180591620717411303424")
        );
    }

    #[test]
    fn missing_fields_wrong_types_and_hostile_bytes_are_errors() {
        // {"logger": "x"}
        let partial = b"\x81\xa6logger\xa1x";
        assert_eq!(decode(partial), Err(MsgpackError::MissingField("level")));
        let mut out = Vec::new();
        encode(&sample(), &mut out).unwrap();
        for length in 0..out.len().min(200) {
            assert!(decode(&out[..length]).is_err(), "cut at {length}");
        }
        assert!(decode(&out[..out.len() - 1]).is_err());
        assert!(matches!(
            decode(b"\xdd\xff\xff\xff\xff"),
            Err(MsgpackError::Truncated { offset: 0 })
        ));
        assert!(matches!(decode(b"\xc1"), Err(MsgpackError::Invalid { .. })));
        assert!(matches!(
            decode(b"\xd4\x01\x00"),
            Err(MsgpackError::Invalid { .. })
        ));
        let mut deep = vec![0x91u8; 100_000];
        deep.push(0xc0);
        assert!(matches!(decode(&deep), Err(MsgpackError::Invalid { .. })));
        // {"logger": 1, ...}: the wrong type is named.
        let mut wrong_type = Vec::new();
        let _ = write::write_map_len(&mut wrong_type, 1);
        string(&mut wrong_type, "logger").unwrap();
        let _ = write::write_sint(&mut wrong_type, 1);
        assert_eq!(
            decode(&wrong_type),
            Err(MsgpackError::WrongType {
                field: "logger",
                found: "int"
            })
        );
    }
}
