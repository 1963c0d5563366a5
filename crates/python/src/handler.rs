//! `Handler`, `StreamHandler`, `FileHandler` and `NullHandler`.
//!
//! The standard semantics of `Handler.handle`: filter, then emit under the
//! handler's lock; errors inside `emit` go to `handleError`. A native handler
//! whose class methods are the standard ones emits without leaving Rust
//! (besides the call to a Python stream's `write`); a subclass that replaces
//! `emit`, `format`, `filter` or `flush` has that step called through Python.
//!
//! While the native path runs it holds the GIL throughout, which is what makes
//! an emit atomic with respect to other threads' emits.

use femtologging_core::time::whole_seconds_from_ns;
use pyo3::exceptions::PyRecursionError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::femto::{self, FemtoHandler, Job};
use crate::file_stream::FileStream;
use crate::filterer::{Filterer, Verdict};
use crate::formatter::{self, FormattedText};
use crate::gil::PyField;
use crate::json_layout;
use crate::levels::{self, Level, LevelField};
use crate::overrides::OverrideCheck;
use crate::record::{CallRecord, RecordRef};
use crate::rotating;
use crate::runtime;
use crate::socket_handler;
use crate::syslog;
use crate::timed_rotating;

/// What a native handler does in `emit`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HandlerKind {
    /// `Handler` itself: `emit` must be provided by a subclass.
    Base,
    Stream,
    File,
    Null,
    /// A `FemtoHandler`: formats on the caller, writes on a worker thread.
    Femto,
    /// A `BaseRotatingHandler` subclass: `shouldRollover` and `doRollover`
    /// come from Python.
    BaseRotating,
    /// `RotatingFileHandler`: the size test runs natively.
    Rotating,
    /// `WatchedFileHandler`: the file's identity is checked natively.
    Watched,
    /// `TimedRotatingFileHandler`: the time test runs natively.
    Timed,
    /// `logging.handlers.SysLogHandler` (`syslog.rs`).
    Syslog,
    /// `logging.handlers.SocketHandler` (`socket_handler.rs`).
    Socket,
    /// `logging.handlers.DatagramHandler` (`socket_handler.rs`).
    Datagram,
}

const NAMES: &[&str] = &[
    "handle",
    "filter",
    "emit",
    "format",
    "flush",
    "terminator",
    "stream",
    "shouldRollover",
    "reopenIfNeeded",
    "mapPriority",
    "encodePriority",
    "makePickle",
    "send",
];
const HANDLE: u64 = 1 << 0;
const FILTER: u64 = 1 << 1;
const EMIT: u64 = 1 << 2;
pub(crate) const FORMAT: u64 = 1 << 3;
const FLUSH: u64 = 1 << 4;
const TERMINATOR: u64 = 1 << 5;
const STREAM: u64 = 1 << 6;
const SHOULD_ROLLOVER: u64 = 1 << 7;
const REOPEN_IF_NEEDED: u64 = 1 << 8;
const MAP_PRIORITY: u64 = 1 << 9;
const ENCODE_PRIORITY: u64 = 1 << 10;
const MAKE_PICKLE: u64 = 1 << 11;
const SEND: u64 = 1 << 12;

pub static BASE_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static STREAM_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static FILE_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static NULL_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static FEMTO_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static BASE_ROTATING_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static ROTATING_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static WATCHED_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static TIMED_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static SYSLOG_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static SOCKET_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);
pub static DATAGRAM_OVERRIDES: OverrideCheck = OverrideCheck::new(NAMES);

fn overrides_for(kind: HandlerKind) -> &'static OverrideCheck {
    match kind {
        HandlerKind::Base => &BASE_OVERRIDES,
        HandlerKind::Stream => &STREAM_OVERRIDES,
        HandlerKind::File => &FILE_OVERRIDES,
        HandlerKind::Null => &NULL_OVERRIDES,
        HandlerKind::Femto => &FEMTO_OVERRIDES,
        HandlerKind::BaseRotating => &BASE_ROTATING_OVERRIDES,
        HandlerKind::Rotating => &ROTATING_OVERRIDES,
        HandlerKind::Watched => &WATCHED_OVERRIDES,
        HandlerKind::Timed => &TIMED_OVERRIDES,
        HandlerKind::Syslog => &SYSLOG_OVERRIDES,
        HandlerKind::Socket => &SOCKET_OVERRIDES,
        HandlerKind::Datagram => &DATAGRAM_OVERRIDES,
    }
}

