//! The functions and classes of `traceback` and `linecache` that the
//! standard path goes through, as first seen. An application (or a tool
//! such as a debugger) that replaces one of them changes what the standard
//! library prints; the native renderer does not know the replacement, so it
//! then leaves the text to `traceback`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use super::{Fallback, Native};

pub struct Originals {
    /// Attribute paths from the module: `name` or `Class.method`.
    names: &'static [&'static str],
    seen: PyOnceLock<Vec<Py<PyAny>>>,
}

impl Originals {
    pub const fn new(names: &'static [&'static str]) -> Originals {
        Originals {
            names,
            seen: PyOnceLock::new(),
        }
    }

    fn current<'py>(module: &Bound<'py, PyModule>, path: &str) -> PyResult<Bound<'py, PyAny>> {
        let mut value = module.clone().into_any();
        for part in path.split('.') {
            value = value.getattr(part)?;
        }
        Ok(value)
    }

    /// Whether every name still holds what it held the first time.
    pub fn check(&self, module: &Bound<'_, PyModule>) -> Native<()> {
        let seen = self.seen.get_or_try_init(module.py(), || {
            self.names
                .iter()
                .map(|path| Self::current(module, path).map(Bound::unbind))
                .collect::<PyResult<Vec<_>>>()
        })?;
        for (path, original) in self.names.iter().zip(seen) {
            if !Self::current(module, path)?.is(original) {
                return Err(Fallback);
            }
        }
        Ok(())
    }
}
