//! A record as one line of JSON, laid out as python-json-logger's
//! `JsonFormatter` lays it out, rendered without the host.
//!
//! The host works out once, from the formatter's settings, which key holds
//! what (`JsonLine`): a constant (a default or static field, already JSON
//! text), one of the record's own fields, or an `extra` value named by the
//! format. Per record the worker fills that layout and adds, in
//! python-json-logger's order, the traceback (`exc_info`), the stack
//! (`stack_info`), the `extra` fields and the timestamp. A key written again
//! keeps its first place and takes the later value, as the `dict` that
//! python-json-logger fills does.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::decimal::{push_integer, push_zero_padded};
use crate::format::FieldKey;
use crate::name_set::NameSet;
use crate::record::Record;
use crate::time::{write_date_time, AscTime, RecordTimes, TimeError};
use crate::wire::serialize::json::{encode_text, write_float, write_string, JsonStyle};
use crate::wire::serialize::value::Value;

/// What one of the layout's fixed keys holds.
#[derive(Debug, Clone)]
pub enum Slot {
    /// A value known in advance, as JSON text.
    Constant(String),
    /// One of the record's own fields (`JsonLine::answers` says which).
    Field(FieldKey),
    /// The `extra` value of this name; `null` when the call gave none.
    Extra(String),
}

/// One of the layout's fixed keys, with its JSON text (quoted and
/// escaped) written once rather than per line.
#[derive(Debug, Clone)]
pub struct FixedKey {
    pub name: String,
    json: String,
    pub slot: Slot,
}

impl FixedKey {
    pub fn new(name: String, slot: Slot, ensure_ascii: bool) -> FixedKey {
        let mut json = String::with_capacity(name.len() + 2);
        let style = JsonStyle {
            ensure_ascii,
            compact: false,
        };
        write_string(&name, style, &mut json);
        FixedKey { name, json, slot }
    }
}

/// The layout of one formatter's lines.
#[derive(Debug)]
pub struct JsonLine {
    /// Keys in order, renamed, each once, their JSON text written with the
    /// layout's `ensure_ascii`.
    pub fixed: Vec<FixedKey>,
    /// The keys of the traceback and the stack, renamed.
    pub exception_key: String,
    pub stack_key: String,
    /// `extra` names that are not written as fields of their own.
    pub skipped: NameSet,
    /// Usually empty, where an ordered map answers without comparing.
    pub renamed: BTreeMap<String, String>,
    /// The key of the UTC timestamp, when there is one.
    pub timestamp_key: Option<String>,
    /// Keys written as `null` at the end when nothing filled them
    /// (`rename_fields_keep_missing`).
    pub keep_missing: Vec<String>,
    pub prefix: String,
    /// `json_ensure_ascii`; the separators are always `", "` and `": "`.
    pub ensure_ascii: bool,
    /// `formatTime`, when a slot holds `asctime`.
    pub asctime: Option<Arc<AscTime>>,
}

/// A record's `extra` fields as a line reads them: in order, each a name
/// and a value that writes itself as JSON. The worker holds them as plain
/// data (`[(String, Value)]`); the binding reads them where they are.
pub trait ExtraFields {
    fn count(&self) -> usize;
    fn name(&self, index: usize) -> &str;
    /// Appends the JSON text of the value at `index`.
    fn write_value(&self, index: usize, style: JsonStyle, out: &mut String);
}

impl ExtraFields for [(String, Value)] {
    fn count(&self) -> usize {
        self.len()
    }

    fn name(&self, index: usize) -> &str {
        &self[index].0
    }

    fn write_value(&self, index: usize, style: JsonStyle, out: &mut String) {
        encode_text(&self[index].1, style, out);
    }
}

