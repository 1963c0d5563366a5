//! A structlog event dict as the core's value model, by the rules of
//! structlog's `JSONRenderer` (`json.dumps(event_dict, default=...)`), so the
//! worker's JSON is the bytes structlog would write.
//!
//! These are not the femto socket handler's rules (`socket::to_value`, which
//! sends the `str()` of what the model cannot hold): here a dict key is
//! written as `json.dumps` writes it (`true`, `null`, `1.5`), a value JSON
//! has no type for goes through structlog's fallback (`__structlog__()`, else
//! `repr()`), and anything `json.dumps` would refuse or write in a way the
//! model cannot hold (a cycle, a key of another type, a lone surrogate, a
//! fallback that raises) gives up, so that the Python side renders the event
//! itself.

use femtologging_core::format::float_repr;
use femtologging_core::wire::serialize::value::{Text, Value};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::femto::big_int;

/// How deep containers may nest before the Python side takes over
/// (`json.dumps` itself goes as deep as the recursion limit; for the
/// console, Python writes the value's `repr`).
const MAX_DEPTH: usize = 64;

/// The event cannot be converted here; the Python side renders it.
#[derive(Debug)]
pub struct Unfit;

/// The event dict as a `Value::Dict`, its keys in the dict's order.
pub fn event_value(event: &Bound<'_, PyDict>, fallback: &Bound<'_, PyAny>) -> Result<Value, Unfit> {
    let mut path = Vec::new();
    dict_value(event, fallback, &mut path)
}

/// One value of an event, converted on its own.
pub fn plain_value(object: &Bound<'_, PyAny>, fallback: &Bound<'_, PyAny>) -> Result<Value, Unfit> {
    value(object, fallback, &mut Vec::new())
}

fn value(
    object: &Bound<'_, PyAny>,
    fallback: &Bound<'_, PyAny>,
    path: &mut Vec<*mut ffi::PyObject>,
) -> Result<Value, Unfit> {
    if object.is_none() {
        return Ok(Value::None);
    }
    if let Ok(text) = object.cast::<PyString>() {
        return Ok(Value::Str(Text::new(text.to_str().map_err(|_| Unfit)?)));
    }
    if let Ok(flag) = object.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if object.is_instance_of::<PyInt>() {
        // `json.dumps` writes an int subclass (an IntEnum) as `int.__repr__`.
        return match object.extract::<i64>() {
            Ok(number) => Ok(Value::Int(number)),
            Err(_) => big_int(object).ok_or(Unfit),
        };
    }
    if let Ok(number) = object.cast::<PyFloat>() {
        return Ok(Value::Float(number.value()));
    }
    if let Ok(entries) = object.cast::<PyDict>() {
        return dict_value(entries, fallback, path);
    }
    if let Ok(items) = object.cast::<PyList>() {
        return nested(object, path, |path| {
            items
                .iter()
                .map(|item| value(&item, fallback, path))
                .collect::<Result<_, _>>()
                .map(Value::List)
        });
    }
    if let Ok(items) = object.cast::<PyTuple>() {
        return nested(object, path, |path| {
            items
                .iter()
                .map(|item| value(&item, fallback, path))
                .collect::<Result<_, _>>()
                .map(Value::List)
        });
    }
    if let Ok(bytes) = object.cast::<PyBytes>() {
        // structlog's fallback gives `repr(b)`, which the core writes for bytes.
        if object.is_exact_instance_of::<PyBytes>() {
            return Ok(Value::Bytes(bytes.as_bytes().to_vec()));
        }
    }
    // What the fallback returns is encoded in turn, as `json.dumps` does.
    let replaced = fallback.call1((object,)).map_err(|_| Unfit)?;
    nested(object, path, |path| value(&replaced, fallback, path))
}

fn dict_value(
    entries: &Bound<'_, PyDict>,
    fallback: &Bound<'_, PyAny>,
    path: &mut Vec<*mut ffi::PyObject>,
) -> Result<Value, Unfit> {
    nested(entries.as_any(), path, |path| {
        let mut fields = Vec::with_capacity(entries.len());
        for (key, item) in entries.iter() {
            fields.push((Text::new(key_text(&key)?), value(&item, fallback, path)?));
        }
        Ok(Value::Dict(fields))
    })
}

/// A key as `json.dumps` writes it; other types it refuses.
fn key_text(key: &Bound<'_, PyAny>) -> Result<String, Unfit> {
    if let Ok(text) = key.cast::<PyString>() {
        return text.to_str().map(str::to_owned).map_err(|_| Unfit);
    }
    if let Ok(flag) = key.cast::<PyBool>() {
        return Ok(if flag.is_true() { "true" } else { "false" }.to_owned());
    }
    if key.is_none() {
        return Ok("null".to_owned());
    }
    if key.is_instance_of::<PyInt>() {
        return key
            .extract::<i64>()
            .map(|number| number.to_string())
            .map_err(|_| Unfit);
    }
    if let Ok(number) = key.cast::<PyFloat>() {
        let number = number.value();
        if number.is_finite() {
            let mut text = String::new();
            float_repr(number, &mut text);
            return Ok(text);
        }
    }
    Err(Unfit)
}

/// Runs `convert` with `container` on the path, giving up on a cycle (which
/// `json.dumps` refuses, and whose `repr` Python abbreviates) or past
/// `MAX_DEPTH`.
pub(super) fn nested<T>(
    container: &Bound<'_, PyAny>,
    path: &mut Vec<*mut ffi::PyObject>,
    convert: impl FnOnce(&mut Vec<*mut ffi::PyObject>) -> Result<T, Unfit>,
) -> Result<T, Unfit> {
    let pointer = container.as_ptr();
    if path.len() >= MAX_DEPTH || path.contains(&pointer) {
        return Err(Unfit);
    }
    path.push(pointer);
    let result = convert(path);
    path.pop();
    result
}
