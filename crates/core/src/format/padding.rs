//! Padding, alignment and digit grouping, measured in code points as CPython measures.

/// Where the padding goes (the `{` style's `<`, `>`, `^` and `=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    /// `<`: text first, padding after.
    Left,
    /// `>`: padding first.
    Right,
    /// `^`: half before, the rest (the larger half) after.
    Center,
    /// `=`: between the sign (and prefix) and the digits.
    AfterSign,
}

impl Align {
    pub(crate) fn from_char(character: char) -> Option<Align> {
        match character {
            '<' => Some(Align::Left),
            '>' => Some(Align::Right),
            '^' => Some(Align::Center),
            '=' => Some(Align::AfterSign),
            _ => None,
        }
    }
}

pub(crate) fn push_repeated(out: &mut String, character: char, count: usize) {
    if character.is_ascii() {
        // `extend` of one byte repeated is a memset; the common fill is a space or a zero.
        out.extend(std::iter::repeat_n(character, count));
    } else {
        for _ in 0..count {
            out.push(character);
        }
    }
}

/// Appends `text` padded with `fill` to `width` code points (a `Center` or `AfterSign`
/// alignment of text behaves as its closest text alignment: `AfterSign` never reaches here).
pub(crate) fn push_padded(out: &mut String, text: &str, width: usize, fill: char, align: Align) {
    let length = if width == 0 || text.len() >= width && text.is_ascii() {
        // No padding possible: skip counting code points.
        usize::MAX
    } else {
        text.chars().count()
    };
    if length >= width {
        out.push_str(text);
        return;
    }
    let padding = width - length;
    match align {
        Align::Left => {
            out.push_str(text);
            push_repeated(out, fill, padding);
        }
        Align::Right | Align::AfterSign => {
            push_repeated(out, fill, padding);
            out.push_str(text);
        }
        Align::Center => {
            let before = padding / 2;
            push_repeated(out, fill, before);
            out.push_str(text);
            push_repeated(out, fill, padding - before);
        }
    }
}

/// The first `precision` code points of `text`.
pub(crate) fn truncate_code_points(text: &str, precision: Option<usize>) -> &str {
    match precision {
        Some(limit) if limit < text.len() => match text.char_indices().nth(limit) {
            Some((end, _)) => &text[..end],
            None => text,
        },
        _ => text,
    }
}

/// A formatted number cut into the pieces padding and grouping work on.
pub(crate) struct NumberParts<'a> {
    pub(crate) sign: Option<char>,
    /// `0x`, `0o`, `0b` or nothing.
    pub(crate) prefix: &'a str,
    /// The digits before any point or exponent (empty for `inf` and `nan`).
    pub(crate) digits: &'a str,
    /// Everything after them: point, fraction, exponent, `%`, or `inf`/`nan`.
    pub(crate) remainder: &'a str,
}

/// Digit grouping: the separator and how many digits each group has.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grouping {
    pub(crate) separator: char,
    pub(crate) size: usize,
}

/// Appends a number padded like CPython's `format()` pads numbers.
///
/// Zero padding with `=` alignment (what the `0` option means) is special: the zeros are
/// digits, so when grouping is on they are grouped too (`format(1234, '010,')` is
/// `00,001,234`), and the result may be one character wider than asked rather than start
/// with a separator.
pub(crate) fn push_number(
    out: &mut String,
    parts: &NumberParts<'_>,
    fill: char,
    align: Align,
    width: usize,
    grouping: Option<Grouping>,
) {
    let sign_length = usize::from(parts.sign.is_some());
    let fixed_length = sign_length + parts.prefix.len() + parts.remainder.len();
    let mut grouped = GroupedDigits::new();
    let digits: &str = match grouping {
        Some(grouping) => {
            let minimum_width = if fill == '0' && align == Align::AfterSign {
                width.saturating_sub(fixed_length)
            } else {
                0
            };
            grouped.fill(parts.digits, grouping, minimum_width);
            grouped.as_str()
        }
        None => parts.digits,
    };
    let length = fixed_length + digits.len();
    let padding = width.saturating_sub(length);
    let (before, after_sign, after) = match align {
        Align::Left => (0, 0, padding),
        Align::Right => (padding, 0, 0),
        Align::Center => (padding / 2, 0, padding - padding / 2),
        Align::AfterSign => (0, padding, 0),
    };
    push_repeated(out, fill, before);
    if let Some(sign) = parts.sign {
        out.push(sign);
    }
    out.push_str(parts.prefix);
    push_repeated(out, fill, after_sign);
    out.push_str(digits);
    out.push_str(parts.remainder);
    push_repeated(out, fill, after);
}

