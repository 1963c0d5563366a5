//! `sock.sendall(data)` and `sock.sendto(data, address)` for a Python
//! `socket.socket`, written through its descriptor with the interpreter
//! released wherever the write may wait.
//!
//! The socket stays the Python object the handler made (`makeSocket`), so
//! code that reaches for `handler.sock` finds what it expects; only the
//! write is native. It keeps the socket's own rules: its timeout
//! (`gettimeout()`: none waits as long as it takes, zero never waits, a
//! positive one bounds the whole `sendall` and ends in
//! `TimeoutError("timed out")`), partial writes continued until every byte
//! is out, a signal's Python handler run (and its exception raised) when a
//! write is interrupted, and the errno of a failure raised as the `OSError`
//! subclass Python would raise. A subclass of `socket.socket`, or any other
//! object, gets its own method called.

use std::net::Ipv4Addr;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use pyo3::exceptions::PyTimeoutError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString, PyTuple, PyType};

use crate::os_errors::os_error;

/// How long a write may wait for room in the socket's buffer.
#[derive(Clone, Copy)]
enum Wait {
    /// A blocking socket (`timeout` None): the kernel waits.
    Forever,
    /// A non-blocking socket (`timeout` 0): a full buffer is an error.
    Never,
    /// A socket with a timeout: the whole call must end within it. The
    /// clock is read when the buffer is first found full (a write that
    /// never waits never reads it), a few microseconds after the call
    /// began.
    Within(Duration),
    Until(Instant),
}

const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The descriptor of a plain `socket.socket` and how its writes wait.
struct Plain {
    descriptor: RawFd,
    wait: Wait,
}

/// Why a native write stopped short.
enum Stop {
    Failed(std::io::Error),
    TimedOut,
    /// A signal arrived; `sent` bytes are out. Python's handlers run before
    /// the write goes on.
    Interrupted {
        sent: usize,
    },
}

/// `sock.sendall(data)`.
pub fn sendall(sock: &Bound<'_, PyAny>, data: &[u8]) -> PyResult<()> {
    let py = sock.py();
    let Some(descriptor) = descriptor(sock)? else {
        sock.call_method1(intern!(py, "sendall"), (PyBytes::new(py, data),))?;
        return Ok(());
    };
    let mut sent = send_without_waiting(py, descriptor, data)?;
    if sent == data.len() {
        // The timeout only matters to a write that has to wait.
        return Ok(());
    }
    let mut wait = wait(sock)?;
    loop {
        let remaining = &data[sent..];
        let stopped = py.detach(|| write_all(descriptor, &mut wait, remaining, None));
        match stopped {
            None => return Ok(()),
            Some(Stop::Interrupted { sent: more }) => {
                sent += more;
                py.check_signals()?;
            }
            Some(stop) => return Err(raised(stop)),
        }
    }
}

/// Writes what the socket's buffer takes of `data` at once, without
/// releasing the interpreter: `MSG_DONTWAIT` makes the call return rather
/// than wait, whatever the descriptor's mode, so it holds the interpreter
/// no longer than copying the bytes into the kernel takes, and releasing
/// and taking it back costs more than that copy for a record's frame.
/// `sendall` releases it for whatever is left, which may have to wait (a
/// full buffer). A failure is raised here, as the connection reports it
/// once; an interrupting signal's Python handler runs first, as in
/// `sendall`.
fn send_without_waiting(py: Python<'_>, descriptor: RawFd, data: &[u8]) -> PyResult<usize> {
    // SAFETY: the buffer outlives the call. MSG_NOSIGNAL as in `write_all`.
    let written = unsafe {
        libc::send(
            descriptor,
            data.as_ptr().cast(),
            data.len(),
            libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
        )
    };
    if let Ok(written) = usize::try_from(written) {
        return Ok(written);
    }
    let error = std::io::Error::last_os_error();
    match error.raw_os_error() {
        Some(code) if code == libc::EAGAIN || code == libc::EWOULDBLOCK => Ok(0),
        Some(libc::EINTR) => py.check_signals().map(|()| 0),
        _ => Err(raised(Stop::Failed(error))),
    }
}

