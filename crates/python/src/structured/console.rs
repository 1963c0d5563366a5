//! A structlog event dict as the core's `ConsoleEvent`, by the rules of
//! structlog's `ConsoleRenderer(colors=False)`, so that the worker's line is
//! the bytes structlog would print.
//!
//! Plain values (`None`, `bool`, `int`, `float`, `str`, `bytes`, and lists,
//! tuples and dicts of them) travel as data and their `repr` is written by
//! the core. What only Python can write is made here, on the caller, as the
//! renderer would make it: the `repr` of any other object, of an `int`
//! subclass, of a non-ASCII string that the line shows quoted (whether it
//! escapes a character depends on the running Python's Unicode tables), of
//! a container that holds itself; and the traceback `exc_info` names
//! (`traceback::format_exception_text`, the text `print_exception` writes,
//! which is what the renderer's `plain_traceback` prints). An event the
//! renderer would show by rules not kept here (a key or a special column
//! that is not an exact `str`, a lone surrogate, another exception
//! formatter, a traceback only `traceback` can make) is `Unfit`: Python
//! renders it on the caller.

use femtologging_core::console::{shown_as_is, ConsoleEvent, ConsoleLayout};
use femtologging_core::repr::ReprValue;
use pyo3::exceptions::PyBaseException;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use super::convert::{nested, Unfit};
use crate::traceback::format_exception_text;

/// The event dict as the console line shows it. `native_exceptions`: the
/// renderer's exception formatter is `plain_traceback`, whose text the
/// native traceback gives.
pub fn console_event(
    event_dict: &Bound<'_, PyDict>,
    native_exceptions: bool,
) -> Result<ConsoleEvent, Unfit> {
    let mut console = ConsoleEvent::default();
    let mut exc_info = None;
    for (key, value) in event_dict.iter() {
        let key = exact_str(&key)?;
        let column = match key {
            "timestamp" => &mut console.timestamp,
            "level" => &mut console.level,
            "event" => &mut console.event,
            "logger" => &mut console.logger,
            "logger_name" => &mut console.logger_name,
            "stack" => &mut console.stack,
            "exception" => &mut console.exception,
            "exc_info" => {
                exc_info = Some(value);
                continue;
            }
            _ => {
                console
                    .key_values
                    .push((key.to_owned(), shown_value(&value)?));
                continue;
            }
        };
        *column = Some(exact_str(&value)?.to_owned());
    }
    if let Some(exc_info) = exc_info {
        if let Some((value, traceback)) = named_exception(&exc_info)? {
            if !native_exceptions {
                return Err(Unfit);
            }
            let text = format_exception_text(value.py(), &value, &traceback).ok_or(Unfit)?;
            // The traceback replaces an `exception` the event has.
            console.exception = Some(text);
        }
    }
    Ok(console)
}

/// The line (without its newline) the worker writes for `event_dict` in
/// the layout `(pad_event_to, level_width)`, or `None` where Python renders
/// the event: `configure` compares it with the installed renderer's.
#[pyfunction]
pub fn native_console_line(
    event_dict: &Bound<'_, PyDict>,
    layout: (usize, usize),
    native_exceptions: bool,
) -> Option<String> {
    let event = console_event(event_dict, native_exceptions).ok()?;
    let (pad_event_to, level_width) = layout;
    let mut line = String::new();
    event.write_line(
        ConsoleLayout {
            pad_event_to,
            level_width,
        },
        &mut line,
    );
    line.pop();
    Some(line)
}

/// The text of an exact `str` (the special columns are written as they are
/// only for those).
pub(super) fn exact_str<'a>(object: &'a Bound<'_, PyAny>) -> Result<&'a str, Unfit> {
    if !object.is_exact_instance_of::<PyString>() {
        return Err(Unfit);
    }
    object
        .cast::<PyString>()
        .map_err(|_| Unfit)?
        .to_str()
        .map_err(|_| Unfit)
}

