//! `femtologging.structured`'s hot path: a structlog event built, processed
//! and queued for a femto worker without a Python frame of its own.
//!
//! `EventSink.log` is what every level method of `structured.Logger` calls.
//! It filters by level, builds the event dict as structlog's
//! `BoundLoggerBase._process_event` does (the bound context, the call's
//! key-values, then `event`), runs the processor chain and hands the result
//! to the output. Processors structlog users know are run here when they are
//! the ones `configure` chose (`Step`): binding from
//! `femtologging.contextvars`, `add_log_level`, `TimeStamper(fmt="iso",
//! utc=True)`; any other processor (a `LogPublisher`, `format_exc_info` when
//! there is an exception) is called as structlog calls it. The JSON output
//! queues the event as plain data (`Job::Event`) and the worker writes the
//! line; so does the console output (`console`), whose values only Python
//! can write (an object's `repr`, a traceback) are made into text here.

mod console;
mod convert;
mod direct;
mod methods;
mod structlog_context;

pub use console::native_console_line;
pub use methods::attach_structured_methods;

use std::sync::Arc;

use femtologging_core::console::ConsoleLayout;
use femtologging_core::time::{now_ns, whole_seconds_from_ns, write_iso_utc};
use femtologging_core::wire::serialize::json::JsonStyle;
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::bound_context;
use crate::femto::{Event, EventBody, FemtoHandler, Job};
use crate::gil::GilCell;

/// One processor of the chain.
enum Step {
    /// `merge_contextvars` over `femtologging.contextvars`.
    MergeContext,
    /// structlog's own `merge_contextvars`, called only when a value is
    /// bound through `structlog.contextvars` (`structlog_context`).
    MergeStructlogContext {
        /// structlog's dict of its context variables.
        variables: Py<PyDict>,
        processor: Py<PyAny>,
    },
    /// structlog's `add_log_level`.
    AddLogLevel,
    /// structlog's `TimeStamper(fmt="iso", utc=True)`.
    TimestampIsoUtc,
    /// A processor called only when the event has `key` (`format_exc_info`
    /// and `exc_info`): it does nothing to an event without it.
    WhenKey {
        key: Py<PyString>,
        processor: Py<PyAny>,
    },
    /// Any other processor: `processor(logger, method_name, event_dict)`.
    Call(Py<PyAny>),
}

/// Where rendered events go.
enum Output {
    /// The worker renders the event as JSON in `style`.
    Json {
        handler: Py<FemtoHandler>,
        style: JsonStyle,
        /// structlog's `default=` for values JSON has no type for.
        fallback: Py<PyAny>,
        /// Renders an event the native conversion gave up on.
        render: Py<PyAny>,
    },
    /// The worker renders the event as `ConsoleRenderer(colors=False)`
    /// shows it (`console`).
    Console {
        handler: Py<FemtoHandler>,
        /// `None`: the installed renderer's lines are not the native ones
        /// (`configure` compared them), and Python renders every event.
        layout: Option<ConsoleLayout>,
        /// The renderer's exception formatter is `plain_traceback`, whose
        /// text the native traceback gives.
        native_exceptions: bool,
        /// Renders an event the native conversion gave up on.
        render: Py<PyAny>,
    },
}

impl Output {
    fn handler(&self) -> &Py<FemtoHandler> {
        match self {
            Output::Json { handler, .. } | Output::Console { handler, .. } => handler,
        }
    }
}

struct Settings {
    threshold: i64,
    steps: Vec<Step>,
    output: Output,
    /// Every step runs natively: the level methods may build the event
    /// without a Python dict (`direct`).
    direct: bool,
}

/// The configured chain and output, shared by every `structured.Logger`.
#[pyclass(frozen, module = "femtologging._femtologging")]
pub struct EventSink {
    settings: GilCell<Option<Arc<Settings>>>,
    /// What every call returns: an awaitable already complete.
    pub(super) done: Py<PyAny>,
    /// Reports an error raised while processing an event (`DropEvent` aside).
    report: Py<PyAny>,
    /// structlog's `DropEvent`, which a processor raises to drop the event.
    drop_event: Py<PyAny>,
}

#[pymethods]
impl EventSink {
    #[new]
    fn new(done: Py<PyAny>, report: Py<PyAny>, drop_event: Py<PyAny>) -> EventSink {
        EventSink {
            settings: GilCell::new(None),
            done,
            report,
            drop_event,
        }
    }

