//! `FemtoHandler`: a standard handler whose writes happen on a worker thread.
//!
//! The caller queues the record, as plain data for the worker to format
//! (`deferred`) or as a line it formatted itself when the formatter needs
//! Python; the core's `Worker` writes batches to a file or a standard stream,
//! or calls a Python object's `handle(logger, level, message)` on the worker
//! thread (`drain`). The Python classes `FemtoFileHandler`,
//! `FemtoStreamHandler` and the builders only choose the settings.

mod deferred;
mod drain;
pub mod exit_signals;
mod http;
mod mapping;
mod python_stream;
mod reopening;
mod socket;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use femtologging_core::console::{ConsoleEvent, ConsoleLayout};
use femtologging_core::json_line::JsonLine;
use femtologging_core::record::Record;
use femtologging_core::rotation::compress::Compression;
use femtologging_core::rotation::rolling::{RollingOptions, TimedRotation};
use femtologging_core::rotation::timed::{AtTime, TimedSchedule};
use femtologging_core::time::PythonVersion;
use femtologging_core::wire::serialize::json::{self, JsonStyle};
use femtologging_core::wire::serialize::{Text, Value};
use femtologging_core::worker::{
    Drain, OverflowPolicy, SubmitError, Worker, WorkerOptions, DEFAULT_LINGER,
};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

pub use deferred::{record_job, snapshot};
use drain::Target;
pub use http::HttpTarget;
pub use mapping::{mapping_job, CallableFormatter};
use reopening::Reopening;
pub(crate) use socket::big_int;
pub use socket::{wire_job, SocketTarget};

use crate::formatter::{CachedLineFormat, SharedFormat};
use crate::gil::GilCell;
use crate::handler::{Handler, HandlerKind};

/// What travels through the queue.
pub enum Job {
    /// A line formatted by the caller, terminator included, and when its
    /// record was logged (whole seconds of the epoch).
    Line { text: String, logged_at: i64 },
    /// A record for the worker to format, with the `extra` values its
    /// template names.
    Record {
        record: Record,
        format: SharedFormat,
        extra: Vec<(String, Value)>,
    },
    /// A record for a `JsonFormatter`, with its plain `extra` fields,
    /// written as JSON on the worker.
    Json {
        record: Record,
        layout: Arc<JsonLine>,
        extra: Vec<(String, Value)>,
    },
    /// A record for a Python formatter function, called on the worker.
    Mapping {
        record: Record,
        extra: Option<Py<PyDict>>,
        function: Arc<Py<PyAny>>,
    },
    /// A line formatted by the caller that is not valid UTF-8 (it holds
    /// lone surrogates, as file names decoded with `surrogateescape` do), for
    /// a Python stream, which encodes it with its own error handler.
    Text(Py<PyString>),
    /// The arguments of a Python handler object's `handle`.
    Call {
        logger: String,
        level: String,
        message: String,
    },
    /// A record's MessagePack map, encoded by the caller, for a socket
    /// handler to frame and send.
    Wire(Vec<u8>),
    /// A record for a socket handler, for the worker to render, encode,
    /// frame and send.
    WireRecord(WireRecord),
    /// Bytes a standard network handler made and framed on the caller
    /// (`background=True`), for its socket.
    Frame(Vec<u8>),
    /// A record for a standard handler whose `emit` is Python code
    /// (`background=True`), called on the worker with the record.
    Emit(Py<PyAny>),
    /// A structured event's fields as plain data (`femtologging.structured`),
    /// rendered by the worker as one JSON line.
    Event(Event),
}

/// A structured event as plain data (`femtologging.structured`), and how
/// its line is written.
pub struct Event {
    pub body: EventBody,
    /// Whole seconds of the epoch, for a file rotating on time.
    pub logged_at: i64,
}

/// What the worker renders an event from.
pub enum EventBody {
    /// The fields, in the event dict's order, for one JSON line.
    Json { fields: Value, style: JsonStyle },
    /// The event as `ConsoleRenderer` shows it (boxed: it is larger than
    /// the other jobs, and every job is as large as the largest).
    Console {
        event: Box<ConsoleEvent>,
        layout: ConsoleLayout,
    },
}

impl Event {
    /// Appends the event's line, its terminator included.
    pub fn render(&self, out: &mut String) {
        match &self.body {
            EventBody::Json { fields, style } => {
                json::encode_text(fields, *style, out);
                out.push('\n');
            }
            EventBody::Console { event, layout } => event.write_line(*layout, out),
        }
    }
}

