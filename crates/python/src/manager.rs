//! `Manager`: the holder of the logger tree. Its tree-building methods are
//! cold and live in Python; the `disable` threshold is native because every
//! level check reads it.

use std::sync::atomic::{AtomicI32, Ordering};

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;

use crate::runtime;

use crate::logger::invalidate_levels;

#[pyclass(subclass, frozen, dict, weakref, module = "femtologging")]
pub struct Manager {
    disable: AtomicI32,
}

#[pymethods]
impl Manager {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(_args: &Bound<'_, PyAny>, _kwargs: Option<&Bound<'_, PyAny>>) -> Self {
        Manager {
            disable: AtomicI32::new(0),
        }
    }

    #[getter]
    fn get_disable(&self) -> i32 {
        self.disable.load(Ordering::Relaxed)
    }

    /// Takes a level number or a registered level name, as `_checkLevel` does.
    #[setter]
    fn set_disable(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = value.py();
        let level = match value.extract::<i32>() {
            Ok(level) => level,
            Err(_) => runtime::get(py)?
                .global(py, intern!(py, "_checkLevel"))
                .ok_or_else(|| PyTypeError::new_err("femtologging is not initialised"))?
                .call1((value,))?
                .extract::<i32>()?,
        };
        self.disable.store(level, Ordering::Relaxed);
        invalidate_levels();
        Ok(())
    }

    /// Forgets every cached effective level (`Manager._clear_cache`).
    fn _clear_cache(&self) {
        invalidate_levels();
    }
}

impl Manager {
    pub fn disable_level(&self) -> i32 {
        self.disable.load(Ordering::Relaxed)
    }
}
