//! `FemtoSocketHandler`: each record becomes the core's ten-field
//! MessagePack map (`wire::serialize::msgpack`), framed with a 4-byte
//! big-endian length, and the worker sends it through a `Connection`, which
//! reconnects with backoff.
//!
//! The caller reads what may change once the call returns (the merged
//! message, the traceback, the thread's name, the `extra` values) into a
//! `WireRecord` of plain data, the logger, level and call site shared with
//! every record of the same origin; the worker renders the message with
//! the handler's formatter, encodes the map, frames a batch into one buffer
//! and sends it. A record Python code has seen, or a formatter the worker
//! cannot run, is encoded on the caller straight from the Python objects
//! instead (`Job::Wire`). What becomes of each frame is counted by the
//! worker's stats: `written` once handed to the kernel, `rejected` when it
//! is over the maximum frame size (never sent) or its message cannot be
//! rendered, `failed` when the backoff's deadline passed without a
//! connection, or the handler closed while the receiver was away.

use std::borrow::Cow;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use femtologging_core::record::Record;
use femtologging_core::wire::framing::{FrameError, Framer, LengthPrefix};
use femtologging_core::wire::serialize::msgpack::{self, MsgpackFields};
use femtologging_core::wire::serialize::{BigInt, Text, Value};
use femtologging_core::wire::transport::{
    BackoffPolicy, Connection, Connector, Endpoint, Outcome, Timeouts, TlsOptions, TransportConfig,
};
use femtologging_core::worker::{Delivered, Drain, WriteFailure};
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use super::deferred::snapshot;
use super::{FemtoHandler, Job, WireRecord, WireShared, WireSharedKey};
use crate::formatter::{self, default_formatter, FormattedText, SharedFormat};
use crate::gil::GilCell;
use crate::handler::{format_for, Handler, FORMAT};
use crate::record::{CallRecord, RecordRef, RECORD_ATTRIBUTES};
use crate::shared_text::text_of;
use crate::thread_names::{remembered_fields, thread_fields};

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
            frames: Vec::new(),
            ends: Vec::new(),
            message: String::new(),
            payload: Vec::new(),
            shared: None,
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
    #[pyo3(signature = (*, host, port, path, tls_domain, insecure, connect_timeout_ms, write_timeout_ms, base_ms, cap_ms, reset_after_ms, deadline_ms, max_frame_size, datagram = false))]
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
        datagram: bool,
    ) -> PyResult<SocketTarget> {
        let endpoint = match (path, tls_domain) {
            (Some(_), Some(_)) => {
                return Err(PyValueError::new_err(
                    "TLS works over TCP only, not over a Unix socket",
                ))
            }
            (_, Some(_)) if datagram => {
                return Err(PyValueError::new_err(
                    "TLS works over TCP only, not over datagrams",
                ))
            }
            (Some(path), None) if datagram => Endpoint::UnixDatagram(path),
            (None, None) if datagram => Endpoint::Udp { host, port },
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

/// The worker's end: encodes and frames a batch into one buffer and sends
/// it, in order, through as few system calls as the connection allows.
pub struct SocketDrain {
    connection: Connection,
    framer: LengthPrefix,
    settings: Arc<SocketSettings>,
    /// The batch's frames, end to end.
    frames: Vec<u8>,
    /// Where each frame ends in `frames`.
    ends: Vec<usize>,
    /// A `WireRecord`'s message and map, kept from record to record.
    message: String,
    payload: Vec<u8>,
    /// The `WireShared` of the last `WireRecord` that carried one.
    shared: Option<Arc<WireShared>>,
}

/// Frames given up, and the first reason.
#[derive(Default)]
struct Lost {
    frames: u64,
    reason: Option<String>,
}

impl Lost {
    fn add(&mut self, frames: usize, reason: impl FnOnce() -> String) {
        self.frames += frames as u64;
        if self.reason.is_none() {
            self.reason = Some(reason());
        }
    }
}

impl SocketDrain {
    /// Appends a record's frame to the batch; the reason when it cannot be
    /// sent at all.
    fn add_record(&mut self, payload: &[u8]) -> Result<(), String> {
        self.framer
            .encode(payload, &mut self.frames)
            .map_err(|error| match error {
                FrameError::TooLarge { size, limit } => {
                    format!("a frame of {size} bytes is over the maximum frame size of {limit}")
                }
                other => format!("{other:?}"),
            })?;
        self.ends.push(self.frames.len());
        Ok(())
    }

    /// Renders a record's message, encodes its map and appends its frame.
    fn add_wire_record(&mut self, wire: WireRecord) -> Result<(), String> {
        if let Some(shared) = wire.shared {
            self.shared = Some(shared);
        }
        // Moved out and back rather than cloned: the caller touches this
        // count too.
        let Some(shared) = self.shared.take() else {
            return Err("a record came without its format".into());
        };
        let key_values = wire.key_values.as_deref().map_or(&[][..], Vec::as_slice);
        let result = self.encode_wire_record(&wire.record, &shared, key_values);
        self.shared = Some(shared);
        result
    }

    fn encode_wire_record(
        &mut self,
        record: &Record,
        shared: &WireShared,
        key_values: &[(Text, Value)],
    ) -> Result<(), String> {
        let origin = &*record.origin;
        // The default `"%(message)s"` is the message itself: no copy.
        let message = match shared.format.message_as_is(record) {
            Some(message) => message,
            None => {
                self.message.clear();
                shared
                    .format
                    .render(record, &mut self.message)
                    .map_err(|error| error.to_string())?;
                &self.message
            }
        };
        let mut payload = std::mem::take(&mut self.payload);
        payload.clear();
        let encoded = msgpack::encode_fields(
            &MsgpackFields {
                logger: &origin.logger_name,
                level: &origin.level_name,
                message,
                timestamp_ns: record.created_ns,
                filename: &origin.site.pathname,
                line_number: record.line,
                module_path: &origin.site.module,
                thread_id: record.thread_id,
                thread_name: shared.thread_name.as_deref().unwrap_or(""),
                key_values,
            },
            &mut payload,
        )
        .map_err(|error| error.to_string())
        .and_then(|()| self.add_record(&payload));
        self.payload = payload;
        encoded
    }

    /// Sends the batch's frames, waiting as the backoff says while the
    /// receiver is away. A frame is sent once: after a failure the
    /// connection goes on from the first frame not written whole.
    fn send_frames(&mut self) -> Lost {
        let mut lost = Lost::default();
        let mut first = 0;
        while first < self.ends.len() {
            let start = if first == 0 { 0 } else { self.ends[first - 1] };
            let (sent, outcome) =
                self.connection
                    .send_frames(&self.frames, start, &self.ends[first..]);
            first += sent;
            let Some(outcome) = outcome else { break };
            match outcome {
                Outcome::Sent => first += 1,
                Outcome::Expired { error } => {
                    first += 1;
                    lost.add(1, || match error {
                        Some(error) => format!("given up after the backoff deadline: {error}"),
                        None => "given up after the backoff deadline".into(),
                    });
                }
                Outcome::Rejected(error) => {
                    first += 1;
                    lost.add(1, || error.to_string());
                }
                Outcome::Later { retry_in, error } => {
                    // Closing: one new connection at once is worth trying
                    // (a receiver that restarted), a wait is not.
                    if self.settings.closing.load(Ordering::Relaxed) && !retry_in.is_zero() {
                        lost.add(self.ends.len() - first, || match error {
                            Some(error) => format!("the handler closed: {error}"),
                            None => "the handler closed while the receiver was away".into(),
                        });
                        break;
                    }
                    self.wait(retry_in);
                }
            }
        }
        lost
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
        self.frames.clear();
        self.ends.clear();
        for job in batch.drain(..) {
            let added = match job {
                Job::Wire(payload) => self.add_record(&payload),
                Job::WireRecord(wire) => self.add_wire_record(wire),
                // A standard handler's bytes, framed by the caller.
                Job::Frame(frame) => {
                    self.frames.extend_from_slice(&frame);
                    self.ends.push(self.frames.len());
                    Ok(())
                }
                // Nothing else is queued for a socket.
                _ => continue,
            };
            if let Err(reason) = added {
                delivered.rejected += 1;
                delivered.reason.get_or_insert(reason);
            }
        }
        let lost = self.send_frames();
        // A burst must not keep a burst-sized buffer for the life of the handler.
        if self.frames.capacity() > 4 << 20 {
            self.frames = Vec::new();
        }
        if self.message.capacity() > 1 << 20 || self.payload.capacity() > 1 << 20 {
            self.message = String::new();
            self.payload = Vec::new();
        }
        match lost.reason {
            None => Ok(delivered),
            Some(reason) => Err(WriteFailure {
                records: lost.frames,
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

/// The job for one record. A native record no Python code has seen, with a
/// standard formatter the worker can render, travels as plain data and the
/// worker renders its message and encodes its map (`WireRecord`); any other
/// is encoded here, straight from the Python objects that hold its fields
/// (they may change once the call returns). `message` is the handler's
/// formatter's output, `"%(message)s"` (the merged message, and the
/// traceback when there is one) unless a formatter was given.
pub fn wire_job<'py>(
    handler: &Bound<'py, Handler>,
    femto: &FemtoHandler,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
) -> PyResult<Job> {
    let py = handler.py();
    if overridden & FORMAT == 0 {
        if let Some(native) = record.native(py) {
            if let Some(wire) = wire_record(handler, femto, native)? {
                return Ok(Job::WireRecord(wire));
            }
        }
    }
    let message = match format_for(handler, overridden, record)? {
        FormattedText::Rust(text) => text,
        FormattedText::Python(text) => text_of(&text.str()?),
    };
    if let Some(native) = record.native(py) {
        if let Some(payload) = native_payload(py, native, &message)? {
            return Ok(Job::Wire(payload));
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
    let logger = view.getattr(intern!(py, "name"))?;
    let level = view.getattr(intern!(py, "levelname"))?;
    let filename = view.getattr(intern!(py, "pathname"))?;
    let module_path = view.getattr(intern!(py, "module"))?;
    let thread_name = view.getattr(intern!(py, "threadName"))?;
    encoded(&MsgpackFields {
        logger: &text(&logger)?,
        level: &text(&level)?,
        message: &message,
        timestamp_ns,
        filename: &text(&filename)?,
        line_number,
        module_path: &text(&module_path)?,
        thread_id,
        thread_name: &text(&thread_name)?,
        key_values: &key_values,
    })
    .map(Job::Wire)
}

/// A record for the worker to render and encode: what the caller must read
/// now (the merged message, the traceback, the thread's name, the `extra`
/// values) as plain data, the rest shared (`Origin`). `None` when the
/// formatter or a field needs Python, or the record's path is not its call
/// site's own (a `findCaller` override), whose module the view derives.
fn wire_record(
    handler: &Bound<'_, Handler>,
    femto: &FemtoHandler,
    native: &CallRecord,
) -> PyResult<Option<WireRecord>> {
    let py = handler.py();
    if native.plain_pathname(py).is_none() {
        return Ok(None);
    }
    let formatter = handler.get().formatter.get(py);
    let formatter = if formatter.is_none() {
        default_formatter(py)?
    } else {
        formatter
    };
    // The common case, a record like the handler's last one: its format
    // and thread name are known by their addresses, and the record goes
    // without them, touching no reference count.
    let format_address =
        formatter::verified_line_format_address(py, &formatter, &femto.line_format)?;
    let Some(mut record) = snapshot(&formatter, native)? else {
        return Ok(None);
    };
    // Read before the handler's last `WireShared` is: a value's `str()` is
    // Python code, which may log through this handler.
    let key_values = native
        .extra
        .is_some()
        .then(|| Box::new(extra_values(py, native)));
    if let Some(format_address) = format_address {
        if let Some((thread_id, name_address)) = remembered_fields(py, native.thread_id)? {
            if femto.queued_wire_shared(py, (format_address, name_address)) {
                record.thread_id = thread_id;
                return Ok(Some(WireRecord {
                    record,
                    shared: None,
                    key_values,
                }));
            }
        }
    }
    first_of_run(handler, femto, native, &formatter, record, key_values)
}

/// A record that carries its `WireShared`: the first of its format and
/// thread name, or after the handler's last record differed.
// `key_values` as `WireRecord::key_values` holds them.
#[allow(clippy::box_collection)]
fn first_of_run(
    handler: &Bound<'_, Handler>,
    femto: &FemtoHandler,
    native: &CallRecord,
    formatter: &Bound<'_, PyAny>,
    mut record: Record,
    key_values: Option<Box<Vec<(Text, Value)>>>,
) -> PyResult<Option<WireRecord>> {
    let py = handler.py();
    let Some((format, verified)) = formatter::line_format(py, formatter, &femto.line_format)?
    else {
        return Ok(None);
    };
    if !verified {
        // The first record of this format is rendered here: a template that
        // does not suit the record's fields fails on the caller, reported the
        // standard way, and the worker never sees it.
        let works = format.render(&record, &mut String::new()).is_ok();
        formatter::settle_line_format(py, &femto.line_format, &format, works);
        if !works {
            return Ok(None);
        }
    }
    let thread = thread_fields(py, native.thread_id)?;
    record.thread_id = thread.id;
    let shared = if femto.queued_wire_shared(py, WireShared::key_of(&format, thread.name.as_ref()))
    {
        None
    } else {
        let shared = wire_shared(py, format, thread.name);
        femto.remember_wire_shared(py, shared.clone());
        Some(shared)
    };
    Ok(Some(WireRecord {
        record,
        shared,
        key_values,
    }))
}

/// The `WireShared` of a format and a thread name, found again among the
/// last ones made: a busy program logs through a few formats from a few
/// threads.
fn wire_shared(
    py: Python<'_>,
    format: SharedFormat,
    thread_name: Option<Arc<str>>,
) -> Arc<WireShared> {
    let key = WireShared::key_of(&format, thread_name.as_ref());
    let found = RECENT_SHARED.with(py, |recent| {
        recent
            .iter()
            .flatten()
            .find(|(known, _)| *known == key)
            .map(|(_, shared)| shared.clone())
    });
    if let Some(shared) = found {
        return shared;
    }
    let shared = Arc::new(WireShared {
        format,
        thread_name,
    });
    let evicted = RECENT_SHARED.with(py, |recent| {
        recent.rotate_right(1);
        recent[0].replace((key, shared.clone()))
    });
    // Dropped outside the cell, as every value leaving a `GilCell` is.
    drop(evicted);
    shared
}

const RECENT_SHARED_SIZE: usize = 8;

/// By the addresses of the format and the name (zero: none), newest first.
type RecentShared = [Option<(WireSharedKey, Arc<WireShared>)>; RECENT_SHARED_SIZE];

static RECENT_SHARED: GilCell<RecentShared> = GilCell::new([const { None }; RECENT_SHARED_SIZE]);

/// The map's bytes; an error (a field beyond what MessagePack can say) is
/// reported as the record's.
fn encoded(fields: &MsgpackFields<'_>) -> PyResult<Vec<u8>> {
    let mut payload = Vec::with_capacity(256);
    msgpack::encode_fields(fields, &mut payload)
        .map_err(|error| PyValueError::new_err(error.to_string()))?;
    Ok(payload)
}

/// The map of a native record no Python code has looked at, read without
/// making its `LogRecord`; `None` when its path is not the call site's own
/// (a `findCaller` override), whose module the view derives.
fn native_payload(py: Python<'_>, native: &CallRecord, message: &str) -> PyResult<Option<Vec<u8>>> {
    let site = &native.site;
    if native.plain_pathname(py).is_none() {
        return Ok(None);
    }
    let thread = thread_fields(py, native.thread_id)?;
    encoded(&MsgpackFields {
        logger: &text(native.logger_name.bind(py))?,
        level: &text(native.level_name.bind(py))?,
        message,
        timestamp_ns: native.created_ns,
        filename: &site.pathname,
        line_number: native.line,
        module_path: &site.module,
        thread_id: thread.id,
        thread_name: thread.name.as_deref().unwrap_or(""),
        key_values: &extra_values(py, native),
    })
    .map(Some)
}

/// The record's `extra` keys and values, in the wire's value model.
fn extra_values(py: Python<'_>, native: &CallRecord) -> Vec<(Text, Value)> {
    let Some(extra) = &native.extra else {
        return Vec::new();
    };
    extra
        .bind(py)
        .iter()
        .filter_map(|(key, value)| {
            let key = key.cast::<PyString>().ok()?;
            Some((Text::new(text_of(key)), to_value(&value, 0)))
        })
        .collect()
}

/// A value's `str()` ("" for None), borrowed from a `str` when it can be.
fn text<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, str>> {
    if value.is_none() {
        return Ok(Cow::Borrowed(""));
    }
    Ok(match value.cast::<PyString>() {
        Ok(text) => match text.to_str() {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => Cow::Owned(text_of(text)),
        },
        Err(_) => Cow::Owned(text_of(&value.str()?)),
    })
}

/// An `extra` value in the wire's value model: `None`, bool, int, float,
/// str, bytes, tuple, list and dict as themselves (a dict's keys as their
/// `str()`); anything else as its `str()`, or its `repr()` when `str()`
/// raises.
pub(super) fn to_value(value: &Bound<'_, PyAny>, depth: usize) -> Value {
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
pub(crate) fn big_int(value: &Bound<'_, PyAny>) -> Option<Value> {
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
