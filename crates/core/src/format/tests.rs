//! Templates rendered side by side with CPython.
//!
//! `testdata/*.txt` hold what CPython 3.11, 3.12 and 3.13 produce for thousands of
//! templates and values (regenerate them with `testdata/generate.py`). Every case this
//! crate renders natively must match byte for byte, error messages included; cases it
//! hands to the host are counted, and must stay a small minority.

use super::*;

const HOST_MARKER: &str = "\u{1}host\u{1}";

#[derive(Debug, Clone)]
enum OwnedValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    Foreign,
}

impl OwnedValue {
    fn decode(text: &str) -> OwnedValue {
        let (kind, payload) = text.split_at(2);
        match kind {
            "s:" => OwnedValue::Str(payload.to_owned()),
            "i:" => OwnedValue::Int(payload.parse().unwrap()),
            "f:" => OwnedValue::Float(f64::from_bits(u64::from_str_radix(payload, 16).unwrap())),
            "b:" => OwnedValue::Bool(payload == "1"),
            "n:" => OwnedValue::None,
            _ => panic!("unknown value {text:?}"),
        }
    }

    fn borrow(&self) -> FieldValue<'_> {
        match self {
            OwnedValue::Str(text) => FieldValue::Str(text),
            OwnedValue::Int(number) => FieldValue::Int(*number),
            OwnedValue::Float(number) => FieldValue::Float(*number),
            OwnedValue::Bool(flag) => FieldValue::Bool(*flag),
            OwnedValue::None => FieldValue::None,
            OwnedValue::Foreign => FieldValue::Foreign,
        }
    }
}

/// A record made of named values; what the host would format is replaced by a marker.
struct Record {
    values: Vec<(String, OwnedValue)>,
    host_calls: Vec<(FieldKey, ConversionSpec)>,
}

impl Record {
    fn new(values: &[(&str, OwnedValue)]) -> Record {
        Record {
            values: values
                .iter()
                .map(|(name, value)| (name.to_string(), value.clone()))
                .collect(),
            host_calls: Vec::new(),
        }
    }

    fn standard() -> Record {
        Record::new(&[
            ("name", OwnedValue::Str("root".into())),
            ("msg", OwnedValue::Str("hello %s".into())),
            ("levelname", OwnedValue::Str("INFO".into())),
            ("levelno", OwnedValue::Int(20)),
            ("lineno", OwnedValue::Int(42)),
            ("created", OwnedValue::Float(1700000000.123456)),
            ("msecs", OwnedValue::Float(123.0)),
            ("message", OwnedValue::Str("hello world".into())),
            ("asctime", OwnedValue::Str("2023-11-14 22:13:20,123".into())),
            ("exc_info", OwnedValue::None),
            ("a", OwnedValue::Int(1)),
            ("b", OwnedValue::Float(2.5)),
            ("c", OwnedValue::Str("text".into())),
            ("r", OwnedValue::Bool(true)),
            ("s", OwnedValue::Str("é".into())),
            ("x", OwnedValue::Int(-7)),
            ("ab", OwnedValue::Str("AB".into())),
            ("_", OwnedValue::Str("under".into())),
            ("zz", OwnedValue::Float(0.1)),
        ])
    }
}

impl FieldSource for Record {
    fn value(&mut self, key: &FieldKey) -> Result<FieldValue<'_>, RenderError> {
        self.values
            .iter()
            .find(|(name, _)| name == key.name())
            .map(|(_, value)| value.borrow())
            .ok_or_else(|| RenderError::MissingField(key.clone()))
    }

    fn format_foreign(
        &mut self,
        key: &FieldKey,
        spec: &ConversionSpec,
        out: &mut String,
    ) -> Result<(), RenderError> {
        self.host_calls.push((key.clone(), spec.clone()));
        out.push_str(HOST_MARKER);
        Ok(())
    }
}

