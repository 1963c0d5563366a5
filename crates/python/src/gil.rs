//! Interior mutability for objects whose state is only touched with the GIL held.
//!
//! The pyclasses are `frozen`, so reading a field costs no borrow-flag check on
//! the hot path; fields that Python may reassign (`logger.handlers = [...]`)
//! live in a `GilCell`. No reference into a cell ever escapes: values are
//! cloned out and replaced whole, so re-entrant Python code (a `__del__` run by
//! a replacement, a handler logging from inside `emit`) can never alias a
//! borrow. (This relies on the GIL: free-threaded builds are not supported.)

use std::cell::UnsafeCell;

use pyo3::prelude::*;

pub struct GilCell<T>(UnsafeCell<T>);

// SAFETY: every access goes through a method that takes a `Python` token, so
// all accesses are serialised by the GIL, and none hands out a reference.
unsafe impl<T: Send> Sync for GilCell<T> {}

impl<T> GilCell<T> {
    pub const fn new(value: T) -> Self {
        GilCell(UnsafeCell::new(value))
    }

    /// Replaces the value and returns the old one; the caller drops it after
    /// the cell is no longer being accessed.
    pub fn replace(&self, _py: Python<'_>, value: T) -> T {
        // SAFETY: the GIL serialises access and no reference escapes.
        unsafe { std::mem::replace(&mut *self.0.get(), value) }
    }

    /// The value, where the cell is held exclusively (in `Drop`).
    pub fn get_mut(&mut self) -> &mut T {
        self.0.get_mut()
    }

    /// Runs a closure on the value. The closure must not call into Python.
    pub fn with<R>(&self, _py: Python<'_>, action: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: the GIL serialises access; the closure cannot re-enter
        // Python (by contract), so no second borrow can be created.
        unsafe { action(&mut *self.0.get()) }
    }
}

impl<T: Clone> GilCell<T> {
    pub fn get(&self, py: Python<'_>) -> T {
        self.with(py, |value| value.clone())
    }
}

/// A Python object held by a pyclass and reassignable from Python.
pub struct PyField(GilCell<Py<PyAny>>);

impl PyField {
    pub fn new(value: Py<PyAny>) -> Self {
        PyField(GilCell::new(value))
    }

    pub fn none(py: Python<'_>) -> Self {
        PyField::new(py.None())
    }

    pub fn get<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.0.with(py, |value| value.clone_ref(py)).into_bound(py)
    }

    pub fn set(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        let old = self.0.replace(py, value.unbind());
        drop(old);
    }

    /// Runs a closure on the object without touching its reference count.
    /// The closure must not call into Python.
    pub fn with<R>(&self, py: Python<'_>, action: impl FnOnce(&Py<PyAny>) -> R) -> R {
        self.0.with(py, |value| action(value))
    }

    /// True when the field holds `None`, without touching a reference count.
    pub fn is_none(&self, py: Python<'_>) -> bool {
        self.0.with(py, |value| value.is_none(py))
    }
}
