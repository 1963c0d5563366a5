//! `Formatter` and the three style classes.
//!
//! A standard `Formatter` formatting a native record renders its compiled
//! template in Rust: the message, the time and every attribute come straight
//! from the record. Anything else (a Python record, a subclass overriding a
//! step, a converter other than `time.localtime`/`time.gmtime`, a template
//! only Python can render) takes the standard steps through Python calls, so
//! overrides run exactly where the standard library runs them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use femtologging_core::format::{
    Conversion, ConversionSpec, FieldKey, FieldSource, FieldValue, RenderError, Style, Template,
    TemplateError,
};
use pyo3::exceptions::{PyKeyError, PyOverflowError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::call_context::{call_context, CallContext};
use crate::gil::{GilCell, PyField};
use crate::json_layout;
use crate::levels::Level;
use crate::overrides::OverrideCheck;
use crate::record::{CallRecord, RecordRef};
use crate::runtime;
use crate::time_cache;
use femtologging_core::kept::{KeepBudget, Kept};
use femtologging_core::line::LineFormat;

/// A formatted record: Rust text from the native path, or whatever object a
/// Python `format` returned.
pub enum FormattedText<'py> {
    Rust(String),
    Python(Bound<'py, PyAny>),
}

impl<'py> FormattedText<'py> {
    pub fn into_python(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self {
            FormattedText::Rust(text) => PyString::new(py, &text).into_any(),
            FormattedText::Python(text) => text,
        })
    }

    /// `text + terminator`, as the stream handlers write it. Rust text gets
    /// the terminator appended in place (the formatter left room for it).
    pub fn with_terminator(
        self,
        py: Python<'py>,
        terminator: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyString>> {
        match self {
            FormattedText::Rust(mut text) => {
                if let Ok(terminator) = terminator.cast::<PyString>() {
                    if let Ok(terminator) = terminator.to_str() {
                        text.push_str(terminator);
                        return Ok(PyString::new(py, &text));
                    }
                }
                Ok(PyString::new(py, &text)
                    .add(terminator)?
                    .cast_into::<PyString>()?)
            }
            FormattedText::Python(text) => Ok(text.add(terminator)?.cast_into::<PyString>()?),
        }
    }
}

pub static FORMATTER_OVERRIDES: OverrideCheck = OverrideCheck::new(&[
    "format",
    "formatMessage",
    "formatTime",
    "formatException",
    "formatStack",
    "usesTime",
    "converter",
    "default_time_format",
    "default_msec_format",
]);
const CONVERTER: u64 = 1 << 6;

pub static PERCENT_OVERRIDES: OverrideCheck =
    OverrideCheck::new(&["format", "_format", "usesTime"]);
pub static BRACE_OVERRIDES: OverrideCheck = OverrideCheck::new(&["format", "_format", "usesTime"]);
pub static DOLLAR_OVERRIDES: OverrideCheck = OverrideCheck::new(&["format", "_format", "usesTime"]);

/// Instance attributes that change how a standard formatter formats.
const INSTANCE_SETTINGS: [&str; 3] = ["converter", "default_time_format", "default_msec_format"];

#[pyclass(subclass, frozen, dict, weakref, module = "femtologging")]
pub struct PercentStyle {
    fmt: PyField,
    defaults: PyField,
    style: Style,
    template: GilCell<Option<Arc<Template>>>,
}

#[pyclass(extends = PercentStyle, subclass, frozen, module = "femtologging")]
pub struct StrFormatStyle {}

#[pyclass(extends = PercentStyle, subclass, frozen, module = "femtologging")]
pub struct StringTemplateStyle {}

impl PercentStyle {
    fn with_style(py: Python<'_>, style: Style) -> PercentStyle {
        PercentStyle {
            fmt: PyField::none(py),
            defaults: PyField::none(py),
            style,
            template: GilCell::new(None),
        }
    }

    /// The compiled template for the current `_fmt`.
    pub fn template(&self, py: Python<'_>) -> PyResult<Arc<Template>> {
        if let Some(template) = self.template.get(py) {
            return Ok(template);
        }
        let fmt = self.fmt.get(py);
        let source = fmt
            .cast::<PyString>()
            .map(|text| text.to_string_lossy().into_owned())
            .unwrap_or_default();
        let template = Arc::new(Template::compile(&source, self.style));
        drop(self.template.replace(py, Some(template.clone())));
        Ok(template)
    }

    fn overrides(&self) -> &'static OverrideCheck {
        match self.style {
            Style::Percent => &PERCENT_OVERRIDES,
            Style::Brace => &BRACE_OVERRIDES,
            Style::Dollar => &DOLLAR_OVERRIDES,
        }
    }

    /// The values the template is applied to: the record's attributes over
    /// the style's `defaults`.
    fn values<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let attributes = record.getattr(intern!(py, "__dict__"))?;
        let defaults = self.defaults.get(py);
        if defaults.is_none() || !defaults.is_truthy()? {
            return Ok(attributes);
        }
        let merged = PyDict::new(py);
        merged.update(defaults.cast::<pyo3::types::PyMapping>()?)?;
        merged.update(attributes.cast::<pyo3::types::PyMapping>()?)?;
        Ok(merged.into_any())
    }
}

