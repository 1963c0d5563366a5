//! The format-spec mini-language of `format()` and `str.format`, for the value types a
//! record holds natively.
//!
//! Anything CPython would reject, and anything locale-dependent (`n`) or needing the
//! host's repr (`c`), is left to the host: `apply` answers `Applied::Host` and the host's
//! own `format()` produces the exact output or the exact exception.

use std::fmt::Write;

use super::field::FieldValue;
use super::float::{write_float, FloatFormat, FloatPresentation};
use super::integer::Digits;
use super::padding::{
    push_number, push_padded, truncate_code_points, Align, Grouping, NumberParts,
};
use super::scratch::Scratch;
use super::template::Applied;

/// Widths and precisions above this are left to the host: CPython would allocate the
/// result (or raise MemoryError), and such specs only appear in tests of limits.
pub(crate) const LARGEST_WIDTH: usize = 1_000_000;

/// `[[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]`, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FormatSpec {
    /// The explicit fill character (a `0` option fills with zeros when this is `None`).
    pub fill: Option<char>,
    pub align: Option<Align>,
    /// `+`, `-` or a space.
    pub sign: Option<char>,
    /// `z` (Python 3.11+): negative zero is written without its sign.
    pub no_negative_zero: bool,
    /// `#`
    pub alternate: bool,
    /// The `0` option (only recognised when no fill character is given).
    pub zero_pad: bool,
    pub width: Option<usize>,
    /// `,` or `_`.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    /// The presentation type (`s`, `d`, `x`, `f`, ...).
    pub type_char: Option<char>,
}

fn is_align(character: char) -> bool {
    matches!(character, '<' | '>' | '^' | '=')
}

impl FormatSpec {
    /// Parses a spec the way CPython's `format()` does; `None` for a spec CPython rejects
    /// whatever the value (or one with a width beyond `LARGEST_WIDTH`).
    pub fn parse(text: &str) -> Option<FormatSpec> {
        let mut spec = FormatSpec::default();
        let mut characters = text.chars().peekable();
        let mut lookahead = text.chars();
        let first = lookahead.next();
        let second = lookahead.next();
        match (first, second) {
            (Some(fill), Some(align)) if is_align(align) => {
                spec.fill = Some(fill);
                spec.align = Align::from_char(align);
                characters.next();
                characters.next();
            }
            (Some(align), _) if is_align(align) => {
                spec.align = Align::from_char(align);
                characters.next();
            }
            _ => {}
        }
        if let Some(sign) = characters.next_if(|character| matches!(character, '+' | '-' | ' ')) {
            spec.sign = Some(sign);
        }
        spec.no_negative_zero = characters.next_if_eq(&'z').is_some();
        spec.alternate = characters.next_if_eq(&'#').is_some();
        if spec.fill.is_none() {
            spec.zero_pad = characters.next_if_eq(&'0').is_some();
        }
        spec.width = parse_number(&mut characters)?;
        if let Some(separator) = characters.next_if(|character| matches!(character, ',' | '_')) {
            spec.grouping = Some(separator);
            if characters
                .next_if(|character| matches!(character, ',' | '_'))
                .is_some()
            {
                return None;
            }
        }
        if characters.next_if_eq(&'.').is_some() {
            spec.precision = Some(parse_number(&mut characters)??);
        }
        spec.type_char = characters.next();
        if characters.next().is_some() {
            return None;
        }
        Some(spec)
    }

    /// Whether the spec was empty: `format(value, '')` is `str(value)` for every type.
    pub fn is_empty(&self) -> bool {
        *self == FormatSpec::default()
    }

    /// Appends `format(value, spec)`, or answers `Applied::Host`.
    pub(crate) fn apply(&self, value: FieldValue<'_>, out: &mut String) -> Applied {
        match value {
            FieldValue::Str(text) => self.apply_to_text(text, out),
            FieldValue::Int(number) => self.apply_to_integer(number, out),
            FieldValue::Bool(flag) if self.is_empty() => {
                out.push_str(if flag { "True" } else { "False" });
                Applied::Written
            }
            // bool has no __format__ of its own: int's formats it as 0 or 1.
            FieldValue::Bool(flag) => self.apply_to_integer(i64::from(flag), out),
            FieldValue::Float(number) => self.apply_to_float(number, out),
            FieldValue::None if self.is_empty() => {
                out.push_str("None");
                Applied::Written
            }
            FieldValue::None | FieldValue::Foreign => Applied::Host,
        }
    }

    pub(crate) fn apply_to_text(&self, text: &str, out: &mut String) -> Applied {
        let acceptable = matches!(self.type_char, None | Some('s'))
            && self.sign.is_none()
            && !self.no_negative_zero
            && !self.alternate
            && self.grouping.is_none()
            && self.align != Some(Align::AfterSign);
        if !acceptable {
            return Applied::Host;
        }
        let text = truncate_code_points(text, self.precision);
        let fill = self.fill_character();
        // Since Python 3.10 the `0` option pads strings with zeros but keeps them left-aligned.
        let align = self.align.unwrap_or(Align::Left);
        push_padded(out, text, self.width.unwrap_or(0), fill, align);
        Applied::Written
    }

