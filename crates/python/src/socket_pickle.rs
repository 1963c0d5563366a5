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

use femtologging_core::wire::serialize::pickle;
use femtologging_core::wire::serialize::{BigInt, Text, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::call_args::CallArgs;
use crate::call_context::call_context;
use crate::pickle_template::{TemplateBuilder, TemplateMatcher, TEMPLATES};
use crate::record::{CallRecord, Message};
use crate::record_entries::{visit_entries, EntryValue};

/// How deep values are converted before Python's pickler takes over (which
/// then raises `RecursionError` where the standard one would).
const MAX_DEPTH: usize = 200;

/// The value is one only Python's pickler writes as the standard one does.
pub struct Unrepresentable;

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

/// Python objects as values of the core's model.
#[derive(Default)]
pub struct Converter {
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

    pub fn value(
        &mut self,
        object: &Bound<'_, PyAny>,
        depth: usize,
    ) -> Result<Value, Unrepresentable> {
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
/// The entries are the view's (`record_entries`). Every object the view
/// would share with this record (the logger and level names, the
/// arguments given to the call, the extras, the thread's name, the
/// interned keys) keeps its identity, so the encoder memoizes exactly where
/// CPython's pickler would; what the view would make afresh (the file
/// name, the module, the merged message) has none. The pickle is written
/// from the template of the last record of the same call site, logger and
/// thread when it applies (`pickle_template`), and encoded afresh
/// otherwise.
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
    let merged;
    let message = if record.args.is_truthy(py)? {
        match record.message(py)? {
            Message::Text(text) => match argument_returned(msg, &record.args, text) {
                Some(argument) => {
                    merged = argument;
                    EntryValue::Object(&merged)
                }
                None => EntryValue::Text(text),
            },
            Message::Python(text) => {
                merged = text.bind(py).clone().into_any();
                EntryValue::Object(&merged)
            }
        }
    } else {
        EntryValue::Object(msg.as_any())
    };
    let context = call_context(py, record.thread_id)?;
    let mut frame = Vec::with_capacity(1024);
    frame.extend_from_slice(&[0u8; 4]);
    let mut templates = TEMPLATES.try_lock().ok();
    let slot = templates.as_mut().map(|templates| {
        templates.slot(
            record.site.as_ptr() as usize,
            record.logger_name.as_ptr() as usize,
            record.thread_id,
        )
    });
    let mut written = false;
    if let Some(Some(template)) = slot.as_deref() {
        let mut matcher = TemplateMatcher::new(template, &mut frame);
        written = visit_entries(py, record, message, &context, &mut matcher).is_ok()
            && matcher.finish().is_ok();
        if !written {
            frame.truncate(4);
        }
    }
    if !written {
        let mut builder = TemplateBuilder::new(&mut frame);
        if visit_entries(py, record, message, &context, &mut builder).is_err() {
            return Ok(None);
        }
        let template = builder.finish(4);
        if let (Some(slot), Some(template)) = (slot, template) {
            *slot = Some(template);
        }
    }
    let Ok(length) = u32::try_from(frame.len() - 4) else {
        return Ok(None);
    };
    frame[..4].copy_from_slice(&length.to_be_bytes());
    Ok(Some(frame))
}

/// The argument itself, when `msg % args` returns it rather than a new
/// string: CPython's `%` hands back an exact str argument unchanged when
/// the format is that one `%s` conversion (flags, width and precision
/// allowed) and nothing pads or cuts it. The view's message is then that
/// object, which the pickle refers back to wherever it is met again.
fn argument_returned<'py>(
    msg: &Bound<'py, PyString>,
    args: &CallArgs,
    merged: &str,
) -> Option<Bound<'py, PyAny>> {
    let py = msg.py();
    let [argument] = args.items(py)? else {
        return None;
    };
    let format = msg.to_str().ok()?;
    let specification = format.strip_prefix('%')?.strip_suffix('s')?;
    let plain = specification
        .trim_start_matches(['-', '+', ' ', '#', '0'])
        .chars()
        .all(|character| character.is_ascii_digit() || character == '.');
    if !plain || specification.matches('.').count() > 1 {
        return None;
    }
    // SAFETY: `args` holds its items, and the call's record holds `args`.
    let argument = unsafe { Bound::from_borrowed_ptr(py, *argument) };
    let text = argument.cast_exact::<PyString>().ok()?;
    (text.to_str().ok()? == merged).then_some(argument)
}
