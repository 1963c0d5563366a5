//! A Python stream object as a worker's destination: `basicConfig(background=
//! True)` when `sys.stderr` or `sys.stdout` is not the process's own (a
//! `redirect_stderr`, pytest's capture, a notebook), or any other stream.
//!
//! The caller formats every line (`Job::Line`, or `Job::Text` for a line
//! that is not valid UTF-8, which the stream encodes with its own error
//! handler); the worker writes each batch with the interpreter attached, as
//! one `write` call per run of plain lines, then `flush`es.

use std::io;
use std::sync::Arc;

use femtologging_core::worker::{Delivered, Drain, WriteFailure};
use pyo3::intern;
use pyo3::prelude::*;

use super::Job;

pub struct PythonStreamDrain {
    pub stream: Arc<Py<PyAny>>,
}

impl Drain<Job> for PythonStreamDrain {
    fn write(&mut self, batch: &mut Vec<Job>) -> Result<Delivered, WriteFailure> {
        let jobs = std::mem::take(batch);
        let records = jobs.len() as u64;
        let outcome = Python::try_attach(|py| -> PyResult<()> {
            let stream = self.stream.bind(py);
            let mut text = String::new();
            for job in jobs {
                match job {
                    Job::Line { text: line, .. } => text.push_str(&line),
                    Job::Event(event) => event.render(&mut text),
                    Job::Text(line) => {
                        if !text.is_empty() {
                            stream.call_method1(intern!(py, "write"), (&text,))?;
                            text.clear();
                        }
                        stream.call_method1(intern!(py, "write"), (line,))?;
                    }
                    // The caller formats every line for a Python stream.
                    Job::Record { .. }
                    | Job::Json { .. }
                    | Job::Mapping { .. }
                    | Job::Call { .. }
                    | Job::Wire(_)
                    | Job::WireRecord(_)
                    | Job::Frame(_)
                    | Job::Emit(_) => {}
                }
            }
            if !text.is_empty() {
                stream.call_method1(intern!(py, "write"), (&text,))?;
            }
            Ok(())
        });
        match outcome {
            Some(Ok(())) => Ok(Delivered::default()),
            Some(Err(error)) => Err(WriteFailure {
                records,
                error: python_error(error),
                delivered: Delivered::default(),
            }),
            None => Err(WriteFailure {
                records,
                error: io::Error::other("the interpreter is shutting down"),
                delivered: Delivered::default(),
            }),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        let outcome = Python::try_attach(|py| {
            let stream = self.stream.bind(py);
            if stream.hasattr(intern!(py, "flush"))? {
                stream.call_method0(intern!(py, "flush"))?;
            }
            Ok::<_, PyErr>(())
        });
        match outcome {
            Some(result) => result.map_err(python_error),
            None => Ok(()),
        }
    }
}

/// A stream's exception as the I/O error the worker counts and reports.
fn python_error(error: PyErr) -> io::Error {
    Python::attach(|py| io::Error::other(error.value(py).to_string()))
}
