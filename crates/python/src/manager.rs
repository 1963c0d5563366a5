//! `Manager`: the holder of the logger tree. Its tree-building methods are
//! cold and live in Python; the `disable` threshold is native because every
//! level check reads it.

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyInt;

use crate::levels::{Level, LevelField};
use crate::logger::invalidate_levels;
use crate::runtime;

#[pyclass(subclass, frozen, dict, weakref, module = "femtologging")]
pub struct Manager {
    disable: LevelField,
}

#[pymethods]
impl Manager {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> Self {
        Manager {
            disable: LevelField::new(py, 0),
        }
    }

    #[getter]
    fn get_disable<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.disable.get(py)
    }

    /// Takes what `_checkLevel` takes (any `int`, a registered level name)
    /// and keeps what it returns.
    #[setter]
    fn set_disable(&self, value: Bound<'_, PyAny>) -> PyResult<()> {
        let py = value.py();
        let level = if value.is_exact_instance_of::<PyInt>() {
            value
        } else {
            runtime::get(py)?
                .global(py, intern!(py, "_checkLevel"))
                .ok_or_else(|| PyTypeError::new_err("femtologging is not initialised"))?
                .call1((value,))?
        };
        self.disable.set(py, level);
        invalidate_levels();
        Ok(())
    }

    /// Forgets every cached effective level (`Manager._clear_cache`).
    fn _clear_cache(&self) {
        invalidate_levels();
    }
}

impl Manager {
    pub fn disable_level(&self, py: Python<'_>) -> Level {
        self.disable.level(py)
    }
}
