//! `logging.handlers.SysLogHandler`: the bytes of a record (the core's RFC
//! 3164 encoder, as the standard `emit` builds them, or RFC 5424 when asked)
//! and the socket they go through (the core's `SyslogSocket`).
//!
//! A class that keeps the standard `emit` sends without leaving Rust, but
//! for `mapPriority`, `encodePriority` and `format` when a subclass
//! replaced them, which are called at the point the standard `emit` calls
//! them. `ident`, `append_nul`, `facility`, `priority_map` and the name
//! tables are read from the handler on each record, as there.
//!
//! Beyond the standard handler, when asked: TLS (`SyslogSocket::tls`, its
//! refusals raised as the `ssl` module's errors), and an oversized datagram
//! cut to the largest the socket sends, counted in `truncated`, instead of
//! reported.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use femtologging_core::wire::framing::{Framer, OctetCounting, Terminated, Terminator};
use femtologging_core::wire::serialize::syslog::{
    encode_priority, rfc3164, rfc5424, Rfc5424Message, SdElement, Timestamp,
};
use femtologging_core::wire::syslog_socket::{SocketType, SyslogSocket};
use femtologging_core::wire::transport::{TlsOptions, TransportError};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::formatter::FormattedText;
use crate::gil::GilCell;
use crate::handler::{self, format_for, Handler, HandlerKind};
use crate::os_errors::os_error;
use crate::record::RecordRef;

/// What the standard signature does not have (`_configure`), but for
/// `Modes`: the names RFC 5424 writes.
#[derive(Clone, Default)]
struct Options {
    hostname: Option<String>,
    app_name: Option<String>,
    msgid: Option<String>,
}

/// The options every record reads, copied out of the handler (no lock, no
/// reference count: a few atomic operations that cost a UDP record more
/// than its own encoding).
#[derive(Clone, Copy, Default)]
struct Modes {
    rfc5424: bool,
    framing: Option<Framing>,
    reconnect: bool,
    truncate_oversized: bool,
}

#[derive(Clone, Copy)]
enum Framing {
    OctetCounting,
    Newline,
}

#[pyclass(extends = Handler, subclass, frozen, module = "femtologging")]
pub struct SysLogHandler {
    options: GilCell<Arc<Options>>,
    /// `options.modes`, read by every record.
    modes: GilCell<Modes>,
    /// Records sent cut to the datagram limit (`truncate_oversized`).
    truncated: AtomicU64,
}

#[pymethods]
impl SysLogHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        Handler::initializer(py, HandlerKind::Syslog).add_subclass(SysLogHandler {
            options: GilCell::new(Arc::default()),
            modes: GilCell::new(Modes::default()),
            truncated: AtomicU64::new(0),
        })
    }

    /// How many records were sent cut to the largest datagram the socket
    /// takes (with `truncate_oversized`); without it such a record is
    /// reported through `handleError` and not sent, as by the standard
    /// handler.
    #[getter]
    fn truncated(&self) -> u64 {
        self.truncated.load(Ordering::Relaxed)
    }

    /// Sets the options beyond the standard signature.
    #[pyo3(signature = (
        rfc5424, framing, reconnect, hostname, app_name, msgid, truncate_oversized=false
    ))]
    #[allow(clippy::too_many_arguments)]
    fn _configure(
        &self,
        py: Python<'_>,
        rfc5424: bool,
        framing: Option<&str>,
        reconnect: bool,
        hostname: Option<String>,
        app_name: Option<String>,
        msgid: Option<String>,
        truncate_oversized: bool,
    ) -> PyResult<()> {
        let framing = match framing {
            None => None,
            Some("octet-counting") => Some(Framing::OctetCounting),
            Some("newline") => Some(Framing::Newline),
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "framing must be None, 'octet-counting' or 'newline', not {other:?}"
                )))
            }
        };
        let modes = Modes {
            rfc5424,
            framing,
            reconnect,
            truncate_oversized,
        };
        let previous = self.options.replace(
            py,
            Arc::new(Options {
                hostname,
                app_name,
                msgid,
            }),
        );
        self.modes.replace(py, modes);
        drop(previous);
        Ok(())
    }
}

