//! The functions and classes of `traceback` and `linecache` that the
//! standard path goes through, as first seen. An application (or a tool
//! such as a debugger) that replaces one of them changes what the standard
//! library prints; the native renderer does not know the replacement, so it
//! then leaves the text to `traceback`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;

use super::{Fallback, Native};

pub struct Originals {
    /// Attribute paths from the module: `name` or `Class.method`.
    names: &'static [&'static str],
    seen: PyOnceLock<Vec<Original>>,
}

/// One path, its parts as interned strings (looked up on every traceback,
/// so neither made nor hashed again), and what it held when first seen.
struct Original {
    parts: Vec<Py<PyString>>,
    value: Py<PyAny>,
}

impl Originals {
    pub const fn new(names: &'static [&'static str]) -> Originals {
        Originals {
            names,
            seen: PyOnceLock::new(),
        }
    }

    fn current<'py>(
        module: &Bound<'py, PyModule>,
        parts: &[Py<PyString>],
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = module.py();
        let mut value = module.clone().into_any();
        for part in parts {
            value = value.getattr(part.bind(py))?;
        }
        Ok(value)
    }

    /// Whether every name still holds what it held the first time.
    pub fn check(&self, module: &Bound<'_, PyModule>) -> Native<()> {
        let py = module.py();
        let seen = self.seen.get_or_try_init(py, || {
            self.names
                .iter()
                .map(|path| {
                    let parts: Vec<Py<PyString>> = path
                        .split('.')
                        .map(|part| PyString::intern(py, part).unbind())
                        .collect();
                    let value = Self::current(module, &parts)?.unbind();
                    Ok(Original { parts, value })
                })
                .collect::<PyResult<Vec<_>>>()
        })?;
        for original in seen {
            if !Self::current(module, &original.parts)?.is(&original.value) {
                return Err(Fallback);
            }
        }
        Ok(())
    }
}