/// Which standard methods the handler's class replaced.
pub fn overridden(handler: &Bound<'_, Handler>) -> PyResult<u64> {
    overrides_for(handler.get().kind).overridden_for(handler.as_any())
}

/// Where records go. `Handler(level=NOTSET)`: loggers do not pass it
/// records below `level`. The base class writes nothing; subclasses override `emit`.
/// `handle` filters a record and emits it under the handler's lock, and an
/// exception raised while emitting goes to `handleError`, which reports it
/// on stderr and lets the program go on.
#[pyclass(extends = Filterer, subclass, frozen, module = "femtologging")]
pub struct Handler {
    level: LevelField,
    pub(crate) formatter: PyField,
    kind: HandlerKind,
}

/// Writes each formatted record and `terminator` (`"\n"`) to `stream`:
/// `sys.stderr` when None, or any object with `write` (and, optionally,
/// `flush`, called after each record). Writes happen on the caller's
/// thread; `FemtoStreamHandler` writes on a worker.
#[pyclass(extends = Handler, subclass, frozen, module = "femtologging")]
pub struct StreamHandler {
    stream: PyField,
    terminator: PyField,
}

/// Appends formatted records to the file `filename` (opened with `mode`,
/// `encoding` and `errors` as `open` takes them): at once, or at the first
/// record with `delay=True`; a record that comes after `close()` opens it
/// again. Writes happen on the caller's thread; `FemtoFileHandler` writes
/// on a worker.
#[pyclass(extends = StreamHandler, subclass, frozen, module = "femtologging")]
pub struct FileHandler {}

/// Does nothing with the records it gets. A library adds one to its top
/// logger so that, when the application configures no logging, its
/// warnings do not go to `lastResort`.
#[pyclass(extends = Handler, subclass, frozen, module = "femtologging")]
pub struct NullHandler {}

impl Handler {
    pub fn kind(&self) -> HandlerKind {
        self.kind
    }

    pub(crate) fn initializer(py: Python<'_>, kind: HandlerKind) -> PyClassInitializer<Handler> {
        PyClassInitializer::from(Filterer::empty(py)).add_subclass(Handler {
            level: LevelField::new(py, 0),
            formatter: PyField::none(py),
            kind,
        })
    }
}

impl StreamHandler {
    pub fn stream_is_none(&self, py: Python<'_>) -> bool {
        self.stream.is_none(py)
    }

    fn initializer(py: Python<'_>, kind: HandlerKind) -> PyClassInitializer<StreamHandler> {
        Handler::initializer(py, kind).add_subclass(StreamHandler {
            stream: PyField::none(py),
            terminator: PyField::new(PyString::new(py, "\n").into_any().unbind()),
        })
    }
}

/// `if record.levelno >= hdlr.level: hdlr.handle(record)`, as
/// `Logger.callHandlers` does for each handler, with the record's level as
/// it is now (`RecordRef::level`).
pub fn handle_if_enabled<'py>(
    handler: &Bound<'py, PyAny>,
    record: &RecordRef<'_, 'py>,
) -> PyResult<()> {
    let py = handler.py();
    // One type check serves the level and the call: for a handler whose
    // class is defined in Python it walks the class's MRO.
    let Ok(native) = handler.cast::<Handler>() else {
        return handle_python_if_enabled(handler, record);
    };
    let level = &native.get().level;
    let passes = match (record.native(py), level.plain()) {
        (
            Some(CallRecord {
                level: Level::Plain(record_level),
                ..
            }),
            Some(own),
        ) => *record_level >= own,
        _ => compared_level_passes(py, level, record)?,
    };
    if passes {
        dispatch_native(native, record)?;
    }
    Ok(())
}

