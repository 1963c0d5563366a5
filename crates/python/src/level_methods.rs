//! `Logger.debug`, `info`, `warning`, `error`, `exception`,
//! `critical`, `fatal` and `log`, as `METH_FASTCALL` functions.
//!
//! A method declared with `*args` through pyo3 receives a tuple the
//! interpreter builds before the method runs. Most calls of a logging method
//! log nothing (a `debug` in production), and for them that tuple and the
//! keyword dictionary are most of the cost. These entry points receive the
//! interpreter's argument array instead, check the level first, and build
//! the tuple only for a call that goes on to make a record.

use std::ffi::CStr;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyString, PyTuple, PyType};

use crate::call_args::GivenArgs;
use crate::fastcall::{self, trampoline};
use crate::levels::Level;
use crate::logger::{check_level, check_plain_level, log_enabled, Keywords, Logger};
use crate::runtime;

/// A method's fixed part: its name, the level it logs at (`None` for `log`,
/// which takes the level as its first argument), and whether `exc_info`
/// defaults to true (`exception`).
struct LevelMethod {
    name: &'static str,
    level: Option<i64>,
    exc_info: bool,
}

const DEBUG: LevelMethod = LevelMethod {
    name: "debug",
    level: Some(10),
    exc_info: false,
};
const INFO: LevelMethod = LevelMethod {
    name: "info",
    level: Some(20),
    exc_info: false,
};
const WARNING: LevelMethod = LevelMethod {
    name: "warning",
    level: Some(30),
    exc_info: false,
};
const ERROR: LevelMethod = LevelMethod {
    name: "error",
    level: Some(40),
    exc_info: false,
};
const EXCEPTION: LevelMethod = LevelMethod {
    name: "exception",
    level: Some(40),
    exc_info: true,
};
const CRITICAL: LevelMethod = LevelMethod {
    name: "critical",
    level: Some(50),
    exc_info: false,
};
const FATAL: LevelMethod = LevelMethod {
    name: "fatal",
    level: Some(50),
    exc_info: false,
};
const LOG: LevelMethod = LevelMethod {
    name: "log",
    level: None,
    exc_info: false,
};

/// The arguments of one call as the interpreter passed them: positionals,
/// then the values of the keywords named in `kwnames`.
struct Arguments<'a, 'py> {
    py: Python<'py>,
    positional: &'a [*mut ffi::PyObject],
    keyword_values: &'a [*mut ffi::PyObject],
    keyword_names: Option<Bound<'py, PyTuple>>,
}

impl<'a, 'py> Arguments<'a, 'py> {
    fn positional(&self, index: usize) -> Option<Bound<'py, PyAny>> {
        self.positional
            .get(index)
            // SAFETY: the interpreter keeps the arguments alive for the call.
            .map(|&object| unsafe { Bound::from_borrowed_ptr(self.py, object) })
    }

    /// A parameter given by position or by keyword.
    fn parameter(&self, index: usize, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        if let Some(value) = self.positional(index) {
            return Ok(Some(value));
        }
        Ok(self.keyword_index(name)?.map(|at| self.keyword_value(at)))
    }

    fn keyword_index(&self, name: &str) -> PyResult<Option<usize>> {
        let Some(names) = &self.keyword_names else {
            return Ok(None);
        };
        for (index, key) in names.iter().enumerate() {
            if key.cast::<PyString>()?.to_str()? == name {
                return Ok(Some(index));
            }
        }
        Ok(None)
    }

    fn keyword_value(&self, index: usize) -> Bound<'py, PyAny> {
        // SAFETY: as for the positionals; `index` < number of keywords.
        unsafe { Bound::from_borrowed_ptr(self.py, self.keyword_values[index]) }
    }

    /// `*args`: the positionals from `start` on, as the call passed them
    /// (the tuple is made only if something asks for it).
    fn rest(&self, start: usize) -> GivenArgs<'a, 'py> {
        GivenArgs::Positional(self.py, self.positional.get(start..).unwrap_or(&[]))
    }

    /// `**kwargs`, in the order given: every keyword except those that fill
    /// a named parameter not given by position. A list of pairs: the logging
    /// call reads them once, and a dict is built only for a `_log` override.
    fn keywords(&self, named: &[&str]) -> PyResult<Option<Keywords<'py>>> {
        let Some(names) = &self.keyword_names else {
            return Ok(None);
        };
        let mut pairs = Vec::with_capacity(names.len());
        for (index, key) in names.iter().enumerate() {
            let key = key.cast_into::<PyString>()?;
            let text = key.to_str()?;
            if let Some(position) = named.iter().position(|name| *name == text) {
                if position >= self.positional.len() {
                    continue;
                }
                return Err(PyTypeError::new_err(format!(
                    "got multiple values for argument '{}'",
                    named[position]
                )));
            }
            pairs.push((key, self.keyword_value(index)));
        }
        Ok(Some(Keywords(pairs)))
    }
}