#[pymethods]
impl PercentStyle {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> Self {
        PercentStyle::with_style(py, Style::Percent)
    }

    #[getter(_fmt)]
    fn get_fmt<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.fmt.get(py)
    }
    #[setter(_fmt)]
    fn set_fmt(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.fmt.set(py, value);
        drop(self.template.replace(py, None));
        settings_changed();
    }

    #[getter(_defaults)]
    fn get_defaults<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.defaults.get(py)
    }
    #[setter(_defaults)]
    fn set_defaults(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.defaults.set(py, value);
        settings_changed();
    }

    #[pyo3(name = "usesTime")]
    fn uses_time(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.template(py)?.uses_time())
    }

    fn validate(&self, py: Python<'_>) -> PyResult<()> {
        match self.template(py)?.validate() {
            Ok(()) => Ok(()),
            Err(TemplateError::Invalid(message)) => Err(PyValueError::new_err(message)),
            Err(TemplateError::RequiresHost) => {
                let symbol = self.style.symbol().to_string();
                runtime::get(py)?
                    .cold(py, intern!(py, "validate_template"))?
                    .call1((symbol, self.fmt.get(py)))?;
                Ok(())
            }
        }
    }

    fn _format<'py>(
        &self,
        py: Python<'py>,
        record: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let values = self.values(py, &record)?;
        let fmt = self.fmt.get(py);
        match self.style {
            Style::Percent => fmt.rem(&values),
            Style::Brace => {
                let values = values.cast_into::<PyDict>()?;
                fmt.call_method(intern!(py, "format"), (), Some(&values))
            }
            Style::Dollar => {
                let values = values.cast_into::<PyDict>()?;
                let template_class = py
                    .import(intern!(py, "string"))?
                    .getattr(intern!(py, "Template"))?;
                template_class.call1((fmt,))?.call_method(
                    intern!(py, "substitute"),
                    (),
                    Some(&values),
                )
            }
        }
    }

    fn format<'py>(
        slf: &Bound<'py, Self>,
        record: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        match slf.call_method1(intern!(py, "_format"), (record,)) {
            Err(error) if error.is_instance_of::<PyKeyError>(py) => {
                Err(field_not_found(py, error.value(py))?)
            }
            other => other,
        }
    }
}

#[pymethods]
impl StrFormatStyle {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        PyClassInitializer::from(PercentStyle::with_style(py, Style::Brace))
            .add_subclass(StrFormatStyle {})
    }
}

#[pymethods]
impl StringTemplateStyle {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        PyClassInitializer::from(PercentStyle::with_style(py, Style::Dollar))
            .add_subclass(StringTemplateStyle {})
    }
}

/// Turns a record into text. `fmt` is a template over the record's
/// attributes in the `style` `%` (`%(levelname)s`), `{` (`{levelname}`) or
/// `$` (`$levelname`), `"%(message)s"` when None; `datefmt` is the
/// `time.strftime` format of `asctime`; `defaults` fills fields a record
/// lacks; `validate` checks the template at once. The template is rendered
/// natively; a subclass's override of `format`, `formatTime`,
/// `formatException`, `formatMessage` or `formatStack` is called where the
/// standard library calls it.
#[pyclass(subclass, frozen, dict, weakref, module = "femtologging")]
pub struct Formatter {
    style: PyField,
    fmt: PyField,
    datefmt: PyField,
}

#[pymethods]
impl Formatter {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> Self {
        Formatter {
            style: PyField::none(py),
            fmt: PyField::none(py),
            datefmt: PyField::none(py),
        }
    }

