//! A record turned into its line away from the caller: `Formatter.format` for
//! the fields a `Record` holds as plain Rust data.
//!
//! A femto handler's caller takes a `Record` (the message already merged, the
//! traceback already formatted) and queues it; its worker renders it with a
//! `LineFormat`. Only templates whose every field the record answers without
//! the host qualify (`LineFormat::new` says which): the thread and process
//! fields and the raw `msg`/`args` stay with the host. `extra` keys (and the
//! values bound to the context) are given beside the record as plain data.

use std::cell::Cell;
use std::sync::Arc;

use crate::format::{ConversionSpec, FieldKey, FieldSource, FieldValue, RenderError, Template};
use crate::record::Record;
use crate::time::{AscTime, RecordTimes};
use crate::wire::serialize::value::Value;

/// The template of a standard formatter, with its `formatTime` when the
/// template uses the time.
#[derive(Debug)]
pub struct LineFormat {
    template: Arc<Template>,
    asctime: Option<Arc<AscTime>>,
}

impl LineFormat {
    /// `None` when the template needs something only the host has, or uses
    /// the time and no `asctime` was given.
    pub fn new(template: Arc<Template>, asctime: Option<Arc<AscTime>>) -> Option<LineFormat> {
        if template.python_only() {
            return None;
        }
        let uses_time = template.uses_time();
        if uses_time && asctime.is_none() {
            return None;
        }
        let answerable = template.fields().all(|key| match key {
            FieldKey::AscTime => uses_time,
            key => answers(key),
        });
        if !answerable {
            return None;
        }
        Some(LineFormat {
            asctime: if uses_time { asctime } else { None },
            template,
        })
    }

    pub fn template(&self) -> &Arc<Template> {
        &self.template
    }

    /// The record's line when it is its message as it is (a template of the
    /// message alone, no traceback or stack to follow): what `render` would
    /// write, without copying it.
    pub fn message_as_is<'a>(&self, record: &'a Record) -> Option<&'a str> {
        let bare = [record.exception_text(), record.stack_info()]
            .into_iter()
            .flatten()
            .all(str::is_empty);
        (bare && self.template.is_message_only()).then_some(record.message.as_str())
    }

    /// Appends the formatted record to `out`: the template, then the
    /// traceback and the stack, each on a new line, as `Formatter.format`
    /// does. On error `out` is left as it was.
    pub fn render(&self, record: &Record, out: &mut String) -> Result<(), RenderError> {
        self.render_with_extra(record, &[], out)
    }

    /// `render` for a record whose `extra` keys (and values bound to the
    /// context, which become `extra` keys) the template names: `extra`
    /// holds them as plain data. A key it lacks, or a value other than
    /// `None`, `bool`, `int`, `float` or `str`, needs the host.
    pub fn render_with_extra(
        &self,
        record: &Record,
        extra: &[(String, Value)],
        out: &mut String,
    ) -> Result<(), RenderError> {
        let mut asctime = ASCTIME.take();
        asctime.clear();
        let result = self.render_with(record, extra, &mut asctime, out);
        ASCTIME.set(asctime);
        result
    }

    /// The `extra` keys the template names, in order of first use.
    pub fn extra_keys(&self) -> impl Iterator<Item = &str> {
        self.template.fields().filter_map(|key| match key {
            FieldKey::Other(name) => Some(&**name),
            _ => None,
        })
    }

    fn render_with(
        &self,
        record: &Record,
        extra: &[(String, Value)],
        asctime_text: &mut String,
        out: &mut String,
    ) -> Result<(), RenderError> {
        let start = out.len();
        let mut times = None;
        if let Some(asctime) = &self.asctime {
            let now = *times.insert(record.times());
            asctime
                .format(now.created, now.msecs, asctime_text)
                .map_err(|error| RenderError::Host(Box::new(error)))?;
        }
        let mut source = RecordSource {
            record,
            extra,
            times,
            asctime: asctime_text,
        };
        self.template.render(&mut source, out)?;
        let additions = [record.exception_text(), record.stack_info()];
        for text in additions.into_iter().flatten() {
            if text.is_empty() {
                continue;
            }
            if !out[start..].ends_with('\n') {
                out.push('\n');
            }
            out.push_str(text);
        }
        Ok(())
    }
}

/// The fields a `Record` answers by itself.
fn answers(key: &FieldKey) -> bool {
    matches!(
        key,
        FieldKey::Name
            | FieldKey::LevelName
            | FieldKey::LevelNo
            | FieldKey::PathName
            | FieldKey::FileName
            | FieldKey::Module
            | FieldKey::LineNo
            | FieldKey::FuncName
            | FieldKey::Created
            | FieldKey::Msecs
            | FieldKey::RelativeCreated
            | FieldKey::Message
            | FieldKey::Other(_)
    )
}

