//! A format string compiled once: literal text and fields, ready to render records.

use std::fmt::Write;

use super::brace;
use super::dollar;
use super::error::{RenderError, TemplateError};
use super::field::{FieldKey, FieldSource, FieldValue};
use super::float::{write_float, FloatFormat, FloatPresentation};
use super::percent;
use super::spec::{ConversionSpec, SpecDetail, Style};
use super::validate;

/// Whether a conversion was done here or must be done by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    Written,
    /// Nothing was written: the host must format this value with this spec.
    Host,
}

/// A `logging.Formatter` format string, compiled.
///
/// ```
/// use femtologging_core::format::{
///     FieldKey, FieldSource, FieldValue, ConversionSpec, RenderError, Style, Template,
/// };
///
/// struct Record;
/// impl FieldSource for Record {
///     fn value(&mut self, key: &FieldKey) -> Result<FieldValue<'_>, RenderError> {
///         match key {
///             FieldKey::LevelName => Ok(FieldValue::Str("INFO")),
///             FieldKey::LineNo => Ok(FieldValue::Int(42)),
///             _ => Err(RenderError::MissingField(key.clone())),
///         }
///     }
///     fn format_foreign(&mut self, _: &FieldKey, _: &ConversionSpec, _: &mut String)
///         -> Result<(), RenderError> { unreachable!() }
/// }
///
/// let template = Template::compile("%(levelname)-8s line %(lineno)04d", Style::Percent);
/// let mut out = String::new();
/// template.render(&mut Record, &mut out).unwrap();
/// assert_eq!(out, "INFO     line 0042");
/// ```
#[derive(Debug, Clone)]
pub struct Template {
    source: Box<str>,
    style: Style,
    /// The text of every literal segment, back to back.
    literals: Box<str>,
    segments: Box<[Segment]>,
    fields: Box<[FieldKey]>,
    python_only: bool,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal { start: usize, end: usize },
    Field(Field),
}

#[derive(Debug, Clone)]
struct Field {
    key: FieldKey,
    spec: ConversionSpec,
    /// Renders as the value's text alone (`%(x)s`, `{x}`, `$x`): a string is copied as is.
    plain: bool,
}

impl Template {
    /// Compiles `fmt`; never fails: what cannot be rendered here makes `python_only()` true.
    ///
    /// `fmt` is taken as is: `Formatter` replaces an empty or missing format by
    /// `Style::default_format()` before compiling.
    pub fn compile(fmt: &str, style: Style) -> Template {
        let mut builder = TemplateBuilder::default();
        match style {
            Style::Percent => percent::compile(fmt, &mut builder),
            Style::Brace => brace::compile(fmt, &mut builder),
            Style::Dollar => dollar::compile(fmt, &mut builder),
        }
        builder.build(fmt, style)
    }

    /// What `Formatter(validate=True)` checks, with CPython's exact messages.
    pub fn validate(&self) -> Result<(), TemplateError> {
        match self.style {
            Style::Percent => validate::percent(&self.source),
            Style::Brace => validate::brace(&self.source),
            Style::Dollar => validate::dollar(&self.source),
        }
    }

    /// `Formatter.usesTime()`: a plain substring search, as the standard library does it,
    /// so `%(asctime)d` and `${asctime}` inside a literal count too.
    pub fn uses_time(&self) -> bool {
        match self.style {
            Style::Percent => self.source.contains("%(asctime)"),
            Style::Brace => self.source.contains("{asctime"),
            Style::Dollar => self.source.contains("$asctime") || self.source.contains("${asctime}"),
        }
    }

    /// True when the whole template must be rendered by the host: positional `%s` with a
    /// mapping, `%(x)*d`, `{0}`, `{}`, `{a.b}`, `{a[0]}`, `{x:{y}}`, an invalid `$`
    /// placeholder, any syntax error.
    /// Whether the template is the message and nothing else (`"%(message)s"`,
    /// `"{message}"`, `"$message"`): rendering it copies the message as it is.
    pub fn is_message_only(&self) -> bool {
        matches!(
            &*self.segments,
            [Segment::Field(Field {
                key: FieldKey::Message,
                plain: true,
                ..
            })]
        )
    }

    pub fn python_only(&self) -> bool {
        self.python_only
    }

