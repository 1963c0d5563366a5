//! The record of one logging call, as the binding holds it while the call runs.
//!
//! A `CallRecord` keeps the Python objects the call was given (`msg`, `args`,
//! `exc_info`, `extra`) beside the Rust data of the core record. Most calls end
//! in native handlers and never need a Python `LogRecord`; when Python code
//! asks for one (a Python filter, handler or formatter), it is built once and
//! from then on it is the record: whatever that code changes is what later
//! handlers see.

use std::cell::{OnceCell, RefCell};
use std::sync::Arc;

use femtologging_core::format::{render_positional, FieldValue, PositionalTemplate};
use femtologging_core::record::SiteRef;
use femtologging_core::time::{record_times, RecordTimes};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::call_args::{CallArgs, GivenArgs};
use crate::compiled_messages;
use crate::levels::{self, Level};
use crate::runtime;

pub struct CallRecord {
    pub logger_name: Py<PyAny>,
    pub level: Level,
    pub level_name: Py<PyAny>,
    pub site: SiteRef,
    /// `pathname` and `funcName` when they are not the site's own strings
    /// (a `findCaller` override returned them); see `pathname()`.
    pathname: Option<Py<PyAny>>,
    function: Option<Py<PyAny>>,
    pub line: u32,
    pub created_ns: i64,
    pub thread_id: u64,
    pub msg: Py<PyAny>,
    pub args: CallArgs,
    pub exc_info: Py<PyAny>,
    pub stack_info: Py<PyAny>,
    pub extra: Option<Py<PyDict>>,
    message: OnceCell<Message>,
    /// `asctime` as the native formatter computed it, kept for the Python
    /// view should one be made later.
    pub asctime: RefCell<Option<String>>,
    pub exc_text: RefCell<Option<Py<PyAny>>>,
    view: OnceCell<Py<PyAny>>,
}

/// Either the native record of a call in progress or a Python `LogRecord`
/// (one built by a factory or `makeRecord` override, or passed in by Python
/// code calling `handler.handle(record)`).
pub enum RecordRef<'a, 'py> {
    Native(&'a CallRecord),
    Python(Bound<'py, PyAny>),
}

pub struct CallerInfo {
    pub site: SiteRef,
    /// `None`: the site's own path and function name, made into Python
    /// strings only if something asks for them.
    pub pathname: Option<Py<PyAny>>,
    pub function: Option<Py<PyAny>>,
    pub line: u32,
}

impl CallerInfo {
    pub fn pathname<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        python_or_site(py, &self.pathname, &self.site.pathname)
    }

    pub fn function<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        python_or_site(py, &self.function, &self.site.function)
    }
}

fn python_or_site<'py>(py: Python<'py>, held: &Option<Py<PyAny>>, site: &str) -> Bound<'py, PyAny> {
    match held {
        Some(held) => held.bind(py).clone(),
        None => PyString::new(py, site).into_any(),
    }
}

