//! `Filter`: passes records from one logger and its descendants.

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Lets through the records of one logger and its children: `Filter("app.db")`
/// passes `app.db` and `app.db.pool`, not `app.dbx`; `Filter()` passes
/// everything. Subclass it and override `filter` to decide otherwise; any
/// callable taking a record works as a filter too.
#[pyclass(subclass, frozen, dict, weakref, module = "femtologging")]
pub struct Filter {
    name: crate::gil::PyField,
}

#[pymethods]
impl Filter {
    #[new]
    #[pyo3(signature = (name = None))]
    fn py_new(py: Python<'_>, name: Option<Bound<'_, PyAny>>) -> Self {
        let name = name.unwrap_or_else(|| PyString::new(py, "").into_any());
        Filter {
            name: crate::gil::PyField::new(name.unbind()),
        }
    }

    #[getter]
    fn name<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.name.get(py)
    }

    #[setter]
    fn set_name(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.name.set(py, value)
    }

    /// `nlen` as the standard library exposes it.
    #[getter]
    fn nlen(&self, py: Python<'_>) -> PyResult<usize> {
        self.name.get(py).len()
    }

    /// True for a record from the filter's logger or one of its children
    /// (`name` is a dotted prefix of `record.name`); an empty name lets
    /// every record through.
    fn filter(&self, py: Python<'_>, record: Bound<'_, PyAny>) -> PyResult<bool> {
        self.check(py, &record)
    }
}

impl Filter {
    /// True when the record's logger is this filter's logger or below it.
    pub fn check(&self, py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<bool> {
        let name = self.name.get(py);
        let name: String = name.extract()?;
        if name.is_empty() {
            return Ok(true);
        }
        let record_name: String = record.getattr(pyo3::intern!(py, "name"))?.extract()?;
        if record_name == name {
            return Ok(true);
        }
        Ok(record_name.starts_with(&name) && record_name.as_bytes().get(name.len()) == Some(&b'.'))
    }
}
