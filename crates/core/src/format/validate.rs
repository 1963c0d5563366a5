//! `Formatter(validate=True)`: the checks of `PercentStyle.validate`,
//! `StrFormatStyle.validate` and `StringTemplateStyle.validate` (identical in 3.11 to
//! 3.13), with their messages.
//!
//! The standard library checks with regular expressions whose `\w` and `\d` accept
//! non-ASCII letters and digits, and whose case-insensitive classes accept a few non-ASCII
//! letters (`ſ` matches `s`). Where the verdict depends on such a character the answer is
//! `TemplateError::RequiresHost`.

use super::dollar::{placeholder, Placeholder};
use super::error::TemplateError;
use crate::repr::python_repr;

/// A regular-expression match attempt whose result may hinge on Unicode properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Matches,
    Fails,
    Unsure,
}

impl Verdict {
    /// The verdict of "any of these attempts matches".
    fn any(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
        let mut result = Verdict::Fails;
        for verdict in verdicts {
            match verdict {
                Verdict::Matches => return Verdict::Matches,
                Verdict::Unsure => result = Verdict::Unsure,
                Verdict::Fails => {}
            }
        }
        result
    }
}

/// `validation_pattern.search(fmt)`, where the pattern is
/// `%\(\w+\)[#0+ -]*(\*|\d+)?(\.(\*|\d+))?[diouxefgcrsa%]` (case-insensitive).
pub(crate) fn percent(source: &str) -> Result<(), TemplateError> {
    let characters: Vec<char> = source.chars().collect();
    let verdict = Verdict::any(
        (0..characters.len())
            .filter(|index| characters[*index] == '%')
            .map(|index| percent_directive_at(&characters, index)),
    );
    match verdict {
        Verdict::Matches => Ok(()),
        Verdict::Unsure => Err(TemplateError::RequiresHost),
        Verdict::Fails => Err(TemplateError::Invalid(format!(
            "Invalid format '{source}' for '%' style"
        ))),
    }
}

fn percent_directive_at(characters: &[char], start: usize) -> Verdict {
    let at = |index: usize| characters.get(index).copied();
    let mut unsure = false;
    let mut cursor = start + 1;
    if at(cursor) != Some('(') {
        return Verdict::Fails;
    }
    cursor += 1;
    let key_start = cursor;
    while let Some(character) = at(cursor) {
        if character.is_ascii_alphanumeric() || character == '_' {
            cursor += 1;
        } else if !character.is_ascii() {
            // Counted as a word character; if that is wrong the match fails anyway
            // (the character is not the closing parenthesis), so only success is unsure.
            unsure = true;
            cursor += 1;
        } else {
            break;
        }
    }
    if cursor == key_start || at(cursor) != Some(')') {
        return Verdict::Fails;
    }
    cursor += 1;
    while matches!(at(cursor), Some('#' | '0' | '+' | ' ' | '-')) {
        cursor += 1;
    }
    let count = |cursor: &mut usize| {
        if at(*cursor) == Some('*') {
            *cursor += 1;
            return true;
        }
        let start = *cursor;
        while at(*cursor).is_some_and(|character| character.is_ascii_digit()) {
            *cursor += 1;
        }
        *cursor > start
    };
    count(&mut cursor);
    if at(cursor) == Some('.') {
        let mut after_point = cursor + 1;
        if count(&mut after_point) {
            cursor = after_point;
        } else if at(after_point).is_some_and(|character| !character.is_ascii()) {
            return Verdict::Unsure;
        }
    }
    match at(cursor) {
        Some(character) if !character.is_ascii() => Verdict::Unsure,
        Some(character) if "diouxefgcrsa%".contains(character.to_ascii_lowercase()) => {
            if unsure {
                Verdict::Unsure
            } else {
                Verdict::Matches
            }
        }
        _ => Verdict::Fails,
    }
}

/// `StrFormatStyle.validate`: walks `string.Formatter().parse(fmt)` and checks each field.
pub(crate) fn brace(source: &str) -> Result<(), TemplateError> {
    let invalid =
        |message: String| Err(TemplateError::Invalid(format!("invalid format: {message}")));
    let mut parser = MarkupParser::new(source);
    let mut has_fields = false;
    loop {
        let field = match parser.next_field() {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(message) => return invalid(message.to_owned()),
        };
        if !field.name.is_empty() {
            match field_name_verdict(&field.name) {
                Verdict::Matches => has_fields = true,
                Verdict::Unsure => return Err(TemplateError::RequiresHost),
                Verdict::Fails => {
                    let Some(repr) = python_repr(&field.name) else {
                        return Err(TemplateError::RequiresHost);
                    };
                    return invalid(format!("invalid field name/expression: {repr}"));
                }
            }
        }
        if let Some(conversion) = field.conversion {
            if !matches!(conversion, 'r' | 's' | 'a') {
                let Some(repr) = python_repr(conversion.encode_utf8(&mut [0; 4])) else {
                    return Err(TemplateError::RequiresHost);
                };
                return invalid(format!("invalid conversion: {repr}"));
            }
        }
        if !field.spec.is_empty() {
            match format_spec_verdict(&field.spec) {
                Verdict::Matches => {}
                Verdict::Unsure => return Err(TemplateError::RequiresHost),
                Verdict::Fails => {
                    let Some(repr) = python_repr(&field.spec) else {
                        return Err(TemplateError::RequiresHost);
                    };
                    return invalid(format!("bad specifier: {repr}"));
                }
            }
        }
    }
    if !has_fields {
        return invalid("no fields".to_owned());
    }
    Ok(())
}

