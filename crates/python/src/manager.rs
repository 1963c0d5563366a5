//! `Manager`: the holder of the logger tree. Its tree-building methods are
//! cold and live in Python; the `disable` threshold is native because every
//! level check reads it.

use std::sync::atomic::{AtomicI32, Ordering};

use pyo3::prelude::*;

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

    #[setter]
    fn set_disable(&self, value: i32) {
        self.disable.store(value, Ordering::Relaxed);
        invalidate_levels();
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
