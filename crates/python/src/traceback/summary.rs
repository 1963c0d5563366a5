//! The lines after an exception's frames: `Type: message` (or a
//! `SyntaxError`'s own lines, or the running Python's line with its name
//! suggestion) and the notes.

use pyo3::exceptions::{PyAttributeError, PyImportError, PyNameError, PySyntaxError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyList, PyString, PyTuple, PyType};

use femtologging_core::traceback::{
    exception_line, note_lines, qualified_type_name, syntax_error_lines, SyntaxErrorFields,
};

use super::{attributes, traceback_module, Fallback, Native, Version};

/// The summary of `value`, whose frames are those of `traceback`.
pub fn summary(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    traceback: &Bound<'_, PyAny>,
    version: Version,
) -> Native<String> {
    if version.suggestions && may_suggest(value) {
        return suggested_summary(py, value, traceback);
    }
    let type_name = type_name(py, &value.get_type())?;
    let mut summary = if value.is_instance_of::<PySyntaxError>() {
        syntax_error_lines(
            &type_name,
            &syntax_error_fields(py, value)?,
            version.syntax_carets,
        )
    } else {
        exception_line(&type_name, &message(value)?)
    };
    notes(value, &mut summary)?;
    Ok(summary)
}

fn type_name(py: Python<'_>, exception_type: &Bound<'_, PyType>) -> Native<String> {
    let qualname = exception_type.getattr(intern!(py, "__qualname__"))?;
    let qualname = qualname.cast_exact::<PyString>().map_err(|_| Fallback)?;
    let module = exception_type.getattr(intern!(py, "__module__"))?;
    let module = if let Ok(module) = module.cast_exact::<PyString>() {
        Some(module.to_str()?.to_owned())
    } else if module.is_instance_of::<PyString>() {
        // A `str` subclass may compare and concatenate in its own way.
        return Err(Fallback);
    } else {
        None
    };
    Ok(qualified_type_name(qualname.to_str()?, module.as_deref()))
}

/// The exceptions to which 3.12 and later add "Did you mean" (or "Did you
/// forget to import") to the message.
fn may_suggest(value: &Bound<'_, PyAny>) -> bool {
    value.is_instance_of::<PyNameError>()
        || value.is_instance_of::<PyAttributeError>()
        || value.is_instance_of::<PyImportError>()
}

/// The exception line with its suggestion, and the notes, as the running
/// Python's `TracebackException.format_exception_only` gives them: the
/// suggestion searches names the way each version does (a `NameError`'s
/// in the innermost frame of `traceback`). Built without reading source
/// lines (`lookup_lines=False`); the frames are made natively.
fn suggested_summary(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    traceback: &Bound<'_, PyAny>,
) -> Native<String> {
    let keywords = PyDict::new(py);
    keywords.set_item(intern!(py, "lookup_lines"), false)?;
    keywords.set_item(intern!(py, "compact"), true)?;
    let exception = traceback_module(py)?
        .getattr(intern!(py, "TracebackException"))?
        .call((value.get_type(), value, traceback), Some(&keywords))?;
    let mut summary = String::new();
    for line in exception
        .call_method0(intern!(py, "format_exception_only"))?
        .try_iter()?
    {
        let line = line?;
        let line = line.cast_exact::<PyString>().map_err(|_| Fallback)?;
        summary.push_str(line.to_str()?);
    }
    Ok(summary)
}

/// What a `SyntaxError`'s lines are made of; an attribute of another type
/// than `str`/`int` or `None` is left to `traceback`, which prints it
/// through `str()` or compares it in its own way.
fn syntax_error_fields(py: Python<'_>, value: &Bound<'_, PyAny>) -> Native<SyntaxErrorFields> {
    let text = |name: &Bound<'_, PyString>| -> Native<Option<String>> {
        let attribute = value.getattr(name)?;
        if attribute.is_none() {
            return Ok(None);
        }
        let attribute = attribute.cast_exact::<PyString>().map_err(|_| Fallback)?;
        Ok(Some(attribute.to_str()?.to_owned()))
    };
    let number = |name: &Bound<'_, PyString>| -> Native<Option<i64>> {
        let attribute = value.getattr(name)?;
        if attribute.is_none() {
            return Ok(None);
        }
        let attribute = attribute.cast_exact::<PyInt>().map_err(|_| Fallback)?;
        Ok(Some(attribute.extract::<i64>()?))
    };
    Ok(SyntaxErrorFields {
        filename: text(intern!(py, "filename"))?,
        lineno: number(intern!(py, "lineno"))?,
        end_lineno: number(intern!(py, "end_lineno"))?,
        offset: number(intern!(py, "offset"))?,
        end_offset: number(intern!(py, "end_offset"))?,
        text: text(intern!(py, "text"))?,
        msg: text(intern!(py, "msg"))?,
    })
}

/// `str(value)`, or what `traceback` prints when that raises.
fn message(value: &Bound<'_, PyAny>) -> Native<String> {
    safe_str(value, "<exception str() failed>")
}

fn safe_str(value: &Bound<'_, PyAny>, failed: &str) -> Native<String> {
    match value.str() {
        Ok(text) if text.is_exact_instance_of::<PyString>() => Ok(text.to_str()?.to_owned()),
        Ok(_) => Err(Fallback),
        Err(_) => Ok(failed.to_owned()),
    }
}

/// `__notes__` as printed: each note's lines, for a list or tuple of notes.
fn notes(value: &Bound<'_, PyAny>, out: &mut String) -> Native<()> {
    let Some(notes) = attributes::notes(value)? else {
        return Ok(());
    };
    if notes.is_none() {
        return Ok(());
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = notes.cast_exact::<PyList>() {
        list.iter().collect()
    } else if let Ok(tuple) = notes.cast_exact::<PyTuple>() {
        tuple.iter().collect()
    } else {
        return Err(Fallback);
    };
    for note in items {
        let note = if let Ok(text) = note.cast_exact::<PyString>() {
            text.to_str()?.to_owned()
        } else if note.is_instance_of::<PyString>() {
            return Err(Fallback);
        } else {
            safe_str(&note, "<note str() failed>")?
        };
        note_lines(out, &note);
    }
    Ok(())
}