/// A native handler's level test when the record's level or the handler's
/// is not a plain number, or the record is in Python's hands.
#[inline(never)]
fn compared_level_passes<'py>(
    py: Python<'py>,
    level: &LevelField,
    record: &RecordRef<'_, 'py>,
) -> PyResult<bool> {
    level.passes(py, &record.level(py)?)
}

/// `handle_if_enabled` for a handler that is not a native `Handler` (any
/// object with `level` and `handle`).
#[inline(never)]
fn handle_python_if_enabled<'py>(
    handler: &Bound<'py, PyAny>,
    record: &RecordRef<'_, 'py>,
) -> PyResult<()> {
    let py = handler.py();
    let record_level = record.level(py)?;
    let level = Level::from_object(&handler.getattr(intern!(py, "level"))?);
    if levels::at_least(py, &record_level, &level)? {
        handler.call_method1(intern!(py, "handle"), (record.to_python(py)?,))?;
    }
    Ok(())
}

/// `handler.handle(record)` for a native handler.
fn dispatch_native<'py>(native: &Bound<'py, Handler>, record: &RecordRef<'_, 'py>) -> PyResult<()> {
    let py = native.py();
    let kind = native.get().kind;
    let overridden = overrides_for(kind).overridden_for(native.as_any())?;
    if overridden & HANDLE == 0 {
        handle(native, overridden, record, false)?;
    } else {
        native.call_method1(intern!(py, "handle"), (record.to_python(py)?,))?;
    }
    Ok(())
}

/// The standard `Handler.handle`. Returns whether the record passed the
/// filters (on 3.12 and later, the record itself when it did).
///
/// `direct` is a call of `handler.handle(record)` from Python rather than
/// from a logger: a femto handler then raises when its queue refuses the
/// record, where through a logger the record is only counted.
fn handle<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
    direct: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let py = handler.py();
    let kind = handler.get().kind;
    let replaced;
    let record: &RecordRef<'_, 'py> = if overridden & FILTER != 0 {
        let verdict = handler.call_method1(intern!(py, "filter"), (record.to_python(py)?,))?;
        if !verdict.is_truthy()? {
            return Ok(verdict);
        }
        if runtime::python_minor() >= 12
            && verdict.is_instance(runtime::get(py)?.log_record_class.bind(py))?
        {
            replaced = RecordRef::Python(verdict);
            &replaced
        } else {
            record
        }
    } else {
        match handler.as_super().get().apply(py, record)? {
            Verdict::Drop => return Ok(false.into_pyobject(py)?.to_owned().into_any()),
            Verdict::Keep => record,
            Verdict::Replace(replacement) => {
                replaced = RecordRef::Python(replacement);
                &replaced
            }
        }
    };
    if kind == HandlerKind::Null && overridden & EMIT == 0 {
        // NullHandler.handle does nothing at all; only a subclass's emit runs.
    } else if overridden & EMIT != 0 || kind == HandlerKind::Base {
        with_python_lock(handler, || {
            handler.call_method1(intern!(py, "emit"), (record.to_python(py)?,))?;
            Ok(())
        })?;
    } else if kind == HandlerKind::Femto {
        emit_femto(handler, overridden, record, direct)?;
    } else if matches!(kind, HandlerKind::Socket | HandlerKind::Datagram) {
        // The send releases the interpreter: the lock keeps another
        // thread's frame (or `close`) from coming between its writes, as
        // the standard `handle` does.
        with_python_lock(handler, || emit_native(handler, overridden, record))?;
    } else {
        emit_native(handler, overridden, record)?;
    }
    // Only a call from Python sees the result: through a logger, the
    // record's LogRecord is not built just to be returned and dropped.
    if direct && runtime::python_minor() >= 12 {
        record.to_python(py)
    } else {
        Ok(true.into_pyobject(py)?.to_owned().into_any())
    }
}

