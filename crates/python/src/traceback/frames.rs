//! The frames of a traceback object, with the positions the interpreter
//! recorded for each failing instruction (what `co_positions()` gives, read
//! through `PyCode_Addr2Location`, which agrees with it offset by offset).

use std::os::raw::c_int;

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

use super::{Fallback, Native};

extern "C" {
    // Public C API since 3.11 (`Include/cpython/code.h`); pyo3-ffi does not
    // declare it. Columns and lines it does not know are -1.
    fn PyCode_Addr2Location(
        code: *mut ffi::PyCodeObject,
        byte_offset: c_int,
        start_line: *mut c_int,
        start_column: *mut c_int,
        end_line: *mut c_int,
        end_column: *mut c_int,
    ) -> c_int;
}

/// One traceback entry: where it failed and what it was running.
pub struct RawFrame<'py> {
    pub frame: Bound<'py, PyAny>,
    pub filename: String,
    /// `co_filename` itself, the key `linecache` is read with.
    pub filename_key: Bound<'py, PyString>,
    pub name: String,
    pub lineno: i64,
    pub end_lineno: Option<i64>,
    pub colno: Option<i64>,
    pub end_colno: Option<i64>,
}

fn known(value: c_int) -> Option<i64> {
    (value >= 0).then_some(i64::from(value))
}

fn exact_text(value: &Bound<'_, PyAny>) -> Native<String> {
    let text = value.cast_exact::<PyString>().map_err(|_| Fallback)?;
    Ok(text.to_str()?.to_owned())
}

/// A code object's `co_filename`, as text and as the string itself.
fn filename<'py>(code: &Bound<'py, PyAny>) -> Native<(String, Bound<'py, PyString>)> {
    let key = code
        .getattr(intern!(code.py(), "co_filename"))?
        .cast_into_exact::<PyString>()
        .map_err(|_| Fallback)?;
    Ok((key.to_str()?.to_owned(), key))
}

/// The entries of `traceback`, outermost first, the first `limit` of them
/// when there is a limit (`sys.tracebacklimit`); `traceback` is a traceback
/// object or `None`.
pub fn walk<'py>(
    traceback: &Bound<'py, PyAny>,
    limit: Option<usize>,
) -> Native<Vec<RawFrame<'py>>> {
    let py = traceback.py();
    let mut frames = Vec::new();
    let mut entry = traceback.clone();
    while !entry.is_none() && limit.is_none_or(|limit| frames.len() < limit) {
        // SAFETY: the GIL is held and `entry` is a live object.
        if unsafe { ffi::PyTraceBack_Check(entry.as_ptr()) } == 0 {
            return Err(Fallback);
        }
        let raw = entry.as_ptr().cast::<ffi::PyTracebackObject>();
        // SAFETY: `entry` is a traceback object, so the struct layout
        // applies; its frame is a strong reference the traceback holds.
        let (frame, lasti, next) = unsafe {
            (
                Bound::from_borrowed_ptr(py, (*raw).tb_frame.cast::<ffi::PyObject>()),
                (*raw).tb_lasti,
                (*raw).tb_next.cast::<ffi::PyObject>(),
            )
        };
        // SAFETY: `frame` is a frame object; the code object comes back as
        // a new reference, owned by the `Bound`.
        let code = unsafe {
            Bound::from_owned_ptr(
                py,
                ffi::PyFrame_GetCode(frame.as_ptr().cast::<ffi::PyFrameObject>()).cast(),
            )
        };
        let (mut start_line, mut start_column, mut end_line, mut end_column) = (-1, -1, -1, -1);
        if lasti >= 0 {
            // SAFETY: `code` is the frame's code object and `lasti` an
            // offset into it that the interpreter recorded.
            unsafe {
                PyCode_Addr2Location(
                    code.as_ptr().cast(),
                    lasti,
                    &mut start_line,
                    &mut start_column,
                    &mut end_line,
                    &mut end_column,
                );
            }
        }
        let lineno = match known(start_line) {
            Some(line) => line,
            // `traceback` falls back on `tb_lineno` when the position has no
            // line; a frame with no line at all is left to it.
            None => {
                let line = entry.getattr(intern!(py, "tb_lineno"))?;
                if line.is_none() {
                    return Err(Fallback);
                }
                line.extract::<i64>()?
            }
        };
        let (filename, filename_key) = filename(&code)?;
        frames.push(RawFrame {
            filename,
            filename_key,
            name: exact_text(&code.getattr(intern!(py, "co_name"))?)?,
            frame,
            lineno,
            end_lineno: known(end_line),
            colno: known(start_column),
            end_colno: known(end_column),
        });
        // SAFETY: `tb_next` is a strong reference held by `entry` (a
        // traceback or null, never dangling while `entry` lives).
        entry = if next.is_null() {
            py.None().into_bound(py)
        } else {
            unsafe { Bound::from_borrowed_ptr(py, next) }
        };
    }
    Ok(frames)
}

/// The frames from `frame` out to the outermost, outermost first, as
/// `traceback.extract_stack` lists them: each at its current line, with
/// no column positions.
pub fn walk_stack<'py>(frame: &Bound<'py, PyAny>) -> Native<Vec<RawFrame<'py>>> {
    let py = frame.py();
    let mut frames = Vec::new();
    let mut current = Some(frame.clone());
    while let Some(frame) = current {
        // SAFETY: the GIL is held and `frame` is a live object.
        if unsafe { ffi::PyFrame_Check(frame.as_ptr()) } == 0 {
            return Err(Fallback);
        }
        let raw = frame.as_ptr().cast::<ffi::PyFrameObject>();
        // SAFETY: `frame` is a frame object; the code object and the
        // calling frame come back as new references (the latter possibly
        // null), owned by the `Bound`s.
        let (line, code, back) = unsafe {
            let back = ffi::PyFrame_GetBack(raw);
            (
                ffi::PyFrame_GetLineNumber(raw),
                Bound::from_owned_ptr(py, ffi::PyFrame_GetCode(raw).cast()),
                (!back.is_null()).then(|| Bound::from_owned_ptr(py, back.cast())),
            )
        };
        // `f_lineno` is None for a negative line; left to `traceback`.
        let lineno = known(line).ok_or(Fallback)?;
        let (filename, filename_key) = filename(&code)?;
        frames.push(RawFrame {
            filename,
            filename_key,
            name: exact_text(&code.getattr(intern!(py, "co_name"))?)?,
            frame,
            lineno,
            end_lineno: None,
            colno: None,
            end_colno: None,
        });
        current = back;
    }
    frames.reverse();
    Ok(frames)
}