    #[getter(_style)]
    fn get_style<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.style.get(py)
    }
    #[setter(_style)]
    fn set_style(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.style.set(py, value);
        settings_changed();
    }

    #[getter(_fmt)]
    fn get_fmt<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.fmt.get(py)
    }
    #[setter(_fmt)]
    fn set_fmt(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.fmt.set(py, value);
        settings_changed();
    }

    #[getter]
    fn get_datefmt<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.datefmt.get(py)
    }
    #[setter]
    fn set_datefmt(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.datefmt.set(py, value);
        settings_changed();
    }

    /// Turns a record into its text: the merged message (`record.message`),
    /// `asctime` when the template uses it, the template filled in, then the
    /// traceback and stack, each on its own lines. Rendered natively unless a
    /// subclass overrides a step, whose method is then called.
    fn format<'py>(
        slf: &Bound<'py, Self>,
        record: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        format_generic(slf.as_any(), &record).map(Bound::into_any)
    }

    /// Whether the template uses `asctime`, so that `format` must fill it in.
    #[pyo3(name = "usesTime")]
    fn uses_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.style.get(py).call_method0(intern!(py, "usesTime"))
    }

    /// Fills the template in from the record's attributes (through the style).
    #[pyo3(name = "formatMessage")]
    fn format_message<'py>(
        &self,
        py: Python<'py>,
        record: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.style
            .get(py)
            .call_method1(intern!(py, "format"), (record,))
    }

    /// The text of `record.stack_info` as it goes into the output; here
    /// unchanged, for subclasses to override.
    #[pyo3(name = "formatStack")]
    fn format_stack<'py>(&self, stack_info: Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        stack_info
    }

    /// The record's creation time as text: `datefmt` through `time.strftime`
    /// if given, else `default_time_format` with the milliseconds appended
    /// by `default_msec_format`. `converter` (`time.localtime` by default)
    /// turns the timestamp into a time tuple.
    #[pyo3(name = "formatTime", signature = (record, datefmt = None))]
    fn format_time<'py>(
        slf: &Bound<'py, Self>,
        record: Bound<'py, PyAny>,
        datefmt: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let created = record.getattr(intern!(py, "created"))?;
        let converted = slf.getattr(intern!(py, "converter"))?.call1((created,))?;
        let time_module = py.import(intern!(py, "time"))?;
        if let Some(datefmt) = datefmt.filter(|value| value.is_truthy().unwrap_or(false)) {
            return time_module.call_method1(intern!(py, "strftime"), (datefmt, converted));
        }
        let default_format = slf.getattr(intern!(py, "default_time_format"))?;
        let text =
            time_module.call_method1(intern!(py, "strftime"), (default_format, converted))?;
        let msec_format = slf.getattr(intern!(py, "default_msec_format"))?;
        if msec_format.is_truthy()? {
            let msecs = record.getattr(intern!(py, "msecs"))?;
            return msec_format.rem(pyo3::types::PyTuple::new(py, [text, msecs])?);
        }
        Ok(text)
    }
}

/// `Formatter.format` step by step through Python calls: the standard
/// algorithm, honouring every override.
fn format_generic<'py>(
    formatter: &Bound<'py, PyAny>,
    record: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    let py = formatter.py();
    let message = record.call_method0(intern!(py, "getMessage"))?;
    record.setattr(intern!(py, "message"), &message)?;
    if formatter
        .call_method0(intern!(py, "usesTime"))?
        .is_truthy()?
    {
        let datefmt = formatter.getattr(intern!(py, "datefmt"))?;
        let asctime = formatter.call_method1(intern!(py, "formatTime"), (record, datefmt))?;
        record.setattr(intern!(py, "asctime"), asctime)?;
    }
    let mut text = formatter.call_method1(intern!(py, "formatMessage"), (record,))?;
    let exc_info = record.getattr(intern!(py, "exc_info"))?;
    if exc_info.is_truthy()? && !record.getattr(intern!(py, "exc_text"))?.is_truthy()? {
        let exc_text = formatter.call_method1(intern!(py, "formatException"), (exc_info,))?;
        record.setattr(intern!(py, "exc_text"), exc_text)?;
    }
    let exc_text = record.getattr(intern!(py, "exc_text"))?;
    if exc_text.is_truthy()? {
        text = append_on_new_line(&text, &exc_text)?;
    }
    let stack_info = record.getattr(intern!(py, "stack_info"))?;
    if stack_info.is_truthy()? {
        let stack = formatter.call_method1(intern!(py, "formatStack"), (stack_info,))?;
        text = append_on_new_line(&text, &stack)?;
    }
    text.cast_into::<PyString>()
        .map_err(|error| PyTypeError::new_err(error.to_string()))
}

fn append_on_new_line<'py>(
    text: &Bound<'py, PyAny>,
    addition: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = text.py();
    let ends_with_newline = text
        .call_method1(intern!(py, "endswith"), ("\n",))?
        .is_truthy()?;
    let text = if ends_with_newline {
        text.clone()
    } else {
        text.add("\n")?
    };
    text.add(addition)
}

/// `logging._defaultFormatter`: what formats for a handler without a
/// formatter.
pub fn default_formatter(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    runtime::get(py)?
        .default_formatter(py)
        .ok_or_else(|| PyTypeError::new_err("no default formatter"))
}