impl CallRecord {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        py: Python<'_>,
        logger_name: Py<PyAny>,
        level: Level,
        caller: CallerInfo,
        msg: Py<PyAny>,
        args: GivenArgs<'_, '_>,
        exc_info: Py<PyAny>,
        stack_info: Py<PyAny>,
    ) -> PyResult<CallRecord> {
        Ok(CallRecord {
            logger_name,
            level_name: levels::level_name(py, &level)?.unbind(),
            level,
            site: caller.site,
            pathname: caller.pathname,
            function: caller.function,
            line: caller.line,
            created_ns: runtime::get(py)?.clock_ns(py),
            // SAFETY: a plain C call, valid on any thread.
            thread_id: unsafe { pyo3::ffi::PyThread_get_thread_ident() } as u64,
            msg,
            args: CallArgs::new(args)?,
            exc_info,
            stack_info,
            extra: None,
            message: OnceCell::new(),
            asctime: RefCell::new(None),
            exc_text: RefCell::new(None),
            view: OnceCell::new(),
        })
    }

    /// `record.pathname`.
    pub fn pathname<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        python_or_site(py, &self.pathname, &self.site.pathname)
    }

    /// `record.funcName`.
    pub fn function<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        python_or_site(py, &self.function, &self.site.function)
    }

    /// The `pathname` object a `findCaller` override returned, if any
    /// (`None`: the view makes a new string of the site's path).
    pub fn held_pathname(&self) -> Option<&Py<PyAny>> {
        self.pathname.as_ref()
    }

    /// The `funcName` object a `findCaller` override returned, if any.
    pub fn held_function(&self) -> Option<&Py<PyAny>> {
        self.function.as_ref()
    }

    /// `pathname` and `funcName` as plain text (`site.pathname` and
    /// `site.function`), or `None` when one of them is a Python object
    /// other than an exact `str`.
    pub fn plain_pathname<'a>(&'a self, py: Python<'_>) -> Option<&'a str> {
        plain_or_site(py, &self.pathname, &self.site.pathname)
    }

    pub fn plain_function<'a>(&'a self, py: Python<'_>) -> Option<&'a str> {
        plain_or_site(py, &self.function, &self.site.function)
    }

    pub fn times(&self) -> RecordTimes {
        record_times(
            self.created_ns,
            runtime::START_NS.load(std::sync::atomic::Ordering::Relaxed),
            runtime::python_version(),
        )
    }

    /// `msg % args`, computed once (the standard library recomputes it per
    /// handler; the result is the same, and a failure is not cached, so each
    /// handler still reports it).
    pub fn message(&self, py: Python<'_>) -> PyResult<&Message> {
        if let Some(message) = self.message.get() {
            return Ok(message);
        }
        let message = Message::merge(self.msg.bind(py), &self.args)?;
        Ok(self.message.get_or_init(|| message))
    }

    /// The merged message as a string of its own, for a record that leaves
    /// the call (`None` when it holds lone surrogates). Merged straight into
    /// it when no handler has merged it yet, rather than into the cache and
    /// copied from there.
    pub fn owned_message(&self, py: Python<'_>) -> PyResult<Option<String>> {
        if self.message.get().is_none() {
            if let Some(items) = self.args.items(py) {
                if let Some(text) = merge_natively(self.msg.bind(py), items) {
                    return Ok(Some(text));
                }
            }
        }
        Ok(self.message(py)?.text(py).map(str::to_owned))
    }

    /// The Python view, if one was made.
    pub fn view<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        self.view.get().map(|view| view.bind(py).clone())
    }

    /// The Python `LogRecord` for this call, built on first use.
    pub fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(view) = self.view(py) {
            return Ok(view);
        }
        let runtime = runtime::get(py)?;
        let class = runtime.log_record_class.bind(py);
        let record = new_instance(py, class)?;
        let dict = record
            .getattr(pyo3::intern!(py, "__dict__"))?
            .cast_into::<PyDict>()?;
        self.fill(py, &dict)?;
        // Python code run by `fill` may have made the view first.
        Ok(self.view.get_or_init(|| record.unbind()).bind(py).clone())
    }

    /// Writes every standard attribute, in the standard library's order, then
    /// the results of formatting so far and the `extra` keys.
    fn fill(&self, py: Python<'_>, dict: &Bound<'_, PyDict>) -> PyResult<()> {
        let times = self.times();
        let level = self.level.to_object(py);
        let line = self.line.into_pyobject(py)?.into_any();
        let pathname = self.pathname(py);
        let function = self.function(py);
        fill_standard(
            py,
            dict,
            StandardFields {
                name: self.logger_name.bind(py),
                msg: self.msg.bind(py),
                args: &self.args.bind(py)?,
                level: &level,
                level_name: self.level_name.bind(py),
                pathname: &pathname,
                filename: Some((&self.site.filename, &self.site.module)),
                exc_info: self.exc_info.bind(py),
                stack_info: self.stack_info.bind(py),
                line: &line,
                function: &function,
                times,
                thread_id: self.thread_id,
            },
        )?;
        if let Some(message) = self.message.get() {
            dict.set_item(pyo3::intern!(py, "message"), message.to_python(py))?;
        }
        if let Some(asctime) = self.asctime.borrow().as_ref() {
            dict.set_item(pyo3::intern!(py, "asctime"), asctime)?;
        }
        if let Some(exc_text) = self.exc_text.borrow().as_ref() {
            dict.set_item(pyo3::intern!(py, "exc_text"), exc_text.bind(py))?;
        }
        if let Some(extra) = &self.extra {
            for (key, value) in extra.bind(py).iter() {
                dict.set_item(key, value)?;
            }
        }
        Ok(())
    }
}

