//! Values bound through structlog's own `structlog.contextvars`, which
//! events of `femtologging.structured` carry as structlog's
//! `merge_contextvars` would add them.
//!
//! structlog keeps one `ContextVar` per key ever bound through its API, in a
//! module-level dict (`structlog.contextvars._CONTEXT_VARS`); a key unbound
//! or cleared holds `...`. Merging them is structlog's own processor, whose
//! order of keys (the context's) the bytes depend on; what is done here is
//! the check that keeps it off the common path: an empty dict (nothing ever
//! bound through structlog) costs one size check, and otherwise each
//! variable is read without copying the context. Only when one holds a value
//! in the current context is the processor called.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Whether one of structlog's variables (`variables`, its `_CONTEXT_VARS`)
/// holds a value in the current context.
pub fn anything_bound(variables: &Bound<'_, PyDict>) -> bool {
    if variables.is_empty() {
        return false;
    }
    let py = variables.py();
    variables.values().iter().any(|variable| {
        let mut value: *mut ffi::PyObject = std::ptr::null_mut();
        // SAFETY: `value` receives a new reference, or NULL when the variable
        // is unset and has no default; an object that is not a ContextVar
        // makes the call fail, which counts as bound (the processor decides).
        let status =
            unsafe { ffi::PyContextVar_Get(variable.as_ptr(), std::ptr::null_mut(), &mut value) };
        if status != 0 {
            PyErr::fetch(py);
            return true;
        }
        if value.is_null() {
            return false;
        }
        // SAFETY: a new, non-null reference.
        let value = unsafe { Bound::from_owned_ptr(py, value) };
        !value.is(py.Ellipsis())
    })
}