/// Formats a record with a handler's formatter (or the default one when the
/// handler has none), natively when nothing in the way needs Python.
pub fn format_with<'py>(
    py: Python<'py>,
    formatter: &Bound<'py, PyAny>,
    record: &RecordRef<'_, 'py>,
) -> PyResult<FormattedText<'py>> {
    let formatter = if formatter.is_none() {
        default_formatter(py)?
    } else {
        formatter.clone()
    };
    if let Some(native) = record.native(py) {
        if !formatter.is_exact_instance_of::<Formatter>()
            && json_layout::is_json_formatter(&formatter)?
        {
            if let Some(text) = json_layout::json_text(&formatter, native)? {
                return Ok(FormattedText::Rust(text));
            }
        } else if let Some(text) = format_native(py, &formatter, native)? {
            return Ok(FormattedText::Rust(text));
        }
    }
    let text = formatter.call_method1(intern!(py, "format"), (record.to_python(py)?,))?;
    Ok(FormattedText::Python(text))
}

/// A standard formatter that nothing keeps from rendering natively: no
/// overridden step, no instance setting, a standard style without defaults
/// and a template the core renders.
struct StandardPlan<'py> {
    native: Bound<'py, Formatter>,
    style: Bound<'py, PercentStyle>,
    template: Arc<Template>,
    /// The formatter's `datefmt`, whatever it holds.
    datefmt: Bound<'py, PyAny>,
    utc: bool,
}

impl<'py> StandardPlan<'py> {
    fn of(py: Python<'py>, formatter: &Bound<'py, PyAny>) -> PyResult<Option<StandardPlan<'py>>> {
        let Ok(native) = formatter.cast::<Formatter>() else {
            return Ok(None);
        };
        let overridden = FORMATTER_OVERRIDES.overridden_for(native.as_any())?;
        let utc = if overridden == 0 {
            false
        } else if overridden == CONVERTER
            && is_gmtime(py, &native.getattr(intern!(py, "converter"))?)?
        {
            true
        } else {
            return Ok(None);
        };
        if has_instance_settings(py, native.as_any())? {
            return Ok(None);
        }
        let style_object = native.get().style.get(py);
        let Ok(style) = style_object.cast_into::<PercentStyle>() else {
            return Ok(None);
        };
        if style.get().overrides().overridden_for(style.as_any())? != 0
            || !style.get().defaults.is_none(py)
        {
            return Ok(None);
        }
        let template = style.get().template(py)?;
        if template.python_only() {
            return Ok(None);
        }
        Ok(Some(StandardPlan {
            datefmt: native.get().datefmt.get(py),
            native: native.clone(),
            style,
            template,
            utc,
        }))
    }

    /// `datefmt` as `formatTime` uses it: `None` when falsy; `Err(())` when
    /// only Python can use it (not a string).
    fn datefmt(&self) -> PyResult<Result<Option<String>, ()>> {
        if !self.datefmt.is_truthy()? {
            return Ok(Ok(None));
        }
        Ok(
            match self
                .datefmt
                .cast::<PyString>()
                .ok()
                .map(|text| text.to_str())
            {
                Some(Ok(text)) => Ok(Some(text.to_owned())),
                _ => Err(()),
            },
        )
    }
}

/// The format the worker renders with, and whether it was verified on the
/// caller; `None` when the caller must format.
pub type WorkerFormat = Option<(SharedFormat, bool)>;

/// A format the worker renders with, held by each record queued for it:
/// `Kept` (the core's `kept.rs`), so queueing a record raises no count the
/// worker lowers.
pub type SharedFormat = Kept<LineFormat>;

/// Formats kept at most for the life of the process: one is made each time
/// a handler's formatter settings change.
static KEPT_FORMATS: KeepBudget = KeepBudget::new(1024);

/// Bumped by every assignment to a setting of a formatter or a style, so a
/// cached answer computed from them can tell it may be stale.
static SETTINGS_GENERATION: AtomicU64 = AtomicU64::new(0);

