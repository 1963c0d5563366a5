//! `SocketHandler.makePickle` after its `format` step: the record's
//! attribute dict as the standard handler sends it (`msg` merged, `args` and
//! `exc_info` set to `None`, `message` removed), pickled with protocol 1 by
//! the core's encoder, behind its 4-byte big-endian length.
//!
//! The core's value model holds the types a record's attributes hold in
//! practice. A str carries the address of its object, so the encoder
//! memoizes as CPython's pickler does (the same object met twice is written
//! once, then referred to). What the model cannot hold (another type, a str
//! with lone surrogates, a container or bytes object met twice, which
//! CPython would refer back to) goes to `pickle.dumps(d, 1)` with the very
//! same dict, so the bytes are the standard ones either way.

use std::collections::HashSet;

use femtologging_core::wire::serialize::pickle::{self, DictWriter};
use femtologging_core::wire::serialize::{BigInt, Text, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::call_context::{call_context, CallContext};
use crate::levels::Level;
use crate::record::{CallRecord, Message};
use crate::runtime;

/// How deep values are converted before Python's pickler takes over (which
/// then raises `RecursionError` where the standard one would).
const MAX_DEPTH: usize = 200;

/// The value is one only Python's pickler writes as the standard one does.
struct Unrepresentable;

/// Returns `struct.pack(">L", len(data)) + data` for
/// `data = pickle.dumps(d, 1)`, `d` being the record's standard dict.
#[pyfunction]
pub fn pickle_record<'py>(record: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    Ok(PyBytes::new(record.py(), &python_record_frame(record)?))
}

/// `makePickle` after its `format` step, for a record held by Python.
pub fn python_record_frame(record: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let py = record.py();
    // The same steps in the same order as the standard makePickle: copy the
    // dict, then ask the record for its message.
    let attributes = record
        .getattr(intern!(py, "__dict__"))?
        .cast_into::<PyDict>()?
        .copy()?;
    let message = record.call_method0(intern!(py, "getMessage"))?;
    attributes.set_item(intern!(py, "msg"), message)?;
    attributes.set_item(intern!(py, "args"), py.None())?;
    attributes.set_item(intern!(py, "exc_info"), py.None())?;
    if attributes.contains(intern!(py, "message"))? {
        attributes.del_item(intern!(py, "message"))?;
    }
    let mut converter = Converter::default();
    let mut frame = Vec::with_capacity(1024);
    frame.extend_from_slice(&[0u8; 4]);
    let encoded = match converter.dict(&attributes, 0) {
        Ok(value) => pickle::encode(&value, &mut frame).is_ok(),
        Err(Unrepresentable) => false,
    };
    if !encoded {
        let data = py
            .import(intern!(py, "pickle"))?
            .call_method1(intern!(py, "dumps"), (&attributes, 1))?
            .cast_into::<PyBytes>()?;
        frame.truncate(4);
        frame.extend_from_slice(data.as_bytes());
    }
    let length = frame.len() - 4;
    match u32::try_from(length) {
        Ok(length) => frame[..4].copy_from_slice(&length.to_be_bytes()),
        Err(_) => {
            // The standard struct.pack raises struct.error here.
            py.import(intern!(py, "struct"))?
                .call_method1(intern!(py, "pack"), (">L", length))?;
        }
    }
    Ok(frame)
}

#[derive(Default)]
struct Converter {
    /// Containers and bytes objects already converted, by address: one met
    /// again would be a memo reference in CPython's pickle.
    seen: HashSet<usize>,
}

impl Converter {
    fn once(&mut self, object: &Bound<'_, PyAny>) -> Result<(), Unrepresentable> {
        if self.seen.insert(object.as_ptr() as usize) {
            Ok(())
        } else {
            Err(Unrepresentable)
        }
    }

