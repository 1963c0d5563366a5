//! `logging.handlers.SocketHandler` and `DatagramHandler` as native handler
//! kinds.
//!
//! A class that keeps the standard `emit`, `makePickle` and `send` handles a
//! record without leaving Rust: the pickle is made from the native record
//! when no Python code has asked for its `LogRecord`
//! (`socket_pickle::native_record_frame`), and written on the handler's own
//! Python socket (`handler.sock`, made by `makeSocket`) through its
//! descriptor with the interpreter released (`socket_io`). Each step a
//! subclass replaces is called through Python where the standard `emit`
//! calls it; `createSocket` (and so `makeSocket`), `handleError`,
//! `format` (for a record with an exception) and the socket's `close` are
//! always called through Python, as they run only when something fails or
//! changes.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::handler::{self, format_for, Handler, HandlerKind};
use crate::record::RecordRef;
use crate::socket_io;
use crate::socket_pickle;

#[pyclass(extends = Handler, subclass, frozen, module = "femtologging")]
pub struct SocketHandler {}

#[pyclass(extends = SocketHandler, subclass, frozen, module = "femtologging")]
pub struct DatagramHandler {}

#[pymethods]
impl SocketHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        Handler::initializer(py, HandlerKind::Socket).add_subclass(SocketHandler {})
    }
}

#[pymethods]
impl DatagramHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        Handler::initializer(py, HandlerKind::Datagram)
            .add_subclass(SocketHandler {})
            .add_subclass(DatagramHandler {})
    }
}

/// What `makePickle` returned: the native frame, or a subclass's object.
enum Frame<'py> {
    Native(Vec<u8>),
    Python(Bound<'py, PyAny>),
}

/// The standard `emit`: `self.send(self.makePickle(record))`, every error
/// (a RecursionError too, as its `except Exception` catches it) to
/// `handleError`.
pub fn emit<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    pickle_overridden: bool,
    send_overridden: bool,
    record: &RecordRef<'_, 'py>,
) -> PyResult<()> {
    let py = handler.py();
    let result = (|| {
        let frame = if pickle_overridden {
            Frame::Python(
                handler.call_method1(intern!(py, "makePickle"), (record.to_python(py)?,))?,
            )
        } else {
            Frame::Native(make_pickle(handler, overridden, record)?)
        };
        if send_overridden {
            let frame = match frame {
                Frame::Native(bytes) => PyBytes::new(py, &bytes).into_any(),
                Frame::Python(object) => object,
            };
            handler.call_method1(intern!(py, "send"), (frame,))?;
            return Ok(());
        }
        match handler.get().kind() {
            HandlerKind::Datagram => send_datagram(handler, frame),
            _ => send_stream(handler, frame),
        }
    })();
    match result {
        Ok(()) => Ok(()),
        Err(error) => handler::report_error(handler.as_any(), record, error),
    }
}

/// The standard `makePickle`: the record's view formatted first when it
/// carries an exception (which fills `exc_text`), then its dict pickled.
fn make_pickle<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
) -> PyResult<Vec<u8>> {
    let py = handler.py();
    if let Some(native) = record.native(py) {
        if let Some(frame) = socket_pickle::native_record_frame(py, native)? {
            return Ok(frame);
        }
    }
    let python_record = record.to_python(py)?;
    if python_record
        .getattr(intern!(py, "exc_info"))?
        .is_truthy()?
    {
        format_for(
            handler,
            overridden,
            &RecordRef::Python(python_record.clone()),
        )?;
    }
    socket_pickle::python_record_frame(&python_record)
}

/// The bytes of a frame for a native write; `None` for an object only its
/// socket's own method can take (a subclass's `makePickle` may return any
/// bytes-like object).
fn frame_bytes<'a>(frame: &'a Frame<'_>) -> Option<&'a [u8]> {
    match frame {
        Frame::Native(bytes) => Some(bytes),
        Frame::Python(object) => object
            .cast_exact::<PyBytes>()
            .ok()
            .map(|bytes| bytes.as_bytes()),
    }
}

fn frame_object<'py>(py: Python<'py>, frame: &Frame<'py>) -> Bound<'py, PyAny> {
    match frame {
        Frame::Native(bytes) => PyBytes::new(py, bytes).into_any(),
        Frame::Python(object) => object.clone(),
    }
}

/// The standard `SocketHandler.send`: connect when there is no socket;
/// with `resend`, the Python method that sends again on a new connection;
/// otherwise `sendall`, a failure of which closes the socket and forgets
/// it, so the next record reconnects.
fn send_stream(handler: &Bound<'_, Handler>, frame: Frame<'_>) -> PyResult<()> {
    let py = handler.py();
    let mut sock = handler.getattr(intern!(py, "sock"))?;
    if sock.is_none() {
        handler.call_method0(intern!(py, "createSocket"))?;
        sock = handler.getattr(intern!(py, "sock"))?;
    }
    if handler.getattr(intern!(py, "resend"))?.is_truthy()? {
        handler.call_method1(intern!(py, "_send_or_resend"), (frame_object(py, &frame),))?;
        return Ok(());
    }
    if !sock.is_truthy()? {
        return Ok(());
    }
    let sent = match frame_bytes(&frame) {
        Some(bytes) => socket_io::sendall(&sock, bytes),
        None => sock
            .call_method1(intern!(py, "sendall"), (frame_object(py, &frame),))
            .map(drop),
    };
    match sent {
        Err(error) if error.is_instance_of::<pyo3::exceptions::PyOSError>(py) => {
            sock.call_method0(intern!(py, "close"))?;
            handler.setattr(intern!(py, "sock"), py.None())
        }
        other => other,
    }
}

/// The standard `DatagramHandler.send`: connect when there is no socket,
/// then one `sendto` to `address`; errors go to `handleError`.
fn send_datagram(handler: &Bound<'_, Handler>, frame: Frame<'_>) -> PyResult<()> {
    let py = handler.py();
    let mut sock = handler.getattr(intern!(py, "sock"))?;
    if sock.is_none() {
        handler.call_method0(intern!(py, "createSocket"))?;
        sock = handler.getattr(intern!(py, "sock"))?;
    }
    let address = handler.getattr(intern!(py, "address"))?;
    match frame_bytes(&frame) {
        Some(bytes) if !sock.is_none() => socket_io::sendto(&sock, bytes, &address),
        // `None.sendto` raises the standard AttributeError.
        _ => sock
            .call_method1(intern!(py, "sendto"), (frame_object(py, &frame), address))
            .map(drop),
    }
}

/// Captures the standard methods of both classes, once the Python ones
/// (`makePickle`, `send`, ...) are attached to them.
#[pyfunction]
pub fn capture_socket_methods(py: Python<'_>) -> PyResult<()> {
    handler::SOCKET_OVERRIDES.capture(&py.get_type::<SocketHandler>())?;
    handler::DATAGRAM_OVERRIDES.capture(&py.get_type::<DatagramHandler>())
}