fn settings_changed() {
    SETTINGS_GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// A femto handler's cached answer to "can the worker format this
/// formatter's records", with what it was computed from.
pub struct CachedLineFormat {
    /// `SETTINGS_GENERATION` when the answer was last checked.
    generation: u64,
    formatter: Py<PyAny>,
    style: Py<PyAny>,
    datefmt: Py<PyAny>,
    template: Arc<Template>,
    utc: bool,
    format: Option<SharedFormat>,
    /// The worker's rendering succeeded once on the caller, so the template
    /// and the record's field types agree (a `%(name)d` fails on the caller,
    /// reported the standard way, instead of on the worker).
    pub verified: bool,
}

/// The `LineFormat` for a formatter, when the worker can render its
/// records: from `cache` while the formatter's settings are the ones it was
/// computed from.
pub fn line_format(
    py: Python<'_>,
    formatter: &Bound<'_, PyAny>,
    cache: &GilCell<Option<CachedLineFormat>>,
) -> PyResult<WorkerFormat> {
    let generation = SETTINGS_GENERATION.load(Ordering::Relaxed);
    let unchanged = unchanged_line_format(py, formatter, cache, generation, |cached| {
        cached
            .format
            .clone()
            .map(|format| (format, cached.verified))
    })?;
    if let Some(unchanged) = unchanged {
        return Ok(unchanged);
    }
    let Some(plan) = StandardPlan::of(py, formatter)? else {
        return Ok(None);
    };
    let current = cache.with(py, |cached| {
        let cached = cached.as_mut()?;
        let same = cached.formatter.is(formatter)
            && cached.style.is(&plan.style)
            && cached.datefmt.is(&plan.datefmt)
            && Arc::ptr_eq(&cached.template, &plan.template)
            && cached.utc == plan.utc;
        if !same {
            return None;
        }
        // Checked again and unchanged: the quick check applies once more.
        cached.generation = generation;
        Some(
            cached
                .format
                .clone()
                .map(|format| (format, cached.verified)),
        )
    });
    if let Some(current) = current {
        return Ok(current);
    }
    let format = match plan.datefmt()? {
        Ok(date_format) => {
            let asctime = plan
                .template
                .uses_time()
                .then(|| time_cache::shared(py, date_format.as_deref(), plan.utc));
            LineFormat::new(plan.template.clone(), asctime)
                .map(|format| Kept::keep(format, &KEPT_FORMATS))
        }
        Err(()) => None,
    };
    let fresh = CachedLineFormat {
        generation,
        formatter: formatter.clone().unbind(),
        style: plan.style.clone().into_any().unbind(),
        datefmt: plan.datefmt.clone().unbind(),
        template: plan.template.clone(),
        utc: plan.utc,
        format: format.clone(),
        verified: false,
    };
    drop(cache.replace(py, Some(fresh)));
    Ok(format.map(|format| (format, false)))
}

/// The cached answer without recomputing the plan, when nothing it depends
/// on can have changed: the same formatter, no formatter or style setting
/// assigned since, and still no override on their classes (a class change
/// shows in its version tag, which the override checks read) nor setting in
/// the formatter's instance dictionary. `None`: compute it again.
fn unchanged_line_format<R>(
    py: Python<'_>,
    formatter: &Bound<'_, PyAny>,
    cache: &GilCell<Option<CachedLineFormat>>,
    generation: u64,
    pick: impl FnOnce(&CachedLineFormat) -> R,
) -> PyResult<Option<R>> {
    let style = cache.with(py, |cached| {
        let cached = cached.as_ref()?;
        // A `converter` override needs the full check each time.
        let current = cached.generation == generation && !cached.utc;
        (current && cached.formatter.is(formatter)).then(|| cached.style.clone_ref(py))
    });
    let Some(style) = style else {
        return Ok(None);
    };
    if FORMATTER_OVERRIDES.overridden_for(formatter)? != 0 || has_instance_settings(py, formatter)?
    {
        return Ok(None);
    }
    let style = style.into_bound(py);
    let Ok(style) = style.cast::<PercentStyle>() else {
        return Ok(None);
    };
    if style.get().overrides().overridden_for(style.as_any())? != 0 {
        return Ok(None);
    }
    Ok(cache.with(py, |cached| cached.as_ref().map(pick)))
}

/// The address of the handler's cached format, when `line_format` would
/// answer that format, verified, without computing anything again: for a
/// caller that holds the format already and only needs to know it is still
/// the one (a copy of its own would cost two locked instructions).
pub fn verified_line_format_address(
    py: Python<'_>,
    formatter: &Bound<'_, PyAny>,
    cache: &GilCell<Option<CachedLineFormat>>,
) -> PyResult<Option<usize>> {
    let generation = SETTINGS_GENERATION.load(Ordering::Relaxed);
    let address = unchanged_line_format(py, formatter, cache, generation, |cached| {
        let format = cached.format.as_ref().filter(|_| cached.verified)?;
        Some(format.as_ptr() as usize)
    })?;
    Ok(address.flatten())
}

/// Marks the cached format as verified, or as one the worker must not use.
pub fn settle_line_format(
    py: Python<'_>,
    cache: &GilCell<Option<CachedLineFormat>>,
    format: &SharedFormat,
    works: bool,
) {
    cache.with(py, |cached| {
        if let Some(cached) = cached {
            if cached
                .format
                .as_ref()
                .is_some_and(|cached| cached.as_ptr() == format.as_ptr())
            {
                if works {
                    cached.verified = true;
                } else {
                    cached.format = None;
                }
            }
        }
    });
}

/// The native path, or `None` when this formatter/record pair needs Python.
fn format_native<'py>(
    py: Python<'py>,
    formatter: &Bound<'py, PyAny>,
    record: &CallRecord,
) -> PyResult<Option<String>> {
    let Some(plan) = StandardPlan::of(py, formatter)? else {
        return Ok(None);
    };
    let native = &plan.native;
    let template = &plan.template;
    let utc = plan.utc;
    let message = record.message(py)?;
    let Some(message_text) = message.text(py) else {
        return Ok(None);
    };
    let asctime = if template.uses_time() {
        let Ok(datefmt) = plan.datefmt()? else {
            return Ok(None);
        };
        Some(time_cache::asctime(py, record, datefmt.as_deref(), utc)?)
    } else {
        None
    };
    let mut source = NativeSource {
        py,
        record,
        message: message_text,
        asctime: asctime.as_deref(),
        context: None,
        outcome: None,
    };
    // Room for the line and the terminator the stream handlers append.
    let mut text = String::with_capacity(template.source().len() + message_text.len() + 48);
    let rendered = template.render(&mut source, &mut text);
    let outcome = source.outcome.take();
    // `Formatter.format` sets `record.asctime` before the template runs.
    if asctime.is_some() {
        *record.asctime.borrow_mut() = asctime;
    }
    if let Err(error) = rendered {
        return match outcome {
            Some(HostOutcome::Raised(error)) => Err(error),
            Some(HostOutcome::NotUtf8) => Ok(None),
            None => Err(render_error(py, error)?),
        };
    }
    if let Some(exc_text) = exception_text(native.as_any(), record)? {
        if exc_text.is_truthy()? {
            let Ok(exc_text) = exc_text.cast::<PyString>() else {
                return Ok(None);
            };
            let Ok(exc_text) = exc_text.to_str() else {
                return Ok(None);
            };
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(exc_text);
        }
    }
    let stack_info = record.stack_info.bind(py);
    if stack_info.is_truthy()? {
        let Ok(stack) = stack_info.cast::<PyString>() else {
            return Ok(None);
        };
        let Ok(stack) = stack.to_str() else {
            return Ok(None);
        };
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(stack);
    }
    Ok(Some(text))
}

