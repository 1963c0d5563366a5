//! Levels as Python holds them, and their names.
//!
//! The standard library never converts a level: `log(2**40, ...)` records
//! levelno `2**40`, `handler.level = 20.5` is compared as a float, a
//! filter may set `record.levelno` to anything. Nearly every level is a
//! small `int`, which is compared here as a plain number; any other value
//! is kept as the object and compared by Python, so the answers (and the
//! errors) are the standard library's.
//!
//! Level names are read from the `_levelToName` / `_nameToLevel`
//! dictionaries the Python package owns, so that code which edits them
//! directly (as some code written for the standard library does) is
//! honoured.

use std::sync::atomic::{AtomicI64, Ordering};

use pyo3::basic::CompareOp;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyString};

use crate::gil::PyField;
use crate::runtime;

/// A level as a call, a record or a comparison holds it.
pub enum Level {
    /// An exact `int` strictly between `i64::MIN` and `i64::MAX`. The two
    /// ends are left to `Object` so that a threshold one above a level
    /// (`disable + 1`) always fits.
    Plain(i64),
    /// Anything else: a bigger `int`, a `bool` (its `str` is not a
    /// number's), an `int` subclass, a float, any object.
    Object(Py<PyAny>),
}

impl Level {
    pub const fn plain(value: i64) -> Level {
        Level::Plain(value)
    }

    /// The level a Python value stands for, with no conversion.
    pub fn from_object(value: &Bound<'_, PyAny>) -> Level {
        if value.is_exact_instance_of::<PyInt>() {
            if let Ok(number) = value.extract::<i64>() {
                if is_plain(number) {
                    return Level::Plain(number);
                }
            }
        }
        Level::Object(value.clone().unbind())
    }

    /// The Python value: the object itself, or an `int` equal to the
    /// plain number.
    pub fn to_object<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        match self {
            Level::Plain(number) => PyInt::new(py, *number).into_any(),
            Level::Object(object) => object.bind(py).clone(),
        }
    }

    pub fn clone_ref(&self, py: Python<'_>) -> Level {
        match self {
            Level::Plain(number) => Level::Plain(*number),
            Level::Object(object) => Level::Object(object.clone_ref(py)),
        }
    }

    /// `if level:` (a logger's level counts when it is true).
    pub fn is_truthy(&self, py: Python<'_>) -> PyResult<bool> {
        match self {
            Level::Plain(number) => Ok(*number != 0),
            Level::Object(object) => object.bind(py).is_truthy(),
        }
    }
}

const fn is_plain(number: i64) -> bool {
    number != i64::MIN && number != i64::MAX
}

/// `left >= right`, as Python evaluates it (the truth of whatever the
/// comparison returns).
pub fn at_least(py: Python<'_>, left: &Level, right: &Level) -> PyResult<bool> {
    if let (Level::Plain(left), Level::Plain(right)) = (left, right) {
        return Ok(left >= right);
    }
    left.to_object(py)
        .rich_compare(right.to_object(py), CompareOp::Ge)?
        .is_truthy()
}

/// A level attribute Python may assign anything to (`Logger.level`,
/// `Handler.level`, `Manager.disable`): the object as assigned, and beside
/// it the plain number the hot path compares, when there is one.
pub struct LevelField {
    /// `NOT_PLAIN` when the object is not a plain level.
    plain: AtomicI64,
    object: PyField,
}

const NOT_PLAIN: i64 = i64::MIN;

impl LevelField {
    pub fn new(py: Python<'_>, number: i64) -> LevelField {
        debug_assert!(is_plain(number));
        LevelField {
            plain: AtomicI64::new(number),
            object: PyField::new(PyInt::new(py, number).into_any().unbind()),
        }
    }

    /// The plain number, if the level is one.
    #[inline]
    pub fn plain(&self) -> Option<i64> {
        let number = self.plain.load(Ordering::Relaxed);
        (number != NOT_PLAIN).then_some(number)
    }

    /// The object as assigned.
    pub fn get<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.object.get(py)
    }

    pub fn level(&self, py: Python<'_>) -> Level {
        match self.plain() {
            Some(number) => Level::Plain(number),
            None => Level::Object(self.object.get(py).unbind()),
        }
    }

    pub fn set(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        let plain = match Level::from_object(&value) {
            Level::Plain(number) => number,
            Level::Object(_) => NOT_PLAIN,
        };
        self.object.set(py, value);
        self.plain.store(plain, Ordering::Relaxed);
    }

    /// `level >= self`, plainly when both are plain.
    #[inline]
    pub fn passes(&self, py: Python<'_>, level: &Level) -> PyResult<bool> {
        if let (Level::Plain(level), Some(own)) = (level, self.plain()) {
            return Ok(*level >= own);
        }
        at_least(py, level, &self.level(py))
    }
}

/// `getLevelName(level)`, as `LogRecord` computes `levelname`.
pub fn level_name<'py>(py: Python<'py>, level: &Level) -> PyResult<Bound<'py, PyAny>> {
    let number = match level {
        Level::Plain(number) => *number,
        Level::Object(object) => return object_level_name(object.bind(py)),
    };
    let runtime = runtime::get(py)?;
    if let Some(name) = runtime.known_level_name(py, number) {
        return Ok(name);
    }
    let key = PyInt::new(py, number);
    for table in [&runtime.level_to_name, &runtime.name_to_level] {
        if let Some(name) = table.bind(py).get_item(&key)? {
            if !name.is_none() {
                runtime.remember_level_name(py, number, &name);
                return Ok(name);
            }
        }
    }
    Ok(PyString::new(py, &femtologging_core::level::unregistered_name(number)).into_any())
}

/// The module's `getLevelName`, for a level that is not a plain number.
#[inline(never)]
fn object_level_name<'py>(level: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = level.py();
    runtime::get(py)?
        .module
        .bind(py)
        .getattr(intern!(py, "getLevelName"))?
        .call1((level,))
}
