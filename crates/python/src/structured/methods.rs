//! `structured.Logger.debug`, `info`, `msg`, `warning`, `warn`, `error`,
//! `critical`, `fatal` and their `a`-prefixed forms, as `METH_FASTCALL`
//! method descriptors on the Python class.
//!
//! A Python method taking `**kw` has the interpreter build a dict per call,
//! and a frame; these entry points take the interpreter's argument array
//! and keyword names instead. When the chain holds only the processors the
//! sink runs natively (`Settings::direct`), the event is built straight
//! from the bound context, the keywords and the event (`direct`), and no
//! Python dict is made at all. Anything else (another processor, an
//! `exc_info`, a value only Python can render) goes the way `EventSink.log`
//! goes.

use std::ffi::CStr;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

use super::direct::direct_event;
use super::EventSink;
use crate::fastcall::{self, trampoline, RawArguments as Arguments};
use crate::gil::GilCell;

/// The sink the descriptors log through, set when they are attached.
static SINK: GilCell<Option<Py<EventSink>>> = GilCell::new(None);

fn current_sink(py: Python<'_>) -> Option<Py<EventSink>> {
    SINK.with(py, |sink| sink.as_ref().map(|sink| sink.clone_ref(py)))
}

/// A method's level and the method name the processors are given.
pub(super) struct LevelMethod {
    pub(super) level: i64,
    pub(super) name: &'static str,
}

/// What the call logs: `event` (`None` when not given) and the positionals
/// after it, merged into it as `event % args`.
fn event_of<'py>(py: Python<'py>, arguments: &Arguments<'_, 'py>) -> Bound<'py, PyAny> {
    match arguments.positional.first() {
        // SAFETY: the interpreter keeps the arguments alive for the call.
        Some(&event) => unsafe { Bound::from_borrowed_ptr(py, event) },
        None => arguments
            .keywords()
            .find(|(name, _)| name.cast::<PyString>().is_ok_and(|name| name == "event"))
            // SAFETY: as above.
            .map(|(_, value)| unsafe { Bound::from_borrowed_ptr(py, value) })
            .unwrap_or_else(|| py.None().into_bound(py)),
    }
}

pub(super) fn rest<'py>(
    py: Python<'py>,
    arguments: &Arguments<'_, 'py>,
) -> PyResult<Bound<'py, PyTuple>> {
    let rest = arguments.positional.get(1..).unwrap_or(&[]);
    // SAFETY: as above.
    PyTuple::new(
        py,
        rest.iter()
            .map(|&object| unsafe { Bound::from_borrowed_ptr(py, object) }),
    )
}

/// The keywords as structlog's `**kw` (without `event`, a parameter).
fn keyword_dict<'py>(
    py: Python<'py>,
    arguments: &Arguments<'_, 'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in arguments.keywords() {
        if arguments.positional.is_empty()
            && name.cast::<PyString>().is_ok_and(|name| name == "event")
        {
            continue;
        }
        // SAFETY: as above.
        dict.set_item(name, unsafe { Bound::from_borrowed_ptr(py, value) })?;
    }
    Ok(dict)
}

fn call(
    py: Python<'_>,
    method: &LevelMethod,
    logger: &Bound<'_, PyAny>,
    arguments: &Arguments<'_, '_>,
) -> PyResult<()> {
    let Some(sink) = current_sink(py) else {
        return Ok(());
    };
    let sink = sink.get();
    let Some(settings) = sink.enabled_settings(py, method.level) else {
        return Ok(());
    };
    let event = event_of(py, arguments);
    if settings.direct {
        match direct_event(py, &settings, method, logger, &event, arguments) {
            Ok(Some(job)) => return sink.submit_direct(py, &settings, job, logger),
            Ok(None) => {}
            Err(error) => {
                sink.report_error(py, error, logger);
                return Ok(());
            }
        }
    }
    let method_name = PyString::new(py, method.name);
    let outcome = rest(py, arguments).and_then(|args| {
        let key_values = keyword_dict(py, arguments)?;
        sink.process(
            py,
            &settings,
            logger,
            &method_name,
            &event,
            &args,
            &key_values,
        )
    });
    if let Err(error) = outcome {
        sink.report_error(py, error, logger);
    }
    Ok(())
}

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
    let logger = unsafe { Bound::from_borrowed_ptr(py, slf) };
    // SAFETY: forwarded from the caller.
    let arguments = unsafe { fastcall::split(py, args, nargs, kwnames)? };
    call(py, method, &logger, &arguments)?;
    Ok(match current_sink(py) {
        Some(sink) => sink.get().done.clone_ref(py).into_ptr(),
        None => py.None().into_ptr(),
    })
}

