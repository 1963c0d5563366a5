//! The standard attribute dict of a core `Record`: what a `LogRecord`'s
//! `__dict__` would hold, as `SocketHandler.makePickle` sends it, so a
//! record that never was a Python object can still reach a CPython
//! receiver (`pickle.loads` + `logging.makeLogRecord`).

use super::value::{BigInt, Text, Value};
use crate::record::Record;
use crate::time::PythonVersion;

/// What a `LogRecord` holds that a core `Record` does not carry.
#[derive(Debug, Clone, Default)]
pub struct RecordContext<'a> {
    /// `threadName`; `None` when `logging.logThreads` is off.
    pub thread_name: Option<&'a str>,
    /// `processName`; `None` when `logging.logMultiprocessing` is off.
    pub process_name: Option<&'a str>,
    /// `process`; `None` when `logging.logProcesses` is off.
    pub process_id: Option<u32>,
    /// `taskName` (3.12 and later only): the asyncio task's name, if any.
    pub task_name: Option<&'a str>,
}

/// The dict `makePickle` pickles: `LogRecord.__init__`'s attributes in its
/// order, `msg` merged, `args` and `exc_info` `None`, `exc_text` the
/// formatted traceback (which `makePickle` has the handler's formatter
/// produce), `taskName` from 3.12, then the extras in the order given.
pub fn standard_attributes(
    record: &Record,
    context: &RecordContext<'_>,
    extras: &[(Text, Value)],
) -> Value {
    let optional = |text: Option<&str>| text.map_or(Value::None, Value::str);
    let times = record.times();
    let site = &record.origin.site;
    let thread = i64::try_from(record.thread_id).map_or_else(
        |_| BigInt::parse_decimal(&record.thread_id.to_string()).unwrap_or(Value::None),
        Value::Int,
    );
    let mut entries = vec![
        ("name", Value::str(&*record.origin.logger_name)),
        ("msg", Value::str(record.message.as_str())),
        ("args", Value::None),
        ("levelname", Value::str(&*record.origin.level_name)),
        ("levelno", Value::Int(record.level.into())),
        ("pathname", Value::str(&*site.pathname)),
        ("filename", Value::str(&*site.filename)),
        ("module", Value::str(&*site.module)),
        ("exc_info", Value::None),
        ("exc_text", optional(record.exception_text())),
        ("stack_info", optional(record.stack_info())),
        ("lineno", Value::Int(record.line.into())),
        ("funcName", Value::str(&*site.function)),
        ("created", Value::Float(times.created)),
        ("msecs", Value::Float(times.msecs)),
        ("relativeCreated", Value::Float(times.relative_created)),
        ("thread", thread),
        ("threadName", optional(context.thread_name)),
        ("processName", optional(context.process_name)),
        (
            "process",
            context
                .process_id
                .map_or(Value::None, |id| Value::Int(id.into())),
        ),
    ];
    if record.version != PythonVersion::V3_11 {
        entries.push(("taskName", optional(context.task_name)));
    }
    let mut dict: Vec<(Text, Value)> = entries
        .into_iter()
        .map(|(key, value)| (Text::new(key), value))
        .collect();
    for (key, value) in extras {
        // `extra` may not overwrite a record attribute (`makeRecord` raises);
        // a repeated key replaces the value in place, as a dict does.
        match dict
            .iter_mut()
            .find(|(existing, _)| existing.text == key.text)
        {
            Some(entry) => entry.1 = value.clone(),
            None => dict.push((key.clone(), value.clone())),
        }
    }
    Value::Dict(dict)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::record::{CallSite, Origin, OriginRef, SiteRef};
    use crate::wire::serialize::pickle;
    use crate::wire::serialize::test_support::hex;

    fn record(version: PythonVersion) -> Record {
        Record {
            origin: OriginRef::counted(Origin {
                logger_name: Arc::from("app.db"),
                level_name: Arc::from("INFO"),
                site: SiteRef::counted(CallSite::from_path("/srv/app/db/query.py", "run_query")),
            }),
            level: 20,
            line: 217,
            created_ns: 1_733_333_333_123_456_789,
            start_ns: 1_733_333_300_987_654_321,
            version,
            thread_id: 140_234_567_890_123,
            message: "user alice logged in".into(),
            additions: None,
        }
    }

    /// The frame `SocketHandler.makePickle` made on 3.11 and 3.13 of a record
    /// logged at the same clock reading (`record-core` in the pickle cases).
    #[test]
    fn a_core_record_pickles_as_the_standard_handler_pickles_its_record() {
        let context = RecordContext {
            thread_name: Some("MainThread"),
            process_name: Some("MainProcess"),
            process_id: Some(4242),
            task_name: None,
        };
        let extras = [
            (Text::new("request_id"), Value::Int(7)),
            (Text::new("user"), Value::str("bob")),
        ];
        let lines = include_str!("pickle/testdata/cases.txt").lines();
        let mut checked = 0;
        for line in lines.filter(|line| line.contains("\trecord-core\t1\t")) {
            let fields: Vec<&str> = line.split('\t').collect();
            let version = match fields[0] {
                "3.11" => PythonVersion::V3_11,
                _ => PythonVersion::V3_13,
            };
            let attributes = standard_attributes(&record(version), &context, &extras);
            let mut frame = Vec::new();
            pickle::encode(&attributes, &mut frame).unwrap();
            assert_eq!(frame, hex(fields[4])[4..], "{}", fields[0]);
            checked += 1;
        }
        assert_eq!(checked, 2);
    }

    #[test]
    fn switches_and_tracebacks_show_as_cpython_shows_them() {
        let mut record = record(PythonVersion::V3_12);
        record.additions = Some(Box::new(crate::record::Additions {
            exception_text: Some("Traceback ...".into()),
            stack_info: None,
        }));
        let attributes = standard_attributes(&record, &RecordContext::default(), &[]);
        assert_eq!(
            attributes.get("exc_text"),
            Some(&Value::str("Traceback ..."))
        );
        assert_eq!(attributes.get("stack_info"), Some(&Value::None));
        assert_eq!(attributes.get("threadName"), Some(&Value::None));
        assert_eq!(attributes.get("process"), Some(&Value::None));
        assert_eq!(attributes.get("taskName"), Some(&Value::None));
    }
}
