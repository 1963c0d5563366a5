//! The `%` style: `fmt % record.__dict__`.
//!
//! With a mapping on the right, CPython's `%` operator only accepts directives with a key,
//! `%(name)s`; the rest (a bare `%s` formats the whole mapping, `*` widths consume
//! positional arguments that do not exist, malformed directives raise) is left to the host
//! by marking the template `python_only`.

use std::fmt::Write;

use super::error::RenderError;
use super::field::{FieldKey, FieldValue};
use super::float::{write_float, FloatFormat, FloatPresentation};
use super::format_spec::LARGEST_WIDTH;
use super::integer::{push_truncated_float_digits, Digits};
use super::padding::{push_padded, push_repeated, truncate_code_points, Align};
use super::scratch::Scratch;
use super::spec::{ConversionSpec, Flags};
use super::template::{Applied, TemplateBuilder};

/// One `%` directive, without its mapping key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PercentSpec {
    pub flags: Flags,
    /// Zero when absent, as in CPython.
    pub width: usize,
    pub precision: Option<usize>,
    /// One of `s r a c d i u o x X e E f F g G`.
    pub type_char: char,
}

impl PercentSpec {
    /// `%s` without width or precision: the overwhelmingly common directive.
    pub(crate) fn is_plain_string(&self) -> bool {
        self.type_char == 's' && self.width == 0 && self.precision.is_none()
    }
}

const CONVERSION_TYPES: &str = "sracdiuoxXeEfFgG";

/// Cuts a `%`-style template into literals and fields.
pub(crate) fn compile(source: &str, builder: &mut TemplateBuilder) {
    let complete = scan(source, |piece| {
        match piece {
            Scanned::Literal(text) => builder.literal(text),
            Scanned::Field {
                key: Some(key),
                spec,
            } => builder.field(
                FieldKey::from_name(key),
                ConversionSpec::percent(&host_text(&spec), spec),
            ),
            // A directive without a key would format the whole record dictionary.
            Scanned::Field { key: None, .. } => return Ok(false),
        }
        Ok::<bool, std::convert::Infallible>(true)
    });
    if !matches!(complete, Ok(true)) {
        builder.requires_host();
    }
}

/// What the host needs to apply a directive itself: no key, no length modifier (CPython
/// ignores it anyway).
fn host_text(spec: &PercentSpec) -> String {
    let mut text = String::from("%");
    push_flags(&mut text, &spec.flags);
    if spec.width > 0 {
        let _ = write!(text, "{}", spec.width);
    }
    if let Some(precision) = spec.precision {
        let _ = write!(text, ".{precision}");
    }
    text.push(spec.type_char);
    text
}

enum Directive<'a> {
    /// `%%`
    Escape(usize),
    Field {
        /// `None` for a positional directive (`%s`).
        key: Option<&'a str>,
        spec: PercentSpec,
        end: usize,
    },
    Unsupported,
}

/// Parses what follows a `%` the way `PyUnicode_Format` does.
fn parse_directive(source: &str, start: usize) -> Directive<'_> {
    let bytes = source.as_bytes();
    let mut cursor = start;
    let mut key = None;
    match bytes.get(cursor) {
        Some(b'%') => return Directive::Escape(cursor + 1),
        Some(b'(') => {
            // The key runs to the parenthesis that balances the opening one.
            let key_start = cursor + 1;
            let mut depth = 0usize;
            loop {
                match bytes.get(cursor) {
                    Some(b'(') => depth += 1,
                    Some(b')') => depth -= 1,
                    Some(_) => {}
                    None => return Directive::Unsupported,
                }
                cursor += 1;
                if depth == 0 {
                    break;
                }
            }
            key = Some(&source[key_start..cursor - 1]);
        }
        _ => {}
    }
    let mut flags = Flags::default();
    loop {
        match bytes.get(cursor) {
            Some(b'-') => flags.left_align = true,
            Some(b'+') => flags.plus_sign = true,
            Some(b' ') => flags.space_sign = true,
            Some(b'#') => flags.alternate = true,
            Some(b'0') => flags.zero_pad = true,
            _ => break,
        }
        cursor += 1;
    }
    let Some(width) = parse_count(bytes, &mut cursor) else {
        return Directive::Unsupported;
    };
    let mut precision = None;
    if bytes.get(cursor) == Some(&b'.') {
        cursor += 1;
        // `%.f` means precision zero.
        let Some(value) = parse_count(bytes, &mut cursor) else {
            return Directive::Unsupported;
        };
        precision = Some(value);
    }
    if matches!(bytes.get(cursor), Some(b'h' | b'l' | b'L')) {
        cursor += 1;
    }
    let Some(type_char) = source[cursor..].chars().next() else {
        return Directive::Unsupported;
    };
    if !CONVERSION_TYPES.contains(type_char) {
        return Directive::Unsupported;
    }
    Directive::Field {
        key,
        spec: PercentSpec {
            flags,
            width,
            precision,
            type_char,
        },
        end: cursor + type_char.len_utf8(),
    }
}