    fn value(&mut self, object: &Bound<'_, PyAny>, depth: usize) -> Result<Value, Unrepresentable> {
        if depth > MAX_DEPTH {
            return Err(Unrepresentable);
        }
        if object.is_none() {
            return Ok(Value::None);
        }
        // Exact types only: a subclass is pickled through its reduce.
        if let Ok(text) = object.cast_exact::<PyString>() {
            return text_of(text).map(Value::Str);
        }
        if let Ok(number) = object.cast_exact::<PyInt>() {
            if let Ok(small) = number.extract::<i64>() {
                return Ok(Value::Int(small));
            }
            let digits = number.str().map_err(|_| Unrepresentable)?;
            let digits = digits.to_str().map_err(|_| Unrepresentable)?;
            return BigInt::parse_decimal(digits).ok_or(Unrepresentable);
        }
        if let Ok(number) = object.cast_exact::<PyFloat>() {
            return Ok(Value::Float(number.value()));
        }
        if let Ok(flag) = object.cast_exact::<PyBool>() {
            return Ok(Value::Bool(flag.is_true()));
        }
        if let Ok(bytes) = object.cast_exact::<PyBytes>() {
            let data = bytes.as_bytes();
            // CPython keeps one object of `b""` and of each single byte,
            // which the encoder knows; any other is an object of its own.
            if data.len() > 1 {
                self.once(object)?;
            }
            return Ok(Value::Bytes(data.to_vec()));
        }
        if let Ok(tuple) = object.cast_exact::<PyTuple>() {
            if tuple.is_empty() {
                return Ok(Value::Tuple(Vec::new()));
            }
            self.once(object)?;
            let items = tuple
                .iter()
                .map(|item| self.value(&item, depth + 1))
                .collect::<Result<_, _>>()?;
            return Ok(Value::Tuple(items));
        }
        if let Ok(list) = object.cast_exact::<PyList>() {
            self.once(object)?;
            let items = list
                .iter()
                .map(|item| self.value(&item, depth + 1))
                .collect::<Result<_, _>>()?;
            return Ok(Value::List(items));
        }
        if let Ok(dict) = object.cast_exact::<PyDict>() {
            self.once(object)?;
            return self.dict(dict, depth);
        }
        Err(Unrepresentable)
    }

    fn dict(&mut self, dict: &Bound<'_, PyDict>, depth: usize) -> Result<Value, Unrepresentable> {
        let mut entries = Vec::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key = key.cast_exact::<PyString>().map_err(|_| Unrepresentable)?;
            entries.push((text_of(key)?, self.value(&item, depth + 1)?));
        }
        Ok(Value::Dict(entries))
    }
}

/// The str with its object's address; lone surrogates have no UTF-8 form.
fn text_of(text: &Bound<'_, PyString>) -> Result<Text, Unrepresentable> {
    let content = text.to_str().map_err(|_| Unrepresentable)?;
    Ok(Text::with_identity(content, text.as_ptr() as usize))
}

/// The frame `python_record_frame` would make of the record's view, made
/// from the native record without building that view; `None` where only
/// the view can tell (an exception for `makePickle` to format, a message
/// that is not a plain `str`, a value only Python's pickler writes the
/// standard way).
///
/// The entries are the view's, in its order (`record::fill_standard`, then
/// `asctime` when a formatter computed it, then the extras); `message` is
/// left out, as `makePickle` deletes it. Every object the view would share
/// with this record (the logger and level names, the arguments given to
/// the call, the extras, the thread's name, the interned keys) keeps its
/// identity, so the encoder memoizes exactly where CPython's pickler
/// would; what the view would make afresh (the file name, the module, the
/// merged message) has none.
pub fn native_record_frame(py: Python<'_>, record: &CallRecord) -> PyResult<Option<Vec<u8>>> {
    if record.exc_info.bind(py).is_truthy()? {
        return Ok(None);
    }
    let Ok(msg) = record.msg.bind(py).cast_exact::<PyString>() else {
        return Ok(None);
    };
    // `record.getMessage()` as the view would return it: `msg` itself when
    // there are no arguments (`str()` of an exact str is that str), a new
    // string otherwise.
    let message = if record.args.is_truthy(py)? {
        match record.message(py)? {
            Message::Text(text) => Ok((text.as_str(), None)),
            Message::Python(text) => borrowed(text.bind(py)),
        }
    } else {
        borrowed(msg)
    };
    let Ok(message) = message else {
        return Ok(None);
    };
    let context = call_context(py, record.thread_id)?;
    let mut frame = Vec::with_capacity(1024);
    frame.extend_from_slice(&[0u8; 4]);
    if write_entries(py, record, message, &context, &mut frame).is_err() {
        return Ok(None);
    }
    let Ok(length) = u32::try_from(frame.len() - 4) else {
        return Ok(None);
    };
    frame[..4].copy_from_slice(&length.to_be_bytes());
    Ok(Some(frame))
}

/// A str's UTF-8 text and identity; lone surrogates have no UTF-8 form.
fn borrowed<'a>(
    text: &'a Bound<'_, PyString>,
) -> Result<(&'a str, Option<usize>), Unrepresentable> {
    let content = text.to_str().map_err(|_| Unrepresentable)?;
    Ok((content, Some(text.as_ptr() as usize)))
}

