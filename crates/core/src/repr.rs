//! `repr()` of plain Python values, as CPython writes it: the text a console
//! line shows for a value, a `KeyError`'s message, the JSON fallback for
//! bytes.
//!
//! What needs Unicode tables stays with the host: whether `repr` of a `str`
//! escapes a non-ASCII character depends on `str.isprintable`, which this
//! crate does not carry (and which changes with the running Python's Unicode
//! version). The host hands such a string over as `ReprValue::Text`, the
//! repr it made itself.

use std::fmt::Write;

use crate::format::float_repr;

/// A Python value whose `repr` the core writes.
#[derive(Debug, Clone, PartialEq)]
pub enum ReprValue {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A `str`. Its repr is exact when the text is ASCII (`python_repr`);
    /// other characters are kept as they are, which is right for every
    /// printable one.
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<ReprValue>),
    Tuple(Vec<ReprValue>),
    /// Entries in the dict's order.
    Dict(Vec<(ReprValue, ReprValue)>),
    /// A repr the host made (an object of another type, an `int` subclass,
    /// a non-ASCII string inside a container).
    Text(String),
}

/// Appends `repr(value)`.
pub fn write_repr(value: &ReprValue, out: &mut String) {
    match value {
        ReprValue::None => out.push_str("None"),
        ReprValue::Bool(true) => out.push_str("True"),
        ReprValue::Bool(false) => out.push_str("False"),
        ReprValue::Int(number) => {
            let _ = write!(out, "{number}");
        }
        ReprValue::Float(number) => float_repr(*number, out),
        ReprValue::Str(text) => write_str_repr(text, out),
        ReprValue::Bytes(bytes) => write_bytes_repr(bytes, out),
        ReprValue::List(items) => {
            out.push('[');
            write_items(items, out);
            out.push(']');
        }
        ReprValue::Tuple(items) => {
            out.push('(');
            write_items(items, out);
            // `(1,)`: a one-item tuple keeps its comma.
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        ReprValue::Dict(entries) => {
            out.push('{');
            for (index, (key, item)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_repr(key, out);
                out.push_str(": ");
                write_repr(item, out);
            }
            out.push('}');
        }
        ReprValue::Text(text) => out.push_str(text),
    }
}

fn write_items(items: &[ReprValue], out: &mut String) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_repr(item, out);
    }
}

/// `repr(text)` exactly as CPython writes it, or `None` when the text has a
/// non-ASCII character (see the module's comment).
pub fn python_repr(text: &str) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    Some(python_repr_lenient(text))
}

/// `repr(text)`, exact for ASCII; other characters are kept as they are,
/// which is what CPython does for every printable one.
pub fn python_repr_lenient(text: &str) -> String {
    let mut repr = String::with_capacity(text.len() + 2);
    write_str_repr(text, &mut repr);
    repr
}

/// Appends `repr(text)`, as `python_repr_lenient` makes it.
pub fn write_str_repr(text: &str, out: &mut String) {
    // CPython prefers single quotes and switches to double quotes only when
    // that avoids escaping: the text has a single quote and no double quote.
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if character == quote => {
                out.push('\\');
                out.push(character);
            }
            _ if (character as u32) < 0x20 || character == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", character as u32);
            }
            _ => out.push(character),
        }
    }
    out.push(quote);
}

/// Appends `repr(b)` of bytes: single quotes unless the bytes hold one and
/// no double quote.
pub fn write_bytes_repr(bytes: &[u8], out: &mut String) {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    out.push('b');
    out.push(quote);
    for byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ if char::from(*byte) == quote => {
                out.push('\\');
                out.push(quote);
            }
            b' '..=b'~' => out.push(char::from(*byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(value: &ReprValue) -> String {
        let mut out = String::new();
        write_repr(value, &mut out);
        out
    }

    #[test]
    fn str_repr_prefers_single_quotes() {
        assert_eq!(python_repr("abc").unwrap(), "'abc'");
        assert_eq!(python_repr("").unwrap(), "''");
    }

    #[test]
    fn str_repr_switches_to_double_quotes_only_to_avoid_escapes() {
        assert_eq!(python_repr("it's").unwrap(), "\"it's\"");
        assert_eq!(python_repr("it's \"x\"").unwrap(), "'it\\'s \"x\"'");
        assert_eq!(python_repr("\"").unwrap(), "'\"'");
    }

    #[test]
    fn str_repr_escapes_control_characters() {
        assert_eq!(
            python_repr("a\tb\nc\rd\\e\x01\x7f").unwrap(),
            "'a\\tb\\nc\\rd\\\\e\\x01\\x7f'"
        );
    }

    #[test]
    fn str_repr_refuses_what_needs_unicode_tables() {
        assert_eq!(python_repr("é"), None);
        assert_eq!(python_repr_lenient("é"), "'é'");
    }

    #[test]
    fn bytes_repr_escapes_what_is_not_printable_ascii() {
        let mut out = String::new();
        write_bytes_repr(b"\x00a'\\\xff", &mut out);
        assert_eq!(out, "b\"\\x00a'\\\\\\xff\"");
    }

    #[test]
    fn containers_are_written_as_python_writes_them() {
        let value = ReprValue::Dict(vec![
            (
                ReprValue::Str("k".into()),
                ReprValue::List(vec![
                    ReprValue::Int(-1),
                    ReprValue::Float(1e16),
                    ReprValue::None,
                    ReprValue::Bool(true),
                ]),
            ),
            (
                ReprValue::Int(2),
                ReprValue::Tuple(vec![ReprValue::Float(0.5)]),
            ),
            (ReprValue::Tuple(vec![]), ReprValue::Text("<object>".into())),
        ]);
        assert_eq!(
            repr(&value),
            "{'k': [-1, 1e+16, None, True], 2: (0.5,), (): <object>}"
        );
        assert_eq!(repr(&ReprValue::Dict(vec![])), "{}");
        assert_eq!(
            repr(&ReprValue::Tuple(vec![
                ReprValue::Int(1),
                ReprValue::Int(2)
            ])),
            "(1, 2)"
        );
    }
}