fn call(
    method: &LevelMethod,
    logger: &Bound<'_, Logger>,
    arguments: Arguments<'_, '_>,
) -> PyResult<()> {
    // The common call passes `msg` by position: then only a level check
    // stands between the call and its return.
    let Some(level) = method.level else {
        return call_log(method, logger, arguments);
    };
    if arguments.positional.is_empty() && arguments.keyword_index("msg")?.is_none() {
        return Err(missing(method, "msg"));
    }
    let Some(overridden) = check_plain_level(logger, level)? else {
        return Ok(());
    };
    log_call(
        method,
        logger,
        arguments,
        overridden,
        Level::plain(level),
        &["msg"],
    )
}

/// `log(level, msg, ...)`.
fn call_log(
    method: &LevelMethod,
    logger: &Bound<'_, Logger>,
    arguments: Arguments<'_, '_>,
) -> PyResult<()> {
    let py = logger.py();
    let level = arguments
        .parameter(0, "level")?
        .ok_or_else(|| missing(method, "level"))?;
    // A registered level name ("INFO", "WARN", a custom name) is taken as
    // its number; any other string is refused below, as the standard
    // library refuses every string.
    let level = registered_level(py, &level)?.unwrap_or(level);
    // `isinstance(level, int)`, bools and subclasses included, as in the
    // standard library; the record keeps the level as given.
    if !level.is_instance_of::<PyInt>() {
        if runtime::get(py)?.raise_exceptions(py) {
            return Err(PyTypeError::new_err("level must be an integer"));
        }
        return Ok(());
    }
    let level = Level::from_object(&level);
    if arguments.positional.len() <= 1 && arguments.keyword_index("msg")?.is_none() {
        return Err(missing(method, "msg"));
    }
    let Some(overridden) = check_level(logger, &level)? else {
        return Ok(());
    };
    log_call(
        method,
        logger,
        arguments,
        overridden,
        level,
        &["level", "msg"],
    )
}

/// The rest of a call the level let through. `bound` names the parameters
/// before `*args`.
fn log_call(
    method: &LevelMethod,
    logger: &Bound<'_, Logger>,
    arguments: Arguments<'_, '_>,
    overridden: u64,
    level: Level,
    bound: &[&str],
) -> PyResult<()> {
    let msg_index = bound.len() - 1;
    let msg = arguments
        .parameter(msg_index, "msg")?
        .ok_or_else(|| missing(method, "msg"))?;
    let args = arguments.rest(bound.len());
    let kwargs = arguments.keywords(bound)?;
    log_enabled(
        logger,
        overridden,
        level,
        msg,
        args,
        kwargs.as_ref(),
        method.exc_info,
    )
}

/// The number of a level name registered with `addLevelName` (or a
/// standard one), for `log("INFO", ...)`.
fn registered_level<'py>(
    py: Python<'py>,
    level: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    if !level.is_instance_of::<PyString>() {
        return Ok(None);
    }
    let runtime = runtime::get(py)?;
    runtime.name_to_level.bind(py).get_item(level)
}

