//! Where a femto handler's worker writes: a file, a standard stream, or a
//! Python object's `handle(logger, level, message)`.

use std::fs::{File, OpenOptions};
use std::io;
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use femtologging_core::fork::ProcessFile;
use femtologging_core::held::{write_lines, Held, LinesStopped};
use femtologging_core::rotation::rolling::{
    LineBatch, RollingFile, RollingOptions, RotationFailures,
};
use femtologging_core::time::whole_seconds_from_ns;
use femtologging_core::worker::{Delivered, Drain, WriteFailure};
use pyo3::intern;
use pyo3::prelude::*;

use super::http::HttpSettings;
use super::python_stream::PythonStreamDrain;
use super::socket::SocketSettings;
use super::{mapping, Job};

/// Where a worker writes.
#[derive(Clone)]
pub enum Target {
    File {
        path: String,
        truncate: bool,
        /// How the file rotates, for a rotating handler.
        rolling: Option<RollingOptions>,
    },
    Stdout,
    Stderr,
    Python(Arc<Py<PyAny>>),
    /// A Python stream object's `write` and `flush`.
    PythonStream(Arc<Py<PyAny>>),
    /// A TCP, TLS or Unix stream socket, sent length-prefixed MessagePack.
    Socket(Arc<SocketSettings>),
    /// A web server, POSTed batches of JSON lines.
    Http(Arc<HttpSettings>),
}