/// The outcome in the tables' notation: `=text` or `!ExceptionType:message`.
fn outcome(result: Result<String, RenderError>) -> String {
    match result {
        Ok(text) => format!("={text}"),
        Err(error) => {
            let kind = match &error {
                RenderError::MissingField(_) | RenderError::InvalidValue(_) => "ValueError",
                RenderError::TypeMismatch(_) => "TypeError",
                RenderError::Overflow(_) => "OverflowError",
                RenderError::RequiresHost | RenderError::Host(_) => "Host",
            };
            format!("!{kind}:{error}")
        }
    }
}

fn render(template: &Template, record: &mut Record) -> Result<String, RenderError> {
    let mut out = String::new();
    template.render(record, &mut out).map(|()| out)
}

fn unescape(field: &str) -> String {
    let mut text = String::with_capacity(field.len());
    let mut characters = field.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            text.push(character);
            continue;
        }
        match characters.next() {
            Some('t') => text.push('\t'),
            Some('n') => text.push('\n'),
            Some('r') => text.push('\r'),
            Some(other) => text.push(other),
            None => panic!("dangling escape in {field:?}"),
        }
    }
    text
}

fn table(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    text.lines()
        .map(|line| line.split('\t').map(unescape).collect())
}

fn style(code: &str) -> Style {
    match code {
        "P" => Style::Percent,
        "B" => Style::Brace,
        "D" => Style::Dollar,
        _ => panic!("unknown style {code}"),
    }
}

