//! Tracebacks formatted natively: the text `traceback.print_exception`
//! writes for an exception, made here without building `traceback`'s
//! objects.
//!
//! The "Did you mean" suggestions 3.12 and later add are the one part
//! asked of `traceback` itself (`TracebackException.format_exception_only`).
//!
//! `format_exception_text` returns `None` for what it does not render
//! itself (`sys.tracebacklimit`, a replaced `traceback` or `linecache`
//! function, notes that are not a list or tuple, anything of an unexpected
//! type); the caller then
//! uses `traceback`, so the text is always the running Python's.

mod attributes;
mod carets;
mod frames;
mod originals;
mod source;
mod summary;
mod tree;

use std::sync::OnceLock;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyInt;

use femtologging_core::traceback::{
    file_line, plain_source_line, python_rstrip, render_stack, CaretBounds, ExceptionText,
    FrameText,
};

use carets::SiteKey;
use frames::RawFrame;
use originals::Originals;
use source::LineCache;

/// Not rendered natively: `traceback` makes this text instead.
pub struct Fallback;

impl From<PyErr> for Fallback {
    fn from(_: PyErr) -> Self {
        Fallback
    }
}

type Native<T> = Result<T, Fallback>;

/// `sys` as `traceback` holds it, imported once.
static SYS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// What differs between the Python versions in the parts rendered here.
#[derive(Clone, Copy)]
struct Version {
    /// 3.13: frames hold every line of the instruction and indent their
    /// source with `textwrap`; `<stdin>-N` files print as `<stdin>`.
    multiline_frames: bool,
    /// 3.12 and later add "Did you mean" suggestions to some exceptions.
    suggestions: bool,
    /// How a `SyntaxError`'s caret span is bounded (3.13 cuts it to the text).
    syntax_carets: CaretBounds,
}

impl Version {
    fn running(py: Python<'_>) -> Version {
        static RUNNING: OnceLock<Version> = OnceLock::new();
        *RUNNING.get_or_init(|| {
            let version = py.version_info();
            Version {
                multiline_frames: version >= (3, 13),
                suggestions: version >= (3, 12),
                syntax_carets: if version >= (3, 13) {
                    CaretBounds::CutToText
                } else {
                    CaretBounds::AsGiven
                },
            }
        })
    }
}

/// `traceback.print_exception(type(value), value, traceback)` as text
/// without its final newline (what `Formatter.formatException` returns), or
/// `None` where `traceback` must make it.
#[pyfunction]
pub fn format_exception_text(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    traceback: &Bound<'_, PyAny>,
) -> Option<String> {
    let mut text = tree::exception_tree_text(py, value, traceback).ok()?;
    if text.ends_with('\n') {
        text.pop();
    }
    Some(text)
}

/// `traceback.print_stack(frame)` as text, or `None` where `traceback`
/// must make it (`stack_info=True`).
#[pyfunction]
pub fn format_stack_text(py: Python<'_>, frame: &Bound<'_, PyAny>) -> Option<String> {
    let attempt = || -> Native<String> {
        let limit = traceback_limit(py)?;
        STACK_PATH.check(&traceback_module(py)?)?;
        let lines = LineCache::open(py)?;
        let mut frames = frames::walk_stack(frame)?;
        if let Some(limit) = limit {
            // The innermost frames are kept; they are the last here.
            frames.drain(..frames.len().saturating_sub(limit));
        }
        let frames = stack_text(py, frames, &lines, Version::running(py))?;
        let mut text = String::new();
        render_stack(&mut text, &frames);
        Ok(text)
    };
    attempt().ok()
}

/// What `traceback.print_exception` goes through; one of them replaced
/// (by a debugger, say) changes what it prints, so the text is left to it.
static EXCEPTION_PATH: Originals = Originals::new(&[
    "print_exception",
    "TracebackException",
    "TracebackException.format",
    "TracebackException.format_exception_only",
    "StackSummary",
    "StackSummary.format",
    "StackSummary.format_frame_summary",
    "FrameSummary",
]);

/// What `traceback.print_stack` goes through.
static STACK_PATH: Originals = Originals::new(&[
    "print_stack",
    "print_list",
    "extract_stack",
    "walk_stack",
    "StackSummary",
    "StackSummary.format",
    "StackSummary.format_frame_summary",
    "FrameSummary",
]);