/// A socket handler's record as plain data: what the MessagePack map holds
/// beyond the `Record` (the thread's name as the record's view would say
/// it, the `extra` values), and the format of its `message`. The record's
/// `thread_id` is the view's `thread` (zero when `logThreads` is false).
pub struct WireRecord {
    pub record: Record,
    /// `None`: the same as the previous record's of this handler.
    pub shared: Option<Arc<WireShared>>,
    /// Behind one thin pointer, `None` without `extra`: every job of every
    /// femto handler is as large as the largest kind, and is moved through
    /// the queue. (A `Box<Vec>` for the thin pointer: a boxed slice is two
    /// words.)
    #[allow(clippy::box_collection)]
    pub key_values: Option<Box<Vec<(Text, Value)>>>,
}

/// What the records of one thread through one format have in common. It
/// travels with the first record of a run only (`WireRecord::shared`): a
/// reference count that the caller took and the worker dropped for every
/// record would move between their processors on each, a cache miss for
/// the caller per record.
pub struct WireShared {
    pub format: SharedFormat,
    pub thread_name: Option<Arc<str>>,
}

/// See `WireShared::key`.
pub type WireSharedKey = (usize, usize);

impl WireShared {
    /// The addresses of the format and the name (zero: none). Whoever holds
    /// the `WireShared` holds both, so while it lives no other format or
    /// name has these addresses.
    pub fn key(&self) -> WireSharedKey {
        WireShared::key_of(&self.format, self.thread_name.as_ref())
    }

    pub fn key_of(format: &SharedFormat, thread_name: Option<&Arc<str>>) -> WireSharedKey {
        (
            format.as_ptr() as usize,
            thread_name.map_or(0, |name| Arc::as_ptr(name).cast::<u8>() as usize),
        )
    }
}

/// A time-rotating handler's `(when, interval, utc, at_time in seconds of
/// the day, backup_count)`.
type TimedSettings = (String, i64, bool, Option<i64>, u32);

/// The rotation of a rotating handler: `(max_bytes, backup_count)`, both
/// zero for none, and the time schedule, with optional compression and the
/// interprocess lock.
fn rolling_options(
    rotation: Option<(u64, u32)>,
    compress: Option<&str>,
    interprocess: bool,
    timed: Option<TimedSettings>,
) -> PyResult<Option<RollingOptions>> {
    if rotation.is_none() && timed.is_none() {
        return Ok(None);
    }
    let (max_bytes, backup_count) = rotation.unwrap_or((0, 0));
    let timed = match timed {
        Some((when, interval, utc, at_time, backup_count)) => {
            let version = PythonVersion::from_minor(crate::runtime::python_minor() as u32);
            let schedule = TimedSchedule::new(
                &when,
                interval,
                utc,
                at_time.map(AtTime::from_seconds),
                version,
            )
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
            Some(TimedRotation {
                schedule,
                backup_count,
            })
        }
        None => None,
    };
    let compression = compress
        .map(Compression::parse)
        .transpose()
        .map_err(PyValueError::new_err)?;
    Ok(Some(RollingOptions {
        max_bytes,
        backup_count,
        compression,
        interprocess,
        timed,
    }))
}

/// The base class of the femto handlers: a `Handler` whose records are
/// formatted by the caller and written by a worker thread. The queue
/// between them holds `capacity` records; when it is full, `policy`
/// decides (`"drop"`, counted; `"block"`; `"timeout:N"`). `flush()`
/// waits for the worker, `stats()` returns its counters, `close()` writes
/// the rest and stops it. Not made directly: use `FemtoFileHandler`,
/// `FemtoStreamHandler`, the rotating ones or a builder.
#[pyclass(extends = Handler, subclass, frozen, module = "femtologging")]
pub struct FemtoHandler {
    worker: GilCell<Option<Arc<Worker<Job>>>>,
    target: GilCell<Option<Target>>,
    flush_timeout_ms: AtomicU64,
    handler_errors: Arc<AtomicU64>,
    /// Whether the worker can format with the current formatter.
    line_format: GilCell<Option<CachedLineFormat>>,
    /// For a template naming `extra` keys: the format (its address) and the
    /// kinds of those values the caller last rendered it with; records whose
    /// values are of the same kinds are rendered by the worker.
    extra_kinds: GilCell<Option<(usize, Vec<u8>)>>,
    /// Lone surrogates in a line are written as `\udcff` escapes (the
    /// standard streams' and `basicConfig`'s files' "backslashreplace"),
    /// rather than refused as "strict" refuses them.
    escape_surrogates: AtomicBool,
    /// The target opened again for records that come after `close`.
    reopened: GilCell<Option<Box<dyn Drain<Job>>>>,
    /// The `WireShared` of the last `WireRecord` queued; a record that
    /// shares it is queued without it (`WireRecord::shared` is `None`) and
    /// the socket's drain uses the one it holds. Forgotten whenever a record
    /// is not queued and when the worker is replaced, so that the next
    /// record carries it again.
    /// With its key (`WireShared::key`), held here: comparing it touches
    /// no memory the worker writes.
    last_wire_shared: GilCell<Option<(WireSharedKey, Arc<WireShared>)>>,
    /// Callers waiting, without the interpreter, for room in a full queue:
    /// while there are any, the order records reach the queue is not the
    /// order their callers held the interpreter, so `last_wire_shared`
    /// says nothing of the record a new one will follow.
    callers_waiting_for_room: GilCell<usize>,
}

