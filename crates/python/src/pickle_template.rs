//! A native record's pickle written from the template of an earlier record
//! of the same shape, or encoded afresh (and kept as a template).
//!
//! Records from one call site pickle to the same bytes but for a few values
//! (`record_entries` says which are expected to change), so the pickle of
//! the last such record is kept with those values cut out (the core's
//! `FrameTemplate`) and the next one is written by copying the rest. A
//! record may use a template only if encoding it afresh would give the same
//! fixed bytes, which holds when:
//! - the keys are the same objects, in the same order;
//! - every fixed str object is the same object (the template holds a
//!   reference to each, so an address cannot be reused by another object
//!   while the template lives), and every fixed str without identity is
//!   the same text;
//! - each varying value is of the kind the template has there (an int, a
//!   float, a str), and a varying str is no object met elsewhere in the
//!   dict, nor one the memo would find by content: it is then written
//!   whole, and its memo index depends only on where it stands.
//!
//! The memo references CPython's pickler writes depend only on which
//! objects are the same, so those conditions fix every byte outside the
//! varying values. A value of any other type (a tuple in `extra`, an int
//! subclass) is encoded, and the record not kept as a template.

use std::ops::Range;
use std::sync::Mutex;

use femtologging_core::wire::serialize::pickle::{
    DictWriter, FrameTemplate, TemplateWriter, Varying,
};
use femtologging_core::wire::serialize::Value;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyString};

use crate::record_entries::{Change, EntrySink, EntryValue, Stopped};
use crate::socket_pickle::Converter;

/// What a template expects of one entry's value.
enum Expected {
    /// The very object (its address; the template holds it).
    Object(usize),
    /// A str without identity, by content.
    Text(Box<str>),
    None,
    VaryingInt,
    VaryingFloat,
    VaryingStr,
}

/// The pickle of a record with its varying values cut out, and what
/// another record must be for it to apply.
pub struct RecordTemplate {
    /// Each entry's key (its address) and value.
    entries: Vec<(usize, Expected)>,
    /// The addresses of every object the fixed bytes depend on (keys and
    /// fixed values), which no varying str may be.
    fixed_objects: Vec<usize>,
    /// Keeps those objects alive, so their addresses stay theirs.
    _held: Vec<Py<PyAny>>,
    frame: FrameTemplate,
}

/// A value as a template sees it.
enum Kind<'a, 'py> {
    Object(&'a Bound<'py, PyString>),
    Text(&'a str),
    None,
    Int(i64),
    Float(f64),
    /// Another type: only encoding can write it.
    Other(&'a Bound<'py, PyAny>),
}

fn kind<'a, 'py>(value: &EntryValue<'a, 'py>) -> Kind<'a, 'py> {
    match *value {
        EntryValue::Object(object) => {
            // Exact types only, as the standard pickler writes a subclass
            // through its reduce.
            if let Ok(text) = object.cast_exact::<PyString>() {
                Kind::Object(text)
            } else if object.is_none() {
                Kind::None
            } else if let Ok(number) = object.cast_exact::<PyInt>() {
                match number.extract::<i64>() {
                    Ok(number) => Kind::Int(number),
                    Err(_) => Kind::Other(object),
                }
            } else if let Ok(number) = object.cast_exact::<PyFloat>() {
                Kind::Float(number.value())
            } else {
                Kind::Other(object)
            }
        }
        EntryValue::Text(text) => Kind::Text(text),
        EntryValue::None => Kind::None,
        EntryValue::Int(number) => Kind::Int(number),
        EntryValue::Float(number) => Kind::Float(number),
    }
}

fn address<T>(object: &Bound<'_, T>) -> usize {
    object.as_ptr() as usize
}

fn utf8<'a>(text: &'a Bound<'_, PyString>) -> Result<&'a str, Stopped> {
    // Lone surrogates have no UTF-8 form: only Python's pickler writes them.
    text.to_str().map_err(|_| Stopped)
}

/// Encodes a record's entries afresh, noting what a template of it needs.
pub struct TemplateBuilder<'a> {
    writer: DictWriter<'a>,
    converter: Converter,
    entries: Vec<(usize, Expected)>,
    fixed_objects: Vec<usize>,
    held: Vec<Py<PyAny>>,
    spans: Vec<Range<usize>>,
    varying_objects: Vec<usize>,
    /// False once a value only encoding can write was met.
    reusable: bool,
}

