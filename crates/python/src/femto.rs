//! `FemtoHandler`: a standard handler whose writes happen on a worker thread.
//!
//! The caller formats the record (the standard formatter, natively when it
//! can) and queues the line; the core's `Worker` writes batches to a file or
//! a standard stream, or calls a Python object's `handle(logger, level,
//! message)` on the worker thread. The Python classes `FemtoFileHandler`,
//! `FemtoStreamHandler` and the builders only choose the settings.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use femtologging_core::worker::{
    Drain, OverflowPolicy, SubmitError, Worker, WorkerOptions, WriteFailure,
};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::gil::GilCell;
use crate::handler::{Handler, HandlerKind};

/// What travels through the queue.
pub enum Job {
    /// A formatted line, terminator included.
    Line(Vec<u8>),
    /// The arguments of a Python handler object's `handle`.
    Call {
        logger: String,
        level: String,
        message: String,
    },
}

/// Where a worker writes.
#[derive(Clone)]
enum Target {
    File { path: String, truncate: bool },
    Stdout,
    Stderr,
    Python(Arc<Py<PyAny>>),
}

impl Target {
    /// Opens what the worker writes to. `first_open` distinguishes the
    /// handler's start (mode "w" truncates) from a reopening after fork.
    fn drain(
        &self,
        first_open: bool,
        handler_errors: &Arc<AtomicU64>,
    ) -> io::Result<Box<dyn Drain<Job>>> {
        Ok(match self {
            Target::File { path, truncate } => {
                let mut options = OpenOptions::new();
                if *truncate && first_open {
                    options.write(true).create(true).truncate(true);
                } else {
                    options.append(true).create(true);
                }
                Box::new(FileDrain::owned(options.open(path)?))
            }
            Target::Stdout => Box::new(FileDrain::borrowed(1)),
            Target::Stderr => Box::new(FileDrain::borrowed(2)),
            Target::Python(handler) => Box::new(PythonDrain {
                handler: handler.clone(),
                errors: handler_errors.clone(),
            }),
        })
    }

    fn describe(&self) -> String {
        match self {
            Target::File { path, .. } => format!("file {path}"),
            Target::Stdout => "stdout".into(),
            Target::Stderr => "stderr".into(),
            Target::Python(_) => "python handler".into(),
        }
    }
}

/// A file or a standard stream: a batch is one write.
struct FileDrain {
    file: ManuallyDrop<File>,
    /// False for the process's stdout and stderr, which are never closed here.
    owned: bool,
    buffer: Vec<u8>,
}

impl FileDrain {
    fn owned(file: File) -> FileDrain {
        FileDrain {
            file: ManuallyDrop::new(file),
            owned: true,
            buffer: Vec::new(),
        }
    }

    fn borrowed(fd: i32) -> FileDrain {
        FileDrain {
            // SAFETY: fds 1 and 2 are open for the life of the process, and a
            // borrowed FileDrain never closes them (see Drop).
            file: ManuallyDrop::new(unsafe { File::from_raw_fd(fd) }),
            owned: false,
            buffer: Vec::new(),
        }
    }
}

impl Drain<Job> for FileDrain {
    fn write(&mut self, batch: &mut Vec<Job>) -> Result<(), WriteFailure> {
        self.buffer.clear();
        let mut records = 0u64;
        for job in batch.drain(..) {
            if let Job::Line(line) = job {
                self.buffer.extend_from_slice(&line);
                records += 1;
            }
        }
        let result = self.file.write_all(&self.buffer);
        // A burst must not keep a burst-sized buffer for the life of the handler.
        if self.buffer.capacity() > 1 << 20 {
            self.buffer = Vec::new();
        }
        result.map_err(|error| WriteFailure { records, error })
    }
}

impl Drop for FileDrain {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: dropped once, here, and never used again.
            unsafe { ManuallyDrop::drop(&mut self.file) };
        }
    }
}

/// A Python object with `handle(logger, level, message)`, called on the
/// worker thread; its exceptions are printed and counted.
struct PythonDrain {
    handler: Arc<Py<PyAny>>,
    errors: Arc<AtomicU64>,
}