/// Python's `$` in a non-multiline pattern: the end, or just before a final newline.
fn at_end(characters: &[char], index: usize) -> bool {
    index == characters.len() || (index + 1 == characters.len() && characters[index] == '\n')
}

/// `field_spec.match(name)` with `^(\d+|\w+)(\.\w+|\[[^]]+\])*$`.
fn field_name_verdict(name: &str) -> Verdict {
    let characters: Vec<char> = name.chars().collect();
    let mut unsure = false;
    let mut cursor = 0;
    // `\w+` is greedy and nothing after it starts with a word character, so no
    // backtracking is ever needed.
    let words = |cursor: &mut usize, unsure: &mut bool| {
        let start = *cursor;
        while let Some(character) = characters.get(*cursor) {
            if character.is_ascii_alphanumeric() || *character == '_' {
                *cursor += 1;
            } else if !character.is_ascii() {
                *unsure = true;
                *cursor += 1;
            } else {
                break;
            }
        }
        *cursor > start
    };
    if !words(&mut cursor, &mut unsure) {
        return Verdict::Fails;
    }
    loop {
        match characters.get(cursor) {
            Some('.') => {
                cursor += 1;
                if !words(&mut cursor, &mut unsure) {
                    return Verdict::Fails;
                }
            }
            Some('[') => {
                let close = characters[cursor + 1..]
                    .iter()
                    .position(|character| *character == ']');
                match close {
                    Some(length) if length > 0 => cursor += length + 2,
                    _ => return Verdict::Fails,
                }
            }
            _ => break,
        }
    }
    match (at_end(&characters, cursor), unsure) {
        (false, false) => Verdict::Fails,
        (true, false) => Verdict::Matches,
        // A non-ASCII character that is not a word character would stop the match early.
        _ => Verdict::Unsure,
    }
}

/// `fmt_spec.match(spec)` with
/// `^(.?[<>=^])?[+ -]?#?0?(\d+|{\w+})?[,_]?(\.(\d+|{\w+}))?[bcdefgnosx%]?$` (case-insensitive).
fn format_spec_verdict(spec: &str) -> Verdict {
    let characters: Vec<char> = spec.chars().collect();
    let is_align = |index: usize| matches!(characters.get(index), Some('<' | '>' | '=' | '^'));
    let mut starts = vec![0];
    if is_align(0) {
        starts.push(1);
    }
    if characters
        .first()
        .is_some_and(|character| *character != '\n')
        && is_align(1)
    {
        starts.push(2);
    }
    Verdict::any(
        starts
            .into_iter()
            .map(|start| format_spec_rest(&characters, start)),
    )
}

fn format_spec_rest(characters: &[char], start: usize) -> Verdict {
    let at = |index: usize| characters.get(index).copied();
    let mut cursor = start;
    // Every optional part below starts with a character no later part can start with
    // (`0` excepted, which the width accepts too), so greedy matching is exact.
    let skip = |cursor: &mut usize, accepted: &str| {
        if at(*cursor).is_some_and(|character| accepted.contains(character)) {
            *cursor += 1;
        }
    };
    skip(&mut cursor, "+ -");
    skip(&mut cursor, "#");
    skip(&mut cursor, "0");
    // `\d+` or `{\w+}`; `None` when a non-ASCII character makes it undecidable.
    let count = |cursor: &mut usize| -> Option<bool> {
        let begin = *cursor;
        if at(begin) == Some('{') {
            let mut end = begin + 1;
            while let Some(character) = at(end) {
                if !character.is_ascii() {
                    return None;
                }
                if !(character.is_ascii_alphanumeric() || character == '_') {
                    break;
                }
                end += 1;
            }
            if end > begin + 1 && at(end) == Some('}') {
                *cursor = end + 1;
                return Some(true);
            }
            return Some(false);
        }
        while at(*cursor).is_some_and(|character| character.is_ascii_digit()) {
            *cursor += 1;
        }
        Some(*cursor > begin)
    };
    if count(&mut cursor).is_none() {
        return Verdict::Unsure;
    }
    skip(&mut cursor, ",_");
    if at(cursor) == Some('.') {
        let mut after_point = cursor + 1;
        match count(&mut after_point) {
            None => return Verdict::Unsure,
            Some(true) => cursor = after_point,
            Some(false) => {}
        }
    }
    if at(cursor).is_some_and(|character| "bcdefgnosx%".contains(character.to_ascii_lowercase())) {
        cursor += 1;
    }
    if at_end(characters, cursor) {
        Verdict::Matches
    } else if characters[cursor..]
        .iter()
        .any(|character| !character.is_ascii())
    {
        Verdict::Unsure
    } else {
        Verdict::Fails
    }
}

