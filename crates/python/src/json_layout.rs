//! `JsonFormatter`'s lines written natively (`femtologging_core::json_line`):
//! by the worker of a femto handler, which the caller hands the record and
//! its `extra` values as plain data (`json_job`), or at once by the caller
//! for the other handlers (`json_text`), with no Python `format` call.
//!
//! The formatter's Python side decides once whether its settings allow it
//! (`JsonFormatter._femto_json_layout`: no overridden step, the standard
//! serializer, fields the core knows) and hands the layout over as a
//! `JsonLayout`. A record whose values are not plain JSON data (a
//! `datetime` in `extra`, a `dict` as the message, a string with a lone
//! surrogate) is formatted through `format`, as before.

use std::sync::Arc;

use femtologging_core::format::FieldKey;
use femtologging_core::json_line::{JsonLine, Slot};
use femtologging_core::wire::serialize::value::{Text, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use femtologging_core::record::Record;

use crate::femto::{snapshot, Job};
use crate::record::CallRecord;
use crate::time_cache;

/// `extra` values nested deeper than this are left to the caller's
/// formatter, which also reports a container that holds itself.
const MAX_NESTING: usize = 64;

/// The `JsonFormatter` class, registered when `femtologging` is imported.
static JSON_FORMATTER: PyOnceLock<Py<PyType>> = PyOnceLock::new();

#[pyfunction]
pub fn register_json_formatter(py: Python<'_>, class: Bound<'_, PyType>) {
    let _ = JSON_FORMATTER.set(py, class.unbind());
}

/// A `JsonFormatter`'s layout, for the worker.
#[pyclass(frozen, module = "femtologging")]
pub struct JsonLayout {
    line: Arc<JsonLine>,
}

/// The layout of `fixed` keys (each `(key, record field name, constant JSON
/// text)`, one of the last two given) and of the keys added per record;
/// `None` when a field is one the worker does not know or `datefmt` is one
/// it cannot write.
#[pyfunction]
#[pyo3(signature = (
    *, fixed, exception_key, stack_key, skipped, renamed, timestamp_key,
    keep_missing, prefix, ensure_ascii, datefmt, utc
))]
#[allow(clippy::too_many_arguments)]
pub fn json_layout(
    py: Python<'_>,
    fixed: Vec<(String, Option<String>, Option<String>)>,
    exception_key: String,
    stack_key: String,
    skipped: Vec<String>,
    renamed: Vec<(String, String)>,
    timestamp_key: Option<String>,
    keep_missing: Vec<String>,
    prefix: String,
    ensure_ascii: bool,
    datefmt: Option<String>,
    utc: bool,
) -> Option<JsonLayout> {
    let mut slots = Vec::with_capacity(fixed.len());
    let mut uses_time = false;
    for (key, field, constant) in fixed {
        let slot = match (field, constant) {
            (_, Some(text)) => Slot::Constant(text),
            (Some(name), None) => match FieldKey::from_name(&name) {
                FieldKey::Other(_) => Slot::Extra(name),
                field if JsonLine::answers(&field) => {
                    uses_time |= field == FieldKey::AscTime;
                    Slot::Field(field)
                }
                _ => return None,
            },
            (None, None) => Slot::Constant("null".into()),
        };
        slots.push((key, slot));
    }
    let asctime = if uses_time {
        let asctime = time_cache::shared(py, datefmt.as_deref(), utc);
        // A format the native strftime refuses stays with Python.
        asctime.format_to_string(0.0, 0.0).ok()?;
        Some(asctime)
    } else {
        None
    };
    Some(JsonLayout {
        line: Arc::new(JsonLine {
            fixed: slots,
            exception_key,
            stack_key,
            skipped: skipped.into_iter().collect(),
            renamed: renamed.into_iter().collect(),
            timestamp_key,
            keep_missing,
            prefix,
            ensure_ascii,
            asctime,
        }),
    })
}

/// Whether `formatter` is a `JsonFormatter` (or a subclass of it).
pub fn is_json_formatter(formatter: &Bound<'_, PyAny>) -> PyResult<bool> {
    match JSON_FORMATTER.get(formatter.py()) {
        Some(class) => formatter.is_instance(class.bind(formatter.py())),
        None => Ok(false),
    }
}

