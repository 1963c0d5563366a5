//! Which standard methods a Python subclass (or a monkeypatch) has replaced.
//!
//! The native fast path may only run where the standard library would have
//! run its own code: if `type(logger).makeRecord` is not the standard
//! `Logger.makeRecord`, the standard library would call the override, so we
//! must too. Looking the names up on every call would cost more than the rest
//! of the call, so the answer is cached per type and keyed by CPython's
//! `tp_version_tag`, which the interpreter changes whenever the type or any of
//! its bases is modified.

use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use crate::gil::GilCell;

/// A set of method names checked together, and the standard implementation
/// of each, captured when the package finished importing.
pub struct OverrideCheck {
    names: &'static [&'static str],
    interned: GilCell<Vec<Py<PyString>>>,
    standard: GilCell<Vec<Py<PyAny>>>,
    cache: GilCell<Vec<CacheEntry>>,
}

#[derive(Clone, Copy)]
struct CacheEntry {
    type_pointer: usize,
    version_tag: u32,
    overridden: u64,
}

const CACHE_SIZE: usize = 16;

impl OverrideCheck {
    pub const fn new(names: &'static [&'static str]) -> Self {
        OverrideCheck {
            names,
            interned: GilCell::new(Vec::new()),
            standard: GilCell::new(Vec::new()),
            cache: GilCell::new(Vec::new()),
        }
    }

    /// Records the standard implementations from the standard class.
    pub fn capture(&self, standard_type: &Bound<'_, PyType>) -> PyResult<()> {
        let py = standard_type.py();
        let mut interned = Vec::with_capacity(self.names.len());
        let mut standard = Vec::with_capacity(self.names.len());
        for name in self.names {
            let name = PyString::intern(py, name);
            // A name the standard class lacks (Handler has no `terminator`)
            // is recorded as absent: a subclass adding it is an override.
            let value = standard_type.getattr(&name).ok().map(Bound::unbind);
            standard.push(value.unwrap_or_else(|| absent(py)));
            interned.push(name.unbind());
        }
        drop(self.interned.replace(py, interned));
        drop(self.standard.replace(py, standard));
        self.cache.with(py, |cache| cache.clear());
        Ok(())
    }

    /// A bit mask: bit `i` is set when `names[i]` is not the standard one on
    /// this type. Before `capture`, nothing counts as overridden.
    pub fn overridden(&self, object_type: &Bound<'_, PyType>) -> PyResult<u64> {
        let py = object_type.py();
        if let Some(overridden) = self.cached(py, object_type.as_type_ptr()) {
            return Ok(overridden);
        }
        let type_pointer = object_type.as_type_ptr() as usize;
        let names = self.interned.with(py, |names| {
            names
                .iter()
                .map(|name| name.clone_ref(py))
                .collect::<Vec<_>>()
        });
        let standard = self.standard.with(py, |standard| {
            standard
                .iter()
                .map(|value| value.clone_ref(py))
                .collect::<Vec<_>>()
        });
        let mut overridden = 0u64;
        for (index, (name, standard)) in names.iter().zip(standard.iter()).enumerate() {
            let current = match object_type.getattr(name.bind(py)) {
                Ok(current) => current,
                Err(_) => absent(py).into_bound(py),
            };
            if !current.is(standard.bind(py)) {
                overridden |= 1 << index;
            }
        }
        // The lookups above assign a fresh tag when the type had none.
        let version_tag = current_version_tag(object_type.as_type_ptr());
        if version_tag != 0 {
            self.cache.with(py, |cache| {
                if let Some(entry) = cache
                    .iter_mut()
                    .find(|entry| entry.type_pointer == type_pointer)
                {
                    entry.version_tag = version_tag;
                    entry.overridden = overridden;
                } else {
                    if cache.len() == CACHE_SIZE {
                        cache.remove(0);
                    }
                    cache.push(CacheEntry {
                        type_pointer,
                        version_tag,
                        overridden,
                    });
                }
            });
        }
        Ok(overridden)
    }

    /// The overrides of an object's type.
    pub fn overridden_for(&self, object: &Bound<'_, PyAny>) -> PyResult<u64> {
        // SAFETY: a live object's type pointer, with the GIL held.
        let object_type = unsafe { pyo3::ffi::Py_TYPE(object.as_ptr()) };
        match self.cached(object.py(), object_type) {
            Some(overridden) => Ok(overridden),
            None => self.overridden(&object.get_type()),
        }
    }

    /// The cached answer for a type whose version tag has not changed.
    fn cached(&self, py: Python<'_>, object_type: *mut pyo3::ffi::PyTypeObject) -> Option<u64> {
        let version_tag = current_version_tag(object_type);
        if version_tag == 0 {
            return None;
        }
        let type_pointer = object_type as usize;
        self.cache.with(py, |cache| {
            cache
                .iter()
                .find(|entry| {
                    entry.type_pointer == type_pointer && entry.version_tag == version_tag
                })
                .map(|entry| entry.overridden)
        })
    }

    /// The bit for one name.
    #[allow(dead_code)]
    pub fn bit(&self, name: &str) -> u64 {
        let index = self
            .names
            .iter()
            .position(|candidate| *candidate == name)
            .expect("a name checked by this OverrideCheck");
        1 << index
    }
}

/// The marker for "the standard class has no such attribute".
fn absent(py: Python<'_>) -> Py<PyAny> {
    static ABSENT: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();
    ABSENT
        .get_or_init(py, || pyo3::types::PyTuple::empty(py).into_any().unbind())
        .clone_ref(py)
}

/// Set at import: before 3.13 a stale tag is marked by clearing a flag; from
/// 3.13 on the flag is unused and a stale tag is zero.
pub static VERSION_TAG_FLAG_IN_USE: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(true);

pub(crate) fn current_version_tag(raw: *mut pyo3::ffi::PyTypeObject) -> u32 {
    const VALID_VERSION_TAG: std::os::raw::c_ulong = 1 << 19;
    let flag_in_use = VERSION_TAG_FLAG_IN_USE.load(std::sync::atomic::Ordering::Relaxed);
    // SAFETY: reading two plain fields of a live type object with the GIL held.
    unsafe {
        if flag_in_use && (*raw).tp_flags & VALID_VERSION_TAG == 0 {
            0
        } else {
            (*raw).tp_version_tag
        }
    }
}