impl Drop for FemtoHandler {
    /// A handler dropped without `close()` still writes what it holds, but
    /// not while holding the interpreter: its worker may need it to make
    /// progress (a formatter function, a Python handler object).
    fn drop(&mut self) {
        // As `close()`: a network worker stops waiting for its receiver.
        if let Some(target) = self.target.get_mut() {
            target.begin_closing();
        }
        if let Some(worker) = self.worker.get_mut().take() {
            Python::attach(|py| py.detach(move || drop(worker)));
        }
    }
}

impl FemtoHandler {
    /// Whether the target is a Python object called with `(logger, level,
    /// message)` instead of a formatted line.
    pub fn calls_python_object(&self, py: Python<'_>) -> bool {
        self.target
            .with(py, |target| matches!(target, Some(Target::Python(_))))
    }

    /// Whether the target is a socket, sent each record's fields.
    pub fn sends_frames(&self, py: Python<'_>) -> bool {
        self.target
            .with(py, |target| matches!(target, Some(Target::Socket(_))))
    }

    /// Whether the target is a Python stream object, for which the caller
    /// formats every line.
    pub fn writes_python_stream(&self, py: Python<'_>) -> bool {
        self.target
            .with(py, |target| matches!(target, Some(Target::PythonStream(_))))
    }

    /// The job for a line formatted by Python code, its terminator added.
    pub fn line_job(&self, text: &Bound<'_, PyString>, logged_at: i64) -> PyResult<Job> {
        let py = text.py();
        let mut line = match text.to_str() {
            Ok(text) => text.to_owned(),
            Err(_) if self.writes_python_stream(py) => {
                let line = text.add(intern!(py, "\n"))?.cast_into::<PyString>()?;
                return Ok(Job::Text(line.unbind()));
            }
            Err(error) if !self.escape_surrogates.load(Ordering::Relaxed) => return Err(error),
            Err(_) => {
                let escaped = text.call_method1(
                    intern!(py, "encode"),
                    (intern!(py, "utf-8"), intern!(py, "backslashreplace")),
                )?;
                String::from_utf8_lossy(escaped.extract::<&[u8]>()?).into_owned()
            }
        };
        line.push('\n');
        Ok(Job::Line {
            text: line,
            logged_at,
        })
    }

    fn worker(&self, py: Python<'_>) -> Option<Arc<Worker<Job>>> {
        self.worker.get(py)
    }

