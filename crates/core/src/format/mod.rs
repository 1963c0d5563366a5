//! Format-string templates (`%`, `{` and `$` styles), compiled once and rendered in Rust.
//!
//! `logging.Formatter` renders a record with `fmt % record.__dict__`,
//! `fmt.format(**record.__dict__)` or `string.Template(fmt).substitute(...)`. A `Template`
//! produces the same bytes for the values a record holds natively (strings, integers,
//! floats, booleans, `None`), and hands everything else back to the host:
//!
//! - a whole template the host must render: `Template::python_only()`;
//! - one field the host must convert: `FieldSource::format_foreign()`, called with the
//!   field's `ConversionSpec`;
//! - an error the host must raise: `RenderError`, with CPython's message.

mod brace;
mod dollar;
mod error;
mod field;
mod float;
mod format_spec;
mod integer;
mod padding;
mod percent;
mod scratch;
mod spec;
mod template;
mod validate;

#[cfg(test)]
mod tests;

pub use error::{RenderError, TemplateError};
pub use field::{FieldKey, FieldSource, FieldValue};
pub use format_spec::FormatSpec;
pub use padding::Align;
pub use percent::{render_positional, PercentSpec, PositionalTemplate};
pub use spec::{Conversion, ConversionSpec, Flags, Style};
pub use template::Template;

pub(crate) use template::Applied;

/// Appends `repr(value)` as CPython writes it (`1e+16`, `0.1`, `inf`, `nan`): what
/// `json.dumps` writes for a finite float, shared with the wire serializers.
pub fn float_repr(value: f64, out: &mut String) {
    let format = float::FloatFormat::new(float::FloatPresentation::Repr, 0);
    let start = out.len();
    if float::write_float(value, &format, out) {
        out.insert(start, '-');
    }
}
