//! Process-wide state the Python side hands to the native code at import:
//! the running interpreter's version, the standard classes and tables that
//! live in Python, and the callbacks for cold paths written in Python.

use std::sync::atomic::{AtomicI64, AtomicU8, Ordering};

use femtologging_core::time::PythonVersion;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};

use crate::gil::GilCell;

/// Everything the Python package registers, as one cell: set once at import
/// (and again only by tests that reload the package).
pub struct Runtime {
    /// The `femtologging` module, for the globals users may rebind
    /// (`raiseExceptions`, `lastResort`, `_srcfile`, `logThreads`, ...).
    pub module: Py<PyModule>,
    pub module_dict: Py<PyDict>,
    pub level_to_name: Py<PyDict>,
    pub name_to_level: Py<PyDict>,
    pub log_record_class: Py<PyAny>,
    /// The factory installed by default; any other factory means every record
    /// is built by calling it.
    pub default_record_factory: Py<PyAny>,
    pub cold: Py<PyAny>,
}

static RUNTIME: GilCell<Option<std::sync::Arc<Runtime>>> = GilCell::new(None);
static PYTHON_MINOR: AtomicU8 = AtomicU8::new(11);
/// logging's `_startTime`, in nanoseconds.
pub static START_NS: AtomicI64 = AtomicI64::new(0);

pub fn install(py: Python<'_>, runtime: Runtime) {
    drop(RUNTIME.replace(py, Some(std::sync::Arc::new(runtime))));
}

pub fn get(py: Python<'_>) -> PyResult<std::sync::Arc<Runtime>> {
    RUNTIME
        .get(py)
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("femtologging is not initialised"))
}

pub fn set_python_minor(minor: u8) {
    PYTHON_MINOR.store(minor, Ordering::Relaxed);
}

pub fn python_minor() -> u8 {
    PYTHON_MINOR.load(Ordering::Relaxed)
}

pub fn python_version() -> PythonVersion {
    match python_minor() {
        0..=11 => PythonVersion::V3_11,
        12 => PythonVersion::V3_12,
        _ => PythonVersion::V3_13,
    }
}

impl Runtime {
    /// A module global, looked up at call time because users rebind them.
    pub fn global<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, pyo3::types::PyString>,
    ) -> Option<Bound<'py, PyAny>> {
        self.module_dict.bind(py).get_item(name).ok().flatten()
    }

    pub fn raise_exceptions(&self, py: Python<'_>) -> bool {
        self.global(py, pyo3::intern!(py, "raiseExceptions"))
            .map(|value| value.is_truthy().unwrap_or(true))
            .unwrap_or(true)
    }

    /// Calls one of the cold-path helpers of `femtologging._cold`.
    pub fn cold<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, pyo3::types::PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.cold.bind(py).getattr(name)
    }
}
