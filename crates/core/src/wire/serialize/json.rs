//! A record as one JSON object, written as Python's `json.dumps` writes it,
//! and read back as `json.loads` reads it.
//!
//! Writing follows `json.dumps(value, ensure_ascii=..., separators=...)`
//! with the standard defaults otherwise: floats as `repr()` does
//! (`1e+16`, `0.1`), `NaN`, `Infinity` and `-Infinity` for the non-finite
//! ones (`allow_nan=True`), integers of any size in decimal, tuples as
//! arrays. `bytes`, which `json.dumps` refuses, is written as the string
//! `repr(b)`, what `json.dumps(..., default=repr)` gives.
//!
//! Reading accepts what `json.loads` accepts (including `NaN` and the
//! infinities) and gives integers without a fraction or exponent as `int`,
//! the rest as `float`; a key seen twice keeps its first place and its last
//! value, as a `dict` built from the pairs does.

use std::fmt::{self, Write};

use super::value::{BigInt, Text, Value};
use crate::decimal::push_integer;
use crate::format::float_repr;
use crate::repr::write_bytes_repr;

/// How deep arrays and objects may nest when reading, against stack exhaustion.
pub const MAX_DEPTH: usize = 900;

/// The options of `json.dumps` that change the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStyle {
    /// `ensure_ascii`: every non-ASCII character (and DEL) as `\uXXXX`.
    pub ensure_ascii: bool,
    /// `separators=(",", ":")` instead of the default `(", ", ": ")`.
    pub compact: bool,
}

impl Default for JsonStyle {
    /// One record per line for a collector: compact, UTF-8 kept as it is.
    fn default() -> JsonStyle {
        JsonStyle {
            ensure_ascii: false,
            compact: true,
        }
    }
}

/// Appends the JSON text of `value` to `out`.
pub fn encode(value: &Value, style: JsonStyle, out: &mut Vec<u8>) {
    let mut text = String::new();
    write_value(value, style, &mut text);
    out.extend_from_slice(text.as_bytes());
}

/// Appends the JSON text of `value` to a string (a line to be, say).
pub fn encode_text(value: &Value, style: JsonStyle, out: &mut String) {
    write_value(value, style, out);
}

fn write_value(value: &Value, style: JsonStyle, out: &mut String) {
    let (item_separator, key_separator) = if style.compact {
        (",", ":")
    } else {
        (", ", ": ")
    };
    match value {
        Value::None => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(number) => push_integer(out, *number),
        Value::BigInt(number) => {
            let _ = write!(out, "{number}");
        }
        Value::Float(number) => write_float(*number, out),
        Value::Str(text) => write_string(&text.text, style, out),
        Value::Bytes(bytes) => {
            let mut repr = String::with_capacity(bytes.len() + 3);
            write_bytes_repr(bytes, &mut repr);
            write_string(&repr, style, out);
        }
        Value::Tuple(items) | Value::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(item_separator);
                }
                write_value(item, style, out);
            }
            out.push(']');
        }
        Value::Dict(entries) => {
            out.push('{');
            for (index, (key, item)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push_str(item_separator);
                }
                write_string(&key.text, style, out);
                out.push_str(key_separator);
                write_value(item, style, out);
            }
            out.push('}');
        }
    }
}

/// A float as `json.dumps` writes it: `repr()` for the finite ones, `NaN`,
/// `Infinity` and `-Infinity` for the others (`allow_nan=True`).
pub fn write_float(number: f64, out: &mut String) {
    if number.is_nan() {
        out.push_str("NaN");
    } else if number.is_infinite() {
        out.push_str(if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        });
    } else {
        float_repr(number, out);
    }
}