macro_rules! entry_point {
    ($function:ident, $level:expr, $name:expr) => {
        /// # Safety
        /// See `entry`.
        unsafe fn $function<'py>(
            py: Python<'py>,
            slf: *mut ffi::PyObject,
            args: *const *mut ffi::PyObject,
            nargs: ffi::Py_ssize_t,
            kwnames: *mut ffi::PyObject,
        ) -> PyResult<*mut ffi::PyObject> {
            const METHOD: LevelMethod = LevelMethod {
                level: $level,
                name: $name,
            };
            // SAFETY: forwarded from the caller.
            unsafe { entry(py, &METHOD, slf, args, nargs, kwnames) }
        }
    };
}

entry_point!(debug, 10, "debug");
entry_point!(info, 20, "info");
entry_point!(warning, 30, "warning");
entry_point!(warn, 30, "warn");
entry_point!(error, 40, "error");
entry_point!(critical, 50, "critical");

const METHODS: [(&CStr, fastcall::FastFunction, &CStr); 13] = [
    (
        c"debug",
        trampoline!(debug),
        c"debug($self, event=None, *args, **kw)\n--\n\nLogs event at debug.",
    ),
    (
        c"adebug",
        trampoline!(debug),
        c"adebug($self, event=None, *args, **kw)\n--\n\nLogs event at debug.",
    ),
    (
        c"info",
        trampoline!(info),
        c"info($self, event=None, *args, **kw)\n--\n\nLogs event at info.",
    ),
    (
        c"ainfo",
        trampoline!(info),
        c"ainfo($self, event=None, *args, **kw)\n--\n\nLogs event at info.",
    ),
    (
        c"msg",
        trampoline!(info),
        c"msg($self, event=None, *args, **kw)\n--\n\nLogs event at info.",
    ),
    (
        c"warning",
        trampoline!(warning),
        c"warning($self, event=None, *args, **kw)\n--\n\nLogs event at warning.",
    ),
    (
        c"awarning",
        trampoline!(warning),
        c"awarning($self, event=None, *args, **kw)\n--\n\nLogs event at warning.",
    ),
    (
        c"warn",
        trampoline!(warn),
        c"warn($self, event=None, *args, **kw)\n--\n\nLogs event at warning.",
    ),
    (
        c"error",
        trampoline!(error),
        c"error($self, event=None, *args, **kw)\n--\n\nLogs event at error.",
    ),
    (
        c"aerror",
        trampoline!(error),
        c"aerror($self, event=None, *args, **kw)\n--\n\nLogs event at error.",
    ),
    (
        c"critical",
        trampoline!(critical),
        c"critical($self, event=None, *args, **kw)\n--\n\nLogs event at critical.",
    ),
    (
        c"acritical",
        trampoline!(critical),
        c"acritical($self, event=None, *args, **kw)\n--\n\nLogs event at critical.",
    ),
    (
        c"fatal",
        trampoline!(critical),
        c"fatal($self, event=None, *args, **kw)\n--\n\nLogs event at critical.",
    ),
];

/// Puts the level methods on `logger_class` and logs them through `sink`.
#[pyfunction]
pub fn attach_structured_methods(
    logger_class: &Bound<'_, PyType>,
    sink: Py<EventSink>,
) -> PyResult<()> {
    let py = logger_class.py();
    drop(SINK.replace(py, Some(sink)));
    fastcall::add_methods(logger_class, &METHODS)
}