/// Reads a decimal count; `None` for `*` (taken from positional arguments there are not)
/// and for counts too large to render here.
fn parse_count(bytes: &[u8], cursor: &mut usize) -> Option<usize> {
    if bytes.get(*cursor) == Some(&b'*') {
        return None;
    }
    let mut count = 0usize;
    while let Some(digit) = bytes.get(*cursor).filter(|byte| byte.is_ascii_digit()) {
        count = count * 10 + usize::from(digit - b'0');
        if count > LARGEST_WIDTH {
            return None;
        }
        *cursor += 1;
    }
    Some(count)
}

fn push_flags(text: &mut String, flags: &Flags) {
    for (present, character) in [
        (flags.left_align, '-'),
        (flags.plus_sign, '+'),
        (flags.space_sign, ' '),
        (flags.alternate, '#'),
        (flags.zero_pad, '0'),
    ] {
        if present {
            text.push(character);
        }
    }
}

/// A `%` template applied to a tuple of values, as `Formatter.default_msec_format` is
/// (`"%s,%03d" % (text, msecs)`), or a message logged again and again (`msg % args`).
#[derive(Debug, Clone, PartialEq)]
pub struct PositionalTemplate {
    pieces: Vec<PositionalPiece>,
}

#[derive(Debug, Clone, PartialEq)]
enum PositionalPiece {
    Literal(Box<str>),
    /// A conversion, and whether it is a bare `%s`, `%d`, `%i` or `%u`
    /// (no flag, width or precision): most messages use only those.
    Conversion(PercentSpec, bool),
}

impl PercentSpec {
    fn is_bare(&self) -> bool {
        self.flags == Flags::default()
            && self.width == 0
            && self.precision.is_none()
            && matches!(self.type_char, 's' | 'd' | 'i' | 'u')
    }
}

/// A bare conversion of a string or an integer, appended without the
/// general path's padding and scratch buffers; false for anything else.
fn push_bare(type_char: char, value: FieldValue<'_>, out: &mut String) -> bool {
    match (type_char, value) {
        ('s', FieldValue::Str(text)) => out.push_str(text),
        (_, FieldValue::Int(number)) => {
            let mut digits = [0u8; 20];
            let mut start = digits.len();
            let mut magnitude = number.unsigned_abs();
            loop {
                start -= 1;
                digits[start] = b'0' + (magnitude % 10) as u8;
                magnitude /= 10;
                if magnitude == 0 {
                    break;
                }
            }
            if number < 0 {
                out.push('-');
            }
            out.extend(digits[start..].iter().map(|&digit| char::from(digit)));
        }
        _ => return false,
    }
    true
}

/// The byte offset of the next `%`: a plain byte scan, cheaper than `str::find`'s
/// searcher on the short messages it runs over.
fn find_percent(text: &str) -> Option<usize> {
    text.bytes().position(|byte| byte == b'%')
}

/// One step of a `%` template: literal text (`%%` arrives as `"%"`) or a
/// directive, with its mapping key if it has one.
enum Scanned<'a> {
    Literal(&'a str),
    Field {
        key: Option<&'a str>,
        spec: PercentSpec,
    },
}

