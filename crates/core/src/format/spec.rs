//! The three template styles and the description of one conversion.

use super::format_spec::FormatSpec;
use super::percent::PercentSpec;

/// A `logging.Formatter` style, named after its `style=` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// `'%'`: `fmt % record.__dict__`.
    Percent,
    /// `'{'`: `fmt.format(**record.__dict__)`.
    Brace,
    /// `'$'`: `string.Template(fmt).substitute(**record.__dict__)`.
    Dollar,
}

impl Style {
    /// The style for a `style=` argument; `None` where CPython raises
    /// `ValueError("Style must be one of: %,{,$")`.
    pub fn from_symbol(symbol: &str) -> Option<Style> {
        match symbol {
            "%" => Some(Style::Percent),
            "{" => Some(Style::Brace),
            "$" => Some(Style::Dollar),
            _ => None,
        }
    }

    pub fn symbol(self) -> char {
        match self {
            Style::Percent => '%',
            Style::Brace => '{',
            Style::Dollar => '$',
        }
    }

    /// The format `Formatter` uses when `fmt` is empty or `None` (`fmt or default_format`).
    pub fn default_format(self) -> &'static str {
        match self {
            Style::Percent => "%(message)s",
            Style::Brace => "{message}",
            Style::Dollar => "${message}",
        }
    }

    /// The format of `basicConfig` and of a bare `Formatter` created by `logging` itself
    /// (`logging.BASIC_FORMAT` and its counterparts in `logging._STYLES`).
    pub fn basic_format(self) -> &'static str {
        match self {
            Style::Percent => "%(levelname)s:%(name)s:%(message)s",
            Style::Brace => "{levelname}:{name}:{message}",
            Style::Dollar => "${levelname}:${name}:${message}",
        }
    }
}

/// The `!r`, `!s` and `!a` conversions of the `{` style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conversion {
    Str,
    Repr,
    Ascii,
}

impl Conversion {
    pub fn from_char(character: char) -> Option<Conversion> {
        match character {
            's' => Some(Conversion::Str),
            'r' => Some(Conversion::Repr),
            'a' => Some(Conversion::Ascii),
            _ => None,
        }
    }

    pub fn as_char(self) -> char {
        match self {
            Conversion::Str => 's',
            Conversion::Repr => 'r',
            Conversion::Ascii => 'a',
        }
    }
}

/// The `%` style's conversion flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    /// `-`
    pub left_align: bool,
    /// `0`
    pub zero_pad: bool,
    /// `+`
    pub plus_sign: bool,
    /// a space
    pub space_sign: bool,
    /// `#`
    pub alternate: bool,
}

/// How one field of a template is to be converted to text.
///
/// This is also what the host receives in `FieldSource::format_foreign` when it has to do
/// the conversion itself; `text()` is written so the host can apply it directly.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversionSpec {
    style: Style,
    text: Box<str>,
    conversion: Option<Conversion>,
    detail: SpecDetail,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SpecDetail {
    Percent(PercentSpec),
    /// `None` when the spec is not one this crate renders (the host then formats, and
    /// raises if the spec is invalid).
    Brace(Option<FormatSpec>),
    Dollar,
}

impl ConversionSpec {
    pub(crate) fn percent(text: &str, spec: PercentSpec) -> ConversionSpec {
        ConversionSpec {
            style: Style::Percent,
            text: text.into(),
            conversion: None,
            detail: SpecDetail::Percent(spec),
        }
    }

    pub(crate) fn brace(format_spec: &str, conversion: Option<Conversion>) -> ConversionSpec {
        ConversionSpec {
            style: Style::Brace,
            text: format_spec.into(),
            conversion,
            detail: SpecDetail::Brace(FormatSpec::parse(format_spec)),
        }
    }

    pub(crate) fn dollar() -> ConversionSpec {
        ConversionSpec {
            style: Style::Dollar,
            text: "".into(),
            conversion: None,
            detail: SpecDetail::Dollar,
        }
    }

    pub fn style(&self) -> Style {
        self.style
    }

    pub(crate) fn detail(&self) -> &SpecDetail {
        &self.detail
    }

    /// What the host applies to a value it formats itself:
    /// - `%` style: the directive without its mapping key, e.g. `%-10.3r` for
    ///   `%(name)-10.3r`, to be used as `text % (value,)`;
    /// - `{` style: the format spec after the colon, to be used as
    ///   `format(converted_value, text)` (see `conversion()`);
    /// - `$` style: empty; the host uses `str(value)`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The `{` style's `!r`, `!s` or `!a`, applied before the format spec.
    pub fn conversion(&self) -> Option<Conversion> {
        self.conversion
    }

    /// The parsed `%` directive.
    pub fn percent_spec(&self) -> Option<&PercentSpec> {
        match &self.detail {
            SpecDetail::Percent(spec) => Some(spec),
            _ => None,
        }
    }

    /// The parsed `{` format spec, when it is one this crate understands.
    pub fn format_spec(&self) -> Option<&FormatSpec> {
        match &self.detail {
            SpecDetail::Brace(spec) => spec.as_ref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_match_the_formatter_argument() {
        for style in [Style::Percent, Style::Brace, Style::Dollar] {
            assert_eq!(Style::from_symbol(&style.symbol().to_string()), Some(style));
        }
        assert_eq!(Style::from_symbol("%%"), None);
        assert_eq!(Style::from_symbol(""), None);
    }

    #[test]
    fn default_formats_are_the_standard_ones() {
        assert_eq!(Style::Percent.default_format(), "%(message)s");
        assert_eq!(Style::Brace.default_format(), "{message}");
        assert_eq!(Style::Dollar.default_format(), "${message}");
        assert_eq!(
            Style::Percent.basic_format(),
            "%(levelname)s:%(name)s:%(message)s"
        );
    }

    #[test]
    fn conversions_round_trip() {
        for character in ['s', 'r', 'a'] {
            assert_eq!(
                Conversion::from_char(character).map(Conversion::as_char),
                Some(character)
            );
        }
        assert_eq!(Conversion::from_char('x'), None);
    }

    #[test]
    fn brace_spec_exposes_the_host_text_and_the_parse() {
        let spec = ConversionSpec::brace(">10", Some(Conversion::Repr));
        assert_eq!(spec.style(), Style::Brace);
        assert_eq!(spec.text(), ">10");
        assert_eq!(spec.conversion(), Some(Conversion::Repr));
        assert_eq!(spec.format_spec().and_then(|spec| spec.width), Some(10));
        assert!(spec.percent_spec().is_none());
        assert!(ConversionSpec::brace("xx", None).format_spec().is_none());
    }
}