/// The record's dict written straight into the pickle, strings borrowed
/// where the record holds them.
fn write_entries(
    py: Python<'_>,
    record: &CallRecord,
    message: (&str, Option<usize>),
    context: &CallContext<'_>,
    out: &mut Vec<u8>,
) -> Result<(), Unrepresentable> {
    let mut converter = Converter::default();
    let mut writer = DictWriter::new(out);
    let site = &record.site;
    let times = record.times();
    let item = |index: usize| context.get_item(index).map_err(|_| Unrepresentable);
    let mut entries = Entries {
        writer: &mut writer,
        converter: &mut converter,
    };
    entries.object(intern!(py, "name"), record.logger_name.bind(py))?;
    entries.text(intern!(py, "msg"), message)?;
    entries.value(intern!(py, "args"), &Value::None)?;
    entries.object(intern!(py, "levelname"), record.level_name.bind(py))?;
    match &record.level {
        Level::Plain(number) => entries.value(intern!(py, "levelno"), &Value::Int(*number))?,
        Level::Object(object) => entries.object(intern!(py, "levelno"), object.bind(py))?,
    }
    match record.held_pathname() {
        Some(object) => entries.object(intern!(py, "pathname"), object.bind(py))?,
        None => entries.text(intern!(py, "pathname"), (&site.pathname, None))?,
    }
    entries.text(intern!(py, "filename"), (&site.filename, None))?;
    entries.text(intern!(py, "module"), (&site.module, None))?;
    entries.value(intern!(py, "exc_info"), &Value::None)?;
    match record.exc_text.borrow().as_ref() {
        Some(text) => entries.object(intern!(py, "exc_text"), text.bind(py))?,
        None => entries.value(intern!(py, "exc_text"), &Value::None)?,
    }
    entries.object(intern!(py, "stack_info"), record.stack_info.bind(py))?;
    entries.value(intern!(py, "lineno"), &Value::Int(record.line.into()))?;
    match record.held_function() {
        Some(object) => entries.object(intern!(py, "funcName"), object.bind(py))?,
        None => entries.text(intern!(py, "funcName"), (&site.function, None))?,
    }
    entries.value(intern!(py, "created"), &Value::Float(times.created))?;
    entries.value(intern!(py, "msecs"), &Value::Float(times.msecs))?;
    entries.value(
        intern!(py, "relativeCreated"),
        &Value::Float(times.relative_created),
    )?;
    entries.object(intern!(py, "thread"), &item(0)?)?;
    entries.object(intern!(py, "threadName"), &item(1)?)?;
    entries.object(intern!(py, "processName"), &item(2)?)?;
    entries.object(intern!(py, "process"), &item(3)?)?;
    if runtime::python_minor() >= 12 {
        entries.object(intern!(py, "taskName"), &item(4)?)?;
    }
    if let Some(asctime) = record.asctime.borrow().as_ref() {
        entries.text(intern!(py, "asctime"), (asctime, None))?;
    }
    if let Some(extra) = &record.extra {
        for (name, value) in extra.bind(py).iter() {
            let name = name.cast_exact::<PyString>().map_err(|_| Unrepresentable)?;
            entries.object(name, &value)?;
        }
    }
    writer.finish();
    Ok(())
}

/// Entries of the record's dict, each key with its object's identity.
struct Entries<'w, 'a> {
    writer: &'w mut DictWriter<'a>,
    converter: &'w mut Converter,
}

impl Entries<'_, '_> {
    fn text(
        &mut self,
        key: &Bound<'_, PyString>,
        (value, identity): (&str, Option<usize>),
    ) -> Result<(), Unrepresentable> {
        let (key, key_identity) = borrowed(key)?;
        self.writer.str_entry(key, key_identity, value, identity);
        Ok(())
    }

    fn value(&mut self, key: &Bound<'_, PyString>, value: &Value) -> Result<(), Unrepresentable> {
        let (key, key_identity) = borrowed(key)?;
        self.writer
            .entry(key, key_identity, value)
            .map_err(|_| Unrepresentable)
    }

    fn object(
        &mut self,
        key: &Bound<'_, PyString>,
        value: &Bound<'_, PyAny>,
    ) -> Result<(), Unrepresentable> {
        if let Ok(text) = value.cast_exact::<PyString>() {
            return self.text(key, borrowed(text)?);
        }
        let value = self.converter.value(value, 1)?;
        self.value(key, &value)
    }
}
