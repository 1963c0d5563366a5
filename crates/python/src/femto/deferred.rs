//! Formatting on the worker: the caller queues the record as plain Rust data
//! and the worker renders the line.
//!
//! This applies when the handler's formatter is a standard one the core
//! renders (`formatter::line_format`) and the record's fields are plain
//! strings; anything else is formatted on the caller, as before. The message
//! is merged and the traceback formatted on the caller all the same: both
//! read Python objects that may change once the call returns.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use femtologging_core::origin::ORIGINS;
use femtologging_core::record::{Additions, Origin, OriginRef, Record};
use femtologging_core::time::whole_seconds_from_ns;
use femtologging_core::wire::serialize::value::Value;
use pyo3::prelude::*;
use pyo3::types::PyString;

use super::{FemtoHandler, Job};
use crate::formatter::{self, SharedFormat};
use crate::gil::GilCell;
use crate::json_layout::plain_value;
use crate::levels::Level;
use crate::record::CallRecord;
use crate::runtime;
use crate::shared_text::shared_str;

/// The job for a native record whose line the worker can render, or `None`
/// when the caller must format it.
pub fn record_job(
    femto: &FemtoHandler,
    formatter: &Bound<'_, PyAny>,
    native: &CallRecord,
) -> PyResult<Option<Job>> {
    let py = formatter.py();
    let Some((format, verified)) = formatter::line_format(py, formatter, &femto.line_format)?
    else {
        return Ok(None);
    };
    let Some(record) = snapshot(formatter, native)? else {
        return Ok(None);
    };
    if format.extra_keys().next().is_some() {
        return extra_record_job(py, femto, format, record, native);
    }
    if verified {
        return Ok(Some(Job::Record {
            record,
            format,
            extra: Vec::new(),
        }));
    }
    // The first record of this format is rendered here: a template that does
    // not suit the record's fields (`%(name)d`) then fails on the caller,
    // reported the standard way, and the worker never sees it.
    let mut line = String::new();
    let works = format.render(&record, &mut line).is_ok();
    formatter::settle_line_format(py, &femto.line_format, &format, works);
    if !works {
        return Ok(None);
    }
    line.push('\n');
    Ok(Some(Job::Line {
        text: line,
        logged_at: whole_seconds_from_ns(record.created_ns),
    }))
}

/// The job for a record whose template names `extra` keys (the call's
/// `extra`, or values bound to the context). Values of the kinds the worker
/// renders (`None`, `bool`, `int`, `float`, `str`) go with the record; the
/// first record of each combination of kinds is rendered here, so a
/// template that does not suit them (`%(request_id)d` of a `str`) fails on
/// the caller, reported the standard way. A missing key or another kind of
/// value: the caller formats, as the standard library would.
fn extra_record_job(
    py: Python<'_>,
    femto: &FemtoHandler,
    format: SharedFormat,
    record: Record,
    native: &CallRecord,
) -> PyResult<Option<Job>> {
    let Some(given) = &native.extra else {
        return Ok(None);
    };
    let given = given.bind(py);
    let mut extra = Vec::new();
    let mut kinds = Vec::new();
    for key in format.extra_keys() {
        let Some(value) = given.get_item(key)? else {
            return Ok(None);
        };
        let value = match plain_value(&value, 0) {
            Some(value @ (Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_))) => value,
            Some(value @ Value::Str(_)) => value,
            _ => return Ok(None),
        };
        kinds.push(kind(&value));
        extra.push((key.to_owned(), value));
    }
    let address = format.as_ptr() as usize;
    let known = femto.extra_kinds.with(py, |memo| {
        memo.as_ref().is_some_and(|(known_address, known_kinds)| {
            *known_address == address && *known_kinds == kinds
        })
    });
    if known {
        return Ok(Some(Job::Record {
            record,
            format,
            extra,
        }));
    }
    let mut line = String::new();
    if format
        .render_with_extra(&record, &extra, &mut line)
        .is_err()
    {
        return Ok(None);
    }
    drop(femto.extra_kinds.replace(py, Some((address, kinds))));
    line.push('\n');
    Ok(Some(Job::Line {
        text: line,
        logged_at: whole_seconds_from_ns(record.created_ns),
    }))
}

/// A value's kind, as far as formatting it goes.
fn kind(value: &Value) -> u8 {
    match value {
        Value::None => 0,
        Value::Bool(_) => 1,
        Value::Int(_) => 2,
        Value::Float(_) => 3,
        _ => 4,
    }
}

