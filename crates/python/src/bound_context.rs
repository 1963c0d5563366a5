//! Key-values bound to the running context (`femtologging.contextvars`):
//! every record logged while they are bound carries them, as `extra` does.
//!
//! The Python module keeps them in one `ContextVar` holding a `dict` that is
//! replaced, never changed in place, on each bind: a thread's own context and
//! each asyncio task's copy see the values bound where they run, and the
//! native side can read the dict without copying it. Until that module is
//! imported no variable is registered, and a call pays one null check.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::gil::GilCell;
use crate::record::refused_in_extra;

static VARIABLE: GilCell<Option<Py<PyAny>>> = GilCell::new(None);

/// Registers the `ContextVar` the Python module binds values in.
#[pyfunction]
pub fn set_bound_context_variable(py: Python<'_>, variable: Py<PyAny>) {
    drop(VARIABLE.replace(py, Some(variable)));
}

/// The values bound in the current context, when there are any.
pub fn current(py: Python<'_>) -> Option<Bound<'_, PyDict>> {
    let variable = VARIABLE.with(py, |variable| {
        variable.as_ref().map(|variable| variable.clone_ref(py))
    })?;
    let mut value: *mut pyo3::ffi::PyObject = std::ptr::null_mut();
    // SAFETY: `variable` is the ContextVar registered above; `value` receives
    // a new reference (or NULL when unset and without a default).
    let status =
        unsafe { pyo3::ffi::PyContextVar_Get(variable.as_ptr(), std::ptr::null_mut(), &mut value) };
    if status != 0 {
        PyErr::fetch(py);
        return None;
    }
    if value.is_null() {
        return None;
    }
    // SAFETY: a new, non-null reference.
    let value = unsafe { Bound::from_owned_ptr(py, value) };
    let dict = value.cast_into::<PyDict>().ok()?;
    (!dict.is_empty()).then_some(dict)
}

/// Whether a bound key can join a record: not one of a `LogRecord`'s own
/// attributes, which `extra` may not overwrite either (there it raises; a
/// binding made elsewhere must not make a logging call fail, so it is left out).
fn joins_record(key: &Bound<'_, PyAny>) -> bool {
    let Ok(name) = key.cast::<PyString>() else {
        return true;
    };
    let Ok(name) = name.to_str() else {
        return true;
    };
    !refused_in_extra(name)
}

/// `extra` with the bound values added: the call's own keys first and
/// winning, the bound ones after, as structlog's `merge_contextvars` orders
/// an event. `None` when nothing is bound (the call's `extra` stands).
pub fn merged_extra<'py>(
    py: Python<'py>,
    extra: Option<&Bound<'py, PyDict>>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let Some(bound) = current(py) else {
        return Ok(None);
    };
    let merged = match extra {
        Some(extra) => extra.copy()?,
        None => PyDict::new(py),
    };
    for (key, value) in bound.iter() {
        if joins_record(&key) && !merged.contains(&key)? {
            merged.set_item(key, value)?;
        }
    }
    Ok(Some(merged))
}