/// An exception and the traceback to print it with.
type Raised<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// The exception `exc_info` names and its traceback, as the renderer reads
/// it: an exception itself, an `exc_info` tuple, or any other true value
/// for the exception being handled; `None` for a false value or no
/// exception.
fn named_exception<'py>(exc_info: &Bound<'py, PyAny>) -> Result<Option<Raised<'py>>, Unfit> {
    let py = exc_info.py();
    if exc_info.is_instance_of::<PyBaseException>() {
        return with_traceback(exc_info.clone()).map(Some);
    }
    if exc_info.is_instance_of::<PyTuple>() {
        let tuple = exc_info.cast::<PyTuple>().map_err(|_| Unfit)?;
        if !exc_info.is_exact_instance_of::<PyTuple>() || tuple.len() != 3 {
            return Err(Unfit);
        }
        let (value, traceback) = (
            tuple.get_item(1).map_err(|_| Unfit)?,
            tuple.get_item(2).map_err(|_| Unfit)?,
        );
        if tuple.iter().all(|item| item.is_none()) {
            return Ok(None);
        }
        if !value.is_instance_of::<PyBaseException>() {
            return Err(Unfit);
        }
        return Ok(Some((value, traceback)));
    }
    if !exc_info.is_truthy().map_err(|_| Unfit)? {
        return Ok(None);
    }
    // SAFETY: called with the GIL held; the result is a new reference or null.
    let handled = unsafe { Bound::from_owned_ptr_or_opt(py, ffi::PyErr_GetHandledException()) };
    match handled {
        Some(value) if !value.is_none() => with_traceback(value).map(Some),
        _ => Ok(None),
    }
}

fn with_traceback(value: Bound<'_, PyAny>) -> Result<Raised<'_>, Unfit> {
    let traceback = value
        .getattr(intern!(value.py(), "__traceback__"))
        .map_err(|_| Unfit)?;
    Ok((value, traceback))
}

/// A key-value's value: a `str` is shown as it is unless it needs quoting,
/// anything else by its `repr`.
pub(super) fn shown_value(value: &Bound<'_, PyAny>) -> Result<ReprValue, Unfit> {
    if value.is_exact_instance_of::<PyString>() {
        let text = exact_str(value)?;
        if text.is_ascii() || shown_as_is(text) {
            return Ok(ReprValue::Str(text.to_owned()));
        }
        return python_repr(value);
    }
    if value.is_instance_of::<PyString>() {
        // A subclass: shown as it is or by its own `repr`, by rules of its own.
        return Err(Unfit);
    }
    match repr_value(value, &mut Vec::new()) {
        Ok(converted) => Ok(converted),
        // A container met again inside itself, or nested too deep: Python's
        // `repr` writes `[...]` where it recurses.
        Err(Unfit) => python_repr(value),
    }
}

/// `repr(object)` made by Python.
fn python_repr(object: &Bound<'_, PyAny>) -> Result<ReprValue, Unfit> {
    let repr = object.repr().map_err(|_| Unfit)?;
    Ok(ReprValue::Text(
        repr.to_str().map_err(|_| Unfit)?.to_owned(),
    ))
}

fn repr_value(
    object: &Bound<'_, PyAny>,
    path: &mut Vec<*mut ffi::PyObject>,
) -> Result<ReprValue, Unfit> {
    if object.is_none() {
        return Ok(ReprValue::None);
    }
    if object.is_exact_instance_of::<PyString>() {
        let text = exact_str(object)?;
        if text.is_ascii() {
            return Ok(ReprValue::Str(text.to_owned()));
        }
        return python_repr(object);
    }
    if object.is_exact_instance_of::<PyBool>() {
        return Ok(ReprValue::Bool(object.is_truthy().map_err(|_| Unfit)?));
    }
    if object.is_exact_instance_of::<PyInt>() {
        return match object.extract::<i64>() {
            Ok(number) => Ok(ReprValue::Int(number)),
            Err(_) => python_repr(object),
        };
    }
    if object.is_exact_instance_of::<PyFloat>() {
        let number = object.cast::<PyFloat>().map_err(|_| Unfit)?;
        return Ok(ReprValue::Float(number.value()));
    }
    if object.is_exact_instance_of::<PyBytes>() {
        let bytes = object.cast::<PyBytes>().map_err(|_| Unfit)?;
        return Ok(ReprValue::Bytes(bytes.as_bytes().to_vec()));
    }
    if object.is_exact_instance_of::<PyList>() {
        let items = object.cast::<PyList>().map_err(|_| Unfit)?;
        return nested(object, path, |path| {
            items
                .iter()
                .map(|item| repr_value(&item, path))
                .collect::<Result<_, _>>()
                .map(ReprValue::List)
        });
    }
    if object.is_exact_instance_of::<PyTuple>() {
        let items = object.cast::<PyTuple>().map_err(|_| Unfit)?;
        return nested(object, path, |path| {
            items
                .iter()
                .map(|item| repr_value(&item, path))
                .collect::<Result<_, _>>()
                .map(ReprValue::Tuple)
        });
    }
    if object.is_exact_instance_of::<PyDict>() {
        let entries = object.cast::<PyDict>().map_err(|_| Unfit)?;
        return nested(object, path, |path| {
            let mut converted = Vec::with_capacity(entries.len());
            for (key, item) in entries.iter() {
                converted.push((repr_value(&key, path)?, repr_value(&item, path)?));
            }
            Ok(ReprValue::Dict(converted))
        });
    }
    python_repr(object)
}