    fn apply_to_integer(&self, number: i64, out: &mut String) -> Applied {
        if self.is_empty() {
            if number < 0 {
                out.push('-');
            }
            out.push_str(Digits::new(number.unsigned_abs(), 10, false).as_str());
            return Applied::Written;
        }
        let (radix, uppercase, prefix, group_size) = match self.type_char {
            None | Some('d') => (10, false, "", 3),
            Some('b') => (2, false, "0b", 4),
            Some('o') => (8, false, "0o", 4),
            Some('x') => (16, false, "0x", 4),
            Some('X') => (16, true, "0X", 4),
            Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => {
                // int.__format__ hands float presentations to float.__format__.
                return self.apply_to_float(number as f64, out);
            }
            _ => return Applied::Host,
        };
        let grouping_allowed = match self.grouping {
            None => true,
            Some(',') => radix == 10,
            Some(_) => true,
        };
        if self.precision.is_some() || self.no_negative_zero || !grouping_allowed {
            return Applied::Host;
        }
        let digits = Digits::new(number.unsigned_abs(), radix, uppercase);
        let parts = NumberParts {
            sign: self.sign_for(number < 0),
            prefix: if self.alternate { prefix } else { "" },
            digits: digits.as_str(),
            remainder: "",
        };
        self.push_number(out, &parts, group_size);
        Applied::Written
    }

    fn apply_to_float(&self, number: f64, out: &mut String) -> Applied {
        if self.is_empty() {
            write_float(number, &FloatFormat::new(FloatPresentation::Repr, 0), out);
            return Applied::Written;
        }
        let (presentation, uppercase, percent) = match self.type_char {
            None if self.precision.is_some() => (FloatPresentation::General, false, false),
            None => (FloatPresentation::Repr, false, false),
            Some('e') => (FloatPresentation::Exponent, false, false),
            Some('E') => (FloatPresentation::Exponent, true, false),
            Some('f') => (FloatPresentation::Fixed, false, false),
            Some('F') => (FloatPresentation::Fixed, true, false),
            Some('g') => (FloatPresentation::General, false, false),
            Some('G') => (FloatPresentation::General, true, false),
            Some('%') => (FloatPresentation::Fixed, false, true),
            _ => return Applied::Host,
        };
        let format = FloatFormat {
            presentation,
            precision: self.precision.unwrap_or(6),
            uppercase,
            alternate: self.alternate,
            add_dot_zero: self.type_char.is_none(),
            no_negative_zero: self.no_negative_zero,
        };
        let mut scratch = Scratch::new();
        let scaled = if percent { number * 100.0 } else { number };
        let negative = write_float(scaled, &format, &mut scratch);
        if percent {
            let _ = scratch.write_char('%');
        }
        let body = scratch.as_str();
        let digit_count = body.bytes().take_while(u8::is_ascii_digit).count();
        let parts = NumberParts {
            sign: self.sign_for(negative),
            prefix: "",
            digits: &body[..digit_count],
            remainder: &body[digit_count..],
        };
        self.push_number(out, &parts, 3);
        Applied::Written
    }

    fn push_number(&self, out: &mut String, parts: &NumberParts<'_>, group_size: usize) {
        let align = match self.align {
            Some(align) => align,
            None if self.zero_pad => Align::AfterSign,
            None => Align::Right,
        };
        let grouping = self.grouping.map(|separator| Grouping {
            separator,
            size: group_size,
        });
        push_number(
            out,
            parts,
            self.fill_character(),
            align,
            self.width.unwrap_or(0),
            grouping,
        );
    }

    fn fill_character(&self) -> char {
        match self.fill {
            Some(fill) => fill,
            None if self.zero_pad => '0',
            None => ' ',
        }
    }

    fn sign_for(&self, negative: bool) -> Option<char> {
        match (negative, self.sign) {
            (true, _) => Some('-'),
            (false, Some('+')) => Some('+'),
            (false, Some(' ')) => Some(' '),
            _ => None,
        }
    }
}

/// Reads ASCII digits: `Some(None)` when there are none, `None` beyond `LARGEST_WIDTH`.
fn parse_number(
    characters: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Option<Option<usize>> {
    let mut number: Option<usize> = None;
    while let Some(digit) = characters.next_if(char::is_ascii_digit) {
        let value = number.unwrap_or(0) * 10 + (digit as usize - '0' as usize);
        if value > LARGEST_WIDTH {
            return None;
        }
        number = Some(value);
    }
    Some(number)
}