#[test]
fn values_render_like_cpython() {
    let mut native = 0;
    let mut delegated_successes = 0;
    let mut failures = Vec::new();
    for columns in table(include_str!("testdata/values.txt")) {
        let [style_code, source, value, expected] = &columns[..] else {
            panic!("bad line {columns:?}");
        };
        let template = Template::compile(source, style(style_code));
        let mut record = Record::new(&[("v", OwnedValue::decode(value))]);
        let rendered = outcome(render(&template, &mut record));
        // After a field the host formats, the host would have raised or written it:
        // what follows is not comparable.
        if template.python_only() || !record.host_calls.is_empty() {
            // Errors are expected to be delegated: the host raises them itself.
            if expected.starts_with('=') {
                delegated_successes += 1;
            }
            continue;
        }
        native += 1;
        if rendered != *expected {
            failures.push(format!(
                "{style_code} {source:?} with {value:?}: expected {expected:?}, got {rendered:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Besides the errors, the host only sees `%r`, `%a`, `%c` and `!r` of strings and the
    // locale-dependent `n`.
    assert!(native > 3000, "only {native} rendered natively");
    assert!(
        delegated_successes < 100,
        "{delegated_successes} successes delegated"
    );
}

#[test]
fn templates_validate_and_render_like_cpython() {
    let mut failures = Vec::new();
    let mut validated_by_host = 0;
    let mut rendered_natively = 0;
    for columns in table(include_str!("testdata/templates.txt")) {
        let [style_code, source, validation, uses_time, rendering] = &columns[..] else {
            panic!("bad line {columns:?}");
        };
        let template = Template::compile(source, style(style_code));
        let describe = |what: &str, expected: &str, got: &str| {
            format!("{style_code} {source:?} {what}: expected {expected:?}, got {got:?}")
        };
        match template.validate() {
            Ok(()) if validation == "ok" => {}
            Err(TemplateError::Invalid(message)) if *validation == format!("!{message}") => {}
            Err(TemplateError::RequiresHost) if !source.is_ascii() => validated_by_host += 1,
            other => failures.push(describe("validation", validation, &format!("{other:?}"))),
        }
        let time = if template.uses_time() { "1" } else { "0" };
        if time != uses_time {
            failures.push(describe("uses_time", uses_time, time));
        }
        if template.python_only() || rendering == "~" {
            continue;
        }
        let mut record = Record::standard();
        let rendered = outcome(render(&template, &mut record));
        if !record.host_calls.is_empty() {
            continue;
        }
        rendered_natively += 1;
        if rendered != *rendering {
            failures.push(describe("rendering", rendering, &rendered));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        validated_by_host < 20,
        "{validated_by_host} left to the host"
    );
    assert!(rendered_natively > 300, "only {rendered_natively} rendered");
}

fn render_standard(source: &str, style: Style) -> (Result<String, RenderError>, Record) {
    let template = Template::compile(source, style);
    let mut record = Record::standard();
    let result = render(&template, &mut record);
    (result, record)
}

#[test]
fn the_usual_template_renders_without_the_host() {
    let (result, record) = render_standard(
        "%(asctime)s %(levelname)s %(name)s: %(message)s",
        Style::Percent,
    );
    assert_eq!(
        result.unwrap(),
        "2023-11-14 22:13:20,123 INFO root: hello world"
    );
    assert!(record.host_calls.is_empty());
}

#[test]
fn the_same_record_renders_alike_in_every_style() {
    let expected = "INFO:root:hello world";
    for style in [Style::Percent, Style::Brace, Style::Dollar] {
        let (result, _) = render_standard(style.basic_format(), style);
        assert_eq!(result.unwrap(), expected, "{style:?}");
    }
}

#[test]
fn numbers_render_natively() {
    let (result, record) = render_standard(
        "%(lineno)5d|%(created)f|%(msecs)03d|%(zz)s|%(r)s|%(exc_info)s",
        Style::Percent,
    );
    assert_eq!(result.unwrap(), "   42|1700000000.123456|123|0.1|True|None");
    assert!(record.host_calls.is_empty());
    let (result, _) = render_standard("{lineno:>5}|{created:.3f}|{x:+,}|{b!r}", Style::Brace);
    assert_eq!(result.unwrap(), "   42|1700000000.123|-7|2.5");
}

#[test]
fn templates_the_host_must_render() {
    let cases = [
        (Style::Percent, "%s"),
        (Style::Percent, "%(a)s %s"),
        (Style::Percent, "%(a)*d"),
        (Style::Percent, "%(a).*f"),
        (Style::Percent, "%(a"),
        (Style::Percent, "%(a)"),
        (Style::Percent, "%(a)y"),
        (Style::Percent, "%(a)%"),
        (Style::Percent, "trailing %"),
        (Style::Brace, "{}"),
        (Style::Brace, "{0}"),
        (Style::Brace, "{a.b}"),
        (Style::Brace, "{a[0]}"),
        (Style::Brace, "{a:{b}}"),
        (Style::Brace, "{a!x}"),
        (Style::Brace, "single }"),
        (Style::Brace, "{a"),
        (Style::Dollar, "$"),
        (Style::Dollar, "$1"),
        (Style::Dollar, "${a"),
        (Style::Dollar, "${1}"),
    ];
    for (style, source) in cases {
        let template = Template::compile(source, style);
        assert!(template.python_only(), "{style:?} {source:?}");
        let mut out = String::from("kept");
        let error = template.render(&mut Record::standard(), &mut out);
        assert!(matches!(error, Err(RenderError::RequiresHost)));
        assert_eq!(out, "kept");
    }
}

#[test]
fn templates_rendered_natively() {
    let cases = [
        (Style::Percent, "100%% %(a)s"),
        (Style::Percent, "%(a(b))s"),
        (Style::Percent, "%(a)ld %(a)hd %(a)Lf"),
        (Style::Brace, "{{literal}} {a}"),
        (Style::Brace, "{ a }"),
        (Style::Brace, "{a]}"),
        (Style::Dollar, "$$a $a ${a}b"),
    ];
    for (style, source) in cases {
        assert!(
            !Template::compile(source, style).python_only(),
            "{style:?} {source:?}"
        );
    }
}

#[test]
fn fields_are_listed_once_in_order_of_use() {
    let template = Template::compile("%(name)s %(a)d %(name)s %(asctime)s", Style::Percent);
    let names: Vec<&str> = template.fields().map(FieldKey::name).collect();
    assert_eq!(names, ["name", "a", "asctime"]);
    assert_eq!(template.fields().next(), Some(&FieldKey::Name));
    let template = Template::compile("{message!r:>10} {request_id}", Style::Brace);
    let keys: Vec<&FieldKey> = template.fields().collect();
    assert_eq!(
        keys,
        [&FieldKey::Message, &FieldKey::Other("request_id".into())]
    );
}

#[test]
fn the_host_gets_what_it_needs_to_convert_a_field() {
    let (result, record) = render_standard("[%(c)-10.3r]", Style::Percent);
    assert_eq!(result.unwrap(), format!("[{HOST_MARKER}]"));
    let (key, spec) = &record.host_calls[0];
    assert_eq!(key.name(), "c");
    assert_eq!(spec.style(), Style::Percent);
    assert_eq!(spec.text(), "%-10.3r");
    let percent = spec.percent_spec().unwrap();
    assert!(percent.flags.left_align);
    assert_eq!((percent.width, percent.precision), (10, Some(3)));

    // Length modifiers are dropped: CPython ignores them.
    let (_, record) = render_standard("%(c)#08lc", Style::Percent);
    assert_eq!(record.host_calls[0].1.text(), "%#08c");

    let (_, record) = render_standard("{c!r:>5}", Style::Brace);
    let (_, spec) = &record.host_calls[0];
    assert_eq!(
        (spec.text(), spec.conversion()),
        (">5", Some(Conversion::Repr))
    );

    let (_, record) = render_standard("{a:n}", Style::Brace);
    assert_eq!(record.host_calls[0].1.text(), "n");
}

#[test]
fn foreign_values_are_always_left_to_the_host() {
    for (style, source) in [
        (Style::Percent, "%(v)s"),
        (Style::Percent, "%(v)d"),
        (Style::Brace, "{v}"),
        (Style::Brace, "{v!s:>3}"),
        (Style::Dollar, "$v"),
    ] {
        let template = Template::compile(source, style);
        let mut record = Record::new(&[("v", OwnedValue::Foreign)]);
        assert_eq!(render(&template, &mut record).unwrap(), HOST_MARKER);
        assert_eq!(record.host_calls.len(), 1, "{source}");
    }
}

#[test]
fn errors_name_the_field_and_leave_the_output_untouched() {
    let template = Template::compile("%(name)s %(missing)s", Style::Percent);
    let mut out = String::from("before:");
    let error = template
        .render(&mut Record::standard(), &mut out)
        .unwrap_err();
    assert!(matches!(&error, RenderError::MissingField(key) if key.name() == "missing"));
    assert_eq!(
        error.to_string(),
        "Formatting field not found in record: 'missing'"
    );
    assert_eq!(out, "before:");
}

#[test]
fn type_errors_carry_cpython_messages() {
    let cases = [
        ("%(c)d", "%d format: a real number is required, not str"),
        (
            "%(exc_info)i",
            "%i format: a real number is required, not NoneType",
        ),
        ("%(b)x", "%x format: an integer is required, not float"),
        ("%(c)f", "must be real number, not str"),
    ];
    for (source, message) in cases {
        let (result, _) = render_standard(source, Style::Percent);
        match result {
            Err(RenderError::TypeMismatch(text)) => assert_eq!(text, message),
            other => panic!("{source}: {other:?}"),
        }
    }
    let template = Template::compile("%(v)d", Style::Percent);
    let mut record = Record::new(&[("v", OwnedValue::Float(f64::NAN))]);
    assert!(matches!(
        render(&template, &mut record),
        Err(RenderError::InvalidValue(text)) if text == "cannot convert float NaN to integer"
    ));
    let mut record = Record::new(&[("v", OwnedValue::Float(f64::NEG_INFINITY))]);
    assert!(matches!(
        render(&template, &mut record),
        Err(RenderError::Overflow(text)) if text == "cannot convert float infinity to integer"
    ));
}

#[test]
fn uses_time_is_a_substring_search() {
    let cases = [
        (Style::Percent, "%(asctime)s", true),
        (Style::Percent, "%(asctime)-20s", true),
        (Style::Percent, "%%(asctime)s", true),
        (Style::Percent, "%(asctimes)s", false),
        (Style::Brace, "{asctime:>20}", true),
        (Style::Brace, "{asctimes}", true),
        (Style::Brace, "{ asctime}", false),
        (Style::Dollar, "$asctime", true),
        (Style::Dollar, "${asctime}", true),
        (Style::Dollar, "$asctimes", true),
        (Style::Dollar, "${asctime }", false),
    ];
    for (style, source, expected) in cases {
        assert_eq!(
            Template::compile(source, style).uses_time(),
            expected,
            "{style:?} {source:?}"
        );
    }
}

#[test]
fn validation_messages_are_cpython_s() {
    let invalid = |style, source: &str| match Template::compile(source, style).validate() {
        Err(TemplateError::Invalid(message)) => message,
        other => panic!("{source}: {other:?}"),
    };
    assert_eq!(
        invalid(Style::Percent, "%(asctime"),
        "Invalid format '%(asctime' for '%' style"
    );
    assert_eq!(
        invalid(Style::Brace, "no fields"),
        "invalid format: no fields"
    );
    assert_eq!(
        invalid(Style::Brace, "{a!x}"),
        "invalid format: invalid conversion: 'x'"
    );
    assert_eq!(
        invalid(Style::Brace, "{a:z.2f}"),
        "invalid format: bad specifier: 'z.2f'"
    );
    assert_eq!(
        invalid(Style::Brace, "{a-b}"),
        "invalid format: invalid field name/expression: 'a-b'"
    );
    assert_eq!(
        invalid(Style::Dollar, "$ $a"),
        "invalid format: bare '$' not allowed"
    );
    assert_eq!(invalid(Style::Dollar, "$$"), "invalid format: no fields");
    assert!(Template::compile("%(a)s", Style::Percent)
        .validate()
        .is_ok());
    assert_eq!(
        Template::compile("%(é)s", Style::Percent).validate(),
        Err(TemplateError::RequiresHost)
    );
}

#[test]
fn a_compiled_message_renders_as_the_one_pass_merge_does() {
    use super::{render_positional, PositionalTemplate};
    let cases: &[(&str, &[FieldValue<'_>])] = &[
        (
            "request %s took %d ms",
            &[FieldValue::Str("/api"), FieldValue::Int(42)],
        ),
        (
            "%5.1f%% done %r",
            &[FieldValue::Float(99.25), FieldValue::Int(-3)],
        ),
        (
            "%-6s|%06d|%x",
            &[
                FieldValue::None,
                FieldValue::Bool(true),
                FieldValue::Int(255),
            ],
        ),
        ("too few %s %s", &[FieldValue::Int(1)]),
        ("too many %s", &[FieldValue::Int(1), FieldValue::Int(2)]),
        ("%r of a string", &[FieldValue::Str("needs the host")]),
        ("%d of a string", &[FieldValue::Str("x")]),
        ("%d of NaN", &[FieldValue::Float(f64::NAN)]),
        ("no conversions", &[]),
    ];
    for (source, values) in cases {
        let template = PositionalTemplate::compile(source).expect("positional");
        let mut one_pass = String::from("kept ");
        let mut compiled = String::from("kept ");
        let expected = render_positional(source, values, &mut one_pass);
        let got = template.render_all(values, &mut compiled);
        assert_eq!(format!("{got:?}"), format!("{expected:?}"), "{source}");
        assert_eq!(compiled, one_pass, "{source}");
    }
    assert!(PositionalTemplate::compile("%(key)s").is_none());
}