/// One replacement field as `string.Formatter().parse` reports it.
struct MarkupField {
    name: String,
    conversion: Option<char>,
    spec: String,
}

/// `_string.formatter_parser`: yields fields lazily, so that a syntax error late in the
/// string is only reported once the fields before it have been checked.
struct MarkupParser {
    characters: Vec<char>,
    cursor: usize,
}

impl MarkupParser {
    fn new(source: &str) -> MarkupParser {
        MarkupParser {
            characters: source.chars().collect(),
            cursor: 0,
        }
    }

    fn at(&self, index: usize) -> Option<char> {
        self.characters.get(index).copied()
    }

    fn next_field(&mut self) -> Result<Option<MarkupField>, &'static str> {
        loop {
            let Some(character) = self.at(self.cursor) else {
                return Ok(None);
            };
            self.cursor += 1;
            match character {
                '{' | '}' if self.at(self.cursor) == Some(character) => self.cursor += 1,
                '}' => return Err("Single '}' encountered in format string"),
                '{' if self.cursor == self.characters.len() => {
                    return Err("Single '{' encountered in format string")
                }
                '{' => return self.field().map(Some),
                _ => {}
            }
        }
    }

    /// Parses a field whose opening brace has been consumed.
    fn field(&mut self) -> Result<MarkupField, &'static str> {
        let name_start = self.cursor;
        let terminator = loop {
            match self.at(self.cursor) {
                None => return Err("expected '}' before end of string"),
                Some('[') => {
                    // Inside brackets anything goes until the closing bracket.
                    loop {
                        self.cursor += 1;
                        match self.at(self.cursor) {
                            None => return Err("expected '}' before end of string"),
                            Some(']') => break,
                            Some(_) => {}
                        }
                    }
                    self.cursor += 1;
                }
                Some('{') => return Err("unexpected '{' in field name"),
                Some(character @ ('}' | ':' | '!')) => break character,
                Some(_) => self.cursor += 1,
            }
        };
        let name: String = self.characters[name_start..self.cursor].iter().collect();
        self.cursor += 1;
        if terminator == '}' {
            return Ok(MarkupField {
                name,
                conversion: None,
                spec: String::new(),
            });
        }
        let mut conversion = None;
        if terminator == '!' {
            let Some(character) = self.at(self.cursor) else {
                return Err("end of string while looking for conversion specifier");
            };
            conversion = Some(character);
            self.cursor += 1;
            match self.at(self.cursor) {
                None => return Err("unmatched '{' in format spec"),
                Some(':') => self.cursor += 1,
                Some('}') => {
                    self.cursor += 1;
                    return Ok(MarkupField {
                        name,
                        conversion,
                        spec: String::new(),
                    });
                }
                Some(_) => return Err("expected ':' after conversion specifier"),
            }
        }
        // The spec ends at the brace that balances the field's opening one.
        let spec_start = self.cursor;
        let mut depth = 1;
        let mut end = spec_start;
        loop {
            match self.at(end) {
                None => return Err("unmatched '{' in format spec"),
                Some('{') => depth += 1,
                Some('}') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Some(_) => {}
            }
            end += 1;
        }
        let spec = self.characters[spec_start..end].iter().collect();
        self.cursor = end + 1;
        Ok(MarkupField {
            name,
            conversion,
            spec,
        })
    }
}

/// `StringTemplateStyle.validate`: every `$` must start a valid placeholder, and one
/// placeholder at least must name a field.
pub(crate) fn dollar(source: &str) -> Result<(), TemplateError> {
    let bytes = source.as_bytes();
    let mut has_fields = false;
    let mut cursor = 0;
    while let Some(offset) = source[cursor..].find('$') {
        match placeholder(bytes, cursor + offset + 1) {
            Placeholder::Escape(end) => cursor = end,
            Placeholder::Named { next, .. } => {
                has_fields = true;
                cursor = next;
            }
            Placeholder::Invalid => {
                return Err(TemplateError::Invalid(
                    "invalid format: bare '$' not allowed".to_owned(),
                ))
            }
        }
    }
    if !has_fields {
        return Err(TemplateError::Invalid(
            "invalid format: no fields".to_owned(),
        ));
    }
    Ok(())
}
