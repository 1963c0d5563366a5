//! `getattr(exception, "__notes__", None)` without the AttributeError that
//! a plain lookup raises (and throws away) for the usual exception, which
//! has no notes: making that error costs more than formatting the rest.

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyType;

use super::{Fallback, Native};

extern "C" {
    // Exported by CPython 3.11 to 3.13 (`Include/cpython/object.h`); pyo3-ffi
    // leaves them out as private. Neither raises.
    fn _PyType_Lookup(
        exception_type: *mut ffi::PyTypeObject,
        name: *mut ffi::PyObject,
    ) -> *mut ffi::PyObject;
    fn _PyObject_GetDictPtr(object: *mut ffi::PyObject) -> *mut *mut ffi::PyObject;
}

/// The exception's `__notes__`, `None` when it has none.
pub fn notes<'py>(value: &Bound<'py, PyAny>) -> Native<Option<Bound<'py, PyAny>>> {
    let py = value.py();
    let name = intern!(py, "__notes__");
    let exception_type: Bound<'py, PyType> = value.get_type();
    // SAFETY: the GIL is held and both objects are alive; the slot read is
    // the type's attribute hook, and `_PyType_Lookup` returns a borrowed
    // reference (or null) without raising.
    let plain_lookup = unsafe {
        let raw_type = exception_type.as_type_ptr();
        (*raw_type).tp_getattro.is_some_and(|hook| {
            std::ptr::fn_addr_eq(hook, ffi::PyObject_GenericGetAttr as ffi::getattrofunc)
        }) && _PyType_Lookup(raw_type, name.as_ptr()).is_null()
    };
    if !plain_lookup {
        // A class attribute, a descriptor or a `__getattr__`: ask Python.
        return match value.getattr(name) {
            Ok(notes) => Ok(Some(notes)),
            Err(error) if error.is_instance_of::<pyo3::exceptions::PyAttributeError>(py) => {
                Ok(None)
            }
            Err(_) => Err(Fallback),
        };
    }
    // With nothing of that name on the type, the generic lookup finds the
    // attribute in the instance's dictionary or nowhere.
    // SAFETY: as above; the slot holds a borrowed dict or null.
    let dict = unsafe {
        let slot = _PyObject_GetDictPtr(value.as_ptr());
        if slot.is_null() || (*slot).is_null() {
            return Ok(None);
        }
        Bound::from_borrowed_ptr(py, *slot)
    };
    let dict = dict
        .cast_into_exact::<pyo3::types::PyDict>()
        .map_err(|_| Fallback)?;
    Ok(dict.get_item(name)?)
}
