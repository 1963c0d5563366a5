//! `FemtoSocketHandler`: each record becomes the core's ten-field
//! MessagePack map (`wire::serialize::msgpack`), framed with a 4-byte
//! big-endian length, and the worker sends it through a `Connection`, which
//! reconnects with backoff.
//!
//! The caller reads the record's fields (Python objects that may change once
//! the call returns) into a `MsgpackRecord`; the worker encodes, frames and
//! sends it. What becomes of each frame is counted by the worker's stats:
//! `written` once handed to the kernel, `rejected` when it is over the
//! maximum frame size (never sent), `failed` when the backoff's deadline
//! passed without a connection, or the handler closed while the receiver
//! was away.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use femtologging_core::wire::framing::{FrameError, Framer, LengthPrefix};
use femtologging_core::wire::serialize::msgpack::{self, MsgpackRecord};
use femtologging_core::wire::serialize::{BigInt, Text, Value};
use femtologging_core::wire::transport::{
    BackoffPolicy, Connection, Connector, Endpoint, Outcome, Timeouts, TlsOptions, TransportConfig,
};
use femtologging_core::worker::{Delivered, Drain, WriteFailure};
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use super::Job;
use crate::formatter::FormattedText;
use crate::handler::{format_for, Handler};
use crate::record::{CallRecord, RecordRef, RECORD_ATTRIBUTES};

/// Nesting beyond this is sent as the value's `str()`.
const MAX_VALUE_DEPTH: usize = 32;

/// Where and how a socket handler sends; the handler's `target`.
pub struct SocketSettings {
    config: TransportConfig,
    backoff: BackoffPolicy,
    max_frame_size: usize,
    /// Set by `close()`: from then on a frame the receiver cannot take now
    /// is given up at once instead of waiting for the backoff.
    closing: AtomicBool,
}

impl SocketSettings {
    pub fn describe(&self) -> String {
        format!("socket {}", self.config.endpoint.destination())
    }

    pub fn begin_closing(&self) {
        self.closing.store(true, Ordering::Relaxed);
    }

    pub fn drain(self: &Arc<Self>) -> io::Result<SocketDrain> {
        let connection = Connection::new(self.config.clone(), self.backoff)
            .map_err(|error| io::Error::other(error.to_string()))?;
        Ok(SocketDrain {
            connection,
            framer: LengthPrefix::new(self.max_frame_size),
            settings: self.clone(),
            payload: Vec::new(),
            frame: Vec::new(),
        })
    }
}

/// The settings `SocketHandlerBuilder.build()` checked, handed to the
/// handler's `_start` as its target.
#[pyclass(frozen, module = "femtologging")]
pub struct SocketTarget {
    pub settings: Arc<SocketSettings>,
}

#[pymethods]
impl SocketTarget {
    #[new]
    #[pyo3(signature = (*, host, port, path, tls_domain, insecure, connect_timeout_ms, write_timeout_ms, base_ms, cap_ms, reset_after_ms, deadline_ms, max_frame_size))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        host: String,
        port: u16,
        path: Option<std::path::PathBuf>,
        tls_domain: Option<String>,
        insecure: bool,
        connect_timeout_ms: u64,
        write_timeout_ms: u64,
        base_ms: u64,
        cap_ms: u64,
        reset_after_ms: u64,
        deadline_ms: Option<u64>,
        max_frame_size: usize,
    ) -> PyResult<SocketTarget> {
        let endpoint = match (path, tls_domain) {
            (Some(_), Some(_)) => {
                return Err(PyValueError::new_err(
                    "TLS works over TCP only, not over a Unix socket",
                ))
            }
            (Some(path), None) => Endpoint::UnixStream(path),
            (None, Some(domain)) => Endpoint::Tls {
                host,
                port,
                tls: TlsOptions {
                    server_name: Some(domain),
                    insecure,
                    ..TlsOptions::default()
                },
            },
            (None, None) => Endpoint::Tcp { host, port },
        };
        let config = TransportConfig::new(endpoint).with_timeouts(Timeouts {
            connect: Duration::from_millis(connect_timeout_ms),
            write: Duration::from_millis(write_timeout_ms),
        });
        // The TLS settings (the trusted roots, the server name) are checked
        // now, where a mistake can be raised, not on the worker.
        Connector::new(config.clone()).map_err(|error| PyValueError::new_err(error.to_string()))?;
        let backoff = BackoffPolicy {
            base: Duration::from_millis(base_ms),
            cap: Duration::from_millis(cap_ms),
            reset_after: Duration::from_millis(reset_after_ms),
            deadline: deadline_ms.map(Duration::from_millis),
        };
        Ok(SocketTarget {
            settings: Arc::new(SocketSettings {
                config,
                backoff,
                max_frame_size,
                closing: AtomicBool::new(false),
            }),
        })
    }
}

/// The worker's end: encodes, frames and sends each record, in order.
pub struct SocketDrain {
    connection: Connection,
    framer: LengthPrefix,
    settings: Arc<SocketSettings>,
    payload: Vec<u8>,
    frame: Vec<u8>,
}