/// The record as plain data; `None` when a field is not a plain string.
/// `formatter` formats its traceback (`formatException`).
pub fn snapshot(formatter: &Bound<'_, PyAny>, native: &CallRecord) -> PyResult<Option<Record>> {
    let py = formatter.py();
    // The worker's records hold a level as a 32-bit number.
    let level = match native.level {
        Level::Plain(number) => match i32::try_from(number) {
            Ok(level) => level,
            Err(_) => return Ok(None),
        },
        Level::Object(_) => return Ok(None),
    };
    if native.plain_pathname(py).is_none() || native.plain_function(py).is_none() {
        return Ok(None);
    }
    let Some(origin) = origin(py, native) else {
        return Ok(None);
    };
    let Some(message) = native.owned_message(py)? else {
        return Ok(None);
    };
    let exception_text = match formatter::exception_text(formatter, native)? {
        None => None,
        Some(text) if !text.is_truthy()? => None,
        Some(text) => match plain_text(&text) {
            Some(text) => Some(text),
            None => return Ok(None),
        },
    };
    let stack_info = native.stack_info.bind(py);
    let stack_info = if !stack_info.is_none() && stack_info.is_truthy()? {
        match plain_text(stack_info) {
            Some(text) => Some(text),
            None => return Ok(None),
        }
    } else {
        None
    };
    let additions = (exception_text.is_some() || stack_info.is_some()).then(|| {
        Box::new(Additions {
            exception_text,
            stack_info,
        })
    });
    Ok(Some(Record {
        origin,
        level,
        line: native.line,
        created_ns: native.created_ns,
        start_ns: runtime::START_NS.load(Ordering::Relaxed),
        version: runtime::python_version(),
        thread_id: native.thread_id,
        message,
        additions,
    }))
}

/// Origins used last, found again by the identity of their parts: a busy
/// program logs from a handful of (logger, level, site) triples.
struct RecentOrigins {
    slots: [Option<RecentOrigin>; RECENT_ORIGINS],
    /// The slot the next origin replaces.
    next: usize,
}

struct RecentOrigin {
    key: OriginKey,
    _names: (Py<PyAny>, Py<PyAny>),
    origin: OriginRef,
}

/// The addresses of the logger and level name strings and of the call site.
/// Whoever holds a key also holds the three (`_names`, the origin's
/// `site`), so that no other object can take an address of theirs.
type OriginKey = (usize, usize, usize);

const RECENT_ORIGINS: usize = 8;

static RECENT: GilCell<RecentOrigins> = GilCell::new(RecentOrigins {
    slots: [const { None }; RECENT_ORIGINS],
    next: 0,
});

/// Every origin kept for the life of the process (`OriginRef::keep`), by
/// its key, with the two name strings held: loggers live as long in the
/// standard library, and their names with them.
type KeptOrigins = HashMap<OriginKey, ((Py<PyAny>, Py<PyAny>), OriginRef)>;

static KEPT: GilCell<Option<KeptOrigins>> = GilCell::new(None);

/// The origin of a record; `None` when a name is not a plain string.
fn origin(py: Python<'_>, native: &CallRecord) -> Option<OriginRef> {
    let key = (
        native.logger_name.as_ptr() as usize,
        native.level_name.as_ptr() as usize,
        native.site.as_ptr() as usize,
    );
    let found = RECENT.with(py, |recent| {
        recent
            .slots
            .iter()
            .flatten()
            .find(|recent| recent.key == key)
            .map(|recent| recent.origin.clone())
    });
    if found.is_some() {
        return found;
    }
    let kept = KEPT.with(py, |kept| {
        kept.as_ref()?.get(&key).map(|(_, origin)| origin.clone())
    });
    let origin = match kept {
        Some(kept) => kept,
        None => new_origin(py, native, key)?,
    };
    let names = (
        native.logger_name.clone_ref(py),
        native.level_name.clone_ref(py),
    );
    let evicted = RECENT.with(py, |recent| {
        let slot = recent.next;
        recent.next = (slot + 1) % RECENT_ORIGINS;
        recent.slots[slot].replace(RecentOrigin {
            key,
            _names: names,
            origin: origin.clone(),
        })
    });
    // Dropped outside the cell, as every value leaving a `GilCell` is.
    drop(evicted);
    Some(origin)
}

/// An origin not met before: kept for good while the budget lasts
/// (`KEPT` then finds it again), counted beyond it (found again only while
/// it is among the recent ones).
fn new_origin(py: Python<'_>, native: &CallRecord, key: OriginKey) -> Option<OriginRef> {
    let origin = OriginRef::keep(
        Origin {
            logger_name: shared_str(native.logger_name.bind(py))?,
            level_name: shared_str(native.level_name.bind(py))?,
            site: native.site.clone(),
        },
        &ORIGINS,
    );
    if origin.is_kept() {
        let names = (
            native.logger_name.clone_ref(py),
            native.level_name.clone_ref(py),
        );
        let kept = origin.clone();
        KEPT.with(py, |all| {
            all.get_or_insert_with(HashMap::new)
                .insert(key, (names, kept))
        });
    }
    Some(origin)
}

fn plain_text(text: &Bound<'_, PyAny>) -> Option<String> {
    Some(
        text.cast_exact::<PyString>()
            .ok()?
            .to_str()
            .ok()?
            .to_owned(),
    )
}