/// The native socket a `SysLogHandler` keeps in `socket`, with the methods
/// of a Python socket that the standard `emit` and `close` call.
#[pyclass(frozen, module = "femtologging", name = "SyslogSocket")]
pub struct PySyslogSocket {
    socket: Mutex<SyslogSocket>,
}

fn socket_type(stream: bool) -> SocketType {
    if stream {
        SocketType::Stream
    } else {
        SocketType::Datagram
    }
}

impl PySyslogSocket {
    /// Sends `data`; the interpreter is released only for a send that may
    /// wait. A datagram on a connected UDP socket is first sent without
    /// waiting, and without giving the interpreter up and taking it back
    /// (which costs more than the send's own work in user space); a socket
    /// another thread is using, or a full buffer, takes the waiting path.
    fn send_bytes(&self, py: Python<'_>, data: &[u8]) -> PyResult<()> {
        if let Ok(mut socket) = self.socket.try_lock() {
            if let Some(result) = socket.send_without_waiting(data) {
                return result.map_err(socket_error);
            }
        }
        py.detach(|| self.socket.lock().expect("not poisoned").send(data))
            .map_err(socket_error)
    }

    /// Sends one datagram, cut to the socket's limit when it is larger;
    /// true when it was cut. The last byte stays last when it is the
    /// standard NUL.
    fn send_truncating(&self, py: Python<'_>, data: &[u8]) -> PyResult<bool> {
        let keep_terminator = data.last() == Some(&0);
        py.detach(|| {
            self.socket
                .lock()
                .expect("not poisoned")
                .send_truncating(data, keep_terminator)
        })
        .map_err(socket_error)
    }

    /// Sends on a stream that reconnects: to a fresh connection when the
    /// receiver closed the old one, and once more on a fresh one when the
    /// send fails.
    fn send_reconnecting(&self, py: Python<'_>, data: &[u8]) -> PyResult<()> {
        py.detach(|| {
            let mut socket = self.socket.lock().expect("not poisoned");
            if socket.is_closed() || socket.peer_closed() {
                socket.reopen()?;
            }
            match socket.send(data) {
                Ok(()) => Ok(()),
                Err(_) => {
                    socket.reopen()?;
                    socket.send(data)
                }
            }
        })
        .map_err(socket_error)
    }
}

/// A socket's error as Python raises it: an `OSError` of the errno's
/// subclass, or for a TLS handshake the `ssl` module's error
/// (`SSLCertVerificationError` for a certificate refused), which is an
/// `OSError` too.
fn socket_error(error: io::Error) -> PyErr {
    let handshake = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<TransportError>())
        .and_then(|inner| match inner {
            TransportError::Handshake { reason, .. } => Some(reason.clone()),
            _ => None,
        });
    let Some(reason) = handshake else {
        return os_error(error, None, None);
    };
    let class = if reason.starts_with("invalid peer certificate") {
        "SSLCertVerificationError"
    } else {
        "SSLError"
    };
    let message = error.to_string();
    Python::attach(|py| {
        match py
            .import(intern!(py, "ssl"))
            .and_then(|ssl| ssl.getattr(class))
            .and_then(|class| class.call1((message,)))
        {
            Ok(instance) => PyErr::from_value(instance),
            Err(error) => error,
        }
    })
}

#[pymethods]
impl PySyslogSocket {
    #[staticmethod]
    fn connect_unix(py: Python<'_>, path: PathBuf, stream: bool) -> PyResult<Self> {
        let socket = py
            .detach(|| SyslogSocket::connect_unix(&path, socket_type(stream)))
            .map_err(|error| os_error(error, None, None))?;
        Ok(PySyslogSocket {
            socket: Mutex::new(socket),
        })
    }

    #[staticmethod]
    fn closed_unix(path: PathBuf, stream: bool) -> Self {
        PySyslogSocket {
            socket: Mutex::new(SyslogSocket::closed_unix(&path, socket_type(stream))),
        }
    }

