//! What a template asks a record for, and what the record answers.

use super::error::RenderError;
use super::spec::ConversionSpec;

/// A record attribute a template refers to.
///
/// The attributes every `LogRecord` has (plus `message` and `asctime`, which
/// `Formatter.format` adds) get their own variant, so that answering a lookup
/// is a `match` rather than a string comparison. Anything else (attributes
/// added through `extra=` or by filters) is `Other`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldKey {
    Name,
    Msg,
    Args,
    LevelName,
    LevelNo,
    PathName,
    FileName,
    Module,
    ExcInfo,
    ExcText,
    StackInfo,
    LineNo,
    FuncName,
    Created,
    Msecs,
    RelativeCreated,
    Thread,
    ThreadName,
    ProcessName,
    Process,
    TaskName,
    Message,
    AscTime,
    Other(Box<str>),
}

/// The standard attribute names, spelled as `LogRecord.__dict__` spells them.
const STANDARD_NAMES: [(&str, FieldKey); 23] = [
    ("name", FieldKey::Name),
    ("msg", FieldKey::Msg),
    ("args", FieldKey::Args),
    ("levelname", FieldKey::LevelName),
    ("levelno", FieldKey::LevelNo),
    ("pathname", FieldKey::PathName),
    ("filename", FieldKey::FileName),
    ("module", FieldKey::Module),
    ("exc_info", FieldKey::ExcInfo),
    ("exc_text", FieldKey::ExcText),
    ("stack_info", FieldKey::StackInfo),
    ("lineno", FieldKey::LineNo),
    ("funcName", FieldKey::FuncName),
    ("created", FieldKey::Created),
    ("msecs", FieldKey::Msecs),
    ("relativeCreated", FieldKey::RelativeCreated),
    ("thread", FieldKey::Thread),
    ("threadName", FieldKey::ThreadName),
    ("processName", FieldKey::ProcessName),
    ("process", FieldKey::Process),
    ("taskName", FieldKey::TaskName),
    ("message", FieldKey::Message),
    ("asctime", FieldKey::AscTime),
];

impl FieldKey {
    /// The key for an attribute name; names are case-sensitive, as in Python.
    pub fn from_name(name: &str) -> FieldKey {
        STANDARD_NAMES
            .iter()
            .find(|(standard, _)| *standard == name)
            .map(|(_, key)| key.clone())
            .unwrap_or_else(|| FieldKey::Other(name.into()))
    }

    /// The attribute name, as it appears in the record's `__dict__`.
    pub fn name(&self) -> &str {
        match self {
            FieldKey::Other(name) => name,
            standard => STANDARD_NAMES
                .iter()
                .find(|(_, key)| key == standard)
                .map(|(name, _)| *name)
                .unwrap_or_default(),
        }
    }

    /// Whether this is one of the attributes every record carries.
    pub fn is_standard(&self) -> bool {
        !matches!(self, FieldKey::Other(_))
    }
}

/// A value as the record holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    /// An exact `str` (a subclass may override `__format__`/`__str__`: send it as `Foreign`).
    Str(&'a str),
    /// An exact `int` that fits in 64 bits.
    Int(i64),
    /// An exact `float`.
    Float(f64),
    Bool(bool),
    None,
    /// A value only the host language can format (a Python object, an int wider than i64, ...).
    Foreign,
}

/// Where a template finds the values of its fields: a record, seen through the host.
pub trait FieldSource {
    /// The value of a field; `Err(RenderError::MissingField)` when the record has no such
    /// attribute (CPython raises KeyError, which `logging` turns into
    /// `ValueError("Formatting field not found in record: ...")`).
    fn value(&mut self, key: &FieldKey) -> Result<FieldValue<'_>, RenderError>;

    /// Format a value the template cannot format natively: a `FieldValue::Foreign`, or a
    /// conversion that needs the host's own machinery (`%r`, `%c`, `!r` on a string, the `n`
    /// presentation type, a format spec that the host must reject with its own message...).
    ///
    /// The host applies `spec` itself and appends the result to `out`:
    /// `spec.text() % (value,)` for the `%` style, `format(conversion(value), spec.text())`
    /// for the `{` style and `str(value)` for the `$` style.
    fn format_foreign(
        &mut self,
        key: &FieldKey,
        spec: &ConversionSpec,
        out: &mut String,
    ) -> Result<(), RenderError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_name_round_trips() {
        for (name, key) in STANDARD_NAMES.iter() {
            assert_eq!(FieldKey::from_name(name), *key);
            assert_eq!(key.name(), *name);
            assert!(key.is_standard());
        }
    }

    #[test]
    fn names_are_case_sensitive_like_python_attributes() {
        assert_eq!(
            FieldKey::from_name("funcname"),
            FieldKey::Other("funcname".into())
        );
        assert_eq!(FieldKey::from_name("funcName"), FieldKey::FuncName);
    }

    #[test]
    fn unknown_names_keep_their_spelling() {
        let key = FieldKey::from_name("request_id");
        assert_eq!(key.name(), "request_id");
        assert!(!key.is_standard());
        assert_eq!(FieldKey::from_name("").name(), "");
    }
}
