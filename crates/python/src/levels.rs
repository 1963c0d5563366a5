//! Level names, read from the `_levelToName` / `_nameToLevel` dictionaries the
//! Python package owns, so that code which edits them directly (as some code
//! written for the standard library does) is honoured.

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::runtime;

/// `getLevelName(level)` for an integer level, as `LogRecord` computes
/// `levelname`.
pub fn level_name(py: Python<'_>, level: i32) -> PyResult<Bound<'_, PyAny>> {
    let runtime = runtime::get(py)?;
    if let Some(name) = runtime.known_level_name(py, level) {
        return Ok(name);
    }
    let key = level.into_pyobject(py)?;
    for table in [&runtime.level_to_name, &runtime.name_to_level] {
        if let Some(name) = table.bind(py).get_item(&key)? {
            if !name.is_none() {
                runtime.remember_level_name(py, level, &name);
                return Ok(name);
            }
        }
    }
    Ok(PyString::new(py, &femtologging_core::level::unregistered_name(level)).into_any())
}
