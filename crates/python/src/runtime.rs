//! Process-wide state the Python side hands to the native code at import:
//! the running interpreter's version, the standard classes and tables that
//! live in Python, and the callbacks for cold paths written in Python.

use std::sync::atomic::{AtomicI64, AtomicU8, Ordering};

use femtologging_core::time::PythonVersion;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyModule, PyString};

use crate::gil::GilCell;

/// Everything the Python package registers, as one cell: set once at import
/// (and again only by tests that reload the package).
pub struct Runtime {
    /// The `femtologging` module, for the globals users may rebind
    /// (`raiseExceptions`, `lastResort`, `_srcfile`, `logThreads`, ...).
    pub module: Py<PyModule>,
    pub module_dict: Py<PyDict>,
    pub level_to_name: Py<PyDict>,
    pub name_to_level: Py<PyDict>,
    pub log_record_class: Py<PyAny>,
    /// The factory installed by default; any other factory means every record
    /// is built by calling it.
    pub default_record_factory: Py<PyAny>,
    pub cold: Py<PyAny>,
    /// The `time` module's dictionary, the name of the clock
    /// `LogRecord.__init__` reads there (`time_ns` from 3.13, `time` before)
    /// and the function found under it at import: a record follows whatever
    /// function replaced it (a test's patch).
    pub time_dict: Py<PyDict>,
    pub clock_name: Py<PyString>,
    pub standard_clock: Py<PyAny>,
    /// What every logging call reads from the globals and the level tables,
    /// remembered with the version tags of the dictionaries it came from.
    pub hot: GilCell<HotValues>,
}

/// Answers read from dictionaries, each valid while its dictionary's
/// version tag is the one recorded (zero: not known).
#[derive(Default)]
pub struct HotValues {
    source_lookup: (u64, bool),
    /// Whether the clock function is still the one found at import.
    standard_clock: (u64, bool),
    standard_factory: (u64, bool),
    log_threads: (u64, bool),
    /// `_defaultFormatter`, as it was at that version.
    default_formatter: (u64, Option<Py<PyAny>>),
    /// `(level, name)` pairs and the versions of `_levelToName` and
    /// `_nameToLevel` they were read at.
    level_names: Vec<(i64, Py<PyAny>)>,
    level_versions: (u64, u64),
}

/// Level names remembered at most: the standard five and a few custom ones.
const LEVEL_NAMES_KEPT: usize = 8;

/// A dictionary's version tag, which CPython 3.11 to 3.13 replaces with a
/// value never used before (across all dictionaries) whenever the dictionary
/// changes; `None` on versions that no longer maintain it.
pub(crate) fn dict_version(dict: &Bound<'_, PyDict>) -> Option<u64> {
    if python_minor() > 13 {
        return None;
    }
    // The tag is the field before `ma_keys` on every version that has it
    // (3.14 renamed it and keeps it constant, which the check above excludes).
    let offset =
        std::mem::offset_of!(pyo3::ffi::PyDictObject, ma_keys) - std::mem::size_of::<u64>();
    // SAFETY: `dict` is a live dict object (exact or subclass, same layout),
    // read with the GIL held.
    let version = unsafe { dict.as_ptr().cast::<u8>().add(offset).cast::<u64>().read() };
    (version != 0).then_some(version)
}

/// Whether a value's truth cannot change while it stays bound to the same
/// name: immutable builtins, whose `__bool__` runs no user code.
fn truth_is_fixed(value: &Bound<'_, PyAny>) -> bool {
    value.is_none() || value.is_exact_instance_of::<PyString>() || value.is_instance_of::<PyBool>()
}

/// Leaked on purpose: every logging call reads it, and a plain reference
/// costs no reference counting. It is replaced only when the package is
/// imported again (a test reloading it), and the old one stays alive for
/// whatever may still hold its objects.
static RUNTIME: GilCell<Option<&'static Runtime>> = GilCell::new(None);
static PYTHON_MINOR: AtomicU8 = AtomicU8::new(11);
/// logging's `_startTime`, in nanoseconds.
pub static START_NS: AtomicI64 = AtomicI64::new(0);

