//! A `SyntaxError`'s own lines in place of `Type: message`: where the
//! error is (`  File "...", line N`), the offending source text and a caret
//! line under the columns it names.
//!
//! Positions count code points, as Python's `len()` and slicing do. 3.13
//! changed how the caret span is bounded (a span reaching past the text is
//! cut at its end; a span over several lines runs to the end of the first);
//! 3.11 and 3.12 print the span as given.

use super::whitespace::is_python_whitespace;

/// The attributes of a `SyntaxError` that its lines are made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyntaxErrorFields {
    pub filename: Option<String>,
    pub lineno: Option<i64>,
    pub end_lineno: Option<i64>,
    /// 1-based column of the first offending character.
    pub offset: Option<i64>,
    /// 1-based column just past the last one.
    pub end_offset: Option<i64>,
    pub text: Option<String>,
    pub msg: Option<String>,
}

/// Which version's caret bounds apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaretBounds {
    /// 3.11 and 3.12: the span as the exception gives it.
    AsGiven,
    /// 3.13: the span cut to the text.
    CutToText,
}

/// The lines printed for a `SyntaxError` of type `type_name`, each ending
/// in a newline.
pub fn syntax_error_lines(
    type_name: &str,
    fields: &SyntaxErrorFields,
    bounds: CaretBounds,
) -> String {
    let mut out = String::new();
    let mut filename_suffix = String::new();
    match (fields.lineno, &fields.filename) {
        (Some(lineno), filename) => {
            let shown = match filename.as_deref() {
                None | Some("") => "<string>",
                Some(name) => name,
            };
            out.push_str(&format!("  File \"{shown}\", line {lineno}\n"));
        }
        (None, Some(filename)) => filename_suffix = format!(" ({filename})"),
        (None, None) => {}
    }
    if let Some(text) = &fields.text {
        source_and_carets(&mut out, text, fields, bounds);
    }
    let message = match fields.msg.as_deref() {
        None | Some("") => "<no detail available>",
        Some(message) => message,
    };
    out.push_str(&format!("{type_name}: {message}{filename_suffix}\n"));
    out
}

fn source_and_carets(
    out: &mut String,
    text: &str,
    fields: &SyntaxErrorFields,
    bounds: CaretBounds,
) {
    // The text without its trailing newlines, then without its indentation
    // (spaces, newlines and form feeds only: a tab stays, it aligns).
    let right_stripped = text.trim_end_matches('\n');
    let shown = right_stripped.trim_start_matches([' ', '\n', '\u{0c}']);
    let indentation = code_points(right_stripped) - code_points(shown);
    out.push_str(&format!("    {shown}\n"));
    let Some(offset) = fields.offset else {
        return;
    };
    let (offset, end_offset) = match bounds {
        CaretBounds::AsGiven => {
            let mut end_offset = match fields.end_offset {
                None | Some(0) => offset,
                Some(end_offset) => end_offset,
            };
            if offset == end_offset || end_offset == -1 {
                end_offset = offset + 1;
            }
            (offset, end_offset)
        }
        CaretBounds::CutToText => {
            let past_text = code_points(right_stripped) + 1;
            let text_length = code_points(text);
            let mut offset = offset;
            let mut end_offset = if fields.lineno == fields.end_lineno {
                match fields.end_offset {
                    None | Some(0) => offset,
                    Some(end_offset) => end_offset,
                }
            } else {
                past_text
            };
            if text_length > 0 && offset > text_length {
                offset = past_text;
            }
            if text_length > 0 && end_offset > text_length {
                end_offset = past_text;
            }
            if offset >= end_offset || end_offset < 0 {
                end_offset = offset + 1;
            }
            (offset, end_offset)
        }
    };
    let column = offset - 1 - indentation;
    let end_column = end_offset - 1 - indentation;
    if column < 0 {
        return;
    }
    // What precedes the carets keeps the line's own whitespace characters
    // (tabs above all) so the carets land under the same columns.
    let lead: String = shown
        .chars()
        .take(usize::try_from(column).unwrap_or(usize::MAX))
        .map(|character| {
            if is_python_whitespace(character) {
                character
            } else {
                ' '
            }
        })
        .collect();
    let carets = usize::try_from(end_column - column).unwrap_or(0);
    out.push_str(&format!("    {lead}{}\n", "^".repeat(carets)));
}

fn code_points(text: &str) -> i64 {
    text.chars().count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, offset: i64, end_offset: Option<i64>) -> SyntaxErrorFields {
        SyntaxErrorFields {
            filename: Some("<src>".to_owned()),
            lineno: Some(1),
            end_lineno: Some(1),
            offset: Some(offset),
            end_offset,
            text: Some(text.to_owned()),
            msg: Some("invalid syntax".to_owned()),
        }
    }

    #[test]
    fn carets_sit_under_the_span_past_the_stripped_indentation() {
        let text = syntax_error_lines(
            "SyntaxError",
            &fields("  print 1\n", 3, Some(10)),
            CaretBounds::AsGiven,
        );
        assert_eq!(
            text,
            "  File \"<src>\", line 1\n    print 1\n    ^^^^^^^\nSyntaxError: invalid syntax\n"
        );
    }

    #[test]
    fn a_span_past_the_text_is_cut_from_3_13_on() {
        let error = fields("short\n", 40, Some(50));
        let old = syntax_error_lines("E", &error, CaretBounds::AsGiven);
        let new = syntax_error_lines("E", &error, CaretBounds::CutToText);
        // The lead is the text's own length at most; the carets run on.
        assert!(old.contains("    short\n         ^^^^^^^^^^\n"));
        assert!(new.contains("    short\n         ^\n"));
    }

    #[test]
    fn without_a_line_the_file_goes_after_the_message() {
        let error = SyntaxErrorFields {
            filename: Some("f.py".to_owned()),
            msg: Some(String::new()),
            ..SyntaxErrorFields::default()
        };
        assert_eq!(
            syntax_error_lines("SyntaxError", &error, CaretBounds::AsGiven),
            "SyntaxError: <no detail available> (f.py)\n"
        );
    }

    #[test]
    fn tabs_before_the_column_are_kept() {
        let text = syntax_error_lines("E", &fields("x\ty\n", 3, None), CaretBounds::AsGiven);
        assert!(text.contains("    x\ty\n     \t^\n"));
    }
}
