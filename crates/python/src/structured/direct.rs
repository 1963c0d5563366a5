//! An event built without a Python dict, for the level methods (`methods`)
//! when every step of the chain runs natively (`Settings::direct`).
//!
//! The fields are filled as structlog fills its event dict (the bound
//! context, the call's keywords, `event`, then the steps), with a dict's
//! semantics (a later key replaces an earlier one in its place), into the
//! output's own form: the core's `Value` for JSON, its `ConsoleEvent` for
//! the console. Whatever those cannot hold (a value only Python renders, an
//! `exc_info`, a processor to call) gives the event back to the dict's way.

use femtologging_core::console::ConsoleEvent;
use femtologging_core::repr::ReprValue;
use femtologging_core::time::{now_ns, whole_seconds_from_ns, write_iso_utc};
use femtologging_core::wire::serialize::value::{Text, Value};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use super::console::{exact_str, shown_value};
use super::convert::{self, Unfit};
use super::methods::{rest, LevelMethod};
use super::structlog_context;
use super::{Output, Settings, Step};
use crate::bound_context;
use crate::fastcall::RawArguments as Arguments;
use crate::femto::{Event, EventBody, Job};

/// The event's job built without a Python dict; `None` when it must go the
/// dict's way.
pub(super) fn direct_event(
    py: Python<'_>,
    settings: &Settings,
    method: &LevelMethod,
    logger: &Bound<'_, PyAny>,
    event: &Bound<'_, PyAny>,
    arguments: &Arguments<'_, '_>,
) -> PyResult<Option<Job>> {
    let created_ns = now_ns();
    let logged_at = whole_seconds_from_ns(created_ns);
    let body = match &settings.output {
        Output::Json {
            style, fallback, ..
        } => {
            let mut fields = JsonFields::new(fallback.bind(py));
            if !fill(
                py,
                settings,
                method,
                logger,
                event,
                arguments,
                created_ns,
                &mut fields,
            )? {
                return Ok(None);
            }
            EventBody::Json {
                fields: fields.into_value(),
                style: *style,
            }
        }
        Output::Console {
            layout: Some(layout),
            ..
        } => {
            let mut fields = ConsoleFields::default();
            if !fill(
                py,
                settings,
                method,
                logger,
                event,
                arguments,
                created_ns,
                &mut fields,
            )? {
                return Ok(None);
            }
            EventBody::Console {
                event: Box::new(fields.into_event()),
                layout: *layout,
            }
        }
        // Python renders every event.
        Output::Console { layout: None, .. } => return Ok(None),
    };
    Ok(Some(Job::Event(Event { body, logged_at })))
}

/// Fills `fields` as structlog fills the event dict (the bound context, the
/// call's keywords, `event`) and runs the steps on them; `false` when the
/// event must go the dict's way.
#[allow(clippy::too_many_arguments)]
fn fill(
    py: Python<'_>,
    settings: &Settings,
    method: &LevelMethod,
    logger: &Bound<'_, PyAny>,
    event: &Bound<'_, PyAny>,
    arguments: &Arguments<'_, '_>,
    created_ns: i64,
    fields: &mut impl DirectFields,
) -> PyResult<bool> {
    let context = logger.getattr(intern!(py, "_context"))?;
    let Ok(context) = context.cast::<PyDict>() else {
        return Ok(false);
    };
    for (key, value) in context.iter() {
        let Ok(key) = string(&key) else {
            return Ok(false);
        };
        if fields.set(key, &value).is_err() {
            return Ok(false);
        }
    }
    for (name, value) in arguments.keywords() {
        let Ok(name) = string(&name) else {
            return Ok(false);
        };
        if name == "event" && arguments.positional.is_empty() {
            continue;
        }
        // SAFETY: the interpreter keeps the arguments alive for the call.
        let value = unsafe { Bound::from_borrowed_ptr(py, value) };
        if fields.set(name, &value).is_err() {
            return Ok(false);
        }
    }
    if !event.is_none() {
        let event = if arguments.positional.len() > 1 {
            event.rem(rest(py, arguments)?)?
        } else {
            event.clone()
        };
        if fields.set("event", &event).is_err() {
            return Ok(false);
        }
    }
    for step in &settings.steps {
        match step {
            Step::MergeContext => {
                if let Some(bound) = bound_context::current(py) {
                    for (key, value) in bound.iter() {
                        let Ok(key) = string(&key) else {
                            return Ok(false);
                        };
                        if fields.set_default(key, &value).is_err() {
                            return Ok(false);
                        }
                    }
                }
            }
            Step::MergeStructlogContext { variables, .. } => {
                // Its processor orders the keys; the dict's way calls it.
                if structlog_context::anything_bound(variables.bind(py)) {
                    return Ok(false);
                }
            }
            Step::AddLogLevel => {
                let name = match method.name {
                    "warn" => "warning",
                    "exception" => "error",
                    name => name,
                };
                fields.set_text("level", name.to_owned());
            }
            Step::TimestampIsoUtc => {
                let mut text = String::with_capacity(32);
                write_iso_utc(created_ns, &mut text);
                fields.set_text("timestamp", text);
            }
            Step::WhenKey { key, .. } => {
                if fields.contains(key.bind(py).to_str()?) {
                    return Ok(false);
                }
            }
            Step::Call(_) => return Ok(false),
        }
    }
    Ok(true)
}