/// Walks a `%` template in order, handing each piece to `visit`, which returns
/// false to stop. False when `visit` stopped or a directive is one the host's
/// `%` operator must run (`*`, a length modifier, malformed).
fn scan<'a, E>(
    source: &'a str,
    mut visit: impl FnMut(Scanned<'a>) -> Result<bool, E>,
) -> Result<bool, E> {
    let mut literal_start = 0;
    while let Some(offset) = find_percent(&source[literal_start..]) {
        let percent = literal_start + offset;
        if percent > literal_start && !visit(Scanned::Literal(&source[literal_start..percent]))? {
            return Ok(false);
        }
        let (piece, end) = match parse_directive(source, percent + 1) {
            Directive::Escape(end) => (Scanned::Literal("%"), end),
            Directive::Field { key, spec, end } => (Scanned::Field { key, spec }, end),
            Directive::Unsupported => return Ok(false),
        };
        if !visit(piece)? {
            return Ok(false);
        }
        literal_start = end;
    }
    if literal_start < source.len() && !visit(Scanned::Literal(&source[literal_start..]))? {
        return Ok(false);
    }
    Ok(true)
}

impl PositionalTemplate {
    /// `None` when the template uses mapping keys, `*`, or is malformed: the host's `%`
    /// operator must then run it (and raise what it raises).
    pub fn compile(source: &str) -> Option<PositionalTemplate> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let complete = scan(source, |piece| {
            match piece {
                Scanned::Literal(text) => literal.push_str(text),
                Scanned::Field { key: None, spec } => {
                    if !literal.is_empty() {
                        let text = std::mem::take(&mut literal);
                        pieces.push(PositionalPiece::Literal(text.into()));
                    }
                    pieces.push(PositionalPiece::Conversion(spec, spec.is_bare()));
                }
                // A mapping key: `msg % args` with a dict, left to the host.
                Scanned::Field { key: Some(_), .. } => return Ok(false),
            }
            Ok::<bool, std::convert::Infallible>(true)
        });
        if !matches!(complete, Ok(true)) {
            return None;
        }
        if !literal.is_empty() {
            pieces.push(PositionalPiece::Literal(literal.into()));
        }
        Some(PositionalTemplate { pieces })
    }

    /// The conversions, in order: one per value.
    pub(crate) fn conversions(&self) -> impl Iterator<Item = &PercentSpec> {
        self.pieces.iter().filter_map(|piece| match piece {
            PositionalPiece::Conversion(spec, _) => Some(spec),
            PositionalPiece::Literal(_) => None,
        })
    }

    /// `render_positional` with the template compiled: the same answers, without
    /// scanning the source again.
    pub fn render_all(
        &self,
        values: &[FieldValue<'_>],
        out: &mut String,
    ) -> Result<bool, RenderError> {
        let conversions = self
            .pieces
            .iter()
            .filter(|piece| matches!(piece, PositionalPiece::Conversion(..)))
            .count();
        if conversions != values.len() {
            return Ok(false);
        }
        let original_length = out.len();
        let result = self.render(values, out);
        if !matches!(result, Ok(Applied::Written)) {
            out.truncate(original_length);
        }
        result.map(|applied| applied == Applied::Written)
    }

    /// Appends `template % values`; the caller passes exactly one value per conversion.
    pub(crate) fn render(
        &self,
        values: &[FieldValue<'_>],
        out: &mut String,
    ) -> Result<Applied, RenderError> {
        let mut values = values.iter();
        for piece in &self.pieces {
            match piece {
                PositionalPiece::Literal(text) => out.push_str(text),
                PositionalPiece::Conversion(spec, bare) => {
                    let Some(value) = values.next() else {
                        return Ok(Applied::Host);
                    };
                    if *bare && push_bare(spec.type_char, *value, out) {
                        continue;
                    }
                    if render(spec, *value, out)? == Applied::Host {
                        return Ok(Applied::Host);
                    }
                }
            }
        }
        Ok(Applied::Written)
    }
}

/// `source % values` in one pass, without compiling: what `LogRecord.getMessage` does with
/// `msg % args` for a message logged once and never seen again.
///
/// Returns `Ok(false)` (with `out` as it was) when the host must do it: a mapping key, `*`,
/// a conversion this crate leaves to the host, or a count of values that does not match
/// (the host raises CPython's `TypeError`). A `RenderError` is CPython's error for a value
/// of the wrong type.
pub fn render_positional(
    source: &str,
    values: &[FieldValue<'_>],
    out: &mut String,
) -> Result<bool, RenderError> {
    let original_length = out.len();
    let result = render_positional_into(source, values, out);
    if !matches!(result, Ok(true)) {
        out.truncate(original_length);
    }
    result
}

fn render_positional_into(
    source: &str,
    values: &[FieldValue<'_>],
    out: &mut String,
) -> Result<bool, RenderError> {
    let mut values = values.iter();
    let complete = scan(source, |piece| match piece {
        Scanned::Literal(text) => {
            out.push_str(text);
            Ok(true)
        }
        Scanned::Field { key: None, spec } => match values.next() {
            Some(value) => Ok(render(&spec, *value, out)? == Applied::Written),
            None => Ok(false),
        },
        Scanned::Field { key: Some(_), .. } => Ok(false),
    })?;
    Ok(complete && values.next().is_none())
}

/// The Python type name CPython's messages use for a value.
fn type_name(value: &FieldValue<'_>) -> &'static str {
    match value {
        FieldValue::Str(_) => "str",
        FieldValue::Int(_) => "int",
        FieldValue::Float(_) => "float",
        FieldValue::Bool(_) => "bool",
        FieldValue::None => "NoneType",
        FieldValue::Foreign => "object",
    }
}

/// Appends `spec % (value,)`, or answers `Applied::Host`.
pub(crate) fn render(
    spec: &PercentSpec,
    value: FieldValue<'_>,
    out: &mut String,
) -> Result<Applied, RenderError> {
    if let FieldValue::Foreign = value {
        return Ok(Applied::Host);
    }
    match spec.type_char {
        's' | 'r' | 'a' => Ok(render_text(spec, value, out)),
        'd' | 'i' | 'u' => render_decimal(spec, value, out),
        'o' | 'x' | 'X' => render_radix(spec, value, out),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => render_float(spec, value, out),
        _ => Ok(Applied::Host),
    }
}

fn render_text(spec: &PercentSpec, value: FieldValue<'_>, out: &mut String) -> Applied {
    let mut scratch = Scratch::new();
    let text = match value {
        FieldValue::Str(text) if spec.type_char == 's' => text,
        // repr() and ascii() of a string need the host's quoting and escaping rules.
        FieldValue::Str(_) | FieldValue::Foreign => return Applied::Host,
        // For these types str(), repr() and ascii() agree.
        FieldValue::Int(number) => {
            let _ = write!(scratch, "{number}");
            scratch.as_str()
        }
        FieldValue::Float(number) => {
            let format = FloatFormat::new(FloatPresentation::Repr, 0);
            let mut body = Scratch::new();
            if write_float(number, &format, &mut body) {
                let _ = scratch.write_char('-');
            }
            let _ = scratch.write_str(body.as_str());
            scratch.as_str()
        }
        FieldValue::Bool(flag) => {
            if flag {
                "True"
            } else {
                "False"
            }
        }
        FieldValue::None => "None",
    };
    let text = truncate_code_points(text, spec.precision);
    let align = if spec.flags.left_align {
        Align::Left
    } else {
        Align::Right
    };
    push_padded(out, text, spec.width, ' ', align);
    Applied::Written
}

fn render_decimal(
    spec: &PercentSpec,
    value: FieldValue<'_>,
    out: &mut String,
) -> Result<Applied, RenderError> {
    let number = match value {
        FieldValue::Int(number) => number,
        FieldValue::Bool(flag) => i64::from(flag),
        FieldValue::Float(number) => {
            // `%d` goes through int(), which refuses what has no integer value.
            if number.is_nan() {
                return Err(RenderError::InvalidValue(
                    "cannot convert float NaN to integer".to_owned(),
                ));
            }
            if number.is_infinite() {
                return Err(RenderError::Overflow(
                    "cannot convert float infinity to integer".to_owned(),
                ));
            }
            // int() drops the sign of a float that truncates to zero.
            let negative = number <= -1.0;
            let magnitude = number.abs().trunc();
            if magnitude < 18_446_744_073_709_551_616.0 {
                // Exact below 2**64, and no allocation for the usual `%(msecs)03d`.
                let digits = Digits::new(magnitude as u64, 10, false);
                push_integer(spec, negative, digits.as_str(), "", out);
            } else {
                let mut digits = String::new();
                push_truncated_float_digits(number, &mut digits);
                push_integer(spec, negative, &digits, "", out);
            }
            return Ok(Applied::Written);
        }
        other => {
            return Err(RenderError::TypeMismatch(format!(
                "%{} format: a real number is required, not {}",
                spec.type_char,
                type_name(&other)
            )))
        }
    };
    let digits = Digits::new(number.unsigned_abs(), 10, false);
    push_integer(spec, number < 0, digits.as_str(), "", out);
    Ok(Applied::Written)
}

fn render_radix(
    spec: &PercentSpec,
    value: FieldValue<'_>,
    out: &mut String,
) -> Result<Applied, RenderError> {
    let number = match value {
        FieldValue::Int(number) => number,
        FieldValue::Bool(flag) => i64::from(flag),
        other => {
            return Err(RenderError::TypeMismatch(format!(
                "%{} format: an integer is required, not {}",
                spec.type_char,
                type_name(&other)
            )))
        }
    };
    let (radix, uppercase, prefix) = match spec.type_char {
        'o' => (8, false, "0o"),
        'x' => (16, false, "0x"),
        _ => (16, true, "0X"),
    };
    let digits = Digits::new(number.unsigned_abs(), radix, uppercase);
    let prefix = if spec.flags.alternate { prefix } else { "" };
    push_integer(spec, number < 0, digits.as_str(), prefix, out);
    Ok(Applied::Written)
}

/// Sign, prefix, then the digits widened with zeros to the precision; padding goes before
/// (spaces), after (`-`) or between prefix and digits (`0`).
fn push_integer(spec: &PercentSpec, negative: bool, digits: &str, prefix: &str, out: &mut String) {
    let sign = sign_for(&spec.flags, negative);
    let precision_zeros = spec.precision.unwrap_or(0).saturating_sub(digits.len());
    let length = usize::from(sign.is_some()) + prefix.len() + precision_zeros + digits.len();
    let padding = spec.width.saturating_sub(length);
    let flags = spec.flags;
    if !flags.left_align && !flags.zero_pad {
        push_repeated(out, ' ', padding);
    }
    if let Some(sign) = sign {
        out.push(sign);
    }
    out.push_str(prefix);
    if !flags.left_align && flags.zero_pad {
        push_repeated(out, '0', padding);
    }
    push_repeated(out, '0', precision_zeros);
    out.push_str(digits);
    if flags.left_align {
        push_repeated(out, ' ', padding);
    }
}

fn render_float(
    spec: &PercentSpec,
    value: FieldValue<'_>,
    out: &mut String,
) -> Result<Applied, RenderError> {
    let number = match value {
        FieldValue::Float(number) => number,
        // float() of an int is correctly rounded, as is Rust's conversion.
        FieldValue::Int(number) => number as f64,
        FieldValue::Bool(flag) => f64::from(u8::from(flag)),
        other => {
            return Err(RenderError::TypeMismatch(format!(
                "must be real number, not {}",
                type_name(&other)
            )))
        }
    };
    let presentation = match spec.type_char {
        'e' | 'E' => FloatPresentation::Exponent,
        'f' | 'F' => FloatPresentation::Fixed,
        _ => FloatPresentation::General,
    };
    let format = FloatFormat {
        presentation,
        precision: spec.precision.unwrap_or(6),
        uppercase: spec.type_char.is_ascii_uppercase(),
        alternate: spec.flags.alternate,
        add_dot_zero: false,
        no_negative_zero: false,
    };
    let mut body = Scratch::new();
    let negative = write_float(number, &format, &mut body);
    let body = body.as_str();
    let sign = sign_for(&spec.flags, negative);
    let length = usize::from(sign.is_some()) + body.len();
    let padding = spec.width.saturating_sub(length);
    let flags = spec.flags;
    if !flags.left_align && !flags.zero_pad {
        push_repeated(out, ' ', padding);
    }
    if let Some(sign) = sign {
        out.push(sign);
    }
    if !flags.left_align && flags.zero_pad {
        push_repeated(out, '0', padding);
    }
    out.push_str(body);
    if flags.left_align {
        push_repeated(out, ' ', padding);
    }
    Ok(Applied::Written)
}

fn sign_for(flags: &Flags, negative: bool) -> Option<char> {
    if negative {
        Some('-')
    } else if flags.plus_sign {
        Some('+')
    } else if flags.space_sign {
        Some(' ')
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positional(source: &str, values: &[FieldValue<'_>]) -> Option<String> {
        let template = PositionalTemplate::compile(source)?;
        let mut out = String::new();
        match template.render(values, &mut out) {
            Ok(Applied::Written) => Some(out),
            _ => None,
        }
    }

    #[test]
    fn positional_templates_render_tuples() {
        // "%s,%03d" % ("12:00:00", 7.9) in CPython.
        let values = [FieldValue::Str("12:00:00"), FieldValue::Float(7.9)];
        assert_eq!(positional("%s,%03d", &values).unwrap(), "12:00:00,007");
        assert_eq!(
            positional("[%s] %5.1f%%", &values).unwrap(),
            "[12:00:00]   7.9%"
        );
        let template = PositionalTemplate::compile("%-5s|%x").unwrap();
        let types: Vec<char> = template.conversions().map(|spec| spec.type_char).collect();
        assert_eq!(types, ['s', 'x']);
    }

    #[test]
    fn bare_conversions_match_the_general_path() {
        // Expected values are `source % (value,)` in CPython.
        let cases: [(&str, FieldValue<'_>, &str); 9] = [
            ("%s", FieldValue::Str("é/x"), "é/x"),
            ("%s", FieldValue::Int(-120), "-120"),
            ("%d", FieldValue::Int(i64::MIN), "-9223372036854775808"),
            ("%i", FieldValue::Int(0), "0"),
            ("%u", FieldValue::Int(7), "7"),
            ("%d", FieldValue::Bool(true), "1"),
            ("%d", FieldValue::Float(-1.5), "-1"),
            ("%s", FieldValue::Float(2.0), "2.0"),
            ("%5d|%-3s|", FieldValue::Int(42), "   42|   |"),
        ];
        for (source, value, expected) in cases {
            let values = [value, FieldValue::Str("")];
            let values = &values[..PositionalTemplate::compile(source)
                .unwrap()
                .conversions()
                .count()];
            assert_eq!(positional(source, values).unwrap(), expected, "{source}");
            let mut out = String::new();
            assert!(render_positional(source, values, &mut out).unwrap());
            assert_eq!(out, expected, "{source} in one pass");
        }
    }

    #[test]
    fn one_pass_positional_matches_python() {
        // Expected values are `source % values` in CPython.
        let render = |source: &str, values: &[FieldValue<'_>]| {
            let mut out = String::from("kept:");
            let done = render_positional(source, values, &mut out).unwrap();
            (done, out)
        };
        let values = [FieldValue::Str("/api/items"), FieldValue::Int(42)];
        assert_eq!(
            render("request %s took %d ms", &values),
            (true, "kept:request /api/items took 42 ms".to_owned())
        );
        assert_eq!(
            render(
                "%-4s|%5.1f%%|%s",
                &[
                    FieldValue::Bool(true),
                    FieldValue::Float(2.25),
                    FieldValue::None
                ]
            ),
            (true, "kept:True|  2.2%|None".to_owned())
        );
        // Too few or too many values, mapping keys and stars are the host's
        // (which raises); `out` is left as it was.
        for (source, count) in [("%s %s", 1), ("%s", 2), ("%(a)s", 1), ("%*d", 2), ("%", 1)] {
            assert_eq!(
                render(source, &values[..count]),
                (false, "kept:".to_owned()),
                "{source}"
            );
        }
        let mut out = String::new();
        assert!(matches!(
            render_positional("%d", &[FieldValue::Str("x")], &mut out),
            Err(RenderError::TypeMismatch(_))
        ));
        assert!(out.is_empty());
    }

    #[test]
    fn positional_templates_refuse_keys_and_stars() {
        for source in ["%(a)s", "%*d", "%.*f", "%", "%y", "%s %(a)s"] {
            assert!(PositionalTemplate::compile(source).is_none(), "{source}");
        }
    }

    #[test]
    fn host_text_drops_the_key_and_length_modifier() {
        let Directive::Field { key, spec, .. } = parse_directive("%(a b)-+ #012.5ld", 1) else {
            panic!("not a field");
        };
        assert_eq!(key, Some("a b"));
        assert_eq!(host_text(&spec), "%-+ #012.5d");
    }

    #[test]
    fn plain_string_directives_are_recognised() {
        let Directive::Field { spec, .. } = parse_directive("%(a)s", 1) else {
            panic!("not a field");
        };
        assert!(spec.is_plain_string());
        let Directive::Field { spec, .. } = parse_directive("%(a)5s", 1) else {
            panic!("not a field");
        };
        assert!(!spec.is_plain_string());
    }
}
