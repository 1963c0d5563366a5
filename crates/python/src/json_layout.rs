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

use femtologging_core::decimal::push_integer;
use femtologging_core::format::FieldKey;
use femtologging_core::json_line::{ExtraFields, FixedKey, JsonLine, Slot};
use femtologging_core::wire::serialize::json::{write_float, write_string, JsonStyle};
use femtologging_core::wire::serialize::value::{Text, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::femto::{snapshot, Job};
use crate::record::{refused_in_extra, CallRecord};
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
        slots.push(FixedKey::new(key, slot, ensure_ascii));
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
            // A name `extra` cannot hold (a record attribute, refused when
            // the record is made) is never met: left out, the set is usually
            // empty and asked nothing.
            skipped: skipped
                .into_iter()
                .filter(|name| !refused_in_extra(name))
                .collect(),
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
    let Some(layout) = layout_for(formatter, native)? else {
        return Ok(None);
    };
    let py = formatter.py();
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
    Ok(Some(Job::Json {
        record,
        layout,
        extra,
    }))
}

/// The JSON line of a native record, written here; `None` when `format`
/// must write it.
pub fn json_text(formatter: &Bound<'_, PyAny>, native: &CallRecord) -> PyResult<Option<String>> {
    let Some(layout) = layout_for(formatter, native)? else {
        return Ok(None);
    };
    let py = formatter.py();
    let extra = match &native.extra {
        None => WrittenExtra::default(),
        Some(extra) => match WrittenExtra::of(extra.bind(py), layout.ensure_ascii) {
            Some(extra) => extra,
            None => return Ok(None),
        },
    };
    let Some(record) = snapshot(formatter, native)? else {
        return Ok(None);
    };
    let mut line = String::with_capacity(256);
    // A time the C library cannot convert is left to Python's error.
    Ok(layout
        .render(&record, &extra, &mut line)
        .ok()
        .map(|()| line))
}

/// The formatter's layout, when it can write this record.
fn layout_for(
    formatter: &Bound<'_, PyAny>,
    native: &CallRecord,
) -> PyResult<Option<Arc<JsonLine>>> {
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
    Ok(Some(layout.get().line.clone()))
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

/// The `extra` fields of a line written at once: the names read from their
/// Python strings, the values already written as JSON text, all in one
/// buffer, instead of being copied out as `Value`s first.
#[derive(Default)]
struct WrittenExtra<'py> {
    /// Each name, with where its value's text ends in `values`.
    fields: Vec<(Bound<'py, PyString>, usize)>,
    /// The values' JSON texts, one after the other.
    values: String,
}

impl<'py> WrittenExtra<'py> {
    /// `None` under the same conditions as `plain_extra`.
    fn of(extra: &Bound<'py, PyDict>, ensure_ascii: bool) -> Option<WrittenExtra<'py>> {
        let style = JsonStyle {
            ensure_ascii,
            compact: false,
        };
        let mut written = WrittenExtra {
            fields: Vec::with_capacity(extra.len()),
            values: String::with_capacity(16 * extra.len()),
        };
        for (key, value) in extra.iter() {
            let key = key.cast_into_exact::<PyString>().ok()?;
            key.to_str().ok()?;
            write_plain(&value, style, 0, &mut written.values)?;
            written.fields.push((key, written.values.len()));
        }
        Some(written)
    }
}

impl ExtraFields for WrittenExtra<'_> {
    fn count(&self) -> usize {
        self.fields.len()
    }

    fn name(&self, index: usize) -> &str {
        // Each name was read as UTF-8 once already, so this cannot fail.
        self.fields[index].0.to_str().unwrap_or_default()
    }

    fn write_value(&self, index: usize, _style: JsonStyle, out: &mut String) {
        let start = if index == 0 {
            0
        } else {
            self.fields[index - 1].1
        };
        out.push_str(&self.values[start..self.fields[index].1]);
    }
}

/// Appends the JSON text of `value` when it is plain data as `plain_value`
/// takes it (the same types, the same limits), as `encode_text` would
/// write that `Value`; `None` otherwise, with `out` partly written.
fn write_plain(
    value: &Bound<'_, PyAny>,
    style: JsonStyle,
    depth: usize,
    out: &mut String,
) -> Option<()> {
    if depth > MAX_NESTING {
        return None;
    }
    let (item_separator, key_separator) = if style.compact {
        (",", ":")
    } else {
        (", ", ": ")
    };
    if value.is_none() {
        out.push_str("null");
    } else if let Ok(text) = value.cast_exact::<PyString>() {
        write_string(text.to_str().ok()?, style, out);
    } else if let Ok(flag) = value.cast_exact::<PyBool>() {
        out.push_str(if flag.is_true() { "true" } else { "false" });
    } else if value.is_exact_instance_of::<PyInt>() {
        push_integer(out, value.extract::<i64>().ok()?);
    } else if let Ok(number) = value.cast_exact::<PyFloat>() {
        write_float(number.value(), out);
    } else if let Ok(list) = value.cast_exact::<PyList>() {
        out.push('[');
        for (index, item) in list.iter().enumerate() {
            if index > 0 {
                out.push_str(item_separator);
            }
            write_plain(&item, style, depth + 1, out)?;
        }
        out.push(']');
    } else if let Ok(tuple) = value.cast_exact::<PyTuple>() {
        out.push('[');
        for (index, item) in tuple.iter().enumerate() {
            if index > 0 {
                out.push_str(item_separator);
            }
            write_plain(&item, style, depth + 1, out)?;
        }
        out.push(']');
    } else if let Ok(dict) = value.cast_exact::<PyDict>() {
        out.push('{');
        for (index, (key, item)) in dict.iter().enumerate() {
            if index > 0 {
                out.push_str(item_separator);
            }
            let key = key.cast_exact::<PyString>().ok()?.to_str().ok()?;
            write_string(key, style, out);
            out.push_str(key_separator);
            write_plain(&item, style, depth + 1, out)?;
        }
        out.push('}');
    } else {
        return None;
    }
    Some(())
}

/// `value` as plain data when the JSON encoder would write it without its
/// `default`: `None`, and exactly `bool`, `int` (within 64 bits), `float`,
/// `str` (without lone surrogates), `list`, `tuple` and `dict` with `str`
/// keys. A subclass (an `IntEnum`, a `str` enum) stays with Python.
///
/// `write_plain` takes the same values, for lines written at once: the two
/// must agree, or a line would depend on the handler that writes it.
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