    #[staticmethod]
    #[pyo3(signature = (host, port, stream, timeout=None))]
    fn open_network(
        py: Python<'_>,
        host: String,
        port: u16,
        stream: bool,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        let timeout = timeout.map(Duration::from_secs_f64);
        let socket = py
            .detach(|| SyslogSocket::open_network(&host, port, socket_type(stream), timeout))
            .map_err(|error| os_error(error, None, None))?;
        Ok(PySyslogSocket {
            socket: Mutex::new(socket),
        })
    }

    /// A TLS connection to `host:port`, verified against the CA
    /// certificates in `cafile_pem` (the system's when none), as
    /// `server_hostname` (the host when none), or not at all when
    /// `insecure`. Not connected yet: `reopen` connects.
    #[staticmethod]
    #[pyo3(signature = (host, port, cafile_pem, server_hostname, insecure, timeout=None))]
    fn open_tls(
        host: String,
        port: u16,
        cafile_pem: Option<Vec<u8>>,
        server_hostname: Option<String>,
        insecure: bool,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        let options = TlsOptions {
            server_name: server_hostname,
            without_system_roots: cafile_pem.is_some(),
            extra_ca_pem: cafile_pem.into_iter().collect(),
            insecure,
        };
        let timeout = timeout.map(Duration::from_secs_f64);
        let socket = SyslogSocket::tls(&host, port, options, timeout)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok(PySyslogSocket {
            socket: Mutex::new(socket),
        })
    }

    /// Connects again to the same destination (TLS: with a new handshake).
    fn reopen(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.socket.lock().expect("not poisoned").reopen())
            .map_err(socket_error)
    }

    fn send(&self, py: Python<'_>, data: &[u8]) -> PyResult<usize> {
        self.send_bytes(py, data)?;
        Ok(data.len())
    }

    fn sendall(&self, py: Python<'_>, data: &[u8]) -> PyResult<()> {
        self.send_bytes(py, data)
    }

    /// Sends to the socket's own destination (the handler's address).
    fn sendto(&self, py: Python<'_>, data: &[u8], _address: Bound<'_, PyAny>) -> PyResult<usize> {
        self.send_bytes(py, data)?;
        Ok(data.len())
    }

    fn fileno(&self) -> i32 {
        self.socket.lock().expect("not poisoned").fileno()
    }

    /// Closes the socket; a TLS session waits (up to the write timeout)
    /// for the server to read its `close_notify`, without the interpreter.
    fn close(&self, py: Python<'_>) {
        py.detach(|| self.socket.lock().expect("not poisoned").close())
    }
}