/// Runs a Python `emit` under the handler's `lock` (a `threading.RLock`), as
/// Python code in an `emit` may rely on it.
pub(crate) fn with_python_lock<'py>(
    handler: &Bound<'py, Handler>,
    action: impl FnOnce() -> PyResult<()>,
) -> PyResult<()> {
    let py = handler.py();
    let lock = handler
        .getattr(intern!(py, "lock"))
        .ok()
        .filter(|lock| !lock.is_none());
    if let Some(lock) = &lock {
        lock.call_method0(intern!(py, "acquire"))?;
    }
    let result = action();
    if let Some(lock) = &lock {
        lock.call_method0(intern!(py, "release"))?;
    }
    result
}

/// `StreamHandler.emit` / `FileHandler.emit`: format, write, flush; any
/// error but a RecursionError goes to `handleError`.
fn emit_native<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
) -> PyResult<()> {
    let result = match handler.get().kind {
        HandlerKind::Syslog => syslog::emit(
            handler,
            overridden,
            overridden & MAP_PRIORITY != 0,
            overridden & ENCODE_PRIORITY != 0,
            record,
        ),
        HandlerKind::Socket | HandlerKind::Datagram => {
            return socket_handler::emit(
                handler,
                overridden,
                overridden & MAKE_PICKLE != 0,
                overridden & SEND != 0,
                record,
            )
        }
        HandlerKind::Stream => emit_stream(handler, overridden, record, None),
        HandlerKind::File => {
            // The standard FileHandler opens a delayed file before its error
            // handling starts: a file it cannot open raises out of the
            // logging call.
            if !open_if_delayed(handler)? {
                return Ok(());
            }
            emit_stream(handler, overridden, record, None)
        }
        HandlerKind::Watched => {
            let native_check = overridden & REOPEN_IF_NEEDED == 0;
            return rotating::under_locks(handler, || {
                // The standard WatchedFileHandler reopens, and opens a file
                // left without a stream, before its error handling starts:
                // a file it cannot open (its directory gone) raises out of
                // the logging call.
                let line = rotating::before_write(handler, overridden, record, native_check)?;
                if !open_if_delayed(handler)? {
                    return Ok(());
                }
                reported(
                    handler,
                    record,
                    emit_stream(handler, overridden, record, line),
                )
            });
        }
        _ => {
            let native_check = overridden & SHOULD_ROLLOVER == 0;
            rotating::under_locks(handler, || {
                let line = rotating::before_write(handler, overridden, record, native_check)?;
                emit_stream(handler, overridden, record, line)
            })
        }
    };
    reported(handler, record, result)
}

/// An emit's error goes to `handleError`, but for a RecursionError, which
/// the standard library lets through.
fn reported<'py>(
    handler: &Bound<'py, Handler>,
    record: &RecordRef<'_, 'py>,
    result: PyResult<()>,
) -> PyResult<()> {
    match result {
        Ok(()) => Ok(()),
        Err(error) if error.is_instance_of::<PyRecursionError>(handler.py()) => Err(error),
        Err(error) => report_error(handler.as_any(), record, error),
    }
}

/// A femto handler's `emit`: format here, queue for the worker. Formatting
/// errors are reported like any handler's; a refused record is counted by
/// the worker (and raised only for a direct call).
fn emit_femto<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
    direct: bool,
) -> PyResult<()> {
    let py = handler.py();
    // SAFETY: only `FemtoHandler`'s initializer makes a handler of kind
    // `Femto`, so the object is a `FemtoHandler` (or a subclass of it).
    let femto = unsafe { handler.cast_unchecked::<FemtoHandler>() }.get();
    let job = if femto.calls_python_object(py) {
        match femto_call(py, record) {
            Ok(job) => job,
            Err(error) if error.is_instance_of::<PyRecursionError>(py) => return Err(error),
            Err(error) => return report_error(handler.as_any(), record, error),
        }
    } else if femto.sends_frames(py) {
        match femto::wire_job(handler, femto, overridden, record) {
            Ok(job) => job,
            Err(error) if error.is_instance_of::<PyRecursionError>(py) => return Err(error),
            Err(error) => return report_error(handler.as_any(), record, error),
        }
    } else {
        match femto_line(handler, femto, overridden, record) {
            Ok(job) => job,
            Err(error) if error.is_instance_of::<PyRecursionError>(py) => return Err(error),
            Err(error) => return report_error(handler.as_any(), record, error),
        }
    };
    femto.submit(py, job, direct)
}