    /// The record attributes the template refers to, in order of first use. For a
    /// `python_only` template, those found before the part that is not supported.
    pub fn fields(&self) -> impl Iterator<Item = &FieldKey> {
        self.fields.iter()
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn style(&self) -> Style {
        self.style
    }

    /// Appends the rendering of one record to `out`.
    ///
    /// Fields are looked up and converted in order, so the first failing field decides the
    /// error, as in CPython. On error `out` is left as it was.
    pub fn render(
        &self,
        source: &mut dyn FieldSource,
        out: &mut String,
    ) -> Result<(), RenderError> {
        if self.python_only {
            return Err(RenderError::RequiresHost);
        }
        let original_length = out.len();
        let result = self.render_segments(source, out);
        if result.is_err() {
            out.truncate(original_length);
        }
        result
    }

    fn render_segments(
        &self,
        source: &mut dyn FieldSource,
        out: &mut String,
    ) -> Result<(), RenderError> {
        for segment in self.segments.iter() {
            match segment {
                Segment::Literal { start, end } => out.push_str(&self.literals[*start..*end]),
                Segment::Field(field) => render_field(field, source, out)?,
            }
        }
        Ok(())
    }
}

fn render_field(
    field: &Field,
    source: &mut dyn FieldSource,
    out: &mut String,
) -> Result<(), RenderError> {
    let applied = match source.value(&field.key)? {
        FieldValue::Str(text) if field.plain => {
            out.push_str(text);
            Applied::Written
        }
        value => match field.spec.detail() {
            SpecDetail::Percent(spec) => percent::render(spec, value, out)?,
            SpecDetail::Brace(_) => brace::render(&field.spec, value, out),
            SpecDetail::Dollar => push_str_of(value, out),
        },
    };
    if applied == Applied::Host {
        source.format_foreign(&field.key, &field.spec, out)?;
    }
    Ok(())
}

/// Appends `str(value)` for the natively held types.
pub(crate) fn push_str_of(value: FieldValue<'_>, out: &mut String) -> Applied {
    match value {
        FieldValue::Str(text) => out.push_str(text),
        FieldValue::Int(number) => {
            let _ = write!(out, "{number}");
        }
        FieldValue::Float(number) => {
            let start = out.len();
            if write_float(number, &FloatFormat::new(FloatPresentation::Repr, 0), out) {
                out.insert(start, '-');
            }
        }
        FieldValue::Bool(true) => out.push_str("True"),
        FieldValue::Bool(false) => out.push_str("False"),
        FieldValue::None => out.push_str("None"),
        FieldValue::Foreign => return Applied::Host,
    }
    Applied::Written
}

/// Collects what a style's parser finds.
#[derive(Default)]
pub(crate) struct TemplateBuilder {
    literals: String,
    segments: Vec<Segment>,
    fields: Vec<FieldKey>,
    python_only: bool,
}

impl TemplateBuilder {
    pub(crate) fn literal(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let start = self.literals.len();
        self.literals.push_str(text);
        let end = self.literals.len();
        // Adjacent literals (text around `%%`, `{{`, `$$`) become one copy.
        if let Some(Segment::Literal { end: last_end, .. }) = self.segments.last_mut() {
            if *last_end == start {
                *last_end = end;
                return;
            }
        }
        self.segments.push(Segment::Literal { start, end });
    }

    pub(crate) fn field(&mut self, key: FieldKey, spec: ConversionSpec) {
        if !self.fields.contains(&key) {
            self.fields.push(key.clone());
        }
        let plain = match spec.detail() {
            SpecDetail::Percent(percent) => percent.is_plain_string(),
            SpecDetail::Brace(_) => brace::is_plain(&spec),
            SpecDetail::Dollar => true,
        };
        self.segments
            .push(Segment::Field(Field { key, spec, plain }));
    }

    pub(crate) fn requires_host(&mut self) {
        self.python_only = true;
    }

    fn build(self, source: &str, style: Style) -> Template {
        Template {
            source: source.into(),
            style,
            literals: self.literals.into_boxed_str(),
            segments: if self.python_only {
                Box::new([])
            } else {
                self.segments.into_boxed_slice()
            },
            fields: self.fields.into_boxed_slice(),
            python_only: self.python_only,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_can_be_shared_between_threads() {
        fn assert_shareable<T: Send + Sync>() {}
        assert_shareable::<Template>();
    }

    #[test]
    fn adjacent_literals_are_merged() {
        let template = Template::compile("a%%b%%c", Style::Percent);
        assert_eq!(template.segments.len(), 1);
        assert_eq!(&*template.literals, "a%b%c");
        let template = Template::compile("{{x}}", Style::Brace);
        assert_eq!(template.segments.len(), 1);
    }

    #[test]
    fn str_of_native_values_is_python_str() {
        let text = |value| {
            let mut out = String::new();
            push_str_of(value, &mut out);
            out
        };
        assert_eq!(text(FieldValue::Int(-12)), "-12");
        assert_eq!(text(FieldValue::Float(-1e16)), "-1e+16");
        assert_eq!(text(FieldValue::Float(2.0)), "2.0");
        assert_eq!(text(FieldValue::Bool(false)), "False");
        assert_eq!(text(FieldValue::None), "None");
        assert_eq!(
            push_str_of(FieldValue::Foreign, &mut String::new()),
            Applied::Host
        );
    }
}