/// `sock.sendto(data, address)`: natively for a plain IPv4 or Unix
/// datagram socket given an address it needs no lookup for (a numeric
/// IPv4 address, a path), through the socket's method otherwise.
pub fn sendto(sock: &Bound<'_, PyAny>, data: &[u8], address: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = sock.py();
    let target = match plain(sock)? {
        Some(plain) => socket_address(sock, address)?.map(|target| (plain, target)),
        None => None,
    };
    let Some((mut plain, target)) = target else {
        sock.call_method1(intern!(py, "sendto"), (PyBytes::new(py, data), address))?;
        return Ok(());
    };
    loop {
        let stopped =
            py.detach(|| write_all(plain.descriptor, &mut plain.wait, data, Some(&target)));
        match stopped {
            None => return Ok(()),
            // A datagram is sent whole or not at all: send it again.
            Some(Stop::Interrupted { .. }) => py.check_signals()?,
            Some(stop) => return Err(raised(stop)),
        }
    }
}

/// The exception Python's socket raises for the same failure.
fn raised(stop: Stop) -> PyErr {
    match stop {
        Stop::Failed(error) => os_error(error, None, None),
        Stop::TimedOut | Stop::Interrupted { .. } => PyTimeoutError::new_err("timed out"),
    }
}

/// The descriptor and timeout of an exact `socket.socket`; `None` for
/// anything else, whose own methods must be called.
fn plain(sock: &Bound<'_, PyAny>) -> PyResult<Option<Plain>> {
    let Some(descriptor) = descriptor(sock)? else {
        return Ok(None);
    };
    Ok(Some(Plain {
        descriptor,
        wait: wait(sock)?,
    }))
}

/// The descriptor of an exact `socket.socket`; `None` for anything else.
fn descriptor(sock: &Bound<'_, PyAny>) -> PyResult<Option<RawFd>> {
    let py = sock.py();
    static SOCKET_CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let class = SOCKET_CLASS.get_or_try_init(py, || {
        py.import(intern!(py, "socket"))?
            .getattr(intern!(py, "socket"))?
            .cast_into::<PyType>()
            .map(Bound::unbind)
            .map_err(PyErr::from)
    })?;
    if !sock.get_type().is(class.bind(py)) {
        return Ok(None);
    }
    // A closed socket answers -1, which the write then reports as EBADF,
    // the error Python's own `sendall` raises there.
    let descriptor = sock
        .call_method0(intern!(py, "fileno"))?
        .extract::<RawFd>()?;
    Ok(Some(descriptor))
}

/// How the socket's writes wait, from its `gettimeout()`.
fn wait(sock: &Bound<'_, PyAny>) -> PyResult<Wait> {
    let timeout = sock.call_method0(intern!(sock.py(), "gettimeout"))?;
    if timeout.is_none() {
        return Ok(Wait::Forever);
    }
    let seconds = timeout.extract::<f64>()?;
    Ok(if seconds <= 0.0 {
        Wait::Never
    } else {
        match Duration::try_from_secs_f64(seconds) {
            Ok(timeout) => Wait::Within(timeout),
            Err(_) => Wait::Forever,
        }
    })
}

/// Where a datagram goes, as the C library takes it.
struct Target {
    storage: libc::sockaddr_storage,
    length: libc::socklen_t,
}