/// The record for the worker to format when it can, else the line
/// formatted here.
fn femto_line<'py>(
    handler: &Bound<'py, Handler>,
    femto: &FemtoHandler,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
) -> PyResult<Job> {
    let py = handler.py();
    if overridden & FORMAT == 0 && !femto.writes_python_stream(py) {
        if let Some(native) = record.native(py) {
            let formatter = handler.get().formatter.get(py);
            // A standard formatter is by far the most common: no type walk.
            let callable = if formatter.is_exact_instance_of::<formatter::Formatter>() {
                None
            } else {
                formatter.cast::<femto::CallableFormatter>().ok()
            };
            if let Some(callable) = callable {
                if let Some(job) = femto::mapping_job(callable, native)? {
                    return Ok(job);
                }
            } else if json_layout::is_json_formatter(&formatter)? {
                if let Some(job) = json_layout::json_job(&formatter, native)? {
                    return Ok(job);
                }
            } else if let Some(job) = femto::record_job(femto, &formatter, native)? {
                return Ok(job);
            }
        }
    }
    let logged_at = whole_seconds_from_ns(record.logged_at_ns());
    match format_for(handler, overridden, record)? {
        FormattedText::Rust(mut text) => {
            text.push('\n');
            Ok(Job::Line { text, logged_at })
        }
        FormattedText::Python(text) => femto.line_job(
            text.cast::<PyString>().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err("format() must return a str")
            })?,
            logged_at,
        ),
    }
}

/// `(logger, level, message)` for a Python handler object.
fn femto_call(py: Python<'_>, record: &RecordRef<'_, '_>) -> PyResult<Job> {
    let text = |value: Bound<'_, PyAny>| -> PyResult<String> { Ok(value.str()?.to_string()) };
    if let Some(native) = record.native(py) {
        let message = native.message(py)?;
        return Ok(Job::Call {
            logger: text(native.logger_name.bind(py).clone())?,
            level: text(native.level_name.bind(py).clone())?,
            message: match message.text(py) {
                Some(message) => message.to_owned(),
                None => message.to_python(py).to_string_lossy().into_owned(),
            },
        });
    }
    let python_record = record.to_python(py)?;
    Ok(Job::Call {
        logger: text(python_record.getattr(intern!(py, "name"))?)?,
        level: text(python_record.getattr(intern!(py, "levelname"))?)?,
        message: text(python_record.call_method0(intern!(py, "getMessage"))?)?,
    })
}

/// `formatted` is the record's line when a check before the write already
/// made it with the handler's native formatter.
fn emit_stream<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
    formatted: Option<String>,
) -> PyResult<()> {
    let py = handler.py();
    let stream_handler = handler.cast::<StreamHandler>()?;
    let state = stream_handler.get();
    if !open_if_delayed(handler)? {
        return Ok(());
    }
    let text = match formatted {
        Some(line) => FormattedText::Rust(line),
        None => format_for(handler, overridden, record)?,
    };
    let terminator = if overridden & TERMINATOR != 0 {
        handler.getattr(intern!(py, "terminator"))?
    } else {
        state.terminator.get(py)
    };
    let stream = if overridden & STREAM != 0 {
        handler.getattr(intern!(py, "stream"))?
    } else {
        state.stream.get(py)
    };
    // Only the exact native stream: a subclass may override `write`.
    if let Ok(file) = stream.cast_exact::<FileStream>() {
        let terminator = terminator.cast::<PyString>()?;
        file.get().write_line(py, text, terminator)?;
        return flush(handler, overridden, &stream);
    }
    let line = text.with_terminator(py, &terminator)?;
    stream.call_method1(intern!(py, "write"), (line,))?;
    flush(handler, overridden, &stream)
}