/// A string in quotes, escaped as `json.dumps` escapes it: the two-letter
/// escapes where JSON has them, other control characters as `\u00XX`, and
/// with `ensure_ascii` everything outside printable ASCII as UTF-16 units.
pub fn write_string(text: &str, style: JsonStyle, out: &mut String) {
    out.reserve(text.len() + 2);
    out.push('"');
    // Bytes written as they are go in runs, one copy each. The scan is by
    // byte: every byte to escape is ASCII or, with `ensure_ascii`, the first
    // byte of a character (the scan steps over whole characters there).
    let bytes = text.as_bytes();
    let mut run_start = 0;
    let mut index = 0;
    while index < bytes.len() {
        index += plain_prefix(&bytes[index..], style.ensure_ascii);
        // Then byte by byte, through the word that stopped the scan (or the
        // last few bytes), up to the byte to escape.
        let word_end = (index + 8).min(bytes.len());
        while index < word_end && written_as_is(bytes[index], style.ensure_ascii) {
            index += 1;
        }
        if index == word_end {
            continue;
        }
        let Some(character) = text[index..].chars().next() else {
            break;
        };
        out.push_str(&text[run_start..index]);
        index += character.len_utf8();
        run_start = index;
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\0'..='\u{1f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(character));
            }
            _ => {
                let mut units = [0u16; 2];
                for unit in character.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push_str(&text[run_start..]);
    out.push('"');
}

/// Whether `byte` goes into a JSON string as it is: with `ensure_ascii`,
/// printable ASCII only; without, anything but a quote, a backslash and the
/// control characters (the bytes of a non-ASCII character included).
fn written_as_is(byte: u8, ensure_ascii: bool) -> bool {
    match byte {
        b'"' | b'\\' | 0..=0x1f => false,
        b' '..=b'~' => true,
        _ => !ensure_ascii,
    }
}

/// How many bytes at the start of `bytes` are written as they are, found
/// eight at a time: a line is mostly text that needs no escaping, and a
/// byte-by-byte scan of it costs more than the rest of writing it.
fn plain_prefix(bytes: &[u8], ensure_ascii: bool) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of the result is set where `word` has a
    // zero byte (and possibly above one: the chunk is then rescanned by
    // byte, so a false alarm only costs time).
    let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let mut scanned = 0;
    for chunk in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let mut stops = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')))
            // Below 0x20: the byte minus 0x20 borrows into its high bit
            // (a byte of 0x80 or more has its high bit set already and is
            // told apart below).
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
        if ensure_ascii {
            stops |= (word & HIGHS) | zero_bytes(word ^ (ONES * 0x7f));
        }
        if stops != 0 {
            break;
        }
        scanned += 8;
    }
    scanned
}

/// Why a JSON text could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub reason: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} at offset {}", self.reason, self.offset)
    }
}

impl std::error::Error for JsonError {}

/// Reads one JSON value that fills `data`, surrounding whitespace aside.
pub fn decode(data: &[u8]) -> Result<Value, JsonError> {
    let mut reader = Reader { data, position: 0 };
    reader.whitespace();
    let value = reader.value(0)?;
    reader.whitespace();
    if reader.position != data.len() {
        return Err(reader.error("extra data"));
    }
    Ok(value)
}

struct Reader<'a> {
    data: &'a [u8],
    position: usize,
}