/// `SysLogHandler.emit` for a class that keeps it. `map_overridden` and
/// `encode_overridden` say whether `mapPriority`/`encodePriority` must be
/// called through Python.
pub fn emit<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    map_overridden: bool,
    encode_overridden: bool,
    record: &RecordRef<'_, 'py>,
) -> PyResult<()> {
    let py = handler.py();
    let modes = as_syslog(handler).modes.get(py);
    let formatted = format_for(handler, overridden, record)?;
    let ident = handler.getattr(intern!(py, "ident"))?;
    let mut append_nul = handler.getattr(intern!(py, "append_nul"))?.is_truthy()?;
    let ident_is_text = ident.is_instance_of::<PyString>() || !ident.is_truthy()?;
    let python_message;
    let (message, ident): (&str, &str) = match formatted {
        // The native formatter's text is used as it is, never made a str.
        FormattedText::Rust(ref text) if ident_is_text => (text, ident_text(&ident)?),
        other => {
            let message = other.into_python(py)?;
            if message.is_instance_of::<PyString>() && ident_is_text {
                python_message = message;
                (
                    python_message.cast::<PyString>()?.to_str()?,
                    ident_text(&ident)?,
                )
            } else {
                // Not a str (a `format` or an `ident` of another type): the
                // standard operations, so that they fail with the standard
                // errors.
                python_message = python_concatenation(py, ident.clone(), message, append_nul)?;
                append_nul = false;
                (python_message.cast::<PyString>()?.to_str()?, "")
            }
        }
    };
    let level_name = match record.native(py) {
        Some(native) => native.level_name.bind(py).clone(),
        None => record.to_python(py)?.getattr(intern!(py, "levelname"))?,
    };
    let priority_name = if map_overridden {
        handler.call_method1(intern!(py, "mapPriority"), (level_name,))?
    } else {
        let priority_map = handler.getattr(intern!(py, "priority_map"))?;
        match priority_map.cast_exact::<PyDict>() {
            // What `dict.get` does, without looking the method up and calling it.
            Ok(map) => match map.get_item(&level_name)? {
                Some(name) => name,
                None => intern!(py, "warning").clone().into_any(),
            },
            Err(_) => priority_map
                .call_method1(intern!(py, "get"), (level_name, intern!(py, "warning")))?,
        }
    };
    let facility = handler.getattr(intern!(py, "facility"))?;
    let priority = if encode_overridden {
        Priority::Python(
            handler.call_method1(intern!(py, "encodePriority"), (facility, priority_name))?,
        )
    } else {
        standard_encode_priority(handler, facility, priority_name)?
    };
    let mut payload = Vec::with_capacity(message.len() + ident.len() + 8);
    if modes.rfc5424 {
        let options = as_syslog(handler).options.get(py);
        let priority = match priority {
            Priority::Code(code) => code.into_pyobject(py)?.into_any(),
            Priority::Python(priority) => priority,
        };
        rfc5424_payload(
            py,
            &options,
            record,
            &priority,
            ident,
            message,
            &mut payload,
        )?;
    } else {
        let code = match &priority {
            Priority::Code(code) => Some(*code),
            Priority::Python(priority) => priority.extract::<u32>().ok(),
        };
        match (code, priority) {
            (Some(code), _) => rfc3164::encode(code, ident, message, append_nul, &mut payload),
            (None, priority) => {
                // A priority `encodePriority` returned outside u32 (a
                // subclass's): written as `'<%d>' %` writes it.
                let priority = match priority {
                    Priority::Python(priority) => priority,
                    Priority::Code(code) => code.into_pyobject(py)?.into_any(),
                };
                let text = PyString::new(py, "<%d>").rem(&priority)?;
                payload.extend_from_slice(text.cast::<PyString>()?.to_str()?.as_bytes());
                payload.extend_from_slice(ident.as_bytes());
                payload.extend_from_slice(message.as_bytes());
                if append_nul {
                    payload.push(0);
                }
            }
        }
    }
    send(handler, modes, payload)
}

/// The ident as text: a str's, or none for a false value.
fn ident_text<'a>(ident: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
    match ident.cast::<PyString>() {
        Ok(text) => text.to_str(),
        Err(_) => Ok(""),
    }
}

/// `msg = ident + msg`, `msg += "\0"` and `msg.encode("utf-8")` as the
/// standard `emit` runs them; the result when it is a str.
fn python_concatenation<'py>(
    py: Python<'py>,
    ident: Bound<'py, PyAny>,
    mut message: Bound<'py, PyAny>,
    append_nul: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if ident.is_truthy()? {
        message = ident.add(&message)?;
    }
    if append_nul {
        let nul = PyString::new(py, "\0");
        // SAFETY: both are live objects; a new reference or NULL with the
        // error set comes back.
        message = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                pyo3::ffi::PyNumber_InPlaceAdd(message.as_ptr(), nul.as_ptr()),
            )?
        };
    }
    if message.is_instance_of::<PyString>() {
        return Ok(message);
    }
    message.call_method1(intern!(py, "encode"), ("utf-8",))?;
    Err(PyTypeError::new_err(format!(
        "a syslog message must be a str, not {}",
        message.get_type().name()?
    )))
}

/// A record's syslog priority: the number the standard `encodePriority`
/// makes of numbers that fit, kept out of Python, or what Python made of
/// others (a subclass's `encodePriority`, names that map to other objects).
enum Priority<'py> {
    Code(u32),
    Python(Bound<'py, PyAny>),
}