/// A file handler without a stream (made with delay=True, or left without
/// one by a failed reopen) opens its file, as `FileHandler.emit` does first.
/// False when there is still no stream to write to (a closed 'w' handler
/// does not reopen).
fn open_if_delayed(handler: &Bound<'_, Handler>) -> PyResult<bool> {
    let py = handler.py();
    if matches!(handler.get().kind, HandlerKind::Stream | HandlerKind::Base) {
        return Ok(true);
    }
    let state = handler.cast::<StreamHandler>()?.get();
    if !state.stream.is_none(py) {
        return Ok(true);
    }
    let runtime = runtime::get(py)?;
    runtime
        .cold(py, intern!(py, "open_delayed_file"))?
        .call1((handler,))?;
    Ok(!state.stream.is_none(py))
}

fn flush<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    stream: &Bound<'py, PyAny>,
) -> PyResult<()> {
    let py = handler.py();
    if overridden & FLUSH != 0 {
        handler.call_method0(intern!(py, "flush"))?;
        return Ok(());
    }
    if stream.cast_exact::<FileStream>().is_ok() {
        // Every line is written with one write(2): nothing is buffered.
        return Ok(());
    }
    flush_stream(py, stream)
}

/// `if self.stream and hasattr(self.stream, "flush"): self.stream.flush()`,
/// with one attribute lookup instead of two.
fn flush_stream(py: Python<'_>, stream: &Bound<'_, PyAny>) -> PyResult<()> {
    if !stream.is_truthy()? {
        return Ok(());
    }
    match stream.getattr(intern!(py, "flush")) {
        Ok(flush) => {
            flush.call0()?;
        }
        Err(error) if error.is_instance_of::<pyo3::exceptions::PyAttributeError>(py) => {}
        Err(error) => return Err(error),
    }
    Ok(())
}

/// `self.format(record)`, through an override if there is one.
pub fn format_for<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
) -> PyResult<FormattedText<'py>> {
    let py = handler.py();
    if overridden & FORMAT != 0 {
        let text = handler.call_method1(intern!(py, "format"), (record.to_python(py)?,))?;
        return Ok(FormattedText::Python(text));
    }
    let formatter = handler.get().formatter.get(py);
    formatter::format_with(py, &formatter, record)
}

/// Calls `handler.handleError(record)` with the error as the exception being
/// handled, as the standard library's `except` block would have it.
pub fn report_error<'py>(
    handler: &Bound<'py, PyAny>,
    record: &RecordRef<'_, 'py>,
    error: PyErr,
) -> PyResult<()> {
    let py = handler.py();
    let python_record = match record.to_python(py) {
        Ok(python_record) => python_record,
        Err(_) => py.None().into_bound(py),
    };
    let exception = error.into_value(py);
    // SAFETY: the GIL is held; the previous handled exception is restored
    // below, and PyErr_GetHandledException returns a new reference.
    let previous = unsafe { pyo3::ffi::PyErr_GetHandledException() };
    unsafe { pyo3::ffi::PyErr_SetHandledException(exception.as_ptr()) };
    let result = handler.call_method1(intern!(py, "handleError"), (python_record,));
    unsafe {
        pyo3::ffi::PyErr_SetHandledException(previous);
        if !previous.is_null() {
            pyo3::ffi::Py_DECREF(previous);
        }
    }
    result.map(|_| ())
}

