//! `with_formatter(callable)`: a Python function that takes a mapping of the
//! record and returns the line, called on the worker thread.
//!
//! The caller queues the record as plain data (as for worker-side
//! templates) plus its `extra` dict; the worker builds the mapping, calls the
//! function with the interpreter attached, and writes what it returns. A
//! function that raises or returns something other than a `str` has its
//! error printed and the record counted as rejected.

use std::sync::Arc;

use femtologging_core::record::Record;
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyType};

use super::deferred::snapshot;
use super::Job;
use crate::formatter;
use crate::record::CallRecord;

/// A formatter that is a Python function of a mapping of the record.
#[pyclass(subclass, frozen, module = "femtologging")]
pub struct CallableFormatter {
    function: Arc<Py<PyAny>>,
}

#[pymethods]
impl CallableFormatter {
    #[new]
    fn new(function: Bound<'_, PyAny>) -> PyResult<Self> {
        if !function.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "a formatter function must be callable, not {}",
                function.repr()?
            )));
        }
        Ok(CallableFormatter {
            function: Arc::new(function.unbind()),
        })
    }

    #[getter]
    fn function<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.function.bind(py).clone()
    }
}

/// The job for a native record formatted by a `CallableFormatter`, or
/// `None` when the record's fields are not plain data (the caller then
/// formats it through the formatter's Python `format`).
pub fn mapping_job(
    formatter: &Bound<'_, CallableFormatter>,
    native: &CallRecord,
) -> PyResult<Option<Job>> {
    let py = formatter.py();
    // Tracebacks are formatted as the default formatter formats them.
    let exceptions = formatter::default_formatter(py)?;
    let Some(record) = snapshot(&exceptions, native)? else {
        return Ok(None);
    };
    Ok(Some(Job::Mapping {
        record,
        extra: native.extra.as_ref().map(|extra| extra.clone_ref(py)),
        function: formatter.get().function.clone(),
    }))
}

/// Calls the function on the worker; the line, or why there is none.
pub fn call(
    py: Python<'_>,
    function: &Py<PyAny>,
    record: &Record,
    extra: Option<&Py<PyDict>>,
) -> Result<String, String> {
    let outcome = (|| -> PyResult<String> {
        let mapping = record_mapping(py, record)?;
        if let Some(extra) = extra {
            mapping.update(extra.bind(py).as_mapping())?;
        }
        let line = function.bind(py).call1((mapping,))?;
        let line = line.cast_into::<PyString>().map_err(|error| {
            PyTypeError::new_err(format!(
                "the formatter returned {}, not str",
                type_name(&error.into_inner().get_type())
            ))
        })?;
        Ok(line.to_str()?.to_owned())
    })();
    outcome.map_err(|error| {
        error.print(py);
        format!(
            "the formatter function raised {}",
            type_name(&error.get_type(py))
        )
    })
}

fn type_name(object_type: &Bound<'_, PyType>) -> String {
    object_type
        .name()
        .map(|name| name.to_string())
        .unwrap_or_default()
}

/// The record's fields as the mapping the function receives.
fn record_mapping<'py>(py: Python<'py>, record: &Record) -> PyResult<Bound<'py, PyDict>> {
    let mapping = PyDict::new(py);
    let origin = &*record.origin;
    let times = record.times();
    mapping.set_item(intern!(py, "name"), &*origin.logger_name)?;
    mapping.set_item(intern!(py, "levelname"), &*origin.level_name)?;
    mapping.set_item(intern!(py, "levelno"), record.level)?;
    mapping.set_item(intern!(py, "pathname"), &*origin.site.pathname)?;
    mapping.set_item(intern!(py, "filename"), &*origin.site.filename)?;
    mapping.set_item(intern!(py, "module"), &*origin.site.module)?;
    mapping.set_item(intern!(py, "lineno"), record.line)?;
    mapping.set_item(intern!(py, "funcName"), &*origin.site.function)?;
    mapping.set_item(intern!(py, "created"), times.created)?;
    mapping.set_item(intern!(py, "msecs"), times.msecs)?;
    mapping.set_item(intern!(py, "relativeCreated"), times.relative_created)?;
    mapping.set_item(intern!(py, "thread"), record.thread_id)?;
    mapping.set_item(intern!(py, "message"), &record.message)?;
    mapping.set_item(intern!(py, "exc_text"), record.exception_text())?;
    mapping.set_item(intern!(py, "stack_info"), record.stack_info())?;
    Ok(mapping)
}