/// The standard `encodePriority`: names through `facility_names` and
/// `priority_names`, then `(facility << 3) | priority`.
fn standard_encode_priority<'py>(
    handler: &Bound<'py, Handler>,
    facility: Bound<'py, PyAny>,
    priority: Bound<'py, PyAny>,
) -> PyResult<Priority<'py>> {
    let py = handler.py();
    let facility = if facility.is_instance_of::<PyString>() {
        handler
            .getattr(intern!(py, "facility_names"))?
            .get_item(facility)?
    } else {
        facility
    };
    let priority = if priority.is_instance_of::<PyString>() {
        handler
            .getattr(intern!(py, "priority_names"))?
            .get_item(priority)?
    } else {
        priority
    };
    match (facility.extract::<u32>(), priority.extract::<u32>()) {
        (Ok(facility), Ok(priority)) if facility < (1 << 28) => {
            Ok(Priority::Code(encode_priority(facility, priority)))
        }
        _ => Ok(Priority::Python(facility.lshift(3)?.bitor(priority)?)),
    }
}

/// RFC 5424: the header from the options and the record (`msgid` and
/// `structured_data` from `extra` when the record has them), then the
/// message with the ident before it.
fn rfc5424_payload<'py>(
    py: Python<'py>,
    options: &Options,
    record: &RecordRef<'_, 'py>,
    priority: &Bound<'py, PyAny>,
    ident: &str,
    message: &str,
    out: &mut Vec<u8>,
) -> PyResult<()> {
    let python_record = record.to_python(py)?;
    let attribute = |name: &Bound<'py, PyString>| -> PyResult<Option<Bound<'py, PyAny>>> {
        match python_record.getattr(name) {
            Ok(value) if !value.is_none() => Ok(Some(value)),
            Ok(_) => Ok(None),
            Err(error) if error.is_instance_of::<pyo3::exceptions::PyAttributeError>(py) => {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    };
    let text = |value: Bound<'py, PyAny>| -> PyResult<String> { Ok(value.str()?.to_string()) };
    let msgid = match attribute(intern!(py, "msgid"))? {
        Some(value) => Some(text(value)?),
        None => options.msgid.clone(),
    };
    let procid = attribute(intern!(py, "process"))?.map(text).transpose()?;
    let mut structured_data = Vec::new();
    if let Some(elements) = attribute(intern!(py, "structured_data"))? {
        let elements = elements.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err("structured_data must be a dict of {SD-ID: {name: value}}")
        })?;
        for (id, params) in elements.iter() {
            let params = params
                .cast::<PyDict>()
                .map_err(|_| PyTypeError::new_err("each structured_data element must be a dict"))?;
            let mut pairs = Vec::with_capacity(params.len());
            for (name, value) in params.iter() {
                pairs.push((text(name)?, text(value)?));
            }
            structured_data.push(SdElement {
                id: text(id)?,
                params: pairs,
            });
        }
    }
    let priority = priority.extract::<u32>()?;
    if priority > 191 {
        return Err(PyValueError::new_err(format!(
            "RFC 5424 PRIVAL must be 0 to 191, not {priority}"
        )));
    }
    let message = Rfc5424Message {
        priority,
        timestamp: Some(Timestamp::utc(record.logged_at_ns())),
        hostname: options.hostname.clone(),
        app_name: options.app_name.clone(),
        procid,
        msgid,
        structured_data,
        message: Some(format!("{ident}{message}")),
        bom: false,
    };
    rfc5424::encode(&message, out);
    Ok(())
}