pub fn install(py: Python<'_>, runtime: Runtime) {
    RUNTIME.replace(py, Some(Box::leak(Box::new(runtime))));
}

pub fn get(py: Python<'_>) -> PyResult<&'static Runtime> {
    RUNTIME
        .get(py)
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("femtologging is not initialised"))
}

pub fn set_python_minor(minor: u8) {
    PYTHON_MINOR.store(minor, Ordering::Relaxed);
}

pub fn python_minor() -> u8 {
    PYTHON_MINOR.load(Ordering::Relaxed)
}

pub fn python_version() -> PythonVersion {
    match python_minor() {
        0..=11 => PythonVersion::V3_11,
        12 => PythonVersion::V3_12,
        _ => PythonVersion::V3_13,
    }
}

impl Runtime {
    /// A module global, looked up at call time because users rebind them.
    pub fn global<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, pyo3::types::PyString>,
    ) -> Option<Bound<'py, PyAny>> {
        self.module_dict.bind(py).get_item(name).ok().flatten()
    }

    /// `if _srcfile:` of `Logger._log`, read again only after the module's
    /// globals changed.
    pub fn source_lookup(&self, py: Python<'_>) -> PyResult<bool> {
        let version = dict_version(self.module_dict.bind(py));
        if let Some(version) = version {
            let (known, answer) = self.hot.with(py, |hot| hot.source_lookup);
            if known == version {
                return Ok(answer);
            }
        }
        let Some(value) = self.global(py, pyo3::intern!(py, "_srcfile")) else {
            return Ok(false);
        };
        let answer = value.is_truthy()?;
        if let Some(version) = version.filter(|_| truth_is_fixed(&value)) {
            self.hot
                .with(py, |hot| hot.source_lookup = (version, answer));
        }
        Ok(answer)
    }

    /// A record's clock reading in nanoseconds: the system clock, unless the
    /// clock `LogRecord.__init__` reads was replaced, in which case the
    /// replacement is called as it would call it. On 3.13 its `int` is the
    /// reading; before, its float is kept through `ns_for_seconds`. Anything
    /// else (an exception, another type, a value out of range) falls back to
    /// the system clock.
    pub fn clock_ns(&self, py: Python<'_>) -> i64 {
        if self.clock_is_standard(py) {
            return femtologging_core::time::now_ns();
        }
        let replaced = self
            .time_dict
            .bind(py)
            .get_item(self.clock_name.bind(py))
            .ok()
            .flatten();
        let reading = replaced
            .and_then(|clock| clock.call0().ok())
            .and_then(|value| {
                if python_version() == PythonVersion::V3_13 {
                    value.extract::<i64>().ok()
                } else {
                    value
                        .extract::<f64>()
                        .ok()
                        .and_then(femtologging_core::time::ns_for_seconds)
                }
            });
        reading.unwrap_or_else(femtologging_core::time::now_ns)
    }

    fn clock_is_standard(&self, py: Python<'_>) -> bool {
        let dict = self.time_dict.bind(py);
        let version = dict_version(dict);
        if let Some(version) = version {
            let (known, answer) = self.hot.with(py, |hot| hot.standard_clock);
            if known == version {
                return answer;
            }
        }
        let answer = dict
            .get_item(self.clock_name.bind(py))
            .ok()
            .flatten()
            .is_some_and(|clock| clock.is(self.standard_clock.bind(py)));
        if let Some(version) = version {
            self.hot
                .with(py, |hot| hot.standard_clock = (version, answer));
        }
        answer
    }

    /// Whether `_logRecordFactory` is still the default one.
    pub fn standard_factory(&self, py: Python<'_>) -> bool {
        let version = dict_version(self.module_dict.bind(py));
        if let Some(version) = version {
            let (known, answer) = self.hot.with(py, |hot| hot.standard_factory);
            if known == version {
                return answer;
            }
        }
        let answer = self
            .global(py, pyo3::intern!(py, "_logRecordFactory"))
            .map(|factory| factory.is(self.default_record_factory.bind(py)))
            .unwrap_or(true);
        if let Some(version) = version {
            self.hot
                .with(py, |hot| hot.standard_factory = (version, answer));
        }
        answer
    }

    /// `_defaultFormatter` (`None` when it was deleted), read again only
    /// after the module's globals changed: every record of a handler
    /// without a formatter asks for it.
    pub fn default_formatter<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        let version = dict_version(self.module_dict.bind(py));
        if let Some(version) = version {
            let known = self.hot.with(py, |hot| match &hot.default_formatter {
                (known, formatter) if *known == version => {
                    Some(formatter.as_ref().map(|formatter| formatter.clone_ref(py)))
                }
                _ => None,
            });
            if let Some(formatter) = known {
                return formatter.map(|formatter| formatter.into_bound(py));
            }
        }
        let formatter = self.global(py, pyo3::intern!(py, "_defaultFormatter"));
        if let Some(version) = version {
            let remembered = formatter
                .as_ref()
                .map(|formatter| formatter.clone().unbind());
            let previous = self.hot.with(py, |hot| {
                std::mem::replace(&mut hot.default_formatter, (version, remembered))
            });
            // Released outside the cell: dropping an object may run Python code.
            drop(previous);
        }
        formatter
    }

    /// `logThreads`, read again only after the module's globals changed.
    /// Deleted from the package, it raises as `logging.logThreads` would.
    pub fn log_threads(&self, py: Python<'_>) -> PyResult<bool> {
        let version = dict_version(self.module_dict.bind(py));
        if let Some(version) = version {
            let (known, answer) = self.hot.with(py, |hot| hot.log_threads);
            if known == version {
                return Ok(answer);
            }
        }
        let value = self
            .module
            .bind(py)
            .getattr(pyo3::intern!(py, "logThreads"))?;
        let answer = value.is_truthy()?;
        if let Some(version) = version.filter(|_| truth_is_fixed(&value)) {
            self.hot.with(py, |hot| hot.log_threads = (version, answer));
        }
        Ok(answer)
    }

    /// The name `_levelToName` (then `_nameToLevel`) gives a level, from
    /// what was read last while neither dictionary changed.
    pub fn known_level_name<'py>(&self, py: Python<'py>, level: i64) -> Option<Bound<'py, PyAny>> {
        let versions = self.level_versions(py)?;
        self.hot
            .with(py, |hot| {
                if hot.level_versions != versions {
                    return None;
                }
                hot.level_names
                    .iter()
                    .find(|(known, _)| *known == level)
                    .map(|(_, name)| name.clone_ref(py))
            })
            .map(|name| name.into_bound(py))
    }

    /// Remembers what `known_level_name` answers for `level`.
    pub fn remember_level_name(&self, py: Python<'_>, level: i64, name: &Bound<'_, PyAny>) {
        let Some(versions) = self.level_versions(py) else {
            return;
        };
        let stale = self.hot.with(py, |hot| {
            let mut stale = Vec::new();
            if hot.level_versions != versions || hot.level_names.len() >= LEVEL_NAMES_KEPT {
                stale = std::mem::take(&mut hot.level_names);
                hot.level_versions = versions;
            }
            hot.level_names.push((level, name.clone().unbind()));
            stale
        });
        // Released outside the cell.
        drop(stale);
    }

    fn level_versions(&self, py: Python<'_>) -> Option<(u64, u64)> {
        Some((
            dict_version(self.level_to_name.bind(py))?,
            dict_version(self.name_to_level.bind(py))?,
        ))
    }

    pub fn raise_exceptions(&self, py: Python<'_>) -> bool {
        self.global(py, pyo3::intern!(py, "raiseExceptions"))
            .map(|value| value.is_truthy().unwrap_or(true))
            .unwrap_or(true)
    }

    /// Calls one of the cold-path helpers of `femtologging._cold`.
    pub fn cold<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, pyo3::types::PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.cold.bind(py).getattr(name)
    }
}
