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

use std::collections::HashSet;
use std::sync::OnceLock;

use pyo3::exceptions::{
    PyAttributeError, PyBaseException, PyImportError, PyNameError, PySyntaxError,
};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyInt, PyList, PyString, PyTuple, PyType};

use femtologging_core::traceback::{
    exception_line, file_line, note_lines, plain_source_line, python_rstrip, qualified_type_name,
    render_stack, render_tree, syntax_error_lines, CaretBounds, ExceptionNode, ExceptionText,
    FrameText, Link, SyntaxErrorFields,
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

static EXCEPTION_GROUP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
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
    let mut text = exception_tree_text(py, value, traceback).ok()?;
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

/// The exception and everything printed with it (causes, contexts, group
/// members), built in the order `traceback.TracebackException` builds its
/// tree: an exception is marked seen when it is reached, and a cause or
/// context already seen is not followed again, while a group's members are
/// always listed. Each node is read (frames, source, `str()`) as it is made,
/// as `traceback` reads it.
fn exception_tree_text(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    traceback: &Bound<'_, PyAny>,
) -> Native<String> {
    let limit = traceback_limit(py)?;
    EXCEPTION_PATH.check(&traceback_module(py)?)?;
    let mut tree = Tree {
        py,
        limit,
        version: Version::running(py),
        lines: LineCache::open(py)?,
        seen: HashSet::new(),
        nodes: Vec::new(),
    };
    let root = tree.node(value, traceback)?;
    let mut pending = vec![(root, value.clone())];
    while let Some((index, exception)) = pending.pop() {
        let cause = exception.getattr(intern!(py, "__cause__"))?;
        let cause = match tree.unseen(cause) {
            Some(cause) => Some((tree.node_of(&cause)?, cause)),
            None => None,
        };
        let context = if cause.is_none()
            && !exception
                .getattr(intern!(py, "__suppress_context__"))?
                .is_truthy()?
        {
            match tree.unseen(exception.getattr(intern!(py, "__context__"))?) {
                Some(context) => Some((tree.node_of(&context)?, context)),
                None => None,
            }
        } else {
            None
        };
        let members = match group_members(py, &exception)? {
            Some(members) => {
                let mut made = Vec::with_capacity(members.len());
                for member in members {
                    made.push((tree.node_of(&member)?, member));
                }
                Some(made)
            }
            None => None,
        };
        let node = &mut tree.nodes[index];
        node.chained = match (&cause, &context) {
            (Some((earlier, _)), _) => Some((*earlier, Link::Cause)),
            (None, Some((earlier, _))) => Some((*earlier, Link::Context)),
            (None, None) => None,
        };
        node.members = members
            .as_ref()
            .map(|members| members.iter().map(|(at, _)| *at).collect());
        pending.extend(cause);
        pending.extend(context);
        pending.extend(members.into_iter().flatten());
    }
    Ok(render_tree(&tree.nodes, root))
}

struct Tree<'py> {
    py: Python<'py>,
    /// `sys.tracebacklimit`: the outermost frames each traceback keeps.
    limit: Option<usize>,
    version: Version,
    lines: LineCache<'py>,
    seen: HashSet<usize>,
    nodes: Vec<ExceptionNode>,
}

impl<'py> Tree<'py> {
    /// `linked` unless it is `None` or already in the tree.
    fn unseen(&self, linked: Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
        (!linked.is_none() && !self.seen.contains(&(linked.as_ptr() as usize))).then_some(linked)
    }

    /// A node for an exception reached through a link or a group.
    fn node_of(&mut self, exception: &Bound<'py, PyAny>) -> Native<usize> {
        let traceback = exception.getattr(intern!(self.py, "__traceback__"))?;
        self.node(exception, &traceback)
    }

    fn node(
        &mut self,
        exception: &Bound<'py, PyAny>,
        traceback: &Bound<'py, PyAny>,
    ) -> Native<usize> {
        check_supported(exception)?;
        self.seen.insert(exception.as_ptr() as usize);
        let text = exception_text(
            self.py,
            exception,
            traceback,
            self.limit,
            &self.lines,
            self.version,
        )?;
        self.nodes.push(ExceptionNode {
            text,
            chained: None,
            members: None,
        });
        Ok(self.nodes.len() - 1)
    }
}

/// The members of an exception group (its `exceptions`), `None` for any
/// other exception.
fn group_members<'py>(
    py: Python<'py>,
    exception: &Bound<'py, PyAny>,
) -> Native<Option<Vec<Bound<'py, PyAny>>>> {
    let group = EXCEPTION_GROUP.get_or_try_init(py, || {
        py.import(intern!(py, "builtins"))?
            .getattr(intern!(py, "BaseExceptionGroup"))
            .map(Bound::unbind)
    })?;
    if !exception.is_instance(group.bind(py))? {
        return Ok(None);
    }
    let members = exception.getattr(intern!(py, "exceptions"))?;
    let members = members.cast_exact::<PyTuple>().map_err(|_| Fallback)?;
    Ok(Some(members.iter().collect()))
}

/// Exceptions whose layout or message `traceback` makes in ways not
/// reproduced here.
fn check_supported(value: &Bound<'_, PyAny>) -> Native<()> {
    if !value.is_instance_of::<PyBaseException>() {
        return Err(Fallback);
    }
    // `traceback` tests the exception's truth before following its links;
    // a false one is left to it.
    if !value.is_truthy()? {
        return Err(Fallback);
    }
    Ok(())
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
    if version.suggestions && may_suggest(value) {
        let summary = suggested_summary(py, value, traceback)?;
        return Ok(ExceptionText { frames, summary });
    }
    let type_name = type_name(py, &value.get_type())?;
    let mut summary = if value.is_instance_of::<PySyntaxError>() {
        syntax_error_lines(
            &type_name,
            &syntax_error_fields(py, value)?,
            version.syntax_carets,
        )
    } else {
        exception_line(&type_name, &message(value)?)
    };
    notes(value, &mut summary)?;
    Ok(ExceptionText { frames, summary })
}