impl<'a, 'py> RecordRef<'a, 'py> {
    /// The Python record, building it from a native one if needed.
    pub fn to_python(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            RecordRef::Native(record) => record.to_python(py),
            RecordRef::Python(record) => Ok(record.clone()),
        }
    }

    /// When the record was logged: a native record's creation time; for a
    /// record made in Python, now, when the handler gets it, which is when
    /// the standard time-rotating handler reads its clock.
    pub fn logged_at_ns(&self) -> i64 {
        match self {
            RecordRef::Native(record) => record.created_ns,
            RecordRef::Python(_) => femtologging_core::time::now_ns(),
        }
    }

    /// The native record, while no Python view of it exists.
    pub fn native(&self, py: Python<'py>) -> Option<&'a CallRecord> {
        match self {
            RecordRef::Native(record) if record.view.get().is_none() => {
                let _ = py;
                Some(record)
            }
            _ => None,
        }
    }

    /// `record.levelno` as it is now: the native record's level, or
    /// whatever the Python record holds (a filter may have changed it).
    pub fn level(&self, py: Python<'py>) -> PyResult<Level> {
        match self.native(py) {
            Some(record) => Ok(record.level.clone_ref(py)),
            None => Ok(Level::from_object(
                &self.to_python(py)?.getattr(pyo3::intern!(py, "levelno"))?,
            )),
        }
    }
}

/// The standard library's rule: a single non-empty mapping argument is used as
/// the mapping for `%(key)s` substitution.
pub fn single_mapping_rule<'py>(args: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(tuple) = args.cast::<PyTuple>() {
        if tuple.len() == 1 {
            let only = tuple.get_item(0)?;
            if is_single_mapping(&only)? {
                return Ok(only);
            }
        }
    }
    Ok(args.clone())
}

/// Whether the only argument of a call becomes `args` itself: a non-empty
/// mapping (in the standard order: the type first, then its truth).
pub fn is_single_mapping(only: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(is_mapping(only)? && only.is_truthy()?)
}

fn is_mapping(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    if value.is_instance_of::<PyDict>() {
        return Ok(true);
    }
    // The arguments of nearly every call: no abstract-class check for them
    // (it walks `Mapping`'s registry and costs more than the merge).
    if value.is_exact_instance_of::<PyString>()
        || value.is_exact_instance_of::<PyInt>()
        || value.is_exact_instance_of::<PyFloat>()
        || value.is_exact_instance_of::<PyTuple>()
        || value.is_exact_instance_of::<PyList>()
        || value.is_none()
    {
        return Ok(false);
    }
    static MAPPING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = value.py();
    let mapping = MAPPING.get_or_try_init(py, || {
        Ok::<_, PyErr>(
            py.import(pyo3::intern!(py, "collections.abc"))?
                .getattr(pyo3::intern!(py, "Mapping"))?
                .unbind(),
        )
    })?;
    value.is_instance(mapping.bind(py))
}

/// The merged message of a record: Rust text when it was merged natively,
/// else the string Python's `%` produced.
pub enum Message {
    Text(String),
    Python(Py<PyString>),
}

impl Message {
    /// `LogRecord.getMessage()`: natively when `msg` is a plain string and
    /// every argument a plain value, otherwise through Python.
    fn merge(msg: &Bound<'_, PyAny>, args: &CallArgs) -> PyResult<Message> {
        let py = msg.py();
        if let Some(text) = args.items(py).and_then(|items| merge_natively(msg, items)) {
            return Ok(Message::Text(text));
        }
        Ok(Message::Python(
            merge_message(msg, &args.bind(py)?)?.unbind(),
        ))
    }

    /// The text, or `None` when it holds lone surrogates (only a Python
    /// string can).
    pub fn text<'a>(&'a self, py: Python<'_>) -> Option<&'a str> {
        match self {
            Message::Text(text) => Some(text),
            // SAFETY of the lifetime: the string is owned by `self`.
            Message::Python(text) => python_str(text, py),
        }
    }

    pub fn to_python<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        match self {
            Message::Text(text) => PyString::new(py, text),
            Message::Python(text) => text.bind(py).clone(),
        }
    }
}

