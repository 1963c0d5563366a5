//! The `{` style: `fmt.format(**record.__dict__)`.
//!
//! Only fields named by a plain key are rendered here. Positional fields (`{}`, `{0}`),
//! attribute and item access (`{a.b}`, `{a[0]}`), nested specs (`{x:{y}}`), unknown
//! conversions and every syntax error make the template `python_only`, so the host's
//! `str.format` produces the exact output or exception.

use super::field::{FieldKey, FieldValue};
use super::format_spec::FormatSpec;
use super::spec::{Conversion, ConversionSpec};
use super::template::{push_str_of, Applied, TemplateBuilder};

/// Cuts a `{`-style template into literals and fields.
pub(crate) fn compile(source: &str, builder: &mut TemplateBuilder) {
    let bytes = source.as_bytes();
    let mut literal_start = 0;
    let mut cursor = 0;
    while let Some(offset) = source[cursor..].find(['{', '}']) {
        let brace = cursor + offset;
        let doubled = bytes.get(brace + 1) == Some(&bytes[brace]);
        if doubled {
            // `{{` and `}}` stand for one brace.
            builder.literal(&source[literal_start..=brace]);
            cursor = brace + 2;
            literal_start = cursor;
            continue;
        }
        if bytes[brace] == b'}' {
            // "Single '}' encountered in format string"
            builder.requires_host();
            return;
        }
        builder.literal(&source[literal_start..brace]);
        let Some(field) = parse_field(source, brace + 1) else {
            builder.requires_host();
            return;
        };
        builder.field(
            FieldKey::from_name(field.name),
            ConversionSpec::brace(field.format_spec, field.conversion),
        );
        cursor = field.end;
        literal_start = cursor;
    }
    builder.literal(&source[literal_start..]);
}

struct ParsedField<'a> {
    name: &'a str,
    conversion: Option<Conversion>,
    format_spec: &'a str,
    /// Just past the closing brace.
    end: usize,
}

/// Parses `name[!conversion][:spec]}` starting after the opening brace; `None` for
/// anything not rendered natively (see the module documentation).
fn parse_field(source: &str, start: usize) -> Option<ParsedField<'_>> {
    let bytes = source.as_bytes();
    let name_end = start + source[start..].find(['!', ':', '}', '{', '[', '.'])?;
    let name = &source[start..name_end];
    if !is_keyword_name(name) {
        return None;
    }
    let mut cursor = name_end;
    let mut conversion = None;
    if bytes[cursor] == b'!' {
        let character = source[cursor + 1..].chars().next()?;
        conversion = Some(Conversion::from_char(character)?);
        cursor += 1 + character.len_utf8();
        if !matches!(bytes.get(cursor), Some(b':' | b'}')) {
            return None;
        }
    }
    let mut format_spec = "";
    if bytes[cursor] == b':' {
        let spec_start = cursor + 1;
        let spec_end = spec_start + source[spec_start..].find(['{', '}'])?;
        if bytes[spec_end] == b'{' {
            return None;
        }
        format_spec = &source[spec_start..spec_end];
        cursor = spec_end;
    }
    // Also rejects a name that stopped at `{`, `[` or `.`.
    if bytes[cursor] != b'}' {
        return None;
    }
    Some(ParsedField {
        name,
        conversion,
        format_spec,
        end: cursor + 1,
    })
}

/// Whether `str.format` looks this name up in its keyword arguments: it is not empty and
/// not made only of decimal digits. A name with no ASCII character besides digits could
/// be made of Unicode digits (an index for CPython), so it is left to the host.
fn is_keyword_name(name: &str) -> bool {
    name.bytes()
        .any(|byte| byte.is_ascii() && !byte.is_ascii_digit())
}

/// Appends `format(conversion(value), spec)`, or answers `Applied::Host`.
pub(crate) fn render(spec: &ConversionSpec, value: FieldValue<'_>, out: &mut String) -> Applied {
    let Some(format_spec) = spec.format_spec() else {
        return Applied::Host;
    };
    match (spec.conversion(), value) {
        (None, value) => format_spec.apply(value, out),
        (Some(_), FieldValue::Foreign) => Applied::Host,
        // repr() and ascii() of a string need the host's quoting and escaping rules.
        (Some(Conversion::Repr | Conversion::Ascii), FieldValue::Str(_)) => Applied::Host,
        (Some(_), value) if format_spec.is_empty() => {
            push_str_of(value, out);
            Applied::Written
        }
        (Some(_), value) => {
            // For the other native types str(), repr() and ascii() agree.
            let mut text = String::new();
            push_str_of(value, &mut text);
            format_spec.apply_to_text(&text, out)
        }
    }
}

/// Whether a field renders as its value's text with nothing around it (`{name}`).
pub(crate) fn is_plain(spec: &ConversionSpec) -> bool {
    spec.conversion().is_none() && spec.format_spec().is_some_and(FormatSpec::is_empty)
}
