//! Formatting on the worker: the caller queues the record as plain Rust data
//! and the worker renders the line.
//!
//! This applies when the handler's formatter is a standard one the core
//! renders (`formatter::line_format`) and the record's fields are plain
//! strings; anything else is formatted on the caller, as before. The message
//! is merged and the traceback formatted on the caller all the same: both
//! read Python objects that may change once the call returns.

use femtologging_core::record::Record;
use pyo3::prelude::*;
use pyo3::types::PyString;

use super::{FemtoHandler, Job};
use crate::formatter;
use crate::record::CallRecord;
use crate::shared_text::shared_str;

/// The job for a native record whose line the worker can render, or `None`
/// when the caller must format it.
pub fn record_job(
    femto: &FemtoHandler,
    formatter: &Bound<'_, PyAny>,
    native: &CallRecord,
) -> PyResult<Option<Job>> {
    let py = formatter.py();
    let Some((format, verified)) = formatter::line_format(py, formatter, &femto.line_format)?
    else {
        return Ok(None);
    };
    let Some(record) = snapshot(formatter, native)? else {
        return Ok(None);
    };
    if verified {
        return Ok(Some(Job::Record { record, format }));
    }
    // The first record of this format is rendered here: a template that does
    // not suit the record's fields (`%(name)d`) then fails on the caller,
    // reported the standard way, and the worker never sees it.
    let mut line = String::new();
    let works = format.render(&record, &mut line).is_ok();
    formatter::settle_line_format(py, &femto.line_format, &format, works);
    if !works {
        return Ok(None);
    }
    line.push('\n');
    Ok(Some(Job::Line(line)))
}

/// The record as plain data; `None` when a field is not a plain string.
/// `formatter` formats its traceback (`formatException`).
pub fn snapshot(formatter: &Bound<'_, PyAny>, native: &CallRecord) -> PyResult<Option<Record>> {
    let py = formatter.py();
    if native.plain_pathname(py).is_none() || native.plain_function(py).is_none() {
        return Ok(None);
    }
    let (Some(logger_name), Some(level_name)) = (
        shared_str(native.logger_name.bind(py)),
        shared_str(native.level_name.bind(py)),
    ) else {
        return Ok(None);
    };
    let Some(message) = native.owned_message(py)? else {
        return Ok(None);
    };
    let exception_text = match formatter::exception_text(formatter, native)? {
        None => None,
        Some(text) if !text.is_truthy()? => None,
        Some(text) => match plain_text(&text) {
            Some(text) => Some(text),
            None => return Ok(None),
        },
    };
    let stack_info = native.stack_info.bind(py);
    let stack_info = if stack_info.is_truthy()? {
        match plain_text(stack_info) {
            Some(text) => Some(text),
            None => return Ok(None),
        }
    } else {
        None
    };
    Ok(Some(Record {
        logger_name,
        level: native.level,
        level_name,
        site: native.site.clone(),
        line: native.line,
        created_ns: native.created_ns,
        times: native.times(),
        thread_id: native.thread_id,
        message,
        exception_text,
        stack_info,
    }))
}

fn plain_text(text: &Bound<'_, PyAny>) -> Option<String> {
    Some(
        text.cast_exact::<PyString>()
            .ok()?
            .to_str()
            .ok()?
            .to_owned(),
    )
}