#[pymethods]
impl Handler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        Handler::initializer(py, HandlerKind::Base)
    }

    /// Whatever was assigned, as the standard library's plain attribute.
    #[getter]
    fn get_level<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.level.get(py)
    }
    #[setter]
    fn set_level(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.level.set(py, value)
    }

    #[getter]
    fn get_formatter<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.formatter.get(py)
    }
    #[setter]
    fn set_formatter(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.formatter.set(py, value)
    }

    /// Filters the record and, if the filters let it through, emits it
    /// under the handler's lock. Returns what the filtering returned: false
    /// when a filter refused the record (on 3.12 and later, otherwise the
    /// record to emit). Called by loggers; calling it directly works too.
    fn handle<'py>(
        slf: &Bound<'py, Self>,
        record: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kind = slf.get().kind;
        let overridden = overrides_for(kind).overridden_for(slf.as_any())?;
        handle(slf, overridden & !HANDLE, &RecordRef::Python(record), true)
    }

    /// The record's text, made by the handler's formatter (or the module's
    /// default formatter when none is set).
    fn format<'py>(
        slf: &Bound<'py, Self>,
        record: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let formatter = slf.get().formatter.get(py);
        formatter::format_with(py, &formatter, &RecordRef::Python(record))?.into_python(py)
    }

    /// Writes the record out. Subclasses of `Handler` override this; the
    /// native handlers write natively, and the femto handlers queue the
    /// record for their worker.
    fn emit(slf: &Bound<'_, Self>, record: Bound<'_, PyAny>) -> PyResult<()> {
        match slf.get().kind {
            HandlerKind::Base => Err(pyo3::exceptions::PyNotImplementedError::new_err(
                "emit must be implemented by Handler subclasses",
            )),
            HandlerKind::Null => Ok(()),
            HandlerKind::Femto => {
                let overridden = overrides_for(slf.get().kind).overridden_for(slf.as_any())?;
                emit_femto(slf, overridden & !EMIT, &RecordRef::Python(record), true)
            }
            HandlerKind::Stream
            | HandlerKind::File
            | HandlerKind::BaseRotating
            | HandlerKind::Rotating
            | HandlerKind::Watched
            | HandlerKind::Timed
            | HandlerKind::Syslog
            | HandlerKind::Socket
            | HandlerKind::Datagram => {
                let overridden = overrides_for(slf.get().kind).overridden_for(slf.as_any())?;
                emit_native(slf, overridden & !EMIT, &RecordRef::Python(record))
            }
        }
    }
}

#[pymethods]
impl StreamHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        StreamHandler::initializer(py, HandlerKind::Stream)
    }

    #[getter]
    fn get_stream<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.stream.get(py)
    }
    #[setter]
    fn set_stream(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.stream.set(py, value)
    }

    #[getter]
    fn get_terminator<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.terminator.get(py)
    }
    #[setter]
    fn set_terminator(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.terminator.set(py, value)
    }

    /// Flushes the stream, if it has a `flush` method.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        let stream = self.stream.get(py);
        if let Ok(file) = stream.cast::<FileStream>() {
            return file.get().flush_file(py);
        }
        flush_stream(py, &stream)
    }
}

impl FileHandler {
    pub(crate) fn initializer(py: Python<'_>, kind: HandlerKind) -> PyClassInitializer<Self> {
        StreamHandler::initializer(py, kind).add_subclass(FileHandler {})
    }
}

#[pymethods]
impl FileHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        FileHandler::initializer(py, HandlerKind::File)
    }
}

#[pymethods]
impl NullHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        Handler::initializer(py, HandlerKind::Null).add_subclass(NullHandler {})
    }
}

/// Captures the standard methods of every native handler class.
pub fn capture_standard(py: Python<'_>) -> PyResult<()> {
    BASE_OVERRIDES.capture(&py.get_type::<Handler>())?;
    STREAM_OVERRIDES.capture(&py.get_type::<StreamHandler>())?;
    FILE_OVERRIDES.capture(&py.get_type::<FileHandler>())?;
    NULL_OVERRIDES.capture(&py.get_type::<NullHandler>())?;
    FEMTO_OVERRIDES.capture(&py.get_type::<FemtoHandler>())?;
    BASE_ROTATING_OVERRIDES.capture(&py.get_type::<rotating::BaseRotatingHandler>())?;
    ROTATING_OVERRIDES.capture(&py.get_type::<rotating::RotatingFileHandler>())?;
    WATCHED_OVERRIDES.capture(&py.get_type::<rotating::WatchedFileHandler>())?;
    TIMED_OVERRIDES.capture(&py.get_type::<timed_rotating::TimedRotatingFileHandler>())?;
    syslog::capture_syslog_methods(py)?;
    socket_handler::capture_socket_methods(py)?;
    Ok(())
}