    /// Replaces the chain: `steps` are `(kind, object)` pairs, kind one of
    /// "merge_contextvars", "merge_structlog_contextvars" (object:
    /// `(variables, processor)`), "add_log_level", "timestamp_iso_utc",
    /// "when_key" (object: `(key, processor)`) and "call"; `output` is
    /// `("json", handler, ensure_ascii, fallback, render)` or
    /// `("console", handler, (pad_event_to, level_width) or None,
    /// native_exceptions, render)`.
    fn configure(
        &self,
        py: Python<'_>,
        threshold: i64,
        steps: &Bound<'_, PyList>,
        output: &Bound<'_, PyTuple>,
    ) -> PyResult<()> {
        let mut parsed = Vec::with_capacity(steps.len());
        for step in steps.iter() {
            let (kind, object): (String, Bound<'_, PyAny>) = step.extract()?;
            parsed.push(match kind.as_str() {
                "merge_contextvars" => Step::MergeContext,
                "merge_structlog_contextvars" => {
                    let (variables, processor): (Bound<'_, PyDict>, Bound<'_, PyAny>) =
                        object.extract()?;
                    Step::MergeStructlogContext {
                        variables: variables.unbind(),
                        processor: processor.unbind(),
                    }
                }
                "add_log_level" => Step::AddLogLevel,
                "timestamp_iso_utc" => Step::TimestampIsoUtc,
                "when_key" => {
                    let (key, processor): (Bound<'_, PyString>, Bound<'_, PyAny>) =
                        object.extract()?;
                    Step::WhenKey {
                        key: key.unbind(),
                        processor: processor.unbind(),
                    }
                }
                "call" => Step::Call(object.unbind()),
                _ => return Err(PyValueError::new_err(format!("unknown step {kind:?}"))),
            });
        }
        let kind: String = output.get_item(0)?.extract()?;
        let output = match kind.as_str() {
            "json" => Output::Json {
                handler: output.get_item(1)?.extract()?,
                style: JsonStyle {
                    ensure_ascii: output.get_item(2)?.extract()?,
                    compact: false,
                },
                fallback: output.get_item(3)?.unbind(),
                render: output.get_item(4)?.unbind(),
            },
            "console" => Output::Console {
                handler: output.get_item(1)?.extract()?,
                layout: output
                    .get_item(2)?
                    .extract::<Option<(usize, usize)>>()?
                    .map(|(pad_event_to, level_width)| ConsoleLayout {
                        pad_event_to,
                        level_width,
                    }),
                native_exceptions: output.get_item(3)?.extract()?,
                render: output.get_item(4)?.unbind(),
            },
            _ => return Err(PyValueError::new_err(format!("unknown output {kind:?}"))),
        };
        let direct = parsed.iter().all(|step| !matches!(step, Step::Call(_)))
            && !matches!(output, Output::Console { layout: None, .. });
        let settings = Settings {
            threshold,
            steps: parsed,
            output,
            direct,
        };
        drop(self.settings.replace(py, Some(Arc::new(settings))));
        Ok(())
    }

    /// Whether events at `level` are processed.
    fn is_enabled_for(&self, py: Python<'_>, level: i64) -> bool {
        self.settings.with(py, |settings| {
            settings
                .as_ref()
                .is_some_and(|settings| level >= settings.threshold)
        })
    }

    /// Logs one event of `logger` (a `structured.Logger`) at `level` through
    /// its method `method_name`; never raises, and returns the completed
    /// awaitable.
    #[pyo3(signature = (logger, level, method_name, event, args, key_values))]
    #[allow(clippy::too_many_arguments)]
    fn log(
        &self,
        py: Python<'_>,
        logger: &Bound<'_, PyAny>,
        level: i64,
        method_name: &Bound<'_, PyString>,
        event: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        key_values: &Bound<'_, PyDict>,
    ) -> Py<PyAny> {
        if let Some(settings) = self.enabled_settings(py, level) {
            if let Err(error) =
                self.process(py, &settings, logger, method_name, event, args, key_values)
            {
                self.report_error(py, error, logger);
            }
        }
        self.done.clone_ref(py)
    }
}

impl EventSink {
    /// The settings, when events at `level` are processed.
    fn enabled_settings(&self, py: Python<'_>, level: i64) -> Option<Arc<Settings>> {
        self.settings.with(py, |settings| {
            settings
                .as_ref()
                .filter(|settings| level >= settings.threshold)
                .cloned()
        })
    }

    /// Reports what processing an event raised, `DropEvent` aside.
    fn report_error(&self, py: Python<'_>, error: PyErr, logger: &Bound<'_, PyAny>) {
        if error.is_instance(py, self.drop_event.bind(py)) {
            return;
        }
        if let Err(unreported) = self.report.bind(py).call1((error,)) {
            unreported.write_unraisable(py, Some(logger));
        }
    }