fn type_name(py: Python<'_>, exception_type: &Bound<'_, PyType>) -> Native<String> {
    let qualname = exception_type.getattr(intern!(py, "__qualname__"))?;
    let qualname = qualname.cast_exact::<PyString>().map_err(|_| Fallback)?;
    let module = exception_type.getattr(intern!(py, "__module__"))?;
    let module = if let Ok(module) = module.cast_exact::<PyString>() {
        Some(module.to_str()?.to_owned())
    } else if module.is_instance_of::<PyString>() {
        // A `str` subclass may compare and concatenate in its own way.
        return Err(Fallback);
    } else {
        None
    };
    Ok(qualified_type_name(qualname.to_str()?, module.as_deref()))
}

/// The exceptions to which 3.12 and later add "Did you mean" (or "Did you
/// forget to import") to the message.
fn may_suggest(value: &Bound<'_, PyAny>) -> bool {
    value.is_instance_of::<PyNameError>()
        || value.is_instance_of::<PyAttributeError>()
        || value.is_instance_of::<PyImportError>()
}

/// The exception line with its suggestion, and the notes, as the running
/// Python's `TracebackException.format_exception_only` gives them: the
/// suggestion searches names the way each version does (a `NameError`'s
/// in the innermost frame of `traceback`). Built without reading source
/// lines (`lookup_lines=False`); the frames are made natively.
fn suggested_summary(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    traceback: &Bound<'_, PyAny>,
) -> Native<String> {
    let keywords = PyDict::new(py);
    keywords.set_item(intern!(py, "lookup_lines"), false)?;
    keywords.set_item(intern!(py, "compact"), true)?;
    let exception = traceback_module(py)?
        .getattr(intern!(py, "TracebackException"))?
        .call((value.get_type(), value, traceback), Some(&keywords))?;
    let mut summary = String::new();
    for line in exception
        .call_method0(intern!(py, "format_exception_only"))?
        .try_iter()?
    {
        let line = line?;
        let line = line.cast_exact::<PyString>().map_err(|_| Fallback)?;
        summary.push_str(line.to_str()?);
    }
    Ok(summary)
}

/// What a `SyntaxError`'s lines are made of; an attribute of another type
/// than `str`/`int` or `None` is left to `traceback`, which prints it
/// through `str()` or compares it in its own way.
fn syntax_error_fields(py: Python<'_>, value: &Bound<'_, PyAny>) -> Native<SyntaxErrorFields> {
    let text = |name: &Bound<'_, PyString>| -> Native<Option<String>> {
        let attribute = value.getattr(name)?;
        if attribute.is_none() {
            return Ok(None);
        }
        let attribute = attribute.cast_exact::<PyString>().map_err(|_| Fallback)?;
        Ok(Some(attribute.to_str()?.to_owned()))
    };
    let number = |name: &Bound<'_, PyString>| -> Native<Option<i64>> {
        let attribute = value.getattr(name)?;
        if attribute.is_none() {
            return Ok(None);
        }
        let attribute = attribute.cast_exact::<PyInt>().map_err(|_| Fallback)?;
        Ok(Some(attribute.extract::<i64>()?))
    };
    Ok(SyntaxErrorFields {
        filename: text(intern!(py, "filename"))?,
        lineno: number(intern!(py, "lineno"))?,
        end_lineno: number(intern!(py, "end_lineno"))?,
        offset: number(intern!(py, "offset"))?,
        end_offset: number(intern!(py, "end_offset"))?,
        text: text(intern!(py, "text"))?,
        msg: text(intern!(py, "msg"))?,
    })
}

/// `str(value)`, or what `traceback` prints when that raises.
fn message(value: &Bound<'_, PyAny>) -> Native<String> {
    safe_str(value, "<exception str() failed>")
}

fn safe_str(value: &Bound<'_, PyAny>, failed: &str) -> Native<String> {
    match value.str() {
        Ok(text) if text.is_exact_instance_of::<PyString>() => Ok(text.to_str()?.to_owned()),
        Ok(_) => Err(Fallback),
        Err(_) => Ok(failed.to_owned()),
    }
}

/// `__notes__` as printed: each note's lines, for a list or tuple of notes.
fn notes(value: &Bound<'_, PyAny>, out: &mut String) -> Native<()> {
    let Some(notes) = attributes::notes(value)? else {
        return Ok(());
    };
    if notes.is_none() {
        return Ok(());
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = notes.cast_exact::<PyList>() {
        list.iter().collect()
    } else if let Ok(tuple) = notes.cast_exact::<PyTuple>() {
        tuple.iter().collect()
    } else {
        return Err(Fallback);
    };
    for note in items {
        let note = if let Ok(text) = note.cast_exact::<PyString>() {
            text.to_str()?.to_owned()
        } else if note.is_instance_of::<PyString>() {
            return Err(Fallback);
        } else {
            safe_str(&note, "<note str() failed>")?
        };
        note_lines(out, &note);
    }
    Ok(())
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
    let mut filenames: Vec<&str> = Vec::new();
    for frame in &frames {
        lines.lazycache(&frame.filename, &frame.frame)?;
        if !filenames.contains(&frame.filename.as_str()) {
            filenames.push(&frame.filename);
        }
    }
    for filename in filenames {
        lines.checkcache(filename)?;
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
            joined.push_str(python_rstrip(&lines.getline(&frame.filename, lineno)?));
            joined.push('\n');
        }
        joined
    } else {
        lines.getline(&frame.filename, frame.lineno)?
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
