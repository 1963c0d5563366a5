//! The `OSError`s that Python's own file functions raise.
//!
//! `open()`, `os.rename()` and a file's `write()` report a failed system call
//! as `OSError(errno, strerror, filename, None, filename2)`, which Python
//! turns into the subclass for the errno (`FileNotFoundError`, ...) and
//! prints as `[Errno 2] No such file or directory: 'app.log'`. Every native
//! file operation reports its errors the same way.

use std::io;

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

/// The error for `error`, naming `filename` (and `filename2`, for a rename)
/// when given, as Python passed them.
pub fn os_error(
    error: io::Error,
    filename: Option<Py<PyAny>>,
    filename2: Option<Py<PyAny>>,
) -> PyErr {
    let Some(code) = error.raw_os_error() else {
        return error.into();
    };
    let arguments = (code, strerror(code), filename, None::<i32>, filename2);
    // Made at once, so that the error is the errno's subclass before anything
    // looks at its type.
    Python::attach(|py| match py.get_type::<PyOSError>().call1(arguments) {
        Ok(instance) => PyErr::from_value(instance),
        Err(error) => error,
    })
}

/// `os_error` for paths held as Rust strings.
pub fn path_error(error: io::Error, path: &str, other_path: Option<&str>) -> PyErr {
    Python::attach(|py| {
        let name = |path: &str| path.into_pyobject(py).map(|name| name.into_any().unbind());
        os_error(
            error,
            name(path).ok(),
            other_path.and_then(|path| name(path).ok()),
        )
    })
}

/// The C library's message for an errno, as `os.strerror` gives it.
pub fn strerror(code: i32) -> String {
    // SAFETY: strerror returns a pointer to a static (or thread-local)
    // NUL-terminated message, copied at once.
    unsafe { std::ffi::CStr::from_ptr(libc::strerror(code)) }
        .to_string_lossy()
        .into_owned()
}