/// `record.exc_text`, formatted by `formatter.formatException` on first
/// use, as `Formatter.format` does it; `None` when the record carries no
/// exception.
pub fn exception_text<'py>(
    formatter: &Bound<'py, PyAny>,
    record: &CallRecord,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = formatter.py();
    let exc_info = record.exc_info.bind(py);
    // `None`, the usual value, without a call into the interpreter.
    if exc_info.is_none() || !exc_info.is_truthy()? {
        return Ok(None);
    }
    let cached = record
        .exc_text
        .borrow()
        .as_ref()
        .map(|exc_text| exc_text.clone_ref(py));
    if let Some(exc_text) = cached {
        return Ok(Some(exc_text.into_bound(py)));
    }
    let exc_text = formatter.call_method1(intern!(py, "formatException"), (exc_info,))?;
    *record.exc_text.borrow_mut() = Some(exc_text.clone().unbind());
    Ok(Some(exc_text))
}

fn is_gmtime(py: Python<'_>, converter: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(converter.is(&py
        .import(intern!(py, "time"))?
        .getattr(intern!(py, "gmtime"))?))
}

extern "C" {
    // Exported by every CPython 3 (`Include/cpython/object.h`); pyo3-ffi
    // leaves it out as private.
    pub(crate) fn _PyObject_GetDictPtr(
        object: *mut pyo3::ffi::PyObject,
    ) -> *mut *mut pyo3::ffi::PyObject;
}