    /// Queues a job the level methods built for the JSON output.
    fn submit_direct(
        &self,
        py: Python<'_>,
        settings: &Settings,
        job: Job,
        logger: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        if let Err(error) = settings.output.handler().get().submit(py, job, false) {
            self.report_error(py, error, logger);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn process(
        &self,
        py: Python<'_>,
        settings: &Settings,
        logger: &Bound<'_, PyAny>,
        method_name: &Bound<'_, PyString>,
        event: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        key_values: &Bound<'_, PyDict>,
    ) -> PyResult<()> {
        let created_ns = now_ns();
        let context = logger.getattr(intern!(py, "_context"))?;
        let mut event_dict = match context.cast::<PyDict>() {
            Ok(context) => context.copy()?,
            Err(_) => py.get_type::<PyDict>().call1((context,))?.cast_into()?,
        };
        event_dict.update(key_values.as_mapping())?;
        if !event.is_none() {
            if args.is_empty() {
                event_dict.set_item(intern!(py, "event"), event)?;
            } else {
                event_dict.set_item(intern!(py, "event"), event.rem(args)?)?;
            }
        }
        // Processors are given the wrapped logger, as structlog gives them.
        let mut wrapped = None;
        for step in &settings.steps {
            match step {
                Step::MergeContext => {
                    if let Some(bound) = bound_context::current(py) {
                        for (key, value) in bound.iter() {
                            event_dict.set_default(key, value)?;
                        }
                    }
                }
                Step::MergeStructlogContext {
                    variables,
                    processor,
                } => {
                    if structlog_context::anything_bound(variables.bind(py)) {
                        let wrapped = wrapped_logger(logger, &mut wrapped)?;
                        event_dict = as_event_dict(processor.bind(py).call1((
                            wrapped,
                            method_name,
                            event_dict,
                        ))?)?;
                    }
                }
                Step::AddLogLevel => {
                    let name = match method_name.to_str()? {
                        "warn" => intern!(py, "warning"),
                        "exception" => intern!(py, "error"),
                        _ => method_name,
                    };
                    event_dict.set_item(intern!(py, "level"), name)?;
                }
                Step::TimestampIsoUtc => {
                    let mut text = String::with_capacity(32);
                    write_iso_utc(created_ns, &mut text);
                    event_dict.set_item(intern!(py, "timestamp"), text)?;
                }
                Step::WhenKey { key, processor } => {
                    if event_dict.contains(key.bind(py))? {
                        let wrapped = wrapped_logger(logger, &mut wrapped)?;
                        event_dict = as_event_dict(processor.bind(py).call1((
                            wrapped,
                            method_name,
                            event_dict,
                        ))?)?;
                    }
                }
                Step::Call(processor) => {
                    let wrapped = wrapped_logger(logger, &mut wrapped)?;
                    event_dict = as_event_dict(processor.bind(py).call1((
                        wrapped,
                        method_name,
                        event_dict,
                    ))?)?;
                }
            }
        }
        let logged_at = whole_seconds_from_ns(created_ns);
        match &settings.output {
            Output::Json {
                handler,
                style,
                fallback,
                render,
            } => {
                let job = match convert::event_value(&event_dict, fallback.bind(py)) {
                    Ok(fields) => Job::Event(Event {
                        body: EventBody::Json {
                            fields,
                            style: *style,
                        },
                        logged_at,
                    }),
                    Err(convert::Unfit) => {
                        let line = render.bind(py).call1((event_dict,))?;
                        handler.get().line_job(line.cast()?, logged_at)?
                    }
                };
                handler.get().submit(py, job, false)
            }
            Output::Console {
                handler,
                layout,
                native_exceptions,
                render,
            } => {
                let converted = match layout {
                    Some(layout) => console::console_event(&event_dict, *native_exceptions)
                        .map(|event| (event, *layout)),
                    None => Err(convert::Unfit),
                };
                let job = match converted {
                    Ok((event, layout)) => Job::Event(Event {
                        body: EventBody::Console {
                            event: Box::new(event),
                            layout,
                        },
                        logged_at,
                    }),
                    Err(convert::Unfit) => {
                        let line = render.bind(py).call1((event_dict,))?;
                        handler.get().line_job(line.cast()?, logged_at)?
                    }
                };
                handler.get().submit(py, job, false)
            }
        }
    }
}

fn wrapped_logger<'py>(
    logger: &Bound<'py, PyAny>,
    cached: &mut Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Some(wrapped) = cached {
        return Ok(wrapped.clone());
    }
    let wrapped = logger.getattr(intern!(logger.py(), "_logger"))?;
    *cached = Some(wrapped.clone());
    Ok(wrapped)
}

/// A processor's result as the dict the next step takes: a dict as it is,
/// another mapping copied.
fn as_event_dict(result: Bound<'_, PyAny>) -> PyResult<Bound<'_, PyDict>> {
    match result.cast_into::<PyDict>() {
        Ok(dict) => Ok(dict),
        Err(error) => {
            let result = error.into_inner();
            let py = result.py();
            Ok(py.get_type::<PyDict>().call1((result,))?.cast_into()?)
        }
    }
}
