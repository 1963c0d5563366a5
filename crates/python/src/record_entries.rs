//! The entries of the dict `SocketHandler.makePickle` pickles, read from a
//! native record: the view's attributes in the view's order
//! (`record::fill_standard`, then `asctime` when a formatter computed it,
//! then the extras), `msg` merged, `args` and `exc_info` `None`, `message`
//! left out.
//!
//! One walk feeds both ways of writing the pickle (`pickle_template`):
//! encoding it afresh, and checking a record against the template of an
//! earlier one while filling in its values. Each entry says whether its
//! value is an object the view would share with the call (whose identity
//! decides the pickle's memo references) or a str the view makes afresh,
//! and whether it is expected to change from one record of a call site to
//! the next (the message, the times, the line, ...), which a template
//! leaves out rather than keeping.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::call_context::CallContext;
use crate::levels::Level;
use crate::record::CallRecord;
use crate::runtime;

/// The value of one entry.
#[derive(Clone, Copy)]
pub enum EntryValue<'a, 'py> {
    /// An object the view would share with the call: its identity counts.
    Object(&'a Bound<'py, PyAny>),
    /// A str the view would make afresh, which no other entry can be.
    Text(&'a str),
    None,
    Int(i64),
    Float(f64),
}

/// Whether an entry's value is expected to change between records of one
/// call site.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Fixed,
    Varies,
}

/// The walk stopped: a value the sink cannot take, or a record the walk
/// cannot read natively.
pub struct Stopped;

/// What the entries are written to.
pub trait EntrySink<'py> {
    fn entry(
        &mut self,
        key: &Bound<'py, PyString>,
        value: EntryValue<'_, 'py>,
        change: Change,
    ) -> Result<(), Stopped>;
}

/// Gives `sink` the record's entries in the view's order; `message` is
/// what `getMessage()` returns for it.
pub fn visit_entries<'py>(
    py: Python<'py>,
    record: &CallRecord,
    message: EntryValue<'_, 'py>,
    context: &CallContext<'py>,
    sink: &mut impl EntrySink<'py>,
) -> Result<(), Stopped> {
    use Change::{Fixed, Varies};
    use EntryValue::{Float, Int, Object, Text};
    let site = &record.site;
    let times = record.times();
    let item = |index: usize| context.get_item(index).map_err(|_| Stopped);
    sink.entry(
        intern!(py, "name"),
        Object(record.logger_name.bind(py)),
        Fixed,
    )?;
    sink.entry(intern!(py, "msg"), message, Varies)?;
    sink.entry(intern!(py, "args"), EntryValue::None, Fixed)?;
    sink.entry(
        intern!(py, "levelname"),
        Object(record.level_name.bind(py)),
        Fixed,
    )?;
    match &record.level {
        Level::Plain(number) => sink.entry(intern!(py, "levelno"), Int(*number), Varies)?,
        Level::Object(object) => {
            sink.entry(intern!(py, "levelno"), Object(object.bind(py)), Fixed)?
        }
    }
    match record.held_pathname() {
        Some(object) => sink.entry(intern!(py, "pathname"), Object(object.bind(py)), Fixed)?,
        None => sink.entry(intern!(py, "pathname"), Text(&site.pathname), Fixed)?,
    }
    sink.entry(intern!(py, "filename"), Text(&site.filename), Fixed)?;
    sink.entry(intern!(py, "module"), Text(&site.module), Fixed)?;
    sink.entry(intern!(py, "exc_info"), EntryValue::None, Fixed)?;
    match record.exc_text.borrow().as_ref() {
        Some(text) => sink.entry(intern!(py, "exc_text"), Object(text.bind(py)), Varies)?,
        None => sink.entry(intern!(py, "exc_text"), EntryValue::None, Fixed)?,
    }
    sink.entry(
        intern!(py, "stack_info"),
        Object(record.stack_info.bind(py)),
        Varies,
    )?;
    sink.entry(intern!(py, "lineno"), Int(record.line.into()), Varies)?;
    match record.held_function() {
        Some(object) => sink.entry(intern!(py, "funcName"), Object(object.bind(py)), Fixed)?,
        None => sink.entry(intern!(py, "funcName"), Text(&site.function), Fixed)?,
    }
    sink.entry(intern!(py, "created"), Float(times.created), Varies)?;
    sink.entry(intern!(py, "msecs"), Float(times.msecs), Varies)?;
    sink.entry(
        intern!(py, "relativeCreated"),
        Float(times.relative_created),
        Varies,
    )?;
    sink.entry(intern!(py, "thread"), Object(&item(0)?), Varies)?;
    sink.entry(intern!(py, "threadName"), Object(&item(1)?), Fixed)?;
    sink.entry(intern!(py, "processName"), Object(&item(2)?), Fixed)?;
    sink.entry(intern!(py, "process"), Object(&item(3)?), Varies)?;
    if runtime::python_minor() >= 12 {
        sink.entry(intern!(py, "taskName"), Object(&item(4)?), Varies)?;
    }
    if let Some(asctime) = record.asctime.borrow().as_ref() {
        sink.entry(intern!(py, "asctime"), Text(asctime), Varies)?;
    }
    if let Some(extra) = &record.extra {
        for (name, value) in extra.bind(py).iter() {
            let name = name.cast_exact::<PyString>().map_err(|_| Stopped)?;
            sink.entry(name, Object(&value), Varies)?;
        }
    }
    Ok(())
}