impl SocketDrain {
    /// Sends the frame in `self.frame`, waiting as the backoff says while
    /// the receiver is away; the reason when it is given up.
    fn send_frame(&mut self) -> Result<(), String> {
        loop {
            match self.connection.send(&self.frame) {
                Outcome::Sent => return Ok(()),
                Outcome::Expired { error } => {
                    return Err(match error {
                        Some(error) => format!("given up after the backoff deadline: {error}"),
                        None => "given up after the backoff deadline".into(),
                    })
                }
                Outcome::Rejected(error) => return Err(error.to_string()),
                Outcome::Later { retry_in, error } => {
                    // Closing: one new connection at once is worth trying
                    // (a receiver that restarted), a wait is not.
                    if self.settings.closing.load(Ordering::Relaxed) && !retry_in.is_zero() {
                        return Err(match error {
                            Some(error) => format!("the handler closed: {error}"),
                            None => "the handler closed while the receiver was away".into(),
                        });
                    }
                    self.wait(retry_in);
                }
            }
        }
    }

    /// Sleeps for `delay`, cut short by `close()`.
    fn wait(&self, delay: Duration) {
        let until = Instant::now() + delay;
        while !self.settings.closing.load(Ordering::Relaxed) {
            let now = Instant::now();
            if now >= until {
                return;
            }
            std::thread::sleep((until - now).min(Duration::from_millis(20)));
        }
    }
}

impl Drain<Job> for SocketDrain {
    fn write(&mut self, batch: &mut Vec<Job>) -> Result<Delivered, WriteFailure> {
        let mut delivered = Delivered::default();
        let mut lost = 0u64;
        let mut lost_reason = None;
        for job in batch.drain(..) {
            // Nothing else is queued for a socket handler.
            let Job::Wire(record) = job else { continue };
            self.payload.clear();
            self.frame.clear();
            if let Err(error) = msgpack::encode(&record, &mut self.payload) {
                delivered.rejected += 1;
                delivered.reason.get_or_insert_with(|| error.to_string());
                continue;
            }
            if let Err(error) = self.framer.encode(&self.payload, &mut self.frame) {
                let reason = match error {
                    FrameError::TooLarge { size, limit } => {
                        format!("a frame of {size} bytes is over the maximum frame size of {limit}")
                    }
                    other => format!("{other:?}"),
                };
                delivered.rejected += 1;
                delivered.reason.get_or_insert(reason);
                continue;
            }
            if let Err(reason) = self.send_frame() {
                lost += 1;
                lost_reason.get_or_insert(reason);
            }
        }
        // A burst must not keep a burst-sized buffer for the life of the handler.
        if self.payload.capacity() > 1 << 20 || self.frame.capacity() > 1 << 20 {
            self.payload = Vec::new();
            self.frame = Vec::new();
        }
        match lost_reason {
            None => Ok(delivered),
            Some(reason) => Err(WriteFailure {
                records: lost,
                error: io::Error::other(reason),
                delivered,
            }),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.connection
            .flush()
            .map_err(|error| io::Error::other(error.to_string()))
    }

    fn close(&mut self) {
        self.connection.close();
    }
}

/// The job for one record: its fields read now, on the caller. `message`
/// is the handler's formatter's output, `"%(message)s"` (the merged message,
/// and the traceback when there is one) unless a formatter was given.
pub fn wire_job<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
) -> PyResult<Job> {
    let py = handler.py();
    let message = match format_for(handler, overridden, record)? {
        FormattedText::Rust(text) => text,
        FormattedText::Python(text) => text_of(&text.str()?),
    };
    if let Some(native) = record.native(py) {
        if let Some(record) = native_record(py, native, &message)? {
            return Ok(Job::Wire(Box::new(record)));
        }
    }
    let view = record.to_python(py)?;
    let timestamp_ns = match record {
        RecordRef::Native(native) => native.created_ns,
        // A record made in Python keeps its time as float seconds only.
        RecordRef::Python(_) => {
            let created: f64 = view.getattr(intern!(py, "created"))?.extract()?;
            (created * 1e9).round() as i64
        }
    };
    let text = |name: &Bound<'py, PyString>| any_text(&view.getattr(name)?);
    let line_number = view
        .getattr(intern!(py, "lineno"))?
        .extract::<u32>()
        .unwrap_or(0);
    let thread_id = view
        .getattr(intern!(py, "thread"))?
        .extract::<u64>()
        .unwrap_or(0);
    let mut key_values = Vec::new();
    let attributes = view.getattr(intern!(py, "__dict__"))?;
    for (key, value) in attributes.cast::<PyDict>()?.iter() {
        let Ok(key) = key.cast::<PyString>() else {
            continue;
        };
        let name = text_of(key);
        if RECORD_ATTRIBUTES.contains(&name.as_str()) {
            continue;
        }
        key_values.push((Text::new(name), to_value(&value, 0)));
    }
    Ok(Job::Wire(Box::new(MsgpackRecord {
        logger: text(intern!(py, "name"))?,
        level: text(intern!(py, "levelname"))?,
        message,
        timestamp_ns,
        filename: text(intern!(py, "pathname"))?,
        line_number,
        module_path: text(intern!(py, "module"))?,
        thread_id,
        thread_name: text(intern!(py, "threadName"))?,
        key_values,
    })))
}