/// The job for a native record the worker can write as JSON, or `None`
/// when the caller must format it.
pub fn json_job(formatter: &Bound<'_, PyAny>, native: &CallRecord) -> PyResult<Option<Job>> {
    Ok(plain_record(formatter, native)?.map(|plain| Job::Json {
        record: plain.record,
        layout: plain.layout,
        extra: plain.extra,
    }))
}

/// The JSON line of a native record, written here; `None` when `format`
/// must write it.
pub fn json_text(formatter: &Bound<'_, PyAny>, native: &CallRecord) -> PyResult<Option<String>> {
    let Some(plain) = plain_record(formatter, native)? else {
        return Ok(None);
    };
    let mut line = String::with_capacity(256);
    // A time the C library cannot convert is left to Python's error.
    Ok(plain
        .layout
        .render(&plain.record, &plain.extra, &mut line)
        .ok()
        .map(|()| line))
}

/// What a layout writes a line from.
struct PlainRecord {
    layout: Arc<JsonLine>,
    record: Record,
    extra: Vec<(String, Value)>,
}

/// The formatter's layout, the record and its `extra` fields as plain data,
/// when the layout can write this record.
fn plain_record(
    formatter: &Bound<'_, PyAny>,
    native: &CallRecord,
) -> PyResult<Option<PlainRecord>> {
    let py = formatter.py();
    let mut layout = formatter.getattr(intern!(py, "_femto_json"))?;
    if layout.is_none() {
        layout = formatter.call_method0(intern!(py, "_femto_json_layout"))?;
    }
    let Ok(layout) = layout.cast::<JsonLayout>() else {
        return Ok(None);
    };
    // A dict as the message gives fields, which Python gathers.
    if native.msg.bind(py).is_instance_of::<PyDict>() {
        return Ok(None);
    }
    let extra = match &native.extra {
        None => Vec::new(),
        Some(extra) => match plain_extra(extra.bind(py)) {
            Some(extra) => extra,
            None => return Ok(None),
        },
    };
    let Some(record) = snapshot(formatter, native)? else {
        return Ok(None);
    };
    Ok(Some(PlainRecord {
        layout: layout.get().line.clone(),
        record,
        extra,
    }))
}

/// The `extra` fields as plain data, in their order; `None` when a key is
/// not a plain string or a value is not plain JSON data.
fn plain_extra(extra: &Bound<'_, PyDict>) -> Option<Vec<(String, Value)>> {
    let mut fields = Vec::with_capacity(extra.len());
    for (key, value) in extra.iter() {
        let key = key.cast_exact::<PyString>().ok()?.to_str().ok()?.to_owned();
        fields.push((key, plain_value(&value, 0)?));
    }
    Some(fields)
}

/// `value` as plain data when the JSON encoder would write it without its
/// `default`: `None`, and exactly `bool`, `int` (within 64 bits), `float`,
/// `str` (without lone surrogates), `list`, `tuple` and `dict` with `str`
/// keys. A subclass (an `IntEnum`, a `str` enum) stays with Python.
pub(crate) fn plain_value(value: &Bound<'_, PyAny>, depth: usize) -> Option<Value> {
    if depth > MAX_NESTING {
        return None;
    }
    if value.is_none() {
        return Some(Value::None);
    }
    if let Ok(text) = value.cast_exact::<PyString>() {
        return Some(Value::Str(Text::new(text.to_str().ok()?)));
    }
    if let Ok(flag) = value.cast_exact::<PyBool>() {
        return Some(Value::Bool(flag.is_true()));
    }
    if value.is_exact_instance_of::<PyInt>() {
        return value.extract::<i64>().ok().map(Value::Int);
    }
    if let Ok(number) = value.cast_exact::<PyFloat>() {
        return Some(Value::Float(number.value()));
    }
    if let Ok(list) = value.cast_exact::<PyList>() {
        return list
            .iter()
            .map(|item| plain_value(&item, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Value::List);
    }
    if let Ok(tuple) = value.cast_exact::<PyTuple>() {
        return tuple
            .iter()
            .map(|item| plain_value(&item, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Value::Tuple);
    }
    if let Ok(dict) = value.cast_exact::<PyDict>() {
        let mut entries = Vec::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key = key.cast_exact::<PyString>().ok()?.to_str().ok()?;
            entries.push((Text::new(key), plain_value(&item, depth + 1)?));
        }
        return Some(Value::Dict(entries));
    }
    None
}