thread_local! {
    /// The `asctime` text of the record being rendered, kept from record to
    /// record so that a worker rendering a batch does not allocate one each.
    static ASCTIME: Cell<String> = const { Cell::new(String::new()) };
}

struct RecordSource<'a> {
    record: &'a Record,
    extra: &'a [(String, Value)],
    /// Computed on first use.
    times: Option<RecordTimes>,
    asctime: &'a str,
}

impl RecordSource<'_> {
    fn times(&mut self) -> RecordTimes {
        *self.times.get_or_insert_with(|| self.record.times())
    }
}

impl FieldSource for RecordSource<'_> {
    fn value(&mut self, key: &FieldKey) -> Result<FieldValue<'_>, RenderError> {
        let record = self.record;
        let origin = &*record.origin;
        Ok(match key {
            FieldKey::Name => FieldValue::Str(&origin.logger_name),
            FieldKey::LevelName => FieldValue::Str(&origin.level_name),
            FieldKey::LevelNo => FieldValue::Int(record.level.into()),
            FieldKey::PathName => FieldValue::Str(&origin.site.pathname),
            FieldKey::FileName => FieldValue::Str(&origin.site.filename),
            FieldKey::Module => FieldValue::Str(&origin.site.module),
            FieldKey::LineNo => FieldValue::Int(record.line.into()),
            FieldKey::FuncName => FieldValue::Str(&origin.site.function),
            FieldKey::Created => FieldValue::Float(self.times().created),
            FieldKey::Msecs => FieldValue::Float(self.times().msecs),
            FieldKey::RelativeCreated => FieldValue::Float(self.times().relative_created),
            FieldKey::Message => FieldValue::Str(&record.message),
            FieldKey::AscTime => FieldValue::Str(self.asctime),
            FieldKey::Other(name) => {
                let value = self
                    .extra
                    .iter()
                    .find(|(key, _)| **key == **name)
                    .map(|(_, value)| value);
                match value {
                    Some(Value::Str(text)) => FieldValue::Str(&text.text),
                    Some(Value::Int(number)) => FieldValue::Int(*number),
                    Some(Value::Float(number)) => FieldValue::Float(*number),
                    Some(Value::Bool(flag)) => FieldValue::Bool(*flag),
                    Some(Value::None) => FieldValue::None,
                    _ => return Err(RenderError::RequiresHost),
                }
            }
            _ => return Err(RenderError::RequiresHost),
        })
    }

    fn format_foreign(
        &mut self,
        _key: &FieldKey,
        _spec: &ConversionSpec,
        _out: &mut String,
    ) -> Result<(), RenderError> {
        // A conversion only the host performs (`%r`, `%c`, ...).
        Err(RenderError::RequiresHost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Style;
    use crate::record::{Additions, CallSite, Origin, OriginRef, SiteRef};
    use crate::time::{Converter, PythonVersion};

    fn record(message: &str) -> Record {
        let created_ns = 1_700_000_000_123_456_789;
        Record {
            origin: OriginRef::counted(Origin {
                logger_name: Arc::from("app.db"),
                level_name: Arc::from("WARNING"),
                site: SiteRef::counted(CallSite::from_path("/srv/app/db.py", "connect")),
            }),
            level: 30,
            line: 42,
            created_ns,
            start_ns: created_ns - 2_500_000,
            version: PythonVersion::V3_11,
            thread_id: 7,
            message: message.into(),
            additions: None,
        }
    }

    #[test]
    fn the_message_alone_is_its_line_as_is_without_a_traceback() {
        let asctime = Arc::new(AscTime::new(Converter::Utc, None));
        let format = |fmt: &str, style| {
            LineFormat::new(
                Arc::new(Template::compile(fmt, style)),
                Some(asctime.clone()),
            )
            .expect("answerable")
        };
        let plain = record("disk %d full");
        for (fmt, style) in [("%(message)s", Style::Percent), ("{message}", Style::Brace)] {
            let format = format(fmt, style);
            assert_eq!(format.message_as_is(&plain), Some("disk %d full"));
            let mut rendered = String::new();
            format.render(&plain, &mut rendered).expect("renders");
            assert_eq!(rendered, "disk %d full");
        }
        for (fmt, style) in [
            ("%(message)10s", Style::Percent),
            ("%(message)s!", Style::Percent),
            ("%(name)s", Style::Percent),
            ("{message:>5}", Style::Brace),
        ] {
            assert_eq!(format(fmt, style).message_as_is(&plain), None, "{fmt}");
        }
        let mut with_traceback = record("failed");
        with_traceback.additions = Some(Box::new(Additions {
            exception_text: Some("Traceback ...".into()),
            stack_info: None,
        }));
        let message_only = format("%(message)s", Style::Percent);
        assert_eq!(message_only.message_as_is(&with_traceback), None);
        with_traceback.additions = Some(Box::new(Additions::default()));
        assert_eq!(message_only.message_as_is(&with_traceback), Some("failed"));
    }

    fn line(fmt: &str, style: Style, record: &Record) -> Result<String, RenderError> {
        let template = Arc::new(Template::compile(fmt, style));
        let asctime = Arc::new(AscTime::new(Converter::Utc, None));
        let format = LineFormat::new(template, Some(asctime)).expect("answerable");
        let mut out = String::from("kept:");
        format.render(record, &mut out)?;
        Ok(out)
    }

    #[test]
    fn renders_the_standard_fields() {
        let record = record("disk 91% full");
        assert_eq!(
            line(
                "%(asctime)s %(levelname)-8s %(name)s %(module)s.%(funcName)s:%(lineno)d %(message)s",
                Style::Percent,
                &record
            )
            .unwrap(),
            "kept:2023-11-14 22:13:20,123 WARNING  app.db db.connect:42 disk 91% full"
        );
        assert_eq!(
            line(
                "{levelno:03d} {pathname} {filename} {relativeCreated:.1f}",
                Style::Brace,
                &record
            )
            .unwrap(),
            "kept:030 /srv/app/db.py db.py 2.5"
        );
        assert_eq!(
            line("${name}: $message", Style::Dollar, &record).unwrap(),
            "kept:app.db: disk 91% full"
        );
    }

    #[test]
    fn traceback_and_stack_follow_on_their_own_lines() {
        let mut record = record("failed");
        record.additions = Some(Box::new(Additions {
            exception_text: Some("Traceback (most recent call last):\nError".into()),
            stack_info: Some("Stack (most recent call last):\n  here".into()),
        }));
        assert_eq!(
            line("%(message)s", Style::Percent, &record).unwrap(),
            "kept:failed\nTraceback (most recent call last):\nError\nStack (most recent call last):\n  here"
        );
        if let Some(additions) = &mut record.additions {
            additions.exception_text = Some(String::new());
        }
        record.message = "ends with a newline\n".into();
        assert_eq!(
            line("%(message)s", Style::Percent, &record).unwrap(),
            "kept:ends with a newline\nStack (most recent call last):\n  here"
        );
    }

    #[test]
    fn extra_keys_are_rendered_from_the_plain_values_given() {
        let template = Arc::new(Template::compile(
            "%(message)s %(request_id)s %(attempt)03d %(ratio).1f %(flag)s %(missing)s",
            Style::Percent,
        ));
        let format = LineFormat::new(template, None).expect("answerable with extra");
        assert_eq!(
            format.extra_keys().collect::<Vec<_>>(),
            ["request_id", "attempt", "ratio", "flag", "missing"]
        );
        let mut extra = vec![
            ("request_id".to_owned(), Value::str("r-1")),
            ("attempt".to_owned(), Value::Int(7)),
            ("ratio".to_owned(), Value::Float(0.25)),
            ("flag".to_owned(), Value::Bool(true)),
        ];
        let mut out = String::new();
        // A key the values lack needs the host, and leaves `out` as it was.
        assert!(format
            .render_with_extra(&record("served"), &extra, &mut out)
            .is_err());
        assert_eq!(out, "");
        extra.push(("missing".to_owned(), Value::None));
        format
            .render_with_extra(&record("served"), &extra, &mut out)
            .expect("renders");
        assert_eq!(out, "served r-1 007 0.2 True None");
        extra[0].1 = Value::List(vec![]);
        assert!(format
            .render_with_extra(&record("served"), &extra, &mut String::new())
            .is_err());
    }

    #[test]
    fn templates_needing_the_host_are_refused() {
        let asctime = || Some(Arc::new(AscTime::new(Converter::Utc, None)));
        for fmt in [
            "%(threadName)s %(message)s",
            "%(process)d",
            "%(msg)s",
            "%(args)s",
            "%(exc_info)s",
        ] {
            let template = Arc::new(Template::compile(fmt, Style::Percent));
            assert!(LineFormat::new(template, asctime()).is_none(), "{fmt}");
        }
        let timed = Arc::new(Template::compile("%(asctime)s", Style::Percent));
        assert!(LineFormat::new(timed, None).is_none());
    }

    #[test]
    fn a_conversion_only_the_host_performs_fails_and_leaves_the_output() {
        let record = record("x");
        assert!(matches!(
            line("%(message)r", Style::Percent, &record),
            Err(RenderError::RequiresHost)
        ));
        let template = Arc::new(Template::compile("%(message)r", Style::Percent));
        let format = LineFormat::new(template, None).unwrap();
        let mut out = String::from("kept");
        assert!(format.render(&record, &mut out).is_err());
        assert_eq!(out, "kept");
    }
}