/// The site's text, or a held exact `str` (whose text the site was built
/// from, so the two agree).
fn plain_or_site<'a>(
    py: Python<'_>,
    held: &'a Option<Py<PyAny>>,
    site: &'a str,
) -> Option<&'a str> {
    match held {
        None => Some(site),
        Some(held) => held
            .bind(py)
            .cast_exact::<PyString>()
            .ok()
            .filter(|text| text.to_str().is_ok())
            .map(|_| site),
    }
}

/// Borrows the UTF-8 form of a Python string held in `text`.
fn python_str<'a>(text: &'a Py<PyString>, py: Python<'_>) -> Option<&'a str> {
    let bound = text.bind_borrowed(py);
    let borrowed: &str = bound.to_str().ok()?;
    // SAFETY: the UTF-8 buffer belongs to the string object, which `text`
    // keeps alive for 'a; CPython never frees or moves it before then.
    Some(unsafe { &*(borrowed as *const str) })
}

/// `msg % args` for the common case: an exact `str` and a tuple of exact
/// `str`, `int`, `float`, `bool` or `None`. `None` when Python must do it
/// (anything else, a conversion left to the host, or an error, which
/// Python then raises with its own message).
fn merge_natively(msg: &Bound<'_, PyAny>, args: &[*mut pyo3::ffi::PyObject]) -> Option<String> {
    let py = msg.py();
    let msg = msg.cast_exact::<PyString>().ok()?;
    if args.is_empty() {
        return Some(msg.to_str().ok()?.to_owned());
    }
    const MOST_ARGUMENTS: usize = 8;
    if args.len() > MOST_ARGUMENTS {
        return None;
    }
    let mut values = [FieldValue::None; MOST_ARGUMENTS];
    for (slot, &argument) in values.iter_mut().zip(args) {
        // SAFETY: the record holds every argument for as long as it lives.
        *slot = plain_value(unsafe { Borrowed::from_ptr(py, argument) })?;
    }
    let values = &values[..args.len()];
    let merge = |template: Option<&PositionalTemplate>, source: &str, length: usize| {
        let mut text = String::with_capacity(length + 16 * values.len());
        let merged = match template {
            Some(template) => template.render_all(values, &mut text),
            None => render_positional(source, values, &mut text),
        };
        matches!(merged, Ok(true)).then_some(text)
    };
    // The compiled form is found by the string's address: its text is read
    // only to compile it, or to merge a message that has none.
    compiled_messages::with_compiled(msg, |template, length| merge(Some(template), "", length))
        .unwrap_or_else(|| {
            let source = msg.to_str().ok()?;
            merge(None, source, source.len())
        })
}

/// A Python value the core formats exactly like Python does.
fn plain_value<'a>(value: Borrowed<'a, '_, PyAny>) -> Option<FieldValue<'a>> {
    if let Ok(text) = value.cast_exact::<PyString>() {
        let text: &str = text.to_str().ok()?;
        // SAFETY: as in `python_str`: the record holding the argument keeps
        // it alive for as long as the caller uses the value.
        return Some(FieldValue::Str(unsafe { &*(text as *const str) }));
    }
    if value.is_exact_instance_of::<PyInt>() {
        return value.extract::<i64>().ok().map(FieldValue::Int);
    }
    if value.is_exact_instance_of::<PyFloat>() {
        return value.extract::<f64>().ok().map(FieldValue::Float);
    }
    if value.is_exact_instance_of::<PyBool>() {
        return Some(FieldValue::Bool(value.is_truthy().ok()?));
    }
    if value.is_none() {
        return Some(FieldValue::None);
    }
    None
}

/// `str(msg)`, then `% args` when there are arguments: `LogRecord.getMessage`.
pub fn merge_message<'py>(
    msg: &Bound<'py, PyAny>,
    args: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    let text = match msg.cast::<PyString>() {
        Ok(text) if msg.get_type().is(msg.py().get_type::<PyString>()) => text.clone(),
        _ => msg.str()?,
    };
    if !args.is_truthy()? {
        return Ok(text);
    }
    // SAFETY: both pointers are live objects; PyUnicode_Format returns a new
    // reference or null with an exception set.
    let merged = unsafe {
        Bound::from_owned_ptr_or_err(
            msg.py(),
            pyo3::ffi::PyUnicode_Format(text.as_ptr(), args.as_ptr()),
        )?
    };
    Ok(merged.cast_into::<PyString>()?)
}

