//! Caller information: which file, line and function a logging call came from.
//!
//! The standard library walks `f_back` from its own `_log` frame, skipping
//! frames of the logging package itself and of importlib's bootstrap, and
//! counts `stacklevel` non-internal frames. Our logging methods are native, so
//! the walk starts at the innermost Python frame; the frames of our own Python
//! modules (the adapter, the cold paths) count as internal, as the standard
//! library's own file does.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use femtologging_core::origin::SITES;
use femtologging_core::record::{CallSite, SiteRef};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

use crate::gil::GilCell;

struct CodeInfo {
    // Held so the code object outlives its cache entry and its address is
    // never reused by another code object while cached.
    _code: Py<PyAny>,
    site: SiteRef,
    internal: bool,
    /// Line numbers already looked up, by instruction offset: a call site
    /// logs from a handful of offsets, and mapping an offset to its line
    /// walks the code's whole line table.
    lines: Vec<(i32, u32)>,
}

/// Offsets remembered per code object; a function with more logging calls
/// than this looks the rest up each time.
const LINES_PER_CODE: usize = 64;

/// Hashes an object's address. The keys are addresses of live objects the
/// cache holds, so nobody can choose them to collide, and SipHash's
/// protection costs more than the rest of a lookup on every logging call.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_usize(&mut self, address: usize) {
        // Objects are 16-byte aligned: the low bits carry nothing. The
        // multiplication spreads the rest into the high bits, which the
        // table's probe reads first; the rotation brings them down too.
        let mixed = (address as u64 >> 4).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = mixed ^ mixed.rotate_left(32);
    }
}

type CodeCache = HashMap<usize, CodeInfo, BuildHasherDefault<AddressHasher>>;

static CODE_CACHE: GilCell<Option<CodeCache>> = GilCell::new(None);
static INTERNAL_FILES: GilCell<Vec<String>> = GilCell::new(Vec::new());
const CODE_CACHE_LIMIT: usize = 8192;

/// Declares the files whose frames are skipped (the package's own modules).
pub fn set_internal_files(py: Python<'_>, files: Vec<String>) {
    drop(INTERNAL_FILES.replace(py, files));
    drop(CODE_CACHE.replace(py, None));
}

/// The result of the walk: the call site, its line, and the frame itself
/// when `stack_info` asked for it.
pub struct Caller<'py> {
    pub site: SiteRef,
    pub line: u32,
    pub frame: Option<Bound<'py, PyAny>>,
}

impl Caller<'_> {
    /// `("(unknown file)", 0, "(unknown function)", None)`.
    pub fn unknown() -> Self {
        Caller {
            site: SiteRef::counted(CallSite::unknown()),
            line: 0,
            frame: None,
        }
    }
}

/// `stacklevel` as the walk counts it down. The standard loop is `while
/// stacklevel > 0: ... stacklevel -= 1`, with whatever the caller passed:
/// an integer is counted here (held in an i64, past which no stack is
/// deep), anything else (a float, an `int` subclass, any object) is
/// compared and decremented by Python, with Python's answers and errors.
pub enum Stacklevel<'py> {
    Count(i64),
    Object(Bound<'py, PyAny>),
}

impl<'py> Stacklevel<'py> {
    pub fn from_object(value: Bound<'py, PyAny>) -> Stacklevel<'py> {
        if value.is_exact_instance_of::<PyInt>() || value.is_exact_instance_of::<PyBool>() {
            return Stacklevel::Count(match value.extract::<i64>() {
                Ok(count) => count,
                // Beyond an i64 only the sign matters.
                Err(_) if value.gt(0).unwrap_or(false) => i64::MAX,
                Err(_) => i64::MIN,
            });
        }
        Stacklevel::Object(value)
    }
}

/// The loop's `stacklevel > 0` and `stacklevel -= 1`, for a count and for
/// any Python object. The walk is compiled for each: counting costs no more
/// than plain arithmetic.
trait Countdown {
    fn positive(&self) -> PyResult<bool>;
    fn count_down(&mut self) -> PyResult<()>;
}

impl Countdown for i64 {
    #[inline(always)]
    fn positive(&self) -> PyResult<bool> {
        Ok(*self > 0)
    }

    #[inline(always)]
    fn count_down(&mut self) -> PyResult<()> {
        *self -= 1;
        Ok(())
    }
}

impl Countdown for Bound<'_, PyAny> {
    fn positive(&self) -> PyResult<bool> {
        self.gt(0)
    }

    fn count_down(&mut self) -> PyResult<()> {
        *self = decremented(self)?;
        Ok(())
    }
}

/// `value -= 1`.
#[inline(never)]
fn decremented<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    let one = PyInt::new(py, 1);
    // SAFETY: both are live objects; the call returns a new reference or
    // null with an exception set.
    unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            ffi::PyNumber_InPlaceSubtract(value.as_ptr(), one.as_ptr()),
        )
    }
}