/// `traceback` as imported once, as the standard library holds it.
fn traceback_module(py: Python<'_>) -> Native<Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || {
        py.import(intern!(py, "traceback")).map(Bound::unbind)
    })?;
    Ok(module.bind(py).clone())
}

/// `sys.tracebacklimit`: how many frames each stack keeps (a negative
/// limit keeps none), `None` when it is unset or `None`. A value other than
/// an `int` is left to `traceback`. Read from the module's dictionary: a
/// missing attribute asked for through getattr costs an AttributeError,
/// dearer than the rest.
fn traceback_limit(py: Python<'_>) -> Native<Option<usize>> {
    let sys = SYS.get_or_try_init(py, || py.import(intern!(py, "sys")).map(Bound::unbind))?;
    let Some(limit) = sys
        .bind(py)
        .dict()
        .get_item(intern!(py, "tracebacklimit"))?
    else {
        return Ok(None);
    };
    if limit.is_none() {
        return Ok(None);
    }
    let limit = limit.cast_exact::<PyInt>().map_err(|_| Fallback)?;
    let limit = limit.extract::<i64>()?;
    Ok(Some(usize::try_from(limit.max(0)).map_err(|_| Fallback)?))
}

fn exception_text(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    traceback: &Bound<'_, PyAny>,
    limit: Option<usize>,
    lines: &LineCache<'_>,
    version: Version,
) -> Native<ExceptionText> {
    let frames = stack_text(py, frames::walk(traceback, limit)?, lines, version)?;
    let summary = summary::summary(py, value, traceback, version)?;
    Ok(ExceptionText { frames, summary })
}

/// The frames with their source, read through `linecache` in the order
/// `traceback` reads it: every frame seeded, every file checked, then the
/// lines.
fn stack_text(
    py: Python<'_>,
    frames: Vec<RawFrame<'_>>,
    lines: &LineCache<'_>,
    version: Version,
) -> Native<Vec<FrameText>> {
    let mut files: Vec<&RawFrame<'_>> = Vec::new();
    for frame in &frames {
        lines.lazycache(&frame.filename_key, &frame.frame)?;
        if !files.iter().any(|seen| seen.filename == frame.filename) {
            files.push(frame);
        }
    }
    for frame in files {
        lines.checkcache(&frame.filename_key)?;
    }
    frames
        .iter()
        .map(|frame| frame_text(py, frame, lines, version))
        .collect()
}

fn frame_text(
    py: Python<'_>,
    frame: &RawFrame<'_>,
    lines: &LineCache<'_>,
    version: Version,
) -> Native<FrameText> {
    let shown_filename = if version.multiline_frames && frame.filename.starts_with("<stdin>-") {
        "<stdin>"
    } else {
        frame.filename.as_str()
    };
    let header = file_line(shown_filename, frame.lineno, &frame.name);
    let source = if version.multiline_frames {
        // 3.13 reads every line of the instruction, right-stripped.
        let last = frame.end_lineno.unwrap_or(frame.lineno);
        if last < frame.lineno {
            return Err(Fallback);
        }
        let mut joined = String::new();
        for lineno in frame.lineno..=last {
            joined.push_str(python_rstrip(&lines.getline(&frame.filename_key, lineno)?));
            joined.push('\n');
        }
        joined
    } else {
        lines.getline(&frame.filename_key, frame.lineno)?
    };
    let single_line = frame.end_lineno.is_none_or(|end| end == frame.lineno);
    let block = match (frame.colno, frame.end_colno) {
        (Some(colno), Some(end_colno)) => carets::source_block(
            py,
            &header,
            (&frame.filename, frame.lineno, &frame.name),
            frame.end_lineno,
            SiteKey {
                source,
                line_span: frame.end_lineno.map(|end| end - frame.lineno),
                colno,
                end_colno,
            },
        )?,
        _ if single_line || !version.multiline_frames => {
            plain_source_line(&source, version.multiline_frames).ok_or(Fallback)?
        }
        _ => return Err(Fallback),
    };
    Ok(FrameText {
        filename: frame.filename.clone(),
        lineno: frame.lineno,
        name: frame.name.clone(),
        header,
        source: block,
    })
}