/// The native form of `address` for this socket's family, when it is one
/// that needs no name lookup; `None` leaves it to Python (which resolves a
/// host name, or raises its own error for an address that does not fit).
fn socket_address(sock: &Bound<'_, PyAny>, address: &Bound<'_, PyAny>) -> PyResult<Option<Target>> {
    let py = sock.py();
    let family = sock.getattr(intern!(py, "family"))?.extract::<i32>()?;
    // SAFETY: an all-zero sockaddr_storage is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    if family == libc::AF_INET {
        let Ok(pair) = address.cast_exact::<PyTuple>() else {
            return Ok(None);
        };
        if pair.len() != 2 {
            return Ok(None);
        }
        let (host, port) = (pair.get_item(0)?, pair.get_item(1)?);
        let Ok(host) = host.cast_exact::<PyString>() else {
            return Ok(None);
        };
        let (Ok(host), Ok(port)) = (host.to_str()?.parse::<Ipv4Addr>(), port.extract::<u16>())
        else {
            return Ok(None);
        };
        // SAFETY: sockaddr_storage is large enough and aligned for any
        // address type.
        let inet = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in) };
        inet.sin_family = libc::AF_INET as libc::sa_family_t;
        inet.sin_port = port.to_be();
        inet.sin_addr.s_addr = u32::from(host).to_be();
        return Ok(Some(Target {
            storage,
            length: std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        }));
    }
    if family == libc::AF_UNIX {
        let Ok(path) = address.cast_exact::<PyString>() else {
            return Ok(None);
        };
        let Ok(path) = path.to_str() else {
            return Ok(None);
        };
        let path = path.as_bytes();
        // SAFETY: as above.
        let unix = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_un) };
        // An empty, abstract (NUL-led) or over-long path: Python's rules.
        if path.is_empty() || path[0] == 0 || path.len() >= unix.sun_path.len() {
            return Ok(None);
        }
        unix.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (slot, byte) in unix.sun_path.iter_mut().zip(path) {
            *slot = *byte as libc::c_char;
        }
        let offset = std::mem::offset_of!(libc::sockaddr_un, sun_path);
        return Ok(Some(Target {
            storage,
            length: (offset + path.len()) as libc::socklen_t,
        }));
    }
    Ok(None)
}

/// Writes all of `data` (one datagram when `target` is given); `None` once
/// it is out.
fn write_all(
    descriptor: RawFd,
    wait: &mut Wait,
    data: &[u8],
    target: Option<&Target>,
) -> Option<Stop> {
    let mut sent = 0;
    loop {
        if sent == data.len() && (sent > 0 || target.is_none()) {
            return None;
        }
        let remaining = &data[sent..];
        // SAFETY: the buffer and the address outlive the call. MSG_NOSIGNAL:
        // a closed peer is reported as EPIPE, as under Python (which ignores
        // SIGPIPE), whatever the process did with that signal.
        let written = unsafe {
            match target {
                None => libc::send(
                    descriptor,
                    remaining.as_ptr().cast(),
                    remaining.len(),
                    libc::MSG_NOSIGNAL,
                ),
                Some(target) => libc::sendto(
                    descriptor,
                    remaining.as_ptr().cast(),
                    remaining.len(),
                    libc::MSG_NOSIGNAL,
                    &target.storage as *const _ as *const libc::sockaddr,
                    target.length,
                ),
            }
        };
        if written >= 0 {
            if target.is_some() {
                return None;
            }
            sent += written as usize;
            continue;
        }
        let error = std::io::Error::last_os_error();
        match error.raw_os_error() {
            Some(libc::EINTR) => return Some(Stop::Interrupted { sent }),
            Some(code) if code == libc::EAGAIN || code == libc::EWOULDBLOCK => {
                let deadline = match *wait {
                    Wait::Forever | Wait::Never => return Some(Stop::Failed(error)),
                    Wait::Until(deadline) => deadline,
                    Wait::Within(timeout) => {
                        // A timeout of centuries waits as long as one of a
                        // century: the clock cannot be added past that.
                        let deadline = Instant::now() + timeout.min(CENTURY);
                        *wait = Wait::Until(deadline);
                        deadline
                    }
                };
                if let Some(stop) = wait_writable(descriptor, deadline) {
                    return Some(match stop {
                        Stop::Interrupted { .. } => Stop::Interrupted { sent },
                        other => other,
                    });
                }
            }
            _ => return Some(Stop::Failed(error)),
        }
    }
}

/// Waits until the socket can take more, or the deadline passes.
fn wait_writable(descriptor: RawFd, deadline: Instant) -> Option<Stop> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Some(Stop::TimedOut);
    }
    let mut poll = libc::pollfd {
        fd: descriptor,
        events: libc::POLLOUT,
        revents: 0,
    };
    // Rounded up, so a wait never ends just before its deadline.
    let milliseconds = left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
    // SAFETY: one valid pollfd.
    let ready = unsafe { libc::poll(&mut poll, 1, milliseconds) };
    if ready > 0 {
        // Ready, or an error the next write will report.
        return None;
    }
    if ready == 0 {
        return Some(Stop::TimedOut);
    }
    let error = std::io::Error::last_os_error();
    if error.raw_os_error() == Some(libc::EINTR) {
        return Some(Stop::Interrupted { sent: 0 });
    }
    Some(Stop::Failed(error))
}