/// The fields of a native record no Python code has looked at, read
/// without making its `LogRecord`; `None` when its path is not the call
/// site's own (a `findCaller` override), whose module the view derives.
fn native_record(
    py: Python<'_>,
    native: &CallRecord,
    message: &str,
) -> PyResult<Option<MsgpackRecord>> {
    let site = &native.site;
    if native.plain_pathname(py) != Some(&*site.pathname) {
        return Ok(None);
    }
    // As the record's view would say: `thread` and `threadName` are None
    // when `logging.logThreads` is false.
    let context = crate::call_context::call_context(py, native.thread_id)?;
    let thread_id = context.get_item(0)?.extract::<u64>().unwrap_or(0);
    let thread_name = context.get_item(1)?;
    let mut key_values = Vec::new();
    if let Some(extra) = &native.extra {
        for (key, value) in extra.bind(py).iter() {
            let Ok(key) = key.cast::<PyString>() else {
                continue;
            };
            key_values.push((Text::new(text_of(key)), to_value(&value, 0)));
        }
    }
    Ok(Some(MsgpackRecord {
        logger: any_text(native.logger_name.bind(py))?,
        level: any_text(native.level_name.bind(py))?,
        message: message.to_owned(),
        timestamp_ns: native.created_ns,
        filename: site.pathname.to_string(),
        line_number: native.line,
        module_path: site.module.to_string(),
        thread_id,
        thread_name: any_text(&thread_name)?,
        key_values,
    }))
}

/// A value's `str()`, or "" for None.
fn any_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_none() {
        return Ok(String::new());
    }
    Ok(match value.cast::<PyString>() {
        Ok(text) => text_of(text),
        Err(_) => text_of(&value.str()?),
    })
}

/// A Python `str` as UTF-8; lone surrogates as `\udcxx` escapes.
fn text_of(text: &Bound<'_, PyString>) -> String {
    match text.to_str() {
        Ok(text) => text.to_owned(),
        Err(_) => text
            .call_method1("encode", ("utf-8", "backslashreplace"))
            .and_then(|bytes| Ok(String::from_utf8_lossy(bytes.extract::<&[u8]>()?).into_owned()))
            .unwrap_or_else(|_| text.to_string_lossy().into_owned()),
    }
}

/// An `extra` value in the wire's value model: `None`, bool, int, float,
/// str, bytes, tuple, list and dict as themselves (a dict's keys as their
/// `str()`); anything else as its `str()`, or its `repr()` when `str()`
/// raises.
fn to_value(value: &Bound<'_, PyAny>, depth: usize) -> Value {
    if depth > MAX_VALUE_DEPTH {
        return printed(value);
    }
    if value.is_none() {
        return Value::None;
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Value::Bool(flag.is_true());
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(number) = value.extract::<i64>() {
            return Value::Int(number);
        }
        return big_int(value).unwrap_or_else(|| printed(value));
    }
    if let Ok(number) = value.cast::<PyFloat>() {
        return Value::Float(number.value());
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Value::Str(Text::new(text_of(text)));
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Value::Bytes(bytes.as_bytes().to_vec());
    }
    if let Ok(items) = value.cast::<PyTuple>() {
        return Value::Tuple(
            items
                .iter()
                .map(|item| to_value(&item, depth + 1))
                .collect(),
        );
    }
    if let Ok(items) = value.cast::<PyList>() {
        return Value::List(
            items
                .iter()
                .map(|item| to_value(&item, depth + 1))
                .collect(),
        );
    }
    if let Ok(entries) = value.cast::<PyDict>() {
        return Value::Dict(
            entries
                .iter()
                .map(|(key, item)| {
                    let key = match key.cast::<PyString>() {
                        Ok(key) => text_of(key),
                        Err(_) => match printed(&key) {
                            Value::Str(text) => text.text,
                            _ => String::new(),
                        },
                    };
                    (Text::new(key), to_value(&item, depth + 1))
                })
                .collect(),
        );
    }
    printed(value)
}

/// An int beyond 64 bits, from its two's complement bytes.
fn big_int(value: &Bound<'_, PyAny>) -> Option<Value> {
    let py = value.py();
    let bits: usize = value
        .call_method0(intern!(py, "bit_length"))
        .ok()?
        .extract()
        .ok()?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("signed", true).ok()?;
    let bytes = value
        .call_method("to_bytes", (bits / 8 + 1, "little"), Some(&kwargs))
        .ok()?;
    Some(BigInt::from_le_twos_complement(
        bytes.extract::<&[u8]>().ok()?,
    ))
}

fn printed(value: &Bound<'_, PyAny>) -> Value {
    let text = value
        .str()
        .or_else(|_| value.repr())
        .map(|text| text_of(&text))
        .unwrap_or_else(|_| "<unprintable>".into());
    Value::Str(Text::new(text))
}