/// The standard `emit`'s send: create the socket when there is none; a Unix
/// socket that fails is connected again (`_connect_unixsocket`) and sent
/// to once more; a stream gets the chosen framing.
fn send(handler: &Bound<'_, Handler>, modes: Modes, payload: Vec<u8>) -> PyResult<()> {
    let py = handler.py();
    let mut socket = handler.getattr(intern!(py, "socket"))?;
    if !socket.is_truthy()? {
        handler.call_method0(intern!(py, "createSocket"))?;
        socket = handler.getattr(intern!(py, "socket"))?;
    }
    let unix = handler.getattr(intern!(py, "unixsocket"))?.is_truthy()?;
    let stream = {
        let socktype = handler.getattr(intern!(py, "socktype"))?;
        socktype.extract::<i32>().ok() == Some(libc::SOCK_STREAM)
    };
    let frame = match (stream, modes.framing) {
        (true, Some(Framing::OctetCounting)) => framed(&OctetCounting::default(), &payload)?,
        (true, Some(Framing::Newline)) => framed(&Terminated::new(Terminator::Newline), &payload)?,
        _ => payload,
    };
    let own = as_syslog(handler);
    let datagram = |socket: &Bound<'_, PyAny>, method: &str, address| {
        if !stream && modes.truncate_oversized {
            if let Ok(native) = socket.cast_exact::<PySyslogSocket>() {
                if native.get().send_truncating(py, &frame)? {
                    own.truncated.fetch_add(1, Ordering::Relaxed);
                }
                return Ok(());
            }
        }
        send_through(socket, &frame, method, address)
    };
    if unix {
        let first = datagram(&socket, "send", None);
        if first.is_ok() {
            return Ok(());
        }
        let error = first.unwrap_err();
        if !error.is_instance_of::<pyo3::exceptions::PyOSError>(py) {
            return Err(error);
        }
        socket.call_method0(intern!(py, "close"))?;
        let address = handler.getattr(intern!(py, "address"))?;
        // Raised while the first error is handled, as in the standard
        // `except` block: the report shows both, chained.
        let retried = (|| {
            handler.call_method1(intern!(py, "_connect_unixsocket"), (address,))?;
            let socket = handler.getattr(intern!(py, "socket"))?;
            datagram(&socket, "send", None)
        })();
        return retried.inspect_err(|second| {
            let second_value = second.value(py);
            if second_value
                .getattr(intern!(py, "__context__"))
                .is_ok_and(|context| context.is_none())
            {
                let _ = second_value.setattr(intern!(py, "__context__"), error.value(py));
            }
        });
    }
    if stream && modes.reconnect {
        if let Ok(native) = socket.cast_exact::<PySyslogSocket>() {
            return native.get().send_reconnecting(py, &frame);
        }
    }
    if stream {
        send_through(&socket, &frame, "sendall", None)
    } else if socket.is_exact_instance_of::<PySyslogSocket>() {
        // The native socket sends to the address it was made for.
        datagram(&socket, "sendto", None)
    } else {
        let address = handler.getattr(intern!(py, "address"))?;
        datagram(&socket, "sendto", Some(address))
    }
}

fn as_syslog<'a>(handler: &'a Bound<'_, Handler>) -> &'a SysLogHandler {
    // SAFETY: only `SysLogHandler`'s initializer makes a handler of kind
    // `Syslog`.
    unsafe { handler.cast_unchecked::<SysLogHandler>() }.get()
}

fn framed(framer: &dyn Framer, payload: &[u8]) -> PyResult<Vec<u8>> {
    let mut frame = Vec::with_capacity(payload.len() + 12);
    framer
        .encode(payload, &mut frame)
        .map_err(|error| PyValueError::new_err(error.to_string()))?;
    Ok(frame)
}

/// `socket.<method>(frame)` (`sendto` with the handler's address), natively
/// for the native socket.
fn send_through(
    socket: &Bound<'_, PyAny>,
    frame: &[u8],
    method: &str,
    address: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    let py = socket.py();
    if let Ok(native) = socket.cast_exact::<PySyslogSocket>() {
        return native.get().send_bytes(py, frame);
    }
    let bytes = PyBytes::new(py, frame);
    match address {
        Some(address) => socket.call_method1(method, (bytes, address))?,
        None => socket.call_method1(method, (bytes,))?,
    };
    Ok(())
}

/// Captures the standard methods of `SysLogHandler`, once the Python ones
/// (`mapPriority`, `encodePriority`, ...) are attached to it.
#[pyfunction]
pub fn capture_syslog_methods(py: Python<'_>) -> PyResult<()> {
    handler::SYSLOG_OVERRIDES.capture(&py.get_type::<SysLogHandler>())
}
