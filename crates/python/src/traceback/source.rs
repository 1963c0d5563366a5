//! Source lines as `traceback` reads them through `linecache`: a lazy entry
//! seeded from each frame's globals, every file's entry checked against the
//! file on disk (`checkcache`), then `getline`.
//!
//! The common steps are done here on the cache dictionary itself, with the
//! same outcome as the module's functions: an entry already loaded is read
//! directly, and `checkcache` compares the file's size and modification
//! time as `os.stat` reports them. Anything else (no entry yet, a lazy
//! entry, an entry of an unexpected shape) calls the module's function. If
//! any of those functions was replaced, the whole traceback is left to
//! `traceback`, which would call the replacement.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use super::originals::Originals;
use super::{Fallback, Native};

/// The functions `traceback` reaches through `linecache`.
static ORIGINALS: Originals = Originals::new(&["getline", "getlines", "lazycache", "checkcache"]);

pub struct LineCache<'py> {
    module: Bound<'py, PyModule>,
    cache: Bound<'py, PyDict>,
}

impl<'py> LineCache<'py> {
    pub fn open(py: Python<'py>) -> Native<Self> {
        // `traceback` holds the module it imported; so does this.
        static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
        let module = MODULE
            .get_or_try_init(py, || {
                py.import(intern!(py, "linecache")).map(Bound::unbind)
            })?
            .bind(py)
            .clone();
        ORIGINALS.check(&module)?;
        let cache = module
            .getattr(intern!(py, "cache"))?
            .cast_into_exact::<PyDict>()
            .map_err(|_| Fallback)?;
        Ok(LineCache { module, cache })
    }

    /// The loaded entry for `filename` (the code object's own string, whose
    /// hash Python keeps): `(size, mtime, lines, fullname)`.
    /// `None` when there is none or it is lazy (a 1-tuple).
    fn loaded(&self, filename: &Bound<'py, PyString>) -> Native<Option<Bound<'py, PyTuple>>> {
        let Some(entry) = self.cache.get_item(filename)? else {
            return Ok(None);
        };
        let entry = entry.cast_into_exact::<PyTuple>().map_err(|_| Fallback)?;
        match entry.len() {
            1 => Ok(None),
            4 => Ok(Some(entry)),
            _ => Err(Fallback),
        }
    }

    /// `linecache.lazycache(filename, frame.f_globals)`, which does nothing
    /// for a file already loaded.
    pub fn lazycache(
        &self,
        filename: &Bound<'py, PyString>,
        frame: &Bound<'py, PyAny>,
    ) -> Native<()> {
        if self.loaded(filename)?.is_some() {
            return Ok(());
        }
        let py = self.module.py();
        let globals = frame.getattr(intern!(py, "f_globals"))?;
        self.module
            .call_method1(intern!(py, "lazycache"), (filename, globals))?;
        Ok(())
    }

    /// `linecache.checkcache(filename)`: forget the entry of a file whose
    /// size or modification time changed, or that can no longer be stat'ed.
    pub fn checkcache(&self, filename: &Bound<'py, PyString>) -> Native<()> {
        let Some(entry) = self.loaded(filename)? else {
            return Ok(());
        };
        let mtime = entry.get_item(1)?;
        if mtime.is_none() {
            return Ok(());
        }
        let (Ok(size), Ok(mtime), Ok(fullname)) = (
            entry.get_item(0)?.cast_into_exact::<PyInt>(),
            mtime.cast_into_exact::<PyFloat>(),
            entry.get_item(3)?.cast_into_exact::<PyString>(),
        ) else {
            let py = self.module.py();
            self.module
                .call_method1(intern!(py, "checkcache"), (filename,))?;
            return Ok(());
        };
        let fullname = fullname.to_str()?;
        if fullname.contains('\0') {
            // `os.stat` raises ValueError here, which the versions treat
            // differently; leave it to them.
            return Err(Fallback);
        }
        let current = std::fs::metadata(fullname).ok();
        let unchanged = current.is_some_and(|metadata| {
            use std::os::unix::fs::MetadataExt;
            let stat_size = metadata.size();
            // `os.stat_result.st_mtime` is computed as seconds plus
            // nanoseconds times 1e-9, in doubles.
            let stat_mtime = metadata.mtime() as f64 + metadata.mtime_nsec() as f64 * 1e-9;
            size.extract::<u64>().ok() == Some(stat_size) && mtime.value() == stat_mtime
        });
        if !unchanged {
            self.cache.del_item(filename)?;
        }
        Ok(())
    }

    /// `linecache.getline(filename, lineno)`.
    pub fn getline(&self, filename: &Bound<'py, PyString>, lineno: i64) -> Native<String> {
        if let Some(entry) = self.loaded(filename)? {
            if let Ok(lines) = entry.get_item(2)?.cast_into_exact::<PyList>() {
                if lineno < 1 || lineno as usize > lines.len() {
                    return Ok(String::new());
                }
                return line_text(&lines.get_item(lineno as usize - 1)?);
            }
        }
        let py = self.module.py();
        let line = self
            .module
            .call_method1(intern!(py, "getline"), (filename, lineno))?;
        line_text(&line)
    }
}

fn line_text(line: &Bound<'_, PyAny>) -> Native<String> {
    let line = line.cast_exact::<PyString>().map_err(|_| Fallback)?;
    Ok(line.to_str()?.to_owned())
}