fn missing(method: &LevelMethod, parameter: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "Logger.{}() missing 1 required positional argument: '{parameter}'",
        method.name
    ))
}

/// The body shared by every method: converts the raw arguments and runs
/// `call`. pyo3's trampoline around it accounts for the attached thread
/// state (so objects dropped here are released at once) and turns errors
/// and panics into Python exceptions.
///
/// # Safety
/// Called with the calling convention of `METH_FASTCALL | METH_KEYWORDS`.
unsafe fn entry(
    py: Python<'_>,
    method: &LevelMethod,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<*mut ffi::PyObject> {
    // SAFETY: `slf` is borrowed from the caller; the rest is a fastcall's.
    let slf = unsafe { Bound::from_borrowed_ptr(py, slf) };
    let logger = slf.cast::<Logger>()?;
    // SAFETY: forwarded from the caller.
    let raw = unsafe { fastcall::split(py, args, nargs, kwnames)? };
    let arguments = Arguments {
        py,
        positional: raw.positional,
        keyword_values: raw.keyword_values,
        keyword_names: raw.keyword_names,
    };
    call(method, logger, arguments)?;
    Ok(py.None().into_ptr())
}

macro_rules! entry_point {
    ($function:ident, $method:expr) => {
        /// # Safety
        /// See `entry`.
        unsafe fn $function<'py>(
            py: Python<'py>,
            slf: *mut ffi::PyObject,
            args: *const *mut ffi::PyObject,
            nargs: ffi::Py_ssize_t,
            kwnames: *mut ffi::PyObject,
        ) -> PyResult<*mut ffi::PyObject> {
            // SAFETY: forwarded from the caller.
            unsafe { entry(py, &$method, slf, args, nargs, kwnames) }
        }
    };
}

entry_point!(debug, DEBUG);
entry_point!(info, INFO);
entry_point!(warning, WARNING);
entry_point!(error, ERROR);
entry_point!(exception, EXCEPTION);
entry_point!(critical, CRITICAL);
entry_point!(fatal, FATAL);
entry_point!(log, LOG);

const METHODS: [(&CStr, fastcall::FastFunction, &CStr); 8] = [
    (
        c"debug",
        trampoline!(debug),
        c"debug($self, msg, *args, **kwargs)\n--\n\nLogs 'msg % args' at DEBUG.",
    ),
    (
        c"info",
        trampoline!(info),
        c"info($self, msg, *args, **kwargs)\n--\n\nLogs 'msg % args' at INFO.",
    ),
    (
        c"warning",
        trampoline!(warning),
        c"warning($self, msg, *args, **kwargs)\n--\n\nLogs 'msg % args' at WARNING.",
    ),
    (
        c"error",
        trampoline!(error),
        c"error($self, msg, *args, **kwargs)\n--\n\nLogs 'msg % args' at ERROR.",
    ),
    (
        c"exception",
        trampoline!(exception),
        c"exception($self, msg, *args, exc_info=True, **kwargs)\n--\n\nLogs 'msg % args' at ERROR with the exception being handled.",
    ),
    (
        c"critical",
        trampoline!(critical),
        c"critical($self, msg, *args, **kwargs)\n--\n\nLogs 'msg % args' at CRITICAL.",
    ),
    (
        c"fatal",
        trampoline!(fatal),
        c"fatal($self, msg, *args, **kwargs)\n--\n\nLogs 'msg % args' at CRITICAL.",
    ),
    (
        c"log",
        trampoline!(log),
        c"log($self, level, msg, *args, **kwargs)\n--\n\nLogs 'msg % args' at the integer level.",
    ),
];

/// Puts the methods on the `Logger` class.
pub fn add_to(logger_class: &Bound<'_, PyType>) -> PyResult<()> {
    fastcall::add_methods(logger_class, &METHODS)
}