/// An event's fields as the level methods build them, with a dict's
/// semantics; `Unfit` gives the event to the dict's way.
trait DirectFields {
    /// Sets `key`, replacing its value in place as a dict does.
    fn set(&mut self, key: &str, value: &Bound<'_, PyAny>) -> Result<(), Unfit>;
    /// Sets `key` unless the event has it (`dict.setdefault`).
    fn set_default(&mut self, key: &str, value: &Bound<'_, PyAny>) -> Result<(), Unfit>;
    /// Sets `key` to text the sink made (`level`, `timestamp`).
    fn set_text(&mut self, key: &str, text: String);
    fn contains(&self, key: &str) -> bool;
}

/// The JSON output's fields, converted by `JSONRenderer`'s rules.
struct JsonFields<'a, 'py> {
    fields: Vec<(Text, Value)>,
    fallback: &'a Bound<'py, PyAny>,
}

impl<'a, 'py> JsonFields<'a, 'py> {
    fn new(fallback: &'a Bound<'py, PyAny>) -> Self {
        JsonFields {
            fields: Vec::with_capacity(8),
            fallback,
        }
    }

    fn into_value(self) -> Value {
        Value::Dict(self.fields)
    }

    fn put(&mut self, key: &str, value: Value) {
        match self.fields.iter_mut().find(|(name, _)| name.text == key) {
            Some(field) => field.1 = value,
            None => self.fields.push((Text::new(key), value)),
        }
    }
}

impl DirectFields for JsonFields<'_, '_> {
    fn set(&mut self, key: &str, value: &Bound<'_, PyAny>) -> Result<(), Unfit> {
        let value = convert::plain_value(value, self.fallback)?;
        self.put(key, value);
        Ok(())
    }

    fn set_default(&mut self, key: &str, value: &Bound<'_, PyAny>) -> Result<(), Unfit> {
        if self.contains(key) {
            return Ok(());
        }
        let value = convert::plain_value(value, self.fallback)?;
        self.fields.push((Text::new(key), value));
        Ok(())
    }

    fn set_text(&mut self, key: &str, text: String) {
        self.put(key, Value::Str(Text::new(text)));
    }

    fn contains(&self, key: &str) -> bool {
        self.fields.iter().any(|(name, _)| name.text == key)
    }
}

fn string<'a>(key: &'a Bound<'_, PyAny>) -> Result<&'a str, ()> {
    key.cast::<PyString>()
        .map_err(|_| ())?
        .to_str()
        .map_err(|_| ())
}

/// The console output's fields: the renderer's columns and the other
/// key-values, converted as `console` converts an event dict.
#[derive(Default)]
struct ConsoleFields {
    event: ConsoleEvent,
}

impl ConsoleFields {
    fn into_event(self) -> ConsoleEvent {
        self.event
    }

    fn column(&mut self, key: &str) -> Option<&mut Option<String>> {
        let event = &mut self.event;
        Some(match key {
            "timestamp" => &mut event.timestamp,
            "level" => &mut event.level,
            "event" => &mut event.event,
            "logger" => &mut event.logger,
            "logger_name" => &mut event.logger_name,
            "stack" => &mut event.stack,
            "exception" => &mut event.exception,
            _ => return None,
        })
    }

    fn put(&mut self, key: &str, value: ReprValue) {
        let key_values = &mut self.event.key_values;
        match key_values.iter_mut().find(|(name, _)| name == key) {
            Some(entry) => entry.1 = value,
            None => key_values.push((key.to_owned(), value)),
        }
    }
}

impl DirectFields for ConsoleFields {
    fn set(&mut self, key: &str, value: &Bound<'_, PyAny>) -> Result<(), Unfit> {
        if key == "exc_info" {
            // Read where the exception is handled: the dict's way does it.
            return Err(Unfit);
        }
        if let Some(column) = self.column(key) {
            *column = Some(exact_str(value)?.to_owned());
            return Ok(());
        }
        let value = shown_value(value)?;
        self.put(key, value);
        Ok(())
    }

    fn set_default(&mut self, key: &str, value: &Bound<'_, PyAny>) -> Result<(), Unfit> {
        if self.contains(key) {
            return Ok(());
        }
        self.set(key, value)
    }

    fn set_text(&mut self, key: &str, text: String) {
        match self.column(key) {
            Some(column) => *column = Some(text),
            None => self.put(key, ReprValue::Str(text)),
        }
    }

    fn contains(&self, key: &str) -> bool {
        let event = &self.event;
        match key {
            "timestamp" => event.timestamp.is_some(),
            "level" => event.level.is_some(),
            "event" => event.event.is_some(),
            "logger" => event.logger.is_some(),
            "logger_name" => event.logger_name.is_some(),
            "stack" => event.stack.is_some(),
            "exception" => event.exception.is_some(),
            _ => event.key_values.iter().any(|(name, _)| name == key),
        }
    }
}