impl<'a> TemplateBuilder<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        TemplateBuilder {
            writer: DictWriter::new(out),
            converter: Converter::default(),
            entries: Vec::with_capacity(24),
            fixed_objects: Vec::with_capacity(40),
            held: Vec::with_capacity(40),
            spans: Vec::with_capacity(12),
            varying_objects: Vec::new(),
            reusable: true,
        }
    }

    fn hold(&mut self, object: &Bound<'_, PyAny>) -> usize {
        let object_address = address(object);
        self.fixed_objects.push(object_address);
        self.held.push(object.clone().unbind());
        object_address
    }

    /// Closes the pickle, which starts at `start` in what the builder
    /// wrote to; returns its template, if it can be one.
    pub fn finish(self, start: usize) -> Option<RecordTemplate> {
        let out = self.writer.finish();
        // A varying str that is also another entry's object would be a
        // memo reference there: such a record is no template.
        let mut varying = self.varying_objects;
        varying.sort_unstable();
        let repeated = varying.windows(2).any(|pair| pair[0] == pair[1])
            || varying
                .iter()
                .any(|object| self.fixed_objects.contains(object));
        if !self.reusable || repeated {
            return None;
        }
        Some(RecordTemplate {
            entries: self.entries,
            fixed_objects: self.fixed_objects,
            _held: self.held,
            frame: FrameTemplate::cut(&out[start..], &self.spans),
        })
    }
}

impl<'py> EntrySink<'py> for TemplateBuilder<'_> {
    fn entry(
        &mut self,
        key: &Bound<'py, PyString>,
        value: EntryValue<'_, 'py>,
        change: Change,
    ) -> Result<(), Stopped> {
        let key_text = utf8(key)?;
        let key_address = self.hold(key.as_any());
        let (expected, span) = match kind(&value) {
            Kind::Object(text)
                if change == Change::Varies
                    && (self.varying_objects.contains(&address(text))
                        || self.fixed_objects.contains(&address(text))) =>
            {
                // Met before: a memo reference, which only encoding writes.
                self.reusable = false;
                self.writer.str_entry(
                    key_text,
                    Some(key_address),
                    utf8(text)?,
                    Some(address(text)),
                );
                return Ok(());
            }
            Kind::Object(text) if change == Change::Varies => {
                let content = utf8(text)?;
                self.varying_objects.push(address(text));
                let varying = Varying::str(content, Some(address(text))).ok_or(Stopped)?;
                let span = self
                    .writer
                    .varying_entry(key_text, Some(key_address), &varying);
                (Expected::VaryingStr, Some(span))
            }
            Kind::Object(text) => {
                let content = utf8(text)?;
                let object_address = self.hold(text.as_any());
                self.writer
                    .str_entry(key_text, Some(key_address), content, Some(object_address));
                (Expected::Object(object_address), None)
            }
            Kind::Text(text) => match Varying::str(text, None) {
                Some(varying) if change == Change::Varies => {
                    let span = self
                        .writer
                        .varying_entry(key_text, Some(key_address), &varying);
                    (Expected::VaryingStr, Some(span))
                }
                _ => {
                    self.writer
                        .str_entry(key_text, Some(key_address), text, None);
                    (Expected::Text(text.into()), None)
                }
            },
            Kind::None => {
                self.writer
                    .entry(key_text, Some(key_address), &Value::None)
                    .map_err(|_| Stopped)?;
                (Expected::None, None)
            }
            Kind::Int(number) => {
                let span =
                    self.writer
                        .varying_entry(key_text, Some(key_address), &Varying::Int(number));
                (Expected::VaryingInt, Some(span))
            }
            Kind::Float(number) => {
                let span =
                    self.writer
                        .varying_entry(key_text, Some(key_address), &Varying::Float(number));
                (Expected::VaryingFloat, Some(span))
            }
            Kind::Other(object) => {
                self.reusable = false;
                let converted = self.converter.value(object, 1).map_err(|_| Stopped)?;
                self.writer
                    .entry(key_text, Some(key_address), &converted)
                    .map_err(|_| Stopped)?;
                return Ok(());
            }
        };
        self.entries.push((key_address, expected));
        self.spans.extend(span);
        Ok(())
    }
}

