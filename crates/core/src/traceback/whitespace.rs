//! Python's idea of whitespace and of line boundaries, which differ from
//! Rust's: `str.strip()` also removes the information separators U+001C to
//! U+001F, and `str.splitlines()` breaks on more than `\n`.

/// Whether `str.isspace()` holds for `character`.
pub fn is_python_whitespace(character: char) -> bool {
    character.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&character)
}

/// `text.strip()`.
pub fn python_strip(text: &str) -> &str {
    text.trim_matches(is_python_whitespace)
}

/// `text.rstrip()`.
pub fn python_rstrip(text: &str) -> &str {
    text.trim_end_matches(is_python_whitespace)
}

/// Whether `text.splitlines()` would cut `text` anywhere: `textwrap.indent`
/// indents each such piece, so a line holding one of these is not one line
/// to it.
pub fn splits_as_python_lines(text: &str) -> bool {
    text.chars().any(|character| {
        matches!(
            character,
            '\n' | '\r'
                | '\u{0b}'
                | '\u{0c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_removes_what_python_calls_whitespace() {
        assert_eq!(python_strip("\u{1f} \tx = 1\u{3000}\n"), "x = 1");
        assert_eq!(python_rstrip("  y\u{85}"), "  y");
    }

    #[test]
    fn line_breaks_are_python_line_boundaries() {
        assert!(splits_as_python_lines("a\u{0c}b"));
        assert!(!splits_as_python_lines("a\tb"));
    }
}