    /// Queues a formatted line (or a Python handler's call). Under the drop
    /// policy a full queue counts the record; `raise_when_full` (a direct
    /// `handle` call) also raises `RuntimeError`, as the seed API does.
    pub fn submit(&self, py: Python<'_>, job: Job, raise_when_full: bool) -> PyResult<()> {
        // Tried in place, without a reference of our own to the worker: the
        // queue has room nearly always. The job comes back whole when it was
        // not queued (dropping it in the cell could run Python code).
        let attempt = self.worker.with(py, move |worker| match worker {
            Some(worker) => Ok(worker.try_submit(job)),
            None => Err(job),
        });
        let job = match attempt {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(SubmitError::Full(job))) => job,
            Err(_) => return Err(PyRuntimeError::new_err("the handler was never started")),
            Ok(Err(SubmitError::Closed(job))) => {
                let job = self.with_wire_shared(py, job);
                self.write_after_close(py, job);
                return Ok(());
            }
        };
        let Some(worker) = self.worker(py) else {
            return Err(PyRuntimeError::new_err("the handler was never started"));
        };
        if worker.options().policy == OverflowPolicy::Drop {
            self.forget_wire_shared(py);
            worker.count_dropped();
            if raise_when_full {
                return Err(PyRuntimeError::new_err(
                    "the handler's queue is full; the record was dropped",
                ));
            }
            return Ok(());
        }
        // Block or timeout: wait without holding the interpreter, so the
        // worker (which may need it for a Python handler) can make room.
        // Meanwhile other callers queue records, so this one may land after
        // theirs: it takes its `WireShared` along, and no record goes
        // without one until every waiting caller is back.
        let job = self.with_wire_shared(py, job);
        self.callers_waiting_for_room
            .with(py, |waiting| *waiting += 1);
        self.forget_wire_shared(py);
        let outcome = py.detach(|| worker.submit(job).map_err(|_| ()));
        self.callers_waiting_for_room
            .with(py, |waiting| *waiting -= 1);
        self.forget_wire_shared(py);
        if outcome.is_err() && raise_when_full {
            return Err(PyRuntimeError::new_err(
                "the handler's queue stayed full; the record was dropped",
            ));
        }
        Ok(())
    }

    /// Whether the last `WireRecord` queued had the `WireShared` of `key`,
    /// so that the next may go without it.
    pub fn queued_wire_shared(&self, py: Python<'_>, key: WireSharedKey) -> bool {
        self.callers_waiting_for_room.get(py) == 0
            && self.last_wire_shared.with(py, |last| {
                last.as_ref().is_some_and(|(known, _)| *known == key)
            })
    }

    /// Remembers the `WireShared` a `WireRecord` about to be queued carries.
    pub fn remember_wire_shared(&self, py: Python<'_>, shared: Arc<WireShared>) {
        let previous = self
            .last_wire_shared
            .replace(py, Some((shared.key(), shared)));
        drop(previous);
    }

    /// The next `WireRecord` queued carries its `WireShared` again.
    fn forget_wire_shared(&self, py: Python<'_>) {
        drop(self.last_wire_shared.replace(py, None));
    }

    /// A job with its `WireShared` filled in, for a drain that did not see
    /// the records before it.
    fn with_wire_shared(&self, py: Python<'_>, job: Job) -> Job {
        match job {
            Job::WireRecord(mut wire) if wire.shared.is_none() => {
                wire.shared = self
                    .last_wire_shared
                    .with(py, |last| last.as_ref().map(|(_, shared)| shared.clone()));
                Job::WireRecord(wire)
            }
            job => job,
        }
    }

    /// A record that came after `close` (an exit hook that runs after
    /// ours, `__del__` at shutdown, a handler closed and still attached) is
    /// written here and now, through the target opened again, as a standard
    /// file handler reopens its file.
    fn write_after_close(&self, py: Python<'_>, job: Job) {
        let (Some(worker), Some(target)) = (self.worker(py), self.target.get(py)) else {
            return;
        };
        // Taken out of its cell while it writes: writing may run Python code
        // (a Python handler object) that logs here again.
        let drain = match self.reopened.replace(py, None) {
            Some(drain) => Ok(drain),
            None => target.drain(false, &self.handler_errors),
        };
        match drain {
            Ok(mut drain) => {
                worker.write_after_close(Ok(drain.as_mut()), job);
                drop(self.reopened.replace(py, Some(drain)));
            }
            Err(error) => worker.write_after_close(Err(error), job),
        }
    }
}

