//! `Filterer`, the base of loggers and handlers: a list of filters, each a
//! `Filter`, an object with a `filter` method, or a plain callable.

use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::gil::PyField;
use crate::record::RecordRef;
use crate::runtime;

#[pyclass(subclass, frozen, dict, weakref, module = "femtologging")]
pub struct Filterer {
    pub filters: PyField,
}

#[pymethods]
impl Filterer {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> Self {
        Filterer::empty(py)
    }

    #[getter]
    fn get_filters<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.filters.get(py)
    }

    #[setter]
    fn set_filters(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.filters.set(py, value)
    }

    /// The standard `Filterer.filter`: every filter must pass. On 3.12 and
    /// later a filter may return a record to use in place of the original,
    /// which is then what this returns.
    fn filter<'py>(
        &self,
        py: Python<'py>,
        record: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let verdict = self.apply(py, &RecordRef::Python(record.clone()))?;
        Ok(match verdict {
            Verdict::Drop => false.into_pyobject(py)?.to_owned().into_any(),
            Verdict::Keep => {
                if runtime::python_minor() >= 12 {
                    record
                } else {
                    true.into_pyobject(py)?.to_owned().into_any()
                }
            }
            Verdict::Replace(replacement) => replacement,
        })
    }
}

pub enum Verdict<'py> {
    Drop,
    Keep,
    /// A filter returned a `LogRecord` to use instead (3.12 and later).
    Replace(Bound<'py, PyAny>),
}

impl Filterer {
    pub fn empty(py: Python<'_>) -> Self {
        Filterer {
            filters: PyField::new(PyList::empty(py).into_any().unbind()),
        }
    }

    /// Runs the filters over a record. With no filters (the common case) the
    /// record is never turned into a Python object.
    pub fn apply<'py>(
        &self,
        py: Python<'py>,
        record: &RecordRef<'_, 'py>,
    ) -> PyResult<Verdict<'py>> {
        let filters = self.filters.get(py);
        if let Ok(list) = filters.cast::<PyList>() {
            if list.is_empty() {
                return Ok(Verdict::Keep);
            }
        }
        // The standard library iterates the list itself; a filter that edits
        // the list while it runs sees the same effects as there.
        let mut current: Option<Bound<'py, PyAny>> = None;
        for filter in filters.try_iter()? {
            let filter = filter?;
            let python_record = match &current {
                Some(record) => record.clone(),
                None => record.to_python(py)?,
            };
            let result = if filter.get_type().is(py.get_type::<crate::filter::Filter>()) {
                let native = filter.cast::<crate::filter::Filter>()?;
                native
                    .get()
                    .check(py, &python_record)?
                    .into_pyobject(py)?
                    .to_owned()
                    .into_any()
            } else if filter.hasattr(pyo3::intern!(py, "filter"))? {
                filter.call_method1(pyo3::intern!(py, "filter"), (&python_record,))?
            } else {
                filter.call1((&python_record,))?
            };
            if !result.is_truthy()? {
                return Ok(Verdict::Drop);
            }
            if runtime::python_minor() >= 12 && is_log_record(py, &result)? {
                current = Some(result);
            }
        }
        Ok(match current {
            Some(replacement) => Verdict::Replace(replacement),
            None => Verdict::Keep,
        })
    }
}

fn is_log_record(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let runtime = runtime::get(py)?;
    value.is_instance(runtime.log_record_class.bind(py))
}