/// Digits with separators, built right to left.
struct GroupedDigits {
    reversed: Vec<u8>,
    text: String,
}

impl GroupedDigits {
    fn new() -> GroupedDigits {
        GroupedDigits {
            reversed: Vec::new(),
            text: String::new(),
        }
    }

    fn fill(&mut self, digits: &str, grouping: Grouping, minimum_width: usize) {
        if digits.is_empty() {
            // `inf` and `nan` have no digits and CPython does not group them at all.
            return;
        }
        let digits = digits.as_bytes();
        let mut remaining = digits.len() as i64;
        let mut minimum = minimum_width as i64;
        let size = grouping.size as i64;
        let mut separator = [0u8; 4];
        let separator = grouping.separator.encode_utf8(&mut separator).as_bytes();
        let mut first = true;
        loop {
            // Each group takes real digits while there are some, then zeros while the
            // minimum width is not reached; a group is never empty.
            let length = size.min(remaining.max(minimum).max(1));
            let taken = remaining.min(length).max(0);
            let zeros = (length - remaining).max(0);
            if !first {
                self.reversed.extend(separator.iter().rev());
            }
            first = false;
            for index in (remaining - taken..remaining).rev() {
                self.reversed.push(digits[index as usize]);
            }
            self.reversed
                .extend(std::iter::repeat_n(b'0', zeros as usize));
            remaining -= taken;
            minimum -= length;
            if remaining <= 0 && minimum <= 0 {
                break;
            }
            minimum -= 1;
        }
        self.reversed.reverse();
        self.text = String::from_utf8(std::mem::take(&mut self.reversed)).unwrap_or_default();
    }

    fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(text: &str, width: usize, fill: char, align: Align) -> String {
        let mut out = String::new();
        push_padded(&mut out, text, width, fill, align);
        out
    }

    fn number(
        sign: Option<char>,
        digits: &str,
        remainder: &str,
        fill: char,
        align: Align,
        width: usize,
        separator: Option<char>,
    ) -> String {
        let mut out = String::new();
        let parts = NumberParts {
            sign,
            prefix: "",
            digits,
            remainder,
        };
        let grouping = separator.map(|separator| Grouping { separator, size: 3 });
        push_number(&mut out, &parts, fill, align, width, grouping);
        out
    }

    #[test]
    fn text_pads_in_code_points() {
        assert_eq!(padded("ab", 5, ' ', Align::Left), "ab   ");
        assert_eq!(padded("ab", 5, '*', Align::Right), "***ab");
        assert_eq!(padded("ab", 5, ' ', Align::Center), " ab  ");
        assert_eq!(padded("éè", 4, 'é', Align::Left), "éèéé");
        assert_eq!(padded("abcdef", 3, ' ', Align::Left), "abcdef");
    }

    #[test]
    fn truncation_counts_code_points() {
        assert_eq!(truncate_code_points("éèàü", Some(3)), "éèà");
        assert_eq!(truncate_code_points("abc", Some(0)), "");
        assert_eq!(truncate_code_points("abc", Some(10)), "abc");
        assert_eq!(truncate_code_points("abc", None), "abc");
    }

    #[test]
    fn zero_padding_is_grouped() {
        // Expected values from CPython's format().
        assert_eq!(
            number(None, "1234", "", '0', Align::AfterSign, 8, Some(',')),
            "0,001,234"
        );
        assert_eq!(
            number(None, "1234", "", '0', Align::AfterSign, 10, Some(',')),
            "00,001,234"
        );
        assert_eq!(
            number(None, "1234", ".5", '0', Align::AfterSign, 12, Some(',')),
            "00,001,234.5"
        );
        assert_eq!(
            number(
                Some('-'),
                "12345",
                ".5",
                '0',
                Align::AfterSign,
                10,
                Some(',')
            ),
            "-012,345.5"
        );
    }

    #[test]
    fn other_fills_are_not_grouped() {
        assert_eq!(
            number(None, "1234", "", '0', Align::Right, 10, Some(',')),
            "000001,234"
        );
        assert_eq!(
            number(Some('-'), "1234", "", '*', Align::AfterSign, 10, Some(',')),
            "-****1,234"
        );
    }

    #[test]
    fn numbers_without_digits_are_never_grouped() {
        assert_eq!(
            number(None, "", "inf", '0', Align::AfterSign, 10, Some(',')),
            "0000000inf"
        );
    }
}