#[pymethods]
impl FemtoHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        Handler::initializer(py, HandlerKind::Femto).add_subclass(FemtoHandler {
            worker: GilCell::new(None),
            target: GilCell::new(None),
            flush_timeout_ms: AtomicU64::new(1000),
            handler_errors: Arc::new(AtomicU64::new(0)),
            line_format: GilCell::new(None),
            extra_kinds: GilCell::new(None),
            reopened: GilCell::new(None),
            last_wire_shared: GilCell::new(None),
            callers_waiting_for_room: GilCell::new(0),
            escape_surrogates: AtomicBool::new(true),
        })
    }

    /// Starts the worker: `target` is `"stdout"`, `"stderr"`, a path (with
    /// `truncate` for mode "w"), or a Python object with `handle`.
    #[pyo3(signature = (target, *, capacity, flush_interval, policy, flush_timeout_ms, truncate = false, name = None, rotation = None, compress = None, interprocess = false, timed = None, errors = "backslashreplace", stream = false, hold_ms = None))]
    #[allow(clippy::too_many_arguments)]
    fn _start(
        &self,
        py: Python<'_>,
        target: Bound<'_, PyAny>,
        capacity: usize,
        flush_interval: usize,
        policy: &str,
        flush_timeout_ms: u64,
        truncate: bool,
        name: Option<String>,
        rotation: Option<(u64, u32)>,
        compress: Option<&str>,
        interprocess: bool,
        timed: Option<TimedSettings>,
        errors: &str,
        stream: bool,
        hold_ms: Option<u64>,
    ) -> PyResult<()> {
        let escape_surrogates = match errors {
            "backslashreplace" => true,
            "strict" => false,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "errors must be \"backslashreplace\" or \"strict\", not {errors:?}"
                )))
            }
        };
        if capacity == 0 {
            return Err(PyValueError::new_err("capacity must be at least 1"));
        }
        if flush_interval == 0 {
            return Err(PyValueError::new_err("flush_interval must be at least 1"));
        }
        let policy =
            OverflowPolicy::parse(policy).map_err(|error| PyValueError::new_err(error.0))?;
        let target = if let Ok(socket) = target.cast::<SocketTarget>() {
            Target::Socket(socket.get().settings.clone())
        } else if let Ok(http) = target.cast::<HttpTarget>() {
            Target::Http(http.get().settings.clone())
        } else if stream {
            Target::PythonStream(Arc::new(target.unbind()))
        } else if let Ok(text) = target.extract::<String>() {
            match text.as_str() {
                "stdout" => Target::Stdout,
                "stderr" => Target::Stderr,
                _ => Target::File {
                    path: text,
                    truncate,
                    rolling: rolling_options(rotation, compress, interprocess, timed)?,
                },
            }
        } else {
            Target::Python(Arc::new(target.unbind()))
        };
        let name = name.unwrap_or_else(|| target.describe());
        let options = WorkerOptions {
            name,
            capacity,
            flush_interval,
            policy,
            linger: DEFAULT_LINGER,
            hold_limit: hold_ms.map(Duration::from_millis),
        };
        let drain = target
            .drain(true, &self.handler_errors)
            .map_err(|error| match &target {
                // The error `open()` raises: `except FileNotFoundError` and
                // `error.filename` work as with `FileHandler`.
                Target::File { path, .. } => crate::os_errors::path_error(error, path, None),
                _ => PyOSError::new_err(error.to_string()),
            })?;
        let worker = py
            .detach(|| Worker::spawn(options, drain))
            .map_err(|error| PyOSError::new_err(error.to_string()))?;
        self.flush_timeout_ms
            .store(flush_timeout_ms, Ordering::Relaxed);
        self.escape_surrogates
            .store(escape_surrogates, Ordering::Relaxed);
        drop(self.target.replace(py, Some(target)));
        // A new drain has seen no record yet.
        self.forget_wire_shared(py);
        if let Some(old) = self.worker.replace(py, Some(Arc::new(worker))) {
            py.detach(|| old.close());
        }
        Ok(())
    }

    /// Queues a record's `mapLogRecord` mapping (a dict, or what `dict()`
    /// takes), for a sender whose target is a web server
    /// (`HTTPHandler(batch=...)`), under the handler's policy.
    fn _submit_json(&self, py: Python<'_>, mapping: &Bound<'_, PyAny>) -> PyResult<()> {
        let job = match mapping.cast::<PyDict>() {
            Ok(dict) => http::json_job(dict),
            Err(_) => {
                let dict = py.get_type::<PyDict>().call1((mapping,))?;
                http::json_job(dict.cast::<PyDict>()?)
            }
        };
        self.submit(py, job, false)
    }

    /// Queues bytes a standard network handler made and framed
    /// (`background=True`: `socket.sendall`, `send` and `sendto` of the
    /// handler's stand-in socket); the worker sends them whole. A full queue
    /// follows the policy and counts what it drops, never raising.
    #[pyo3(signature = (data, _address = None))]
    fn _send_frame(
        &self,
        py: Python<'_>,
        data: &[u8],
        _address: Option<Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.submit(py, Job::Frame(data.to_vec()), false)
    }

    /// Queues a record for the target, a standard handler's `emit`, to be
    /// called with on the worker (`background=True`).
    fn _submit_emit(&self, py: Python<'_>, record: Py<PyAny>) -> PyResult<()> {
        self.submit(py, Job::Emit(record), false)
    }

    /// Waits for the worker to write and flush everything queued so far, up
    /// to the flush timeout; True when it did and no record was lost to a
    /// failed write since the previous flush.
    fn flush(&self, py: Python<'_>) -> bool {
        let Some(worker) = self.worker(py) else {
            return true;
        };
        let timeout = Duration::from_millis(self.flush_timeout_ms.load(Ordering::Relaxed));
        py.detach(|| worker.flush(timeout))
    }

    /// Drains the queue and stops the worker. Safe to call more than once.
    fn _close_worker(&self, py: Python<'_>) -> bool {
        // A network worker gives up waiting for an absent receiver.
        self.target.with(py, |target| {
            if let Some(target) = target {
                target.begin_closing();
            }
        });
        match self.worker(py) {
            Some(worker) => py.detach(|| worker.close()),
            None => true,
        }
    }

    /// In a child process after `fork()`: a fresh worker on the same
    /// target; what the parent had queued is the parent's to write.
    fn _after_fork(&self, py: Python<'_>) -> PyResult<()> {
        let Some(target) = self.target.get(py) else {
            return Ok(());
        };
        let Some(old) = self.worker.replace(py, None) else {
            return Ok(());
        };
        // Before anything can fail: dropping the parent's worker here would
        // wait for a thread that does not exist in the child.
        let options = old.abandon_after_fork();
        let drain = match target.drain(false, &self.handler_errors) {
            Ok(drain) => drain,
            Err(error) => {
                // This handler alone loses its records, counted as failed
                // writes, until its file can be opened again.
                eprintln!(
                    "femtologging: {}: cannot reopen after fork ({error}); records are lost and counted until it can",
                    options.name
                );
                Box::new(Reopening::new(target, self.handler_errors.clone()))
            }
        };
        let worker =
            Worker::spawn(options, drain).map_err(|error| PyOSError::new_err(error.to_string()))?;
        self.forget_wire_shared(py);
        drop(self.worker.replace(py, Some(Arc::new(worker))));
        Ok(())
    }

    /// The counters: accepted, dropped, written, failed, write_errors,
    /// handler_errors.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        let snapshot = self
            .worker(py)
            .map(|worker| worker.stats().snapshot())
            .unwrap_or_default();
        dict.set_item("accepted", snapshot.accepted)?;
        dict.set_item("dropped", snapshot.dropped)?;
        dict.set_item("written", snapshot.written)?;
        dict.set_item("failed", snapshot.failed)?;
        dict.set_item("write_errors", snapshot.write_errors)?;
        dict.set_item("rejected", snapshot.rejected)?;
        dict.set_item("rotation_errors", snapshot.rotation_errors)?;
        dict.set_item(
            "handler_errors",
            snapshot.handler_errors + self.handler_errors.load(Ordering::Relaxed),
        )?;
        Ok(dict)
    }

    #[getter]
    fn get_policy(&self, py: Python<'_>) -> Option<String> {
        self.worker(py)
            .map(|worker| worker.options().policy.to_string())
    }

    #[getter]
    fn get_capacity(&self, py: Python<'_>) -> Option<usize> {
        self.worker(py).map(|worker| worker.options().capacity)
    }

    #[getter]
    fn get_flush_interval(&self, py: Python<'_>) -> Option<usize> {
        self.worker(py)
            .map(|worker| worker.options().flush_interval)
    }

    #[getter]
    fn get_closed(&self, py: Python<'_>) -> bool {
        self.worker(py).is_none_or(|worker| worker.is_closed())
    }
}

/// The canonical text of an overflow policy (`"drop"`, `"block"` or
/// `"timeout:N"`), so that a policy is refused where it is written; the
/// `ValueError` names what is wrong.
#[pyfunction]
pub fn normalize_policy(text: &str) -> PyResult<String> {
    OverflowPolicy::parse(text)
        .map(|policy| policy.to_string())
        .map_err(|error| PyValueError::new_err(error.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_record_makes_no_job_larger_than_a_formatter_functions() {
        let mapping = std::mem::size_of::<Record>()
            + std::mem::size_of::<Option<Py<PyDict>>>()
            + std::mem::size_of::<Arc<Py<PyAny>>>();
        assert!(std::mem::size_of::<WireRecord>() <= mapping);
    }
}
