//! Errors of compiling, validating and rendering templates.
//!
//! Every message is the exact text CPython puts in the corresponding exception, so the
//! binding only has to pick the exception type.

use std::error::Error;
use std::fmt;

use super::field::FieldKey;
use crate::repr::python_repr_lenient;

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

#[cfg(test)]
mod tests {
    use super::*;

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