/// `object.__new__(cls)`: an instance with an empty `__dict__`, without
/// running `__init__`.
pub fn new_instance<'py>(
    py: Python<'py>,
    class: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    // `object` itself, not looked up by name: records are still made late in
    // interpreter shutdown (from `__del__`), when imports fail.
    py.get_type::<PyAny>()
        .call_method1(pyo3::intern!(py, "__new__"), (class,))
}

/// Names a `LogRecord` has from birth: `extra` may not overwrite them, and
/// every other key of a record's `__dict__` came from `extra` (or a filter).
pub const RECORD_ATTRIBUTES: [&str; 23] = [
    "name",
    "msg",
    "args",
    "levelname",
    "levelno",
    "pathname",
    "filename",
    "module",
    "exc_info",
    "exc_text",
    "stack_info",
    "lineno",
    "funcName",
    "created",
    "msecs",
    "relativeCreated",
    "thread",
    "threadName",
    "processName",
    "process",
    "taskName",
    "message",
    "asctime",
];

/// Whether `extra` may not hold `name`: a `LogRecord` attribute, which
/// `makeRecord` refuses to overwrite (`taskName` only from 3.12, where
/// records have one).
pub fn refused_in_extra(name: &str) -> bool {
    RECORD_ATTRIBUTES.contains(&name) && (name != "taskName" || runtime::python_minor() >= 12)
}

pub struct StandardFields<'a, 'py> {
    pub name: &'a Bound<'py, PyAny>,
    pub msg: &'a Bound<'py, PyAny>,
    pub args: &'a Bound<'py, PyAny>,
    pub level: &'a Bound<'py, PyAny>,
    pub level_name: &'a Bound<'py, PyAny>,
    pub pathname: &'a Bound<'py, PyAny>,
    /// `(filename, module)` when the path was a string.
    pub filename: Option<(&'a Arc<str>, &'a Arc<str>)>,
    pub exc_info: &'a Bound<'py, PyAny>,
    pub stack_info: &'a Bound<'py, PyAny>,
    pub line: &'a Bound<'py, PyAny>,
    pub function: &'a Bound<'py, PyAny>,
    pub times: RecordTimes,
    pub thread_id: u64,
}

/// The attributes `LogRecord.__init__` sets, in its order.
pub fn fill_standard(
    py: Python<'_>,
    dict: &Bound<'_, PyDict>,
    fields: StandardFields<'_, '_>,
) -> PyResult<()> {
    use pyo3::intern;
    dict.set_item(intern!(py, "name"), fields.name)?;
    dict.set_item(intern!(py, "msg"), fields.msg)?;
    dict.set_item(intern!(py, "args"), fields.args)?;
    dict.set_item(intern!(py, "levelname"), fields.level_name)?;
    dict.set_item(intern!(py, "levelno"), fields.level)?;
    dict.set_item(intern!(py, "pathname"), fields.pathname)?;
    match fields.filename {
        Some((filename, module)) => {
            dict.set_item(intern!(py, "filename"), &**filename)?;
            dict.set_item(intern!(py, "module"), &**module)?;
        }
        None => {
            dict.set_item(intern!(py, "filename"), fields.pathname)?;
            dict.set_item(intern!(py, "module"), "Unknown module")?;
        }
    }
    dict.set_item(intern!(py, "exc_info"), fields.exc_info)?;
    dict.set_item(intern!(py, "exc_text"), py.None())?;
    dict.set_item(intern!(py, "stack_info"), fields.stack_info)?;
    dict.set_item(intern!(py, "lineno"), fields.line)?;
    dict.set_item(intern!(py, "funcName"), fields.function)?;
    dict.set_item(intern!(py, "created"), fields.times.created)?;
    dict.set_item(intern!(py, "msecs"), fields.times.msecs)?;
    dict.set_item(
        intern!(py, "relativeCreated"),
        fields.times.relative_created,
    )?;
    let context = crate::call_context::call_context(py, fields.thread_id)?;
    dict.set_item(intern!(py, "thread"), context.get_item(0)?)?;
    dict.set_item(intern!(py, "threadName"), context.get_item(1)?)?;
    dict.set_item(intern!(py, "processName"), context.get_item(2)?)?;
    dict.set_item(intern!(py, "process"), context.get_item(3)?)?;
    if runtime::python_minor() >= 12 {
        dict.set_item(intern!(py, "taskName"), context.get_item(4)?)?;
    }
    Ok(())
}