/// Finds the caller `stacklevel` non-internal frames up, as `findCaller` does,
/// keeping the frame if `stack_info` (not given: false), asked after the
/// walk, is true.
pub fn find_caller<'py>(
    py: Python<'py>,
    stacklevel: Stacklevel<'py>,
    stack_info: Option<&Bound<'py, PyAny>>,
) -> PyResult<Caller<'py>> {
    // SAFETY: with the GIL held, PyEval_GetFrame returns a borrowed reference
    // to the current frame (or null).
    let first = unsafe {
        let raw = ffi::PyEval_GetFrame();
        if raw.is_null() {
            return Ok(Caller::unknown());
        }
        Bound::from_borrowed_ptr(py, raw.cast())
    };
    let (frame, info) = match stacklevel {
        Stacklevel::Count(count) => walk(py, first, count)?,
        Stacklevel::Object(value) => walk_counting_in_python(py, first, value)?,
    };
    let line = match info.line {
        Some(line) => line,
        None => line_number(py, &frame, &info),
    };
    let keep_frame = match stack_info {
        Some(stack_info) => stack_info.is_truthy()?,
        None => false,
    };
    Ok(Caller {
        site: info.site,
        line,
        frame: keep_frame.then_some(frame),
    })
}

#[inline(never)]
fn walk_counting_in_python<'py>(
    py: Python<'py>,
    first: Bound<'py, PyAny>,
    stacklevel: Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, FrameInfo)> {
    walk(py, first, stacklevel)
}

/// The standard loop: while stacklevel > 0, step to f_back (stopping at the
/// outermost frame) and count the step if the new frame is not internal.
/// Our starting point is one step below the innermost frame, so the first
/// step lands on it.
fn walk<'py>(
    py: Python<'py>,
    first: Bound<'py, PyAny>,
    mut stacklevel: impl Countdown,
) -> PyResult<(Bound<'py, PyAny>, FrameInfo)> {
    let mut current = first;
    let mut info = code_info(py, &current)?;
    if stacklevel.positive()? {
        if !info.internal {
            stacklevel.count_down()?;
        }
        while stacklevel.positive()? {
            // SAFETY: `current` is a live frame object; a null result means
            // the outermost frame.
            let back = unsafe { ffi::PyFrame_GetBack(current.as_ptr().cast()) };
            if back.is_null() {
                break;
            }
            // SAFETY: PyFrame_GetBack returned a new, non-null reference.
            current = unsafe { Bound::from_owned_ptr(py, back.cast()) };
            info = code_info(py, &current)?;
            if !info.internal {
                stacklevel.count_down()?;
            }
        }
    }
    Ok((current, info))
}

/// What the cache knows of a frame: its code's call site, whether the
/// frame is internal, and its line when the instruction it is at was seen
/// before (found in the same lookup: the caller's frame is nearly always
/// the first one looked at).
struct FrameInfo {
    site: SiteRef,
    internal: bool,
    line: Option<u32>,
    code_key: usize,
    offset: i32,
}

fn code_info(py: Python<'_>, frame: &Bound<'_, PyAny>) -> PyResult<FrameInfo> {
    // SAFETY: `frame` is a live frame object; PyFrame_GetCode returns a new
    // reference to its code object.
    let code: Bound<'_, PyAny> =
        unsafe { Bound::from_owned_ptr(py, ffi::PyFrame_GetCode(frame.as_ptr().cast()).cast()) };
    // SAFETY: as above.
    let offset = unsafe { ffi::PyFrame_GetLasti(frame.as_ptr().cast()) };
    let code_key = code.as_ptr() as usize;
    let cached = CODE_CACHE.with(py, |cache| {
        cache
            .as_ref()
            .and_then(|cache| cache.get(&code_key))
            .map(|info| FrameInfo {
                site: info.site.clone(),
                internal: info.internal,
                line: info
                    .lines
                    .iter()
                    .find(|(known, _)| *known == offset)
                    .map(|(_, line)| *line),
                code_key,
                offset,
            })
    });
    if let Some(found) = cached {
        return Ok(found);
    }
    let filename = code.getattr(intern!(py, "co_filename"))?;
    let filename = filename.cast::<PyString>()?.to_string_lossy().into_owned();
    let function = code.getattr(intern!(py, "co_name"))?;
    let function = function.cast::<PyString>()?.to_string_lossy().into_owned();
    let internal = is_internal(py, &filename);
    // Kept for good (while the budget lasts): a record's site is then
    // copied without a reference count.
    let site = SiteRef::keep(CallSite::from_path(&filename, &function), &SITES);
    CODE_CACHE.with(py, |cache| {
        let cache = cache.get_or_insert_with(CodeCache::default);
        if cache.len() >= CODE_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(
            code_key,
            CodeInfo {
                _code: code.clone().unbind(),
                site: site.clone(),
                internal,
                lines: Vec::new(),
            },
        );
    });
    Ok(FrameInfo {
        site,
        internal,
        line: None,
        code_key,
        offset,
    })
}

/// `frame.f_lineno` for an instruction the cache has not seen, remembered
/// in the entry of the frame's code (which `code_info` has just filled).
fn line_number(py: Python<'_>, frame: &Bound<'_, PyAny>, info: &FrameInfo) -> u32 {
    // SAFETY: `frame` is a live frame object.
    let line = unsafe { ffi::PyFrame_GetLineNumber(frame.as_ptr().cast()) }.max(0) as u32;
    CODE_CACHE.with(py, |cache| {
        if let Some(entry) = cache
            .as_mut()
            .and_then(|cache| cache.get_mut(&info.code_key))
        {
            if entry.lines.len() < LINES_PER_CODE {
                entry.lines.push((info.offset, line));
            }
        }
    });
    line
}

fn is_internal(py: Python<'_>, filename: &str) -> bool {
    (filename.contains("importlib") && filename.contains("_bootstrap"))
        || INTERNAL_FILES.with(py, |files| files.iter().any(|file| file == filename))
}