fn has_instance_settings(py: Python<'_>, formatter: &Bound<'_, PyAny>) -> PyResult<bool> {
    // The common case, checked on every record: an instance whose `__dict__`
    // was never created or is empty (the standard attributes live in Rust).
    // SAFETY: `formatter` is a live object and the GIL is held; the slot the
    // pointer addresses holds a borrowed dict or null. A positive
    // `tp_dictoffset` (the native classes and their Python subclasses) is
    // where that slot is, read here without the call into the interpreter.
    unsafe {
        let object = formatter.as_ptr();
        let offset = (*pyo3::ffi::Py_TYPE(object)).tp_dictoffset;
        let slot = if offset > 0 {
            object
                .cast::<u8>()
                .offset(offset)
                .cast::<*mut pyo3::ffi::PyObject>()
        } else {
            _PyObject_GetDictPtr(object)
        };
        // An instance dictionary is always a dict (or a subclass of it).
        let empty = |dict: *mut pyo3::ffi::PyObject| {
            dict.is_null() || (*dict.cast::<pyo3::ffi::PyDictObject>()).ma_used == 0
        };
        if !slot.is_null() && empty(*slot) {
            return Ok(false);
        }
    }
    let dict = formatter.getattr(intern!(py, "__dict__"))?;
    let dict = dict.cast::<PyDict>()?;
    if dict.is_empty() {
        return Ok(false);
    }
    for name in INSTANCE_SETTINGS {
        if dict.contains(name)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The exception `logging` raises for a template naming an attribute the
/// record lacks: a `ValueError` raised while handling the `KeyError`.
fn field_not_found(py: Python<'_>, key_error: &Bound<'_, PyAny>) -> PyResult<PyErr> {
    let error = PyValueError::new_err(format!(
        "Formatting field not found in record: {}",
        key_error.str()?
    ));
    error
        .value(py)
        .setattr(intern!(py, "__context__"), key_error)?;
    Ok(error)
}

/// The Python exception for an error of the core's renderer.
fn render_error(py: Python<'_>, error: RenderError) -> PyResult<PyErr> {
    Ok(match error {
        RenderError::MissingField(key) => {
            let key_error = PyKeyError::new_err(key.name().to_owned());
            field_not_found(py, key_error.value(py).as_any())?
        }
        RenderError::TypeMismatch(message) => PyTypeError::new_err(message),
        RenderError::InvalidValue(message) => PyValueError::new_err(message),
        RenderError::Overflow(message) => PyOverflowError::new_err(message),
        other => PyValueError::new_err(other.to_string()),
    })
}

/// Why rendering stopped inside a host callback.
enum HostOutcome {
    /// Python raised; this exception is the one to report.
    Raised(PyErr),
    /// Python produced text with lone surrogates, which only a Python string
    /// can hold: the record goes through the Python path.
    NotUtf8,
}

/// A native record as the template engine sees it.
struct NativeSource<'a, 'py> {
    py: Python<'py>,
    record: &'a CallRecord,
    message: &'a str,
    asctime: Option<&'a str>,
    /// `(thread, threadName, processName, process, taskName)`, asked of
    /// Python once per record and only by templates that use them.
    context: Option<CallContext<'py>>,
    outcome: Option<HostOutcome>,
}

fn exact_str<'a>(value: &'a Bound<'_, PyAny>) -> FieldValue<'a> {
    match value.cast_exact::<PyString>() {
        Ok(text) => match text.to_str() {
            Ok(text) => FieldValue::Str(text),
            Err(_) => FieldValue::Foreign,
        },
        Err(_) => FieldValue::Foreign,
    }
}

impl<'py> NativeSource<'_, 'py> {
    fn context_item(&mut self, index: usize) -> PyResult<Bound<'py, PyAny>> {
        if self.context.is_none() {
            let py = self.py;
            let context = call_context(py, self.record.thread_id)?;
            self.context = Some(context);
        }
        self.context.as_ref().expect("filled above").get_item(index)
    }

    fn has_task_name(&self) -> bool {
        runtime::python_minor() >= 12
    }

    fn extra(&self, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.record.extra {
            Some(extra) => extra.bind(self.py).get_item(name),
            None => Ok(None),
        }
    }

    /// The attribute as the Python record would hold it; `None` when absent.
    fn python_value(&mut self, key: &FieldKey) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = self.py;
        let record = self.record;
        let times = || record.times();
        Ok(Some(match key {
            FieldKey::Name => record.logger_name.bind(py).clone(),
            FieldKey::Msg => record.msg.bind(py).clone(),
            FieldKey::Args => record.args.bind(py)?,
            FieldKey::LevelName => record.level_name.bind(py).clone(),
            FieldKey::LevelNo => record.level.to_object(py),
            FieldKey::PathName => record.pathname(py),
            FieldKey::FileName => PyString::new(py, &record.site.filename).into_any(),
            FieldKey::Module => PyString::new(py, &record.site.module).into_any(),
            FieldKey::ExcInfo => record.exc_info.bind(py).clone(),
            FieldKey::ExcText => match record.exc_text.borrow().as_ref() {
                Some(text) => text.bind(py).clone(),
                None => py.None().into_bound(py),
            },
            FieldKey::StackInfo => record.stack_info.bind(py).clone(),
            FieldKey::LineNo => record.line.into_pyobject(py)?.into_any(),
            FieldKey::FuncName => record.function(py),
            FieldKey::Created => times().created.into_pyobject(py)?.into_any(),
            FieldKey::Msecs => times().msecs.into_pyobject(py)?.into_any(),
            FieldKey::RelativeCreated => times().relative_created.into_pyobject(py)?.into_any(),
            FieldKey::Thread => self.context_item(0)?,
            FieldKey::ThreadName => self.context_item(1)?,
            FieldKey::ProcessName => self.context_item(2)?,
            FieldKey::Process => self.context_item(3)?,
            FieldKey::TaskName if self.has_task_name() => self.context_item(4)?,
            FieldKey::Message => PyString::new(py, self.message).into_any(),
            FieldKey::AscTime => match self.asctime {
                Some(asctime) => PyString::new(py, asctime).into_any(),
                None => return self.extra("asctime"),
            },
            FieldKey::TaskName | FieldKey::Other(_) => return self.extra(key.name()),
        }))
    }

    /// What Python's own formatting makes of the value under this spec.
    fn python_text(
        &mut self,
        key: &FieldKey,
        spec: &ConversionSpec,
    ) -> PyResult<Option<Bound<'py, PyString>>> {
        let py = self.py;
        let Some(value) = self.python_value(key)? else {
            return Ok(None);
        };
        let text = match spec.style() {
            Style::Percent => PyString::new(py, spec.text()).rem((value,))?,
            Style::Brace => {
                let converted = match spec.conversion() {
                    None => value,
                    Some(Conversion::Str) => value.str()?.into_any(),
                    Some(Conversion::Repr) => value.repr()?.into_any(),
                    Some(Conversion::Ascii) => py
                        .import(intern!(py, "builtins"))?
                        .call_method1(intern!(py, "ascii"), (value,))?,
                };
                py.import(intern!(py, "builtins"))?
                    .call_method1(intern!(py, "format"), (converted, spec.text()))?
            }
            Style::Dollar => value.str()?.into_any(),
        };
        Ok(Some(text.cast_into::<PyString>()?))
    }

    fn fail(&mut self, outcome: HostOutcome) -> RenderError {
        self.outcome = Some(outcome);
        RenderError::Host("raised in Python".into())
    }
}

