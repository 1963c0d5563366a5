//! Errors of compiling, validating and rendering templates.
//!
//! Every message is the exact text CPython puts in the corresponding exception, so the
//! binding only has to pick the exception type.

use std::error::Error;
use std::fmt;

use super::field::FieldKey;

/// Why `Formatter(validate=True)` rejects a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// CPython raises `ValueError` with this message.
    Invalid(String),
    /// The answer depends on Unicode character properties (what `\w`, `\d` or
    /// `str.isprintable` accept beyond ASCII) that this crate does not carry: the host must
    /// run the standard library's own validation.
    RequiresHost,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Invalid(message) => formatter.write_str(message),
            TemplateError::RequiresHost => {
                formatter.write_str("the template must be validated by the host")
            }
        }
    }
}

impl Error for TemplateError {}

/// Why rendering a record failed. The variants name the Python exception to raise.
#[derive(Debug)]
pub enum RenderError {
    /// The record has no such attribute: `logging` reports
    /// `ValueError("Formatting field not found in record: 'key'")`.
    MissingField(FieldKey),
    /// `TypeError` with CPython's message (`%d format: a real number is required, not str`).
    TypeMismatch(String),
    /// `ValueError` with CPython's message (`cannot convert float NaN to integer`).
    InvalidValue(String),
    /// `OverflowError` with CPython's message (`cannot convert float infinity to integer`).
    Overflow(String),
    /// The template is `python_only()`: the host must render all of it.
    RequiresHost,
    /// The host failed inside `FieldSource::format_foreign` or `FieldSource::value`; it
    /// carries its own exception.
    Host(Box<dyn Error + Send + Sync>),
}

impl fmt::Display for RenderError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::MissingField(key) => {
                // `str(KeyError(key))` is the repr of the key.
                write!(
                    formatter,
                    "Formatting field not found in record: {}",
                    python_repr_lenient(key.name())
                )
            }
            RenderError::TypeMismatch(message)
            | RenderError::InvalidValue(message)
            | RenderError::Overflow(message) => formatter.write_str(message),
            RenderError::RequiresHost => {
                formatter.write_str("the template must be rendered by the host")
            }
            RenderError::Host(error) => error.fmt(formatter),
        }
    }
}

impl Error for RenderError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            RenderError::Host(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

/// `repr(text)` exactly as CPython writes it, or `None` when the text has a non-ASCII
/// character: whether CPython escapes one depends on `str.isprintable`, i.e. on Unicode
/// tables this crate does not carry.
pub(crate) fn python_repr(text: &str) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    Some(python_repr_lenient(text))
}

/// `repr(text)`, exact for ASCII; other characters are kept as they are, which is what
/// CPython does for every printable one.
pub(crate) fn python_repr_lenient(text: &str) -> String {
    // CPython prefers single quotes and switches to double quotes only when that avoids
    // escaping: the text has a single quote and no double quote.
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut repr = String::with_capacity(text.len() + 2);
    repr.push(quote);
    for character in text.chars() {
        match character {
            '\\' => repr.push_str("\\\\"),
            '\t' => repr.push_str("\\t"),
            '\n' => repr.push_str("\\n"),
            '\r' => repr.push_str("\\r"),
            _ if character == quote => {
                repr.push('\\');
                repr.push(character);
            }
            _ if (character as u32) < 0x20 || character == '\u{7f}' => {
                repr.push_str(&format!("\\x{:02x}", character as u32));
            }
            _ => repr.push(character),
        }
    }
    repr.push(quote);
    repr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_prefers_single_quotes() {
        assert_eq!(python_repr("abc").unwrap(), "'abc'");
        assert_eq!(python_repr("").unwrap(), "''");
    }

    #[test]
    fn repr_switches_to_double_quotes_only_to_avoid_escapes() {
        assert_eq!(python_repr("it's").unwrap(), "\"it's\"");
        assert_eq!(python_repr("it's \"x\"").unwrap(), "'it\\'s \"x\"'");
        assert_eq!(python_repr("\"").unwrap(), "'\"'");
    }

    #[test]
    fn repr_escapes_control_characters() {
        assert_eq!(
            python_repr("a\tb\nc\rd\\e\x01\x7f").unwrap(),
            "'a\\tb\\nc\\rd\\\\e\\x01\\x7f'"
        );
    }

    #[test]
    fn repr_refuses_what_needs_unicode_tables() {
        assert_eq!(python_repr("é"), None);
        assert_eq!(python_repr_lenient("é"), "'é'");
    }

    #[test]
    fn missing_field_message_matches_logging() {
        let error = RenderError::MissingField(FieldKey::from_name("user"));
        assert_eq!(
            error.to_string(),
            "Formatting field not found in record: 'user'"
        );
        let error = RenderError::MissingField(FieldKey::Message);
        assert_eq!(
            error.to_string(),
            "Formatting field not found in record: 'message'"
        );
    }
}