impl Reader<'_> {
    fn error(&self, reason: &'static str) -> JsonError {
        JsonError {
            offset: self.position,
            reason,
        }
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.position += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.position).copied()
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        if self.data[self.position..].starts_with(word.as_bytes()) {
            self.position += word.len();
            Ok(value)
        } else {
            Err(self.error("expecting value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Value::str(self.string()?)),
            Some(b'n') => self.literal("null", Value::None),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'N') => self.literal("NaN", Value::Float(f64::NAN)),
            Some(b'I') => self.literal("Infinity", Value::Float(f64::INFINITY)),
            Some(b'-') if self.data[self.position..].starts_with(b"-Infinity") => {
                self.literal("-Infinity", Value::Float(f64::NEG_INFINITY))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error("expecting value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.position += 1;
        let mut entries: Vec<(Text, Value)> = Vec::new();
        let mut positions: std::collections::HashMap<String, usize> = Default::default();
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.position += 1;
            return Ok(Value::Dict(entries));
        }
        loop {
            self.whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expecting property name enclosed in double quotes"));
            }
            let key = self.string()?;
            self.whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("expecting ':' delimiter"));
            }
            self.position += 1;
            self.whitespace();
            let item = self.value(depth + 1)?;
            match positions.get(&key) {
                Some(index) => entries[*index].1 = item,
                None => {
                    positions.insert(key.clone(), entries.len());
                    entries.push((Text::new(key), item));
                }
            }
            self.whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b'}') => {
                    self.position += 1;
                    return Ok(Value::Dict(entries));
                }
                _ => return Err(self.error("expecting ',' delimiter")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.position += 1;
        let mut items = Vec::new();
        self.whitespace();
        if self.peek() == Some(b']') {
            self.position += 1;
            return Ok(Value::List(items));
        }
        loop {
            self.whitespace();
            items.push(self.value(depth + 1)?);
            self.whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b']') => {
                    self.position += 1;
                    return Ok(Value::List(items));
                }
                _ => return Err(self.error("expecting ',' delimiter")),
            }
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.position;
        let digits = |reader: &mut Reader| {
            let from = reader.position;
            while let Some(b'0'..=b'9') = reader.peek() {
                reader.position += 1;
            }
            reader.position - from
        };
        if self.peek() == Some(b'-') {
            self.position += 1;
        }
        let integer_start = self.position;
        let integer_digits = digits(self);
        if integer_digits == 0 {
            return Err(self.error("expecting value"));
        }
        // `01` is `0` followed by extra data, as json.loads sees it.
        if integer_digits > 1 && self.data[integer_start] == b'0' {
            self.position = integer_start + 1;
        }
        let mut is_float = false;
        if self.peek() == Some(b'.')
            && self
                .data
                .get(self.position + 1)
                .is_some_and(u8::is_ascii_digit)
        {
            self.position += 1;
            digits(self);
            is_float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            let mark = self.position;
            self.position += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.position += 1;
            }
            if digits(self) == 0 {
                self.position = mark;
            } else {
                is_float = true;
            }
        }
        // The slice is ASCII digits and signs.
        let text = std::str::from_utf8(&self.data[start..self.position]).unwrap_or("");
        if is_float {
            text.parse()
                .map(Value::Float)
                .map_err(|_| self.error("invalid number"))
        } else {
            BigInt::parse_decimal(text).ok_or_else(|| self.error("invalid number"))
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.position += 1;
        let mut out = String::new();
        loop {
            let run_start = self.position;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.position += 1;
            }
            let run =
                std::str::from_utf8(&self.data[run_start..self.position]).map_err(|error| {
                    JsonError {
                        offset: run_start + error.valid_up_to(),
                        reason: "invalid UTF-8",
                    }
                })?;
            out.push_str(run);
            match self.peek() {
                Some(b'"') => {
                    self.position += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.position += 1;
                    let escaped = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated string"))?;
                    self.position += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => {
                            self.position -= 2;
                            return Err(self.error("invalid \\escape"));
                        }
                    }
                }
                Some(_) => return Err(self.error("invalid control character")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    /// After `\u`: four hex digits, and a second escape for a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        if (0xd800..0xdc00).contains(&first) && self.data[self.position..].starts_with(b"\\u") {
            let mark = self.position;
            self.position += 2;
            let second = self.hex4()?;
            if (0xdc00..0xe000).contains(&second) {
                let code = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
                return char::from_u32(code).ok_or_else(|| self.error("invalid \\uXXXX escape"));
            }
            self.position = mark;
        }
        // Python would keep a lone surrogate; a Rust string cannot hold one.
        char::from_u32(first).ok_or_else(|| self.error("lone surrogate in \\uXXXX escape"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .data
            .get(self.position..self.position + 4)
            .and_then(|digits| std::str::from_utf8(digits).ok())
            .filter(|digits| digits.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\uXXXX escape"))?;
        self.position += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\uXXXX escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::serialize::pickle;

    /// `write_string` as one character at a time would write it.
    fn escaped_by_character(text: &str, ensure_ascii: bool) -> String {
        let mut out = String::from('"');
        for character in text.chars() {
            match character {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '\0'..='\u{1f}' => out.push_str(&format!("\\u{:04x}", u32::from(character))),
                ' '..='~' => out.push(character),
                _ if !ensure_ascii => out.push(character),
                _ => {
                    for unit in character.encode_utf16(&mut [0; 2]) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn every_character_is_escaped_at_every_place_in_a_word() {
        let specials = [
            '\0', '\u{1}', '\u{8}', '\t', '\n', '\u{c}', '\r', '\u{1f}', ' ', '!', '"', '#', '/',
            '\\', '~', '\u{7f}', '\u{80}', '\u{ff}', 'é', '\u{2028}', '日', '\u{ffff}', '😀',
        ];
        for ensure_ascii in [true, false] {
            let style = JsonStyle {
                ensure_ascii,
                compact: false,
            };
            for special in specials {
                for before in 0..17 {
                    for after in [0, 1, 7, 8, 9] {
                        let text = format!("{}{special}{}", "a".repeat(before), "b".repeat(after));
                        let mut out = String::new();
                        write_string(&text, style, &mut out);
                        assert_eq!(out, escaped_by_character(&text, ensure_ascii), "{text:?}");
                    }
                }
            }
        }
    }
    use crate::wire::serialize::test_support::hex;

    fn dumps(value: &Value, style: JsonStyle) -> String {
        let mut out = Vec::new();
        encode(value, style, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// `testdata/json.txt`: values (as pickles) and what `json.dumps` wrote.
    #[test]
    fn the_text_is_what_json_dumps_writes_and_reads_back() {
        let mut count = 0;
        for line in include_str!("testdata/json.txt").lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            let style = JsonStyle {
                ensure_ascii: fields[1] == "1",
                compact: fields[2] == "1",
            };
            let value = pickle::decode(&hex(fields[3])).unwrap();
            let expected = fields[4];
            assert_eq!(dumps(&value, style), expected, "{} {style:?}", fields[0]);
            let read = decode(expected.as_bytes()).unwrap();
            assert_eq!(dumps(&read, style), expected, "{} read back", fields[0]);
            count += 1;
        }
        assert_eq!(count, 24);
    }

    #[test]
    fn reading_follows_json_loads() {
        assert_eq!(
            decode(br#" {"a": 1, "b": [2.5, -0, 1e2, 12345678901234567890123], "a": "\u00e9\ud83d\ude00"} "#)
                .unwrap(),
            Value::Dict(vec![
                (Text::new("a"), Value::str("é😀")),
                (
                    Text::new("b"),
                    Value::List(vec![
                        Value::Float(2.5),
                        Value::Int(0),
                        Value::Float(100.0),
                        BigInt::parse_decimal("12345678901234567890123").unwrap(),
                    ])
                ),
            ])
        );
        assert_eq!(
            decode(b"-Infinity").unwrap(),
            Value::Float(f64::NEG_INFINITY)
        );
        assert_eq!(decode("\"é\\/\"".as_bytes()).unwrap(), Value::str("é/"));
    }

    #[test]
    fn malformed_text_is_an_error_with_its_offset() {
        let cases: &[(&[u8], usize)] = &[
            (b"", 0),
            (b"01", 1),
            (b"[1,]", 3),
            (b"{\"a\" 1}", 5),
            (b"{'a': 1}", 1),
            (b"\"tab\there\"", 4),
            (b"\"\\x\"", 1),
            (b"\"\\ud800\"", 7),
            (b"\"open", 5),
            (b"[1] [2]", 4),
            (b"1.", 1),
            (b"nul", 0),
            (b"\"\xff\"", 1),
        ];
        for (text, offset) in cases {
            let error = decode(text).unwrap_err();
            assert_eq!(
                error.offset,
                *offset,
                "{:?}: {error}",
                String::from_utf8_lossy(text)
            );
        }
        let deep = "[".repeat(100_000);
        assert_eq!(
            decode(deep.as_bytes()).unwrap_err().reason,
            "nesting too deep"
        );
    }
}