impl FieldSource for NativeSource<'_, '_> {
    fn value(&mut self, key: &FieldKey) -> Result<FieldValue<'_>, RenderError> {
        let record = self.record;
        let py = self.py;
        Ok(match key {
            FieldKey::Name => exact_str(record.logger_name.bind(py)),
            FieldKey::LevelName => exact_str(record.level_name.bind(py)),
            FieldKey::PathName => match record.plain_pathname(py) {
                Some(text) => FieldValue::Str(text),
                None => FieldValue::Foreign,
            },
            FieldKey::FuncName => match record.plain_function(py) {
                Some(text) => FieldValue::Str(text),
                None => FieldValue::Foreign,
            },
            FieldKey::LevelNo => match record.level {
                Level::Plain(number) => FieldValue::Int(number),
                Level::Object(_) => FieldValue::Foreign,
            },
            FieldKey::FileName => FieldValue::Str(&record.site.filename),
            FieldKey::Module => FieldValue::Str(&record.site.module),
            FieldKey::LineNo => FieldValue::Int(record.line as i64),
            FieldKey::Message => FieldValue::Str(self.message),
            FieldKey::Created => FieldValue::Float(record.times().created),
            FieldKey::Msecs => FieldValue::Float(record.times().msecs),
            FieldKey::RelativeCreated => FieldValue::Float(record.times().relative_created),
            FieldKey::AscTime if self.asctime.is_some() => {
                FieldValue::Str(self.asctime.expect("checked"))
            }
            FieldKey::ExcText if record.exc_text.borrow().is_none() => FieldValue::None,
            FieldKey::StackInfo if record.stack_info.bind(py).is_none() => FieldValue::None,
            FieldKey::TaskName if self.has_task_name() => FieldValue::Foreign,
            FieldKey::TaskName if record.extra.is_none() => {
                return Err(RenderError::MissingField(key.clone()))
            }
            FieldKey::AscTime | FieldKey::TaskName | FieldKey::Other(_) => {
                match self.extra(key.name()) {
                    Ok(Some(_)) => FieldValue::Foreign,
                    Ok(None) => return Err(RenderError::MissingField(key.clone())),
                    Err(error) => return Err(self.fail(HostOutcome::Raised(error))),
                }
            }
            // Message arguments, exception objects, and the thread and
            // process fields, which depend on Python's settings.
            _ => FieldValue::Foreign,
        })
    }

    fn format_foreign(
        &mut self,
        key: &FieldKey,
        spec: &ConversionSpec,
        out: &mut String,
    ) -> Result<(), RenderError> {
        match self.python_text(key, spec) {
            Ok(Some(text)) => match text.to_str() {
                Ok(text) => {
                    out.push_str(text);
                    Ok(())
                }
                Err(_) => Err(self.fail(HostOutcome::NotUtf8)),
            },
            Ok(None) => Err(RenderError::MissingField(key.clone())),
            Err(error) => Err(self.fail(HostOutcome::Raised(error))),
        }
    }
}