/// Writes a record from a template while checking that it applies; stops
/// at the first entry that does not fit.
pub struct TemplateMatcher<'t, 'o> {
    template: &'t RecordTemplate,
    writer: TemplateWriter<'t>,
    out: &'o mut Vec<u8>,
    next: usize,
    varying_objects: Vec<usize>,
}

impl<'t, 'o> TemplateMatcher<'t, 'o> {
    pub fn new(template: &'t RecordTemplate, out: &'o mut Vec<u8>) -> Self {
        TemplateMatcher {
            template,
            writer: template.frame.writer(),
            out,
            next: 0,
            varying_objects: Vec::new(),
        }
    }

    /// Writes the rest of the pickle, if every entry was met.
    pub fn finish(self) -> Result<(), Stopped> {
        if self.next != self.template.entries.len() {
            return Err(Stopped);
        }
        self.writer.finish(self.out);
        Ok(())
    }
}

impl<'py> EntrySink<'py> for TemplateMatcher<'_, '_> {
    fn entry(
        &mut self,
        key: &Bound<'py, PyString>,
        value: EntryValue<'_, 'py>,
        _change: Change,
    ) -> Result<(), Stopped> {
        let (key_address, expected) = self.template.entries.get(self.next).ok_or(Stopped)?;
        self.next += 1;
        if *key_address != address(key) {
            return Err(Stopped);
        }
        let varying = match (kind(&value), expected) {
            (Kind::Object(text), Expected::Object(object)) if address(text) == *object => {
                return Ok(())
            }
            (Kind::Text(text), Expected::Text(fixed)) if text == &**fixed => return Ok(()),
            (Kind::None, Expected::None) => return Ok(()),
            (Kind::Int(number), Expected::VaryingInt) => Varying::Int(number),
            (Kind::Float(number), Expected::VaryingFloat) => Varying::Float(number),
            (Kind::Object(text), Expected::VaryingStr) => {
                let object = address(text);
                if self.template.fixed_objects.contains(&object)
                    || self.varying_objects.contains(&object)
                {
                    return Err(Stopped);
                }
                self.varying_objects.push(object);
                Varying::str(utf8(text)?, Some(object)).ok_or(Stopped)?
            }
            (Kind::Text(text), Expected::VaryingStr) => Varying::str(text, None).ok_or(Stopped)?,
            _ => return Err(Stopped),
        };
        self.writer.fill(self.out, &varying);
        Ok(())
    }
}

/// How many templates are kept: one per slot, a record's slot chosen by
/// its call site, logger and thread (records of one call site on two
/// threads differ in `threadName`).
const SLOTS: usize = 64;

/// The templates kept, shared by every handler (a record's pickle does not
/// depend on the handler).
pub struct TemplateCache {
    slots: Vec<Option<RecordTemplate>>,
}

pub static TEMPLATES: Mutex<TemplateCache> = Mutex::new(TemplateCache { slots: Vec::new() });

impl TemplateCache {
    /// The slot for a record from `site` (its address), logged by the
    /// logger named `logger_name` (its address) on `thread`.
    pub fn slot(
        &mut self,
        site: usize,
        logger_name: usize,
        thread: u64,
    ) -> &mut Option<RecordTemplate> {
        if self.slots.is_empty() {
            self.slots.resize_with(SLOTS, || None);
        }
        let mixed = (site as u64 ^ (logger_name as u64).rotate_left(21) ^ thread.rotate_left(42))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        &mut self.slots[(mixed >> 58) as usize % SLOTS]
    }
}