/// A value for one key of the line being built.
enum Piece<'a> {
    Json(&'a str),
    Field(&'a FieldKey),
    /// The `extra` value at this index.
    Extra(usize),
    Text(&'a str),
    Timestamp,
    Null,
}

impl JsonLine {
    /// The record fields the worker knows for itself. The others
    /// (`threadName`, `process`, `args`, ...) keep a formatter on the host.
    pub fn answers(key: &FieldKey) -> bool {
        matches!(
            key,
            FieldKey::Name
                | FieldKey::LevelName
                | FieldKey::LevelNo
                | FieldKey::PathName
                | FieldKey::FileName
                | FieldKey::Module
                | FieldKey::LineNo
                | FieldKey::FuncName
                | FieldKey::Created
                | FieldKey::Msecs
                | FieldKey::RelativeCreated
                | FieldKey::Message
                | FieldKey::AscTime
        )
    }

    /// Appends the line for `record` with its `extra` fields (without the
    /// line's end). On error `out` is left as it was.
    pub fn render<Extra: ExtraFields + ?Sized>(
        &self,
        record: &Record,
        extra: &Extra,
        out: &mut String,
    ) -> Result<(), TimeError> {
        let times = record.times();
        // Room for the standard format's 23 characters and most others.
        let mut asctime = String::with_capacity(32);
        if let Some(format) = &self.asctime {
            format.format(times.created, times.msecs, &mut asctime)?;
        }
        let mut pieces: Vec<(Key<'_>, Piece<'_>)> =
            Vec::with_capacity(self.fixed.len() + extra.count() + 3);
        for key in &self.fixed {
            let piece = match &key.slot {
                Slot::Constant(text) => Piece::Json(text),
                Slot::Field(field) => Piece::Field(field),
                Slot::Extra(name) => (0..extra.count())
                    .find(|&index| extra.name(index) == name)
                    .map_or(Piece::Null, Piece::Extra),
            };
            pieces.push((
                Key {
                    name: &key.name,
                    json: Some(&key.json),
                },
                piece,
            ));
        }
        if let Some(text) = record.exception_text().filter(|text| !text.is_empty()) {
            put(&mut pieces, &self.exception_key, Piece::Text(text));
        }
        if let Some(text) = record.stack_info().filter(|text| !text.is_empty()) {
            put(&mut pieces, &self.stack_key, Piece::Text(text));
        }
        for index in 0..extra.count() {
            let name = extra.name(index);
            if name.starts_with('_') || self.skipped.contains(name) {
                continue;
            }
            let key = self.renamed.get(name).map_or(name, String::as_str);
            put(&mut pieces, key, Piece::Extra(index));
        }
        if let Some(key) = &self.timestamp_key {
            put(&mut pieces, key, Piece::Timestamp);
        }
        for key in &self.keep_missing {
            if !pieces.iter().any(|(present, _)| present.name == key) {
                pieces.push((Key::named(key), Piece::Null));
            }
        }

        let style = JsonStyle {
            ensure_ascii: self.ensure_ascii,
            compact: false,
        };
        out.push_str(&self.prefix);
        out.push('{');
        for (index, (key, piece)) in pieces.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            match key.json {
                Some(json) => out.push_str(json),
                None => write_string(key.name, style, out),
            }
            out.push_str(": ");
            match piece {
                Piece::Json(text) => out.push_str(text),
                Piece::Field(field) => write_field(field, record, &times, &asctime, style, out),
                Piece::Extra(index) => extra.write_value(*index, style, out),
                Piece::Text(text) => write_string(text, style, out),
                Piece::Timestamp => {
                    out.push('"');
                    write_utc_isoformat(times.created, out);
                    out.push('"');
                }
                Piece::Null => out.push_str("null"),
            }
        }
        out.push('}');
        Ok(())
    }
}

/// A key of the line being built: its name, and its JSON text when the
/// layout holds it written.
struct Key<'a> {
    name: &'a str,
    json: Option<&'a str>,
}

impl<'a> Key<'a> {
    fn named(name: &'a str) -> Key<'a> {
        Key { name, json: None }
    }
}

/// Sets `key` to `piece`: in its place when it is there, else at the end.
fn put<'a>(pieces: &mut Vec<(Key<'a>, Piece<'a>)>, key: &'a str, piece: Piece<'a>) {
    match pieces.iter_mut().find(|(present, _)| present.name == key) {
        Some(entry) => entry.1 = piece,
        None => pieces.push((Key::named(key), piece)),
    }
}

fn write_field(
    field: &FieldKey,
    record: &Record,
    times: &RecordTimes,
    asctime: &str,
    style: JsonStyle,
    out: &mut String,
) {
    let origin = &*record.origin;
    match field {
        FieldKey::Name => write_string(&origin.logger_name, style, out),
        FieldKey::LevelName => write_string(&origin.level_name, style, out),
        FieldKey::LevelNo => push_integer(out, i64::from(record.level)),
        FieldKey::PathName => write_string(&origin.site.pathname, style, out),
        FieldKey::FileName => write_string(&origin.site.filename, style, out),
        FieldKey::Module => write_string(&origin.site.module, style, out),
        FieldKey::LineNo => push_integer(out, i64::from(record.line)),
        FieldKey::FuncName => write_string(&origin.site.function, style, out),
        FieldKey::Created => write_float(times.created, out),
        FieldKey::Msecs => write_float(times.msecs, out),
        FieldKey::RelativeCreated => write_float(times.relative_created, out),
        FieldKey::Message => write_string(&record.message, style, out),
        FieldKey::AscTime => write_string(asctime, style, out),
        // Never in a layout: `answers` refuses them.
        _ => out.push_str("null"),
    }
}

thread_local! {
    /// The date and time text of the second last written by this thread:
    /// a busy logger writes the same second hundreds of times over.
    static LAST_SECOND: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
}

/// `datetime.fromtimestamp(created, tz=timezone.utc).isoformat()`: the
/// microseconds rounded half to even from the float, as `datetime` rounds
/// them, and left out when zero.
pub fn write_utc_isoformat(created: f64, out: &mut String) {
    let whole = created.trunc();
    let mut seconds = whole as i64;
    let mut micros = ((created - whole) * 1e6).round_ties_even() as i64;
    if micros >= 1_000_000 {
        micros -= 1_000_000;
        seconds += 1;
    } else if micros < 0 {
        micros += 1_000_000;
        seconds -= 1;
    }
    LAST_SECOND.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != seconds {
            last.1.clear();
            write_date_time(seconds, &mut last.1);
            last.0 = seconds;
        }
        out.push_str(&last.1);
    });
    if micros != 0 {
        out.push('.');
        push_zero_padded(out, micros.unsigned_abs(), 6);
    }
    out.push_str("+00:00");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(created: f64) -> String {
        let mut out = String::new();
        write_utc_isoformat(created, &mut out);
        out
    }

    #[test]
    fn timestamps_read_as_datetime_isoformat_gives_them() {
        // Values checked against datetime.fromtimestamp(x, tz=timezone.utc).isoformat().
        assert_eq!(iso(0.0), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            iso(1_796_429_287.768446),
            "2026-12-05T00:08:07.768446+00:00"
        );
        assert_eq!(iso(951_782_400.5), "2000-02-29T00:00:00.500000+00:00");
        assert_eq!(iso(-1.25), "1969-12-31T23:59:58.750000+00:00");
        assert_eq!(iso(4_102_444_799.9999996), "2100-01-01T00:00:00+00:00");
    }
}