impl Target {
    /// Opens what the worker writes to. `first_open` distinguishes the
    /// handler's start (mode "w" truncates) from a reopening after fork.
    pub fn drain(
        &self,
        first_open: bool,
        handler_errors: &Arc<AtomicU64>,
    ) -> io::Result<Box<dyn Drain<Job>>> {
        Ok(match self {
            Target::File {
                path,
                truncate,
                rolling: Some(rolling),
            } => Box::new(FileDrain::new(Output::Rolling(RollingFile::open(
                path,
                *truncate && first_open,
                rolling.clone(),
            )?))),
            Target::File { path, truncate, .. } => {
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
            Target::PythonStream(stream) => Box::new(PythonStreamDrain {
                stream: stream.clone(),
            }),
            Target::Socket(settings) => Box::new(settings.drain()?),
            Target::Http(settings) => Box::new(settings.drain()?),
            Target::Python(handler) => Box::new(PythonDrain {
                handler: handler.clone(),
                errors: handler_errors.clone(),
            }),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Target::File { path, .. } => format!("file {path}"),
            Target::Stdout => "stdout".into(),
            Target::Stderr => "stderr".into(),
            Target::Python(_) => "python handler".into(),
            Target::PythonStream(_) => "python stream".into(),
            Target::Socket(settings) => settings.describe(),
            Target::Http(settings) => settings.describe(),
        }
    }

    /// `close()` has begun: a network target stops waiting for an absent
    /// receiver and gives up what it cannot send at once.
    pub fn begin_closing(&self) {
        match self {
            Target::Socket(settings) => settings.begin_closing(),
            Target::Http(settings) => settings.begin_closing(),
            _ => {}
        }
    }
}

/// A file, a rotating file or a standard stream: a batch is formatted into
/// one buffer and written with one call (a rotating file splits it where it
/// rolls over). A line a full disk cut is finished before the next batch.
struct FileDrain {
    output: Output,
    /// The rest of a line a full disk cut (a rotating file holds its own).
    held: Held,
    buffer: String,
    /// Where each record's line ends in `buffer`.
    line_ends: Vec<usize>,
    /// When each line's record was logged, for a file rotating on a time
    /// schedule; left empty otherwise.
    line_times: Vec<i64>,
}

enum Output {
    /// A file the handler opened (closed in a forked child, which opens its
    /// own).
    File(ProcessFile),
    /// The process's stdout or stderr, never closed here.
    Standard(ManuallyDrop<File>),
    Rolling(RollingFile),
}

impl FileDrain {
    fn new(output: Output) -> FileDrain {
        FileDrain {
            output,
            held: Held::default(),
            buffer: String::new(),
            line_ends: Vec::new(),
            line_times: Vec::new(),
        }
    }

    fn owned(file: File) -> FileDrain {
        FileDrain::new(Output::File(ProcessFile::new(file)))
    }

    fn borrowed(fd: i32) -> FileDrain {
        // SAFETY: fds 1 and 2 are open for the life of the process, and the
        // ManuallyDrop never closes them.
        FileDrain::new(Output::Standard(ManuallyDrop::new(unsafe {
            File::from_raw_fd(fd)
        })))
    }

    /// Marks the end of the line just put in the buffer, logged at
    /// `logged_at` (whole seconds), which a time-rotating file needs.
    fn line_written(&mut self, timed: bool, logged_at: i64) {
        self.line_ends.push(self.buffer.len());
        if timed {
            self.line_times.push(logged_at);
        }
    }

    /// Formats the batch into the buffer; `py` is there when the batch has
    /// jobs for a Python formatter function and the interpreter could be
    /// attached.
    fn render(&mut self, py: Option<Python<'_>>, batch: &mut Vec<Job>) -> (u64, Delivered) {
        let mut records = 0u64;
        let mut delivered = Delivered::default();
        let timed = matches!(&self.output, Output::Rolling(rolling) if rolling.wants_line_times());
        let mut reject = |reason: String| {
            delivered.rejected += 1;
            delivered.reason.get_or_insert(reason);
        };
        for job in batch.drain(..) {
            match job {
                Job::Line { text, logged_at } => {
                    self.buffer.push_str(&text);
                    self.line_written(timed, logged_at);
                    records += 1;
                }
                Job::Record {
                    record,
                    format,
                    extra,
                } => match format.render_with_extra(&record, &extra, &mut self.buffer) {
                    Ok(()) => {
                        self.buffer.push('\n');
                        self.line_written(timed, whole_seconds_from_ns(record.created_ns));
                        records += 1;
                    }
                    Err(error) => {
                        // The partial line must not reach the file.
                        let end = self.line_ends.last().copied().unwrap_or(0);
                        self.buffer.truncate(end);
                        reject(format!("formatting failed: {error}"))
                    }
                },
                Job::Json {
                    record,
                    layout,
                    extra,
                } => match layout.render(&record, extra.as_slice(), &mut self.buffer) {
                    Ok(()) => {
                        self.buffer.push('\n');
                        self.line_written(timed, whole_seconds_from_ns(record.created_ns));
                        records += 1;
                    }
                    Err(error) => reject(format!("formatting failed: {error}")),
                },
                Job::Mapping {
                    record,
                    extra,
                    function,
                } => match py {
                    Some(py) => match mapping::call(py, &function, &record, extra.as_ref()) {
                        Ok(line) => {
                            self.buffer.push_str(&line);
                            self.buffer.push('\n');
                            self.line_written(timed, whole_seconds_from_ns(record.created_ns));
                            records += 1;
                        }
                        Err(reason) => reject(reason),
                    },
                    None => reject("the interpreter is shutting down".into()),
                },
                Job::Event(event) => {
                    event.render(&mut self.buffer);
                    self.line_written(timed, event.logged_at);
                    records += 1;
                }
                // Never queued for a file or a standard stream.
                Job::Text(_)
                | Job::Call { .. }
                | Job::Wire(_)
                | Job::WireRecord(_)
                | Job::Frame(_)
                | Job::Emit(_) => {}
            }
        }
        (records, delivered)
    }
}

impl Drain<Job> for FileDrain {
    fn write(&mut self, batch: &mut Vec<Job>) -> Result<Delivered, WriteFailure> {
        self.buffer.clear();
        self.line_ends.clear();
        self.line_times.clear();
        let needs_python = batch.iter().any(|job| matches!(job, Job::Mapping { .. }));
        let (records, mut delivered) = if needs_python {
            let outcome = Python::try_attach(|py| self.render(Some(py), batch));
            outcome.unwrap_or_else(|| self.render(None, batch))
        } else {
            self.render(None, batch)
        };
        let text = self.buffer.as_bytes();
        let ends = &self.line_ends;
        let result = match &mut self.output {
            Output::File(file) => {
                write_lines(&mut **file, &mut self.held, text, ends, 0..text.len())
            }
            Output::Standard(file) => {
                write_lines(&mut **file, &mut self.held, text, ends, 0..text.len())
            }
            Output::Rolling(rolling) => {
                let mut failures = RotationFailures::default();
                let batch = LineBatch {
                    text,
                    ends,
                    times: match rolling.wants_line_times() {
                        true => Some(&self.line_times),
                        false => None,
                    },
                };
                let result = rolling.write_lines(&batch, &mut failures);
                delivered.rotation_errors = failures.count;
                delivered.rotation_reason = failures.reason;
                result
            }
        };
        // A burst must not keep a burst-sized buffer for the life of the handler.
        if self.buffer.capacity() > 1 << 20 {
            self.buffer = String::new();
        }
        match result {
            Ok(()) => Ok(delivered),
            // Lines wholly written count as written, a cut one as held.
            Err(LinesStopped { whole, cut, error }) => Err(WriteFailure {
                records: records.saturating_sub(whole as u64 + cut as u64),
                error,
                delivered,
            }),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        let written = match &mut self.output {
            Output::File(file) => self.held.write_to(&mut **file),
            Output::Standard(file) => self.held.write_to(&mut **file),
            Output::Rolling(rolling) => return rolling.write_held(),
        };
        written.map_err(|stopped| stopped.error)
    }

    fn held(&self) -> u64 {
        let holds = match &self.output {
            Output::Rolling(rolling) => rolling.holds_line(),
            _ => !self.held.is_empty(),
        };
        holds as u64
    }
}

/// A Python object with `handle(logger, level, message)`, or a standard
/// handler's `emit` (for `Job::Emit`), called on the worker thread; their
/// exceptions are printed and counted.
struct PythonDrain {
    handler: Arc<Py<PyAny>>,
    errors: Arc<AtomicU64>,
}

impl Drain<Job> for PythonDrain {
    fn write(&mut self, batch: &mut Vec<Job>) -> Result<Delivered, WriteFailure> {
        let handler = self.handler.clone();
        let errors = self.errors.clone();
        let jobs = std::mem::take(batch);
        let count = jobs.len() as u64;
        let outcome = Python::try_attach(|py| {
            let handler = handler.bind(py);
            for job in jobs {
                let result = match job {
                    Job::Call {
                        logger,
                        level,
                        message,
                    } => handler.call_method1(intern!(py, "handle"), (logger, level, message)),
                    // A standard handler's `emit`, which reports its own
                    // errors through `handleError`.
                    Job::Emit(record) => handler.call1((record,)),
                    _ => continue,
                };
                if let Err(error) = result {
                    error.print(py);
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        match outcome {
            Some(()) => Ok(Delivered::default()),
            None => Err(WriteFailure {
                records: count,
                error: io::Error::other("the interpreter is shutting down"),
                delivered: Delivered::default(),
            }),
        }
    }
}