impl Drain<Job> for PythonDrain {
    fn write(&mut self, batch: &mut Vec<Job>) -> Result<(), WriteFailure> {
        let handler = self.handler.clone();
        let errors = self.errors.clone();
        let jobs = std::mem::take(batch);
        let outcome = Python::try_attach(|py| {
            let handler = handler.bind(py);
            for job in jobs {
                let Job::Call {
                    logger,
                    level,
                    message,
                } = job
                else {
                    continue;
                };
                if let Err(error) =
                    handler.call_method1(intern!(py, "handle"), (logger, level, message))
                {
                    error.print(py);
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        match outcome {
            Some(()) => Ok(()),
            None => Err(WriteFailure {
                records: 0,
                error: io::Error::other("the interpreter is shutting down"),
            }),
        }
    }
}

#[pyclass(extends = Handler, subclass, frozen, module = "femtologging")]
pub struct FemtoHandler {
    worker: GilCell<Option<Arc<Worker<Job>>>>,
    target: GilCell<Option<Target>>,
    flush_timeout_ms: AtomicU64,
    handler_errors: Arc<AtomicU64>,
}

impl FemtoHandler {
    /// Whether the target is a Python object called with `(logger, level,
    /// message)` instead of a formatted line.
    pub fn calls_python_object(&self, py: Python<'_>) -> bool {
        self.target
            .with(py, |target| matches!(target, Some(Target::Python(_))))
    }

    fn worker(&self, py: Python<'_>) -> Option<Arc<Worker<Job>>> {
        self.worker.get(py)
    }

    /// Queues a formatted line (or a Python handler's call). Under the drop
    /// policy a full queue counts the record; `raise_when_full` (a direct
    /// `handle` call) also raises `RuntimeError`, as the seed API does.
    pub fn submit(&self, py: Python<'_>, job: Job, raise_when_full: bool) -> PyResult<()> {
        let Some(worker) = self.worker(py) else {
            return Err(PyRuntimeError::new_err("the handler was never started"));
        };
        let job = match worker.try_submit(job) {
            Ok(()) => return Ok(()),
            Err(SubmitError::Full(job)) => job,
            Err(SubmitError::Closed(_)) => {
                return if raise_when_full {
                    Err(PyRuntimeError::new_err("the handler is closed"))
                } else {
                    Ok(())
                };
            }
        };
        if worker.options().policy == OverflowPolicy::Drop {
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
        let outcome = py.detach(|| worker.submit(job).map_err(|_| ()));
        if outcome.is_err() && raise_when_full {
            return Err(PyRuntimeError::new_err(
                "the handler's queue stayed full; the record was dropped",
            ));
        }
        Ok(())
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
        })
    }

    /// Starts the worker: `target` is `"stdout"`, `"stderr"`, a path (with
    /// `truncate` for mode "w"), or a Python object with `handle`.
    #[pyo3(signature = (target, *, capacity, flush_interval, policy, flush_timeout_ms, truncate = false, name = None))]
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
    ) -> PyResult<()> {
        if capacity == 0 {
            return Err(PyValueError::new_err("capacity must be at least 1"));
        }
        if flush_interval == 0 {
            return Err(PyValueError::new_err("flush_interval must be at least 1"));
        }
        let policy =
            OverflowPolicy::parse(policy).map_err(|error| PyValueError::new_err(error.0))?;
        let target = if let Ok(text) = target.extract::<String>() {
            match text.as_str() {
                "stdout" => Target::Stdout,
                "stderr" => Target::Stderr,
                _ => Target::File {
                    path: text,
                    truncate,
                },
            }
        } else {
            Target::Python(Arc::new(target.unbind()))
        };
        let name = name.unwrap_or_else(|| format!("femtologging {}", target.describe()));
        let options = WorkerOptions {
            name,
            capacity,
            flush_interval,
            policy,
        };
        let drain = target
            .drain(true, &self.handler_errors)
            .map_err(|error| PyOSError::new_err(error.to_string()))?;
        let worker = py
            .detach(|| Worker::spawn(options, drain))
            .map_err(|error| PyOSError::new_err(error.to_string()))?;
        self.flush_timeout_ms
            .store(flush_timeout_ms, Ordering::Relaxed);
        drop(self.target.replace(py, Some(target)));
        if let Some(old) = self.worker.replace(py, Some(Arc::new(worker))) {
            py.detach(|| old.close());
        }
        Ok(())
    }

    /// Waits for the worker to write and flush everything queued so far, up
    /// to the flush timeout; True when it did.
    fn flush(&self, py: Python<'_>) -> bool {
        let Some(worker) = self.worker(py) else {
            return true;
        };
        let timeout = Duration::from_millis(self.flush_timeout_ms.load(Ordering::Relaxed));
        py.detach(|| worker.flush(timeout))
    }

    /// Drains the queue and stops the worker. Safe to call more than once.
    fn _close_worker(&self, py: Python<'_>) -> bool {
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
        let drain = target
            .drain(false, &self.handler_errors)
            .map_err(|error| PyOSError::new_err(error.to_string()))?;
        let worker = old
            .respawn_after_fork(drain)
            .map_err(|error| PyOSError::new_err(error.to_string()))?;
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
