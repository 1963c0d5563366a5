//! `Logger` and `RootLogger`: the hot path of every logging call.
//!
//! A call on a logger whose class and methods are the standard ones runs
//! entirely here: a level check against a cached threshold, the caller's
//! frame, a native record, the filters and the handlers up the tree. Where a
//! Python subclass (or a monkeypatch) replaced a step, that step is called
//! through Python exactly where the standard library would call it.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicU8, AtomicUsize, Ordering};

use femtologging_core::record::{CallSite, SiteRef};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyTuple};

use crate::bound_context;
use crate::call_args::GivenArgs;
use crate::caller::{self, Stacklevel};
use crate::filterer::{Filterer, Verdict};
use crate::gil::{GilCell, PyField};
use crate::handler;
use crate::levels::{self, Level, LevelField};
use crate::manager::Manager;
use crate::overrides::OverrideCheck;
use crate::record::{refused_in_extra, CallRecord, CallerInfo, RecordRef};
use crate::runtime;

/// Bumped whenever anything an effective level depends on changes (a level,
/// a parent, `disable`); each logger's cached threshold is valid for one
/// generation.
static GENERATION: AtomicU64 = AtomicU64::new(1);

pub fn invalidate_levels() {
    GENERATION.fetch_add(1, Ordering::Relaxed);
}

pub static LOGGER_OVERRIDES: OverrideCheck = OverrideCheck::new(&[
    "isEnabledFor",
    "getEffectiveLevel",
    "_log",
    "findCaller",
    "makeRecord",
    "handle",
    "callHandlers",
    "filter",
]);

const IS_ENABLED_FOR: u64 = 1 << 0;
const GET_EFFECTIVE_LEVEL: u64 = 1 << 1;
const LOG: u64 = 1 << 2;
const FIND_CALLER: u64 = 1 << 3;
const MAKE_RECORD: u64 = 1 << 4;
const HANDLE: u64 = 1 << 5;
const CALL_HANDLERS: u64 = 1 << 6;
const FILTER: u64 = 1 << 7;

/// A named channel for records, made by `getLogger(name)` (never directly:
/// the same name gives the same logger). Loggers form a tree by their
/// dotted names under the root. A call such as `logger.info("took %d ms",
/// 42)` makes a record when the level is enabled (`setLevel`, or the
/// nearest ancestor's level), passes it through the logger's filters and
/// hands it to its handlers and, while `propagate` is true, to its
/// ancestors'. The message is merged with its arguments only once a
/// handler needs the text.
#[pyclass(extends = Filterer, subclass, frozen, module = "femtologging")]
pub struct Logger {
    name: PyField,
    level: LevelField,
    parent: PyField,
    propagate: TruthField,
    disabled: TruthField,
    handlers: PyField,
    cached_generation: AtomicU64,
    cached_threshold: AtomicI64,
    /// `_cache`: the standard library's dictionary of level -> answer of
    /// `isEnabledFor`, which code and tests read (and clear).
    cache: PyField,
    recorded: RecordedInCache,
}

/// Which plain levels below 64 this logger has written into its `_cache`
/// dictionary, valid while the level generation and the dictionary's size
/// are those recorded: a call at a level already written costs two loads and
/// a compare, not a dictionary store. Anyone who empties or adds to the
/// dictionary changes its size, and any level change bumps the generation,
/// so the next call writes its answer again.
struct RecordedInCache {
    levels: AtomicU64,
    generation: AtomicU64,
    size: AtomicUsize,
}

impl RecordedInCache {
    fn new() -> RecordedInCache {
        RecordedInCache {
            levels: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            size: AtomicUsize::new(usize::MAX),
        }
    }
}

#[pyclass(extends = Logger, subclass, frozen, module = "femtologging")]
pub struct RootLogger {}

/// An attribute the standard library only tests for truth (`propagate`,
/// `disabled`): the object as assigned, and its truth when testing it runs
/// no Python code; otherwise it is asked each time it is read, where the
/// standard library reads it.
struct TruthField {
    object: PyField,
    truth: AtomicU8,
}

const KNOWN_FALSE: u8 = 0;
const KNOWN_TRUE: u8 = 1;
const ASK: u8 = 2;

impl TruthField {
    fn new(py: Python<'_>, value: bool) -> TruthField {
        TruthField {
            object: PyField::new(PyBool::new(py, value).to_owned().into_any().unbind()),
            truth: AtomicU8::new(if value { KNOWN_TRUE } else { KNOWN_FALSE }),
        }
    }

    fn get<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.object.get(py)
    }

    fn set(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        let fixed = value.is_none()
            || value.is_instance_of::<PyBool>()
            || value.is_exact_instance_of::<PyInt>()
            || value.is_exact_instance_of::<PyString>();
        let truth = match fixed.then(|| value.is_truthy()) {
            Some(Ok(true)) => KNOWN_TRUE,
            Some(Ok(false)) => KNOWN_FALSE,
            _ => ASK,
        };
        self.object.set(py, value);
        self.truth.store(truth, Ordering::Relaxed);
    }

    /// The truth when it is known without asking.
    #[inline(always)]
    fn known(&self) -> Option<bool> {
        match self.truth.load(Ordering::Relaxed) {
            KNOWN_FALSE => Some(false),
            KNOWN_TRUE => Some(true),
            _ => None,
        }
    }

    /// `if value:`.
    #[inline(always)]
    fn truth(&self, py: Python<'_>) -> PyResult<bool> {
        match self.known() {
            Some(truth) => Ok(truth),
            None => self.ask(py),
        }
    }

    #[inline(never)]
    fn ask(&self, py: Python<'_>) -> PyResult<bool> {
        self.object.get(py).is_truthy()
    }
}

#[pymethods]
impl RootLogger {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        Logger::initializer(py).add_subclass(RootLogger {})
    }
}

/// The keyword arguments a logging call was given, by name, in order.
pub struct Keywords<'py>(pub Vec<(Bound<'py, PyString>, Bound<'py, PyAny>)>);

/// The keyword arguments of a logging call. `stack_info` and `stacklevel`
/// are kept as given (`None`: not given) until the caller is looked for,
/// which is where the standard library first reads them.
struct CallOptions<'py> {
    exc_info: Bound<'py, PyAny>,
    extra: Bound<'py, PyAny>,
    stack_info: Option<Bound<'py, PyAny>>,
    stacklevel: Option<Bound<'py, PyAny>>,
}

impl<'py> CallOptions<'py> {
    fn stack_info_object(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        match &self.stack_info {
            Some(value) => value.clone(),
            None => PyBool::new(py, false).to_owned().into_any(),
        }
    }

    fn stacklevel(&self) -> Stacklevel<'py> {
        match &self.stacklevel {
            Some(value) => Stacklevel::from_object(value.clone()),
            None => Stacklevel::Count(1),
        }
    }

    fn stacklevel_object(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        match &self.stacklevel {
            Some(value) => value.clone(),
            None => PyInt::new(py, 1).into_any(),
        }
    }

    fn parse(
        py: Python<'py>,
        kwargs: Option<&Keywords<'py>>,
        exc_info_default: bool,
    ) -> PyResult<Self> {
        let mut options = CallOptions {
            exc_info: if exc_info_default {
                true.into_pyobject(py)?.to_owned().into_any()
            } else {
                py.None().into_bound(py)
            },
            extra: py.None().into_bound(py),
            stack_info: None,
            stacklevel: None,
        };
        if let Some(kwargs) = kwargs {
            for (key, value) in &kwargs.0 {
                let value = value.clone();
                match key.to_str()? {
                    "exc_info" => options.exc_info = value,
                    "extra" => options.extra = value,
                    "stack_info" => options.stack_info = Some(value),
                    "stacklevel" => options.stacklevel = Some(value),
                    other => {
                        return Err(PyTypeError::new_err(format!(
                            "Logger._log() got an unexpected keyword argument '{other}'"
                        )))
                    }
                }
            }
        }
        Ok(options)
    }
}

impl Logger {
    fn initializer(py: Python<'_>) -> PyClassInitializer<Logger> {
        PyClassInitializer::from(Filterer::empty(py)).add_subclass(Logger {
            name: PyField::new(PyString::new(py, "").into_any().unbind()),
            level: LevelField::new(py, 0),
            parent: PyField::none(py),
            propagate: TruthField::new(py, true),
            disabled: TruthField::new(py, false),
            handlers: PyField::new(PyList::empty(py).into_any().unbind()),
            cached_generation: AtomicU64::new(0),
            cached_threshold: AtomicI64::new(0),
            cache: PyField::new(PyDict::new(py).into_any().unbind()),
            recorded: RecordedInCache::new(),
        })
    }

    /// Writes `_cache[level] = enabled`, as the standard `isEnabledFor` does
    /// after working the answer out, unless it is known to be there.
    #[inline(always)]
    fn remember(&self, py: Python<'_>, level: &Level, enabled: bool) {
        if let Level::Plain(number @ 0..=63) = level {
            let written = self.recorded.levels.load(Ordering::Relaxed) & (1 << number) != 0;
            if written
                && self.recorded.generation.load(Ordering::Relaxed)
                    == GENERATION.load(Ordering::Relaxed)
                && self.recorded.size.load(Ordering::Relaxed) == self.cache_size(py)
            {
                return;
            }
        }
        self.write_to_cache(py, level, enabled);
    }

    /// The size of `_cache` when it is an exact dict, else `usize::MAX`.
    #[inline(always)]
    fn cache_size(&self, py: Python<'_>) -> usize {
        self.cache.with(py, |cache| {
            let pointer = cache.as_ptr();
            // SAFETY: a live object, read with the GIL held.
            if unsafe { pyo3::ffi::PyDict_CheckExact(pointer) } != 0 {
                // SAFETY: checked to be a dict just above.
                unsafe { pyo3::ffi::PyDict_Size(pointer) as usize }
            } else {
                usize::MAX
            }
        })
    }

    #[inline(never)]
    fn write_to_cache(&self, py: Python<'_>, level: &Level, enabled: bool) {
        let cache = self.cache.get(py);
        // The standard method would fail on a `_cache` that is no dict;
        // a logging call must not, so it is left alone.
        let Ok(dict) = cache.cast::<PyDict>() else {
            return;
        };
        let generation = GENERATION.load(Ordering::Relaxed);
        let still_valid = self.recorded.generation.load(Ordering::Relaxed) == generation
            && self.recorded.size.load(Ordering::Relaxed) == dict.len();
        if dict.set_item(level.to_object(py), enabled).is_err() {
            // Only an unhashable level fails, and the check hashed it first.
            return;
        }
        let mut levels = if still_valid {
            self.recorded.levels.load(Ordering::Relaxed)
        } else {
            0
        };
        if let Level::Plain(number @ 0..=63) = level {
            levels |= 1 << number;
        }
        self.recorded.levels.store(levels, Ordering::Relaxed);
        self.recorded
            .generation
            .store(generation, Ordering::Relaxed);
        self.recorded.size.store(dict.len(), Ordering::Relaxed);
    }

    /// The lowest level this logger lets through: its effective level, raised
    /// above the manager's `disable` threshold, computed again after a
    /// change. `None` when one of those levels is not a plain number: each
    /// call then compares as Python does.
    fn threshold(&self, slf: &Bound<'_, Logger>) -> PyResult<Option<i64>> {
        let generation = GENERATION.load(Ordering::Relaxed);
        if self.cached_generation.load(Ordering::Relaxed) == generation {
            return Ok(Some(self.cached_threshold.load(Ordering::Relaxed)));
        }
        let py = slf.py();
        let Level::Plain(disable) = manager_disable(slf)? else {
            return Ok(None);
        };
        let Some(effective) = self.plain_effective_level(py) else {
            return Ok(None);
        };
        // A plain level is below i64::MAX, so `disable + 1` fits.
        let threshold = effective.max(disable + 1);
        self.cached_threshold.store(threshold, Ordering::Relaxed);
        self.cached_generation.store(generation, Ordering::Relaxed);
        Ok(Some(threshold))
    }

    /// The effective level when it and every level passed on the way are
    /// plain numbers of native loggers; `None` for anything else.
    fn plain_effective_level(&self, py: Python<'_>) -> Option<i64> {
        let mut level = self.level.plain()?;
        let mut parent = self.parent.get(py);
        while level == 0 {
            if parent.is_none() {
                return Some(0);
            }
            let logger = parent.cast::<Logger>().ok()?.get();
            level = logger.level.plain()?;
            parent = logger.parent.get(py);
        }
        Some(level)
    }

    /// `getEffectiveLevel`: the first true level up the tree, or NOTSET.
    fn effective_level(&self, py: Python<'_>) -> PyResult<Level> {
        let own = self.level.level(py);
        if own.is_truthy(py)? {
            return Ok(own);
        }
        let mut current = self.parent.get(py);
        loop {
            let next = match current.cast::<Logger>() {
                Ok(logger) => {
                    let logger = logger.get();
                    let level = logger.level.level(py);
                    if level.is_truthy(py)? {
                        return Ok(level);
                    }
                    logger.parent.get(py)
                }
                // `while logger:` for whatever else a parent may be.
                Err(_) if current.is_none() || !current.is_truthy()? => break,
                Err(_) => {
                    let level = Level::from_object(&current.getattr(intern!(py, "level"))?);
                    if level.is_truthy(py)? {
                        return Ok(level);
                    }
                    current.getattr(intern!(py, "parent"))?
                }
            };
            current = next;
        }
        Ok(Level::plain(0))
    }

    /// The standard `isEnabledFor`. The common case, a plain level and a
    /// threshold still valid, is a load and a compare.
    #[inline(always)]
    fn native_enabled(&self, slf: &Bound<'_, Logger>, level: &Level) -> PyResult<bool> {
        if self.disabled.truth(slf.py())? {
            return Ok(false);
        }
        if let Level::Plain(number) = level {
            if self.cached_generation.load(Ordering::Relaxed) == GENERATION.load(Ordering::Relaxed)
            {
                let enabled = *number >= self.cached_threshold.load(Ordering::Relaxed);
                self.remember(slf.py(), level, enabled);
                return Ok(enabled);
            }
        }
        let enabled = self.enabled_after_change(slf, level)?;
        self.remember(slf.py(), level, enabled);
        Ok(enabled)
    }

    #[inline(never)]
    fn enabled_after_change(&self, slf: &Bound<'_, Logger>, level: &Level) -> PyResult<bool> {
        if let Level::Plain(level) = level {
            if let Some(threshold) = self.threshold(slf)? {
                return Ok(*level >= threshold);
            }
        }
        compared_enabled(slf, level, false)
    }
}

/// The standard `isEnabledFor` past its `disabled` test, step by step: the
/// level is hashed (it is looked up in a cache), compared with `disable`,
/// then with the effective level (from `getEffectiveLevel` when
/// `overridden_effective`). Used for levels that are not plain numbers.
fn compared_enabled(
    slf: &Bound<'_, Logger>,
    level: &Level,
    overridden_effective: bool,
) -> PyResult<bool> {
    let py = slf.py();
    if let Level::Object(object) = level {
        object.bind(py).hash()?;
    }
    let disable = manager_disable(slf)?;
    if levels::at_least(py, &disable, level)? {
        return Ok(false);
    }
    let effective = if overridden_effective {
        Level::from_object(&slf.call_method0(intern!(py, "getEffectiveLevel"))?)
    } else {
        slf.get().effective_level(py)?
    };
    levels::at_least(py, level, &effective)
}

/// `isEnabledFor`, through the override if there is one.
fn enabled(slf: &Bound<'_, Logger>, overridden: u64, level: &Level) -> PyResult<bool> {
    let py = slf.py();
    if overridden & IS_ENABLED_FOR != 0 {
        return slf
            .call_method1(intern!(py, "isEnabledFor"), (level.to_object(py),))?
            .is_truthy();
    }
    if overridden & GET_EFFECTIVE_LEVEL != 0 {
        if slf.get().disabled.truth(py)? {
            return Ok(false);
        }
        let enabled = compared_enabled(slf, level, true)?;
        slf.get().remember(py, level, enabled);
        return Ok(enabled);
    }
    slf.get().native_enabled(slf, level)
}

/// `self.manager.disable`: the manager is an instance attribute set by
/// `getLogger`, or the class attribute `Logger.manager`, as in the standard
/// library, so it is looked up like any attribute (only on a cache miss).
fn manager_disable(slf: &Bound<'_, Logger>) -> PyResult<Level> {
    let py = slf.py();
    let manager = match slf.getattr(intern!(py, "manager")) {
        Ok(manager) => manager,
        Err(_) => return Ok(Level::plain(0)),
    };
    match manager.cast::<Manager>() {
        Ok(manager) => Ok(manager.get().disable_level(py)),
        Err(_) if manager.is_none() => Ok(Level::plain(0)),
        Err(_) => Ok(Level::from_object(
            &manager.getattr(intern!(py, "disable"))?,
        )),
    }
}

/// The level check of `debug`, `info`, ... and `log`: the overrides found on
/// the logger's type, or `None` when the call logs nothing.
#[inline(always)]
pub fn check_level(slf: &Bound<'_, Logger>, level: &Level) -> PyResult<Option<u64>> {
    match level {
        Level::Plain(number) => check_plain_level(slf, *number),
        Level::Object(_) => {
            let overridden = LOGGER_OVERRIDES.overridden_for(slf.as_any())?;
            check_level_in_full(slf, overridden, level)
        }
    }
}

/// `check_level` for a plain level. The common case (no override, the
/// threshold still valid) is a few loads and a compare.
#[inline(always)]
pub fn check_plain_level(slf: &Bound<'_, Logger>, level: i64) -> PyResult<Option<u64>> {
    let overridden = LOGGER_OVERRIDES.overridden_for(slf.as_any())?;
    if overridden == 0 {
        let logger = slf.get();
        let current =
            logger.cached_generation.load(Ordering::Relaxed) == GENERATION.load(Ordering::Relaxed);
        if let (true, Some(disabled)) = (current, logger.disabled.known()) {
            if disabled {
                return Ok(None);
            }
            let enabled = level >= logger.cached_threshold.load(Ordering::Relaxed);
            logger.remember(slf.py(), &Level::plain(level), enabled);
            return Ok(enabled.then_some(0));
        }
    }
    check_level_in_full(slf, overridden, &Level::plain(level))
}

#[inline(never)]
fn check_level_in_full(
    slf: &Bound<'_, Logger>,
    overridden: u64,
    level: &Level,
) -> PyResult<Option<u64>> {
    let enabled = if overridden == 0 {
        slf.get().native_enabled(slf, level)?
    } else {
        enabled(slf, overridden, level)?
    };
    Ok(enabled.then_some(overridden))
}

/// The rest of `debug`, `info`, ... and `log` once the level let the call
/// through: `_log`, or the override of it.
pub fn log_enabled<'py>(
    slf: &Bound<'py, Logger>,
    overridden: u64,
    level: Level,
    msg: Bound<'py, PyAny>,
    args: GivenArgs<'_, 'py>,
    kwargs: Option<&Keywords<'py>>,
    exc_info_default: bool,
) -> PyResult<()> {
    let py = slf.py();
    if overridden & LOG != 0 {
        let call_kwargs = PyDict::new(py);
        if let Some(kwargs) = kwargs {
            for (key, value) in &kwargs.0 {
                call_kwargs.set_item(key, value)?;
            }
        }
        if exc_info_default && !call_kwargs.contains(intern!(py, "exc_info"))? {
            call_kwargs.set_item(intern!(py, "exc_info"), true)?;
        }
        slf.call_method(
            intern!(py, "_log"),
            (level.to_object(py), msg, args.into_object()?),
            Some(&call_kwargs),
        )?;
        return Ok(());
    }
    let options = CallOptions::parse(py, kwargs, exc_info_default)?;
    log_native(slf, overridden, level, msg, args, options)
}

/// The standard `_log`: caller, record, handling.
fn log_native<'py>(
    slf: &Bound<'py, Logger>,
    overridden: u64,
    level: Level,
    msg: Bound<'py, PyAny>,
    args: GivenArgs<'_, 'py>,
    options: CallOptions<'py>,
) -> PyResult<()> {
    let py = slf.py();
    let runtime = runtime::get(py)?;
    let logger = slf.get();

    let source_lookup = runtime.source_lookup(py)?;
    let (caller, stack_info) = if !source_lookup {
        (unknown_caller(), py.None().into_bound(py))
    } else if overridden & FIND_CALLER != 0 {
        match slf.call_method1(
            intern!(py, "findCaller"),
            (options.stack_info_object(py), options.stacklevel_object(py)),
        ) {
            Ok(found) => {
                let found = found.cast_into::<PyTuple>()?;
                let pathname = found.get_item(0)?;
                let function = found.get_item(2)?;
                let line: u32 = found.get_item(1)?.extract().unwrap_or(0);
                let site = site_for(&pathname, &function);
                (
                    CallerInfo {
                        site,
                        pathname: Some(pathname.unbind()),
                        function: Some(function.unbind()),
                        line,
                    },
                    found.get_item(3)?,
                )
            }
            Err(error) if error.is_instance_of::<PyValueError>(py) => {
                (unknown_caller(), py.None().into_bound(py))
            }
            Err(error) => return Err(error),
        }
    } else {
        let found = match caller::find_caller(py, options.stacklevel(), options.stack_info.as_ref())
        {
            Ok(found) => found,
            // `_log` takes a ValueError from `findCaller` for "no caller".
            Err(error) if error.is_instance_of::<PyValueError>(py) => caller::Caller::unknown(),
            Err(error) => return Err(error),
        };
        let stack_info = match &found.frame {
            Some(frame) => runtime
                .cold(py, intern!(py, "format_stack"))?
                .call1((frame,))?,
            None => py.None().into_bound(py),
        };
        (
            CallerInfo {
                pathname: None,
                function: None,
                site: found.site,
                line: found.line,
            },
            stack_info,
        )
    };

    let exc_info = normalise_exc_info(py, options.exc_info)?;

    let factory_is_standard = runtime.standard_factory(py);

    if overridden & MAKE_RECORD != 0 || !factory_is_standard {
        // Values bound to the context reach `makeRecord` as `extra` keys.
        let extra = if bound_context::current(py).is_some() {
            let given = if options.extra.is_none() {
                None
            } else {
                Some(
                    py.get_type::<PyDict>()
                        .call1((&options.extra,))?
                        .cast_into::<PyDict>()?,
                )
            };
            match bound_context::merged_extra(py, given.as_ref())? {
                Some(merged) => merged.into_any(),
                None => options.extra,
            }
        } else {
            options.extra
        };
        let record = slf.call_method1(
            intern!(py, "makeRecord"),
            (
                logger.name.get(py),
                level.to_object(py),
                caller.pathname(py),
                caller.line,
                msg,
                args.into_object()?,
                exc_info,
                caller.function(py),
                extra,
                stack_info,
            ),
        )?;
        return handle_record(slf, overridden, RecordRef::Python(record));
    }

    let mut record = CallRecord::new(
        py,
        logger.name.get(py).unbind(),
        level,
        caller,
        msg.unbind(),
        args,
        exc_info.unbind(),
        stack_info.unbind(),
    )?;
    let extra = if options.extra.is_none() {
        None
    } else {
        Some(checked_extra(py, &options.extra)?)
    };
    record.extra = match bound_context::merged_extra(py, extra.as_ref())? {
        Some(merged) => Some(merged.unbind()),
        None => extra.map(Bound::unbind),
    };
    handle_record(slf, overridden, RecordRef::Native(&record))
}

/// `stacklevel=1`, the default of `_log` and `findCaller`, told apart from
/// any value passed (`None` included, which the comparison refuses).
fn default_stacklevel() -> Py<PyAny> {
    Python::attach(|py| PyInt::new(py, 1).into_any().unbind())
}

fn unknown_caller() -> CallerInfo {
    CallerInfo {
        pathname: None,
        function: None,
        site: SiteRef::counted(CallSite::unknown()),
        line: 0,
    }
}

fn site_for(pathname: &Bound<'_, PyAny>, function: &Bound<'_, PyAny>) -> SiteRef {
    let path = pathname.extract::<String>().unwrap_or_default();
    let function = function
        .str()
        .map(|text| text.to_string())
        .unwrap_or_default();
    SiteRef::counted(CallSite::from_path(&path, &function))
}

/// `exc_info` as `_log` normalises it: an exception becomes its triple, any
/// other true value that is not a tuple means `sys.exc_info()`.
fn normalise_exc_info<'py>(
    py: Python<'py>,
    exc_info: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if exc_info.is_none() || !exc_info.is_truthy()? {
        return Ok(exc_info);
    }
    if let Ok(exception) = exc_info.cast::<pyo3::exceptions::PyBaseException>() {
        let traceback = exception.getattr(intern!(py, "__traceback__"))?;
        return Ok(PyTuple::new(
            py,
            [
                exception.get_type().into_any(),
                exception.clone().into_any(),
                traceback,
            ],
        )?
        .into_any());
    }
    if exc_info.is_instance_of::<PyTuple>() {
        return Ok(exc_info);
    }
    py.import(intern!(py, "sys"))?
        .call_method0(intern!(py, "exc_info"))
}

/// The version tag (`runtime::dict_version`) of the last `extra` dict whose
/// keys passed the check: a tag is never given to two dict states.
static LAST_CHECKED_EXTRA: GilCell<Option<u64>> = GilCell::new(None);

/// `extra` copied as `makeRecord` copies it into the record's `__dict__`,
/// with its `KeyError` for a key that would overwrite a record attribute.
fn checked_extra<'py>(py: Python<'py>, extra: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    // A plain dict, by far the usual `extra`, is copied whole (the keys
    // keep their order, as the loop below keeps it) and only its keys are
    // read: no Python-level iteration or lookup per key.
    if let Ok(dict) = extra.cast_exact::<PyDict>() {
        // A program passes the same `extra` dict call after call: its keys
        // are checked again only when the dict changed since it passed.
        let version = runtime::dict_version(dict);
        let known = version.is_some() && LAST_CHECKED_EXTRA.with(py, |last| *last) == version;
        if !known {
            for (key, _) in dict.iter() {
                refuse_record_attribute(&key)?;
            }
            LAST_CHECKED_EXTRA.with(py, |last| *last = version);
        }
        return dict.copy();
    }
    let copy = PyDict::new(py);
    for key in extra.try_iter()? {
        let key = key?;
        refuse_record_attribute(&key)?;
        copy.set_item(&key, extra.get_item(&key)?)?;
    }
    Ok(copy)
}

fn refuse_record_attribute(key: &Bound<'_, PyAny>) -> PyResult<()> {
    // A name with a lone surrogate is no attribute's name.
    if let Some(name) = key
        .cast::<PyString>()
        .ok()
        .and_then(|name| name.to_str().ok())
    {
        if refused_in_extra(name) {
            return Err(PyKeyError::new_err(format!(
                "Attempt to overwrite {} in LogRecord",
                key.repr()?
            )));
        }
    }
    Ok(())
}

/// The standard `handle`, through the override if there is one.
fn handle_record<'py>(
    slf: &Bound<'py, Logger>,
    overridden: u64,
    record: RecordRef<'_, 'py>,
) -> PyResult<()> {
    let py = slf.py();
    if overridden & HANDLE != 0 {
        slf.call_method1(intern!(py, "handle"), (record.to_python(py)?,))?;
        return Ok(());
    }
    handle_native(slf, overridden, record)
}

fn handle_native<'py>(
    slf: &Bound<'py, Logger>,
    overridden: u64,
    record: RecordRef<'_, 'py>,
) -> PyResult<()> {
    let py = slf.py();
    if slf.get().disabled.truth(py)? {
        return Ok(());
    }
    let record = if overridden & FILTER != 0 {
        let verdict = slf.call_method1(intern!(py, "filter"), (record.to_python(py)?,))?;
        if !verdict.is_truthy()? {
            return Ok(());
        }
        if runtime::python_minor() >= 12
            && verdict.is_instance(runtime::get(py)?.log_record_class.bind(py))?
        {
            RecordRef::Python(verdict)
        } else {
            record
        }
    } else {
        match slf.as_super().get().apply(py, &record)? {
            Verdict::Drop => return Ok(()),
            Verdict::Keep => record,
            Verdict::Replace(replacement) => RecordRef::Python(replacement),
        }
    };
    if overridden & CALL_HANDLERS != 0 {
        slf.call_method1(intern!(py, "callHandlers"), (record.to_python(py)?,))?;
        return Ok(());
    }
    call_handlers(slf, &record)
}

/// Walks up the tree calling every handler whose level lets the record
/// through, stopping at a logger with `propagate` false. As in the standard
/// library, the record's level is read again for each handler (once Python
/// code has the record, a filter or an `emit` may have changed it), and a
/// logger's `propagate` and `parent` are read once its handlers have run.
fn call_handlers<'py>(slf: &Bound<'py, Logger>, record: &RecordRef<'_, 'py>) -> PyResult<()> {
    let py = slf.py();
    let mut found = 0usize;
    let mut current: Bound<'py, PyAny> = slf.clone().into_any();
    loop {
        let native = current.cast::<Logger>().ok().map(|logger| logger.get());
        let handlers = match native {
            Some(logger) => logger.handlers.get(py),
            None => current.getattr(intern!(py, "handlers"))?,
        };
        if let Ok(list) = handlers.cast::<PyList>() {
            let mut index = 0;
            while index < list.len() {
                let handler = list.get_item(index)?;
                found += 1;
                handler::handle_if_enabled(&handler, record)?;
                index += 1;
            }
        } else {
            for handler in handlers.try_iter()? {
                let handler = handler?;
                found += 1;
                handler::handle_if_enabled(&handler, record)?;
            }
        }
        let parent = match native {
            Some(logger) if !logger.propagate.truth(py)? => break,
            Some(logger) => logger.parent.get(py),
            None if !current.getattr(intern!(py, "propagate"))?.is_truthy()? => break,
            None => current.getattr(intern!(py, "parent"))?,
        };
        // `while c:`: a logger is always true; anything else is asked.
        if parent.is_none() || (!parent.is_instance_of::<Logger>() && !parent.is_truthy()?) {
            break;
        }
        current = parent;
    }
    if found == 0 {
        let runtime = runtime::get(py)?;
        // `if lastResort:`; a handler is true without asking.
        let last_resort = match runtime.global(py, intern!(py, "lastResort")) {
            Some(found) if found.is_instance_of::<handler::Handler>() || found.is_truthy()? => {
                Some(found)
            }
            _ => None,
        };
        match last_resort {
            Some(last_resort) => {
                handler::handle_if_enabled(&last_resort, record)?;
            }
            _ => {
                if runtime.raise_exceptions(py) {
                    let manager = slf.getattr(intern!(py, "manager"))?;
                    let warned = manager
                        .getattr(intern!(py, "emittedNoHandlerWarning"))?
                        .is_truthy()?;
                    if !warned {
                        let name = slf.get().name.get(py);
                        let stderr = py
                            .import(intern!(py, "sys"))?
                            .getattr(intern!(py, "stderr"))?;
                        if !stderr.is_none() {
                            stderr.call_method1(
                                intern!(py, "write"),
                                (format!(
                                    "No handlers could be found for logger \"{}\"\n",
                                    name.str()?
                                ),),
                            )?;
                        }
                        manager.setattr(intern!(py, "emittedNoHandlerWarning"), true)?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[pymethods]
impl Logger {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        Logger::initializer(py)
    }

    #[pyo3(signature = (level, msg, args, exc_info = None, extra = None, stack_info = None, stacklevel = default_stacklevel()))]
    #[pyo3(
        text_signature = "($self, level, msg, args, exc_info=None, extra=None, stack_info=False, stacklevel=1)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn _log<'py>(
        slf: &Bound<'py, Self>,
        level: Bound<'py, PyAny>,
        msg: Bound<'py, PyAny>,
        args: Bound<'py, PyAny>,
        exc_info: Option<Bound<'py, PyAny>>,
        extra: Option<Bound<'py, PyAny>>,
        stack_info: Option<Bound<'py, PyAny>>,
        stacklevel: Py<PyAny>,
    ) -> PyResult<()> {
        let py = slf.py();
        let overridden = LOGGER_OVERRIDES.overridden_for(slf.as_any())?;
        let options = CallOptions {
            exc_info: exc_info.unwrap_or_else(|| py.None().into_bound(py)),
            extra: extra.unwrap_or_else(|| py.None().into_bound(py)),
            stack_info,
            stacklevel: Some(stacklevel.into_bound(py)),
        };
        let level = Level::from_object(&level);
        log_native(
            slf,
            overridden & !LOG,
            level,
            msg,
            GivenArgs::Object(args),
            options,
        )
    }

    /// Makes the `LogRecord` for a call: what `_log` uses, and what a
    /// subclass overrides to make its own records. A key of `extra` that
    /// would overwrite one of the record's attributes raises `KeyError`.
    #[pyo3(name = "makeRecord")]
    #[pyo3(signature = (name, level, r#fn, lno, msg, args, exc_info, func = None, extra = None, sinfo = None))]
    #[allow(clippy::too_many_arguments)]
    fn make_record<'py>(
        slf: &Bound<'py, Self>,
        name: Bound<'py, PyAny>,
        level: Bound<'py, PyAny>,
        r#fn: Bound<'py, PyAny>,
        lno: Bound<'py, PyAny>,
        msg: Bound<'py, PyAny>,
        args: Bound<'py, PyAny>,
        exc_info: Bound<'py, PyAny>,
        func: Option<Bound<'py, PyAny>>,
        extra: Option<Bound<'py, PyAny>>,
        sinfo: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let runtime = runtime::get(py)?;
        let factory = runtime
            .global(py, intern!(py, "_logRecordFactory"))
            .unwrap_or_else(|| runtime.default_record_factory.bind(py).clone());
        let record = factory.call1((name, level, r#fn, lno, msg, args, exc_info, func, sinfo))?;
        if let Some(extra) = extra {
            if !extra.is_none() {
                let dict = record.getattr(intern!(py, "__dict__"))?;
                for key in extra.try_iter()? {
                    let key = key?;
                    let clobbers =
                        key.eq("message")? || key.eq("asctime")? || dict.contains(&key)?;
                    if clobbers {
                        return Err(PyKeyError::new_err(format!(
                            "Attempt to overwrite {} in LogRecord",
                            key.repr()?
                        )));
                    }
                    dict.set_item(&key, extra.get_item(&key)?)?;
                }
            }
        }
        Ok(record)
    }

    /// Finds the caller of the logging call, skipping `stacklevel - 1`
    /// frames beyond it and femtologging's own: returns `(filename, lineno,
    /// function name, stack text or None)`.
    #[pyo3(name = "findCaller")]
    #[pyo3(signature = (stack_info = None, stacklevel = default_stacklevel()))]
    #[pyo3(text_signature = "($self, stack_info=False, stacklevel=1)")]
    fn find_caller_method<'py>(
        slf: &Bound<'py, Self>,
        stack_info: Option<Bound<'py, PyAny>>,
        stacklevel: Py<PyAny>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let stacklevel = Stacklevel::from_object(stacklevel.into_bound(py));
        let found = caller::find_caller(py, stacklevel, stack_info.as_ref())?;
        let stack = match &found.frame {
            Some(frame) => runtime::get(py)?
                .cold(py, intern!(py, "format_stack"))?
                .call1((frame,))?,
            None => py.None().into_bound(py),
        };
        PyTuple::new(
            py,
            [
                PyString::new(py, &found.site.pathname).into_any(),
                found.line.into_pyobject(py)?.into_any(),
                PyString::new(py, &found.site.function).into_any(),
                stack,
            ],
        )
    }

    /// Passes a record to the handlers, unless the logger is disabled or a
    /// filter refuses it: what a logging call does once it has its record.
    fn handle<'py>(slf: &Bound<'py, Self>, record: Bound<'py, PyAny>) -> PyResult<()> {
        let overridden = LOGGER_OVERRIDES.overridden_for(slf.as_any())?;
        handle_native(slf, overridden & !HANDLE, RecordRef::Python(record))
    }

    /// Hands the record to every handler of this logger and of its
    /// ancestors up to the first that does not propagate, each handler
    /// checking its own level; `lastResort` takes it when there was none.
    #[pyo3(name = "callHandlers")]
    fn call_handlers_method<'py>(
        slf: &Bound<'py, Self>,
        record: Bound<'py, PyAny>,
    ) -> PyResult<()> {
        call_handlers(slf, &RecordRef::Python(record))
    }

    /// Whether a record at `level` would be made: not `disable`d and at or
    /// above the effective level.
    #[pyo3(name = "isEnabledFor")]
    fn is_enabled_for(slf: &Bound<'_, Self>, level: Bound<'_, PyAny>) -> PyResult<bool> {
        let overridden = LOGGER_OVERRIDES.overridden_for(slf.as_any())?;
        enabled(
            slf,
            overridden & !IS_ENABLED_FOR,
            &Level::from_object(&level),
        )
    }

    /// The level in force: this logger's, or the first one set on an
    /// ancestor, or NOTSET.
    #[pyo3(name = "getEffectiveLevel")]
    fn get_effective_level<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.effective_level(py)?.to_object(py))
    }

    #[getter]
    fn get_name<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.name.get(py)
    }
    #[setter]
    fn set_name(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.name.set(py, value)
    }

    /// Whatever was assigned, as the standard library's plain attribute.
    #[getter]
    fn get_level<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.level.get(py)
    }
    #[setter]
    fn set_level(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.level.set(py, value);
        invalidate_levels();
    }

    #[getter]
    fn get_parent<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.parent.get(py)
    }
    #[setter]
    fn set_parent(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.parent.set(py, value);
        invalidate_levels();
    }

    #[getter]
    fn get_propagate<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.propagate.get(py)
    }
    #[setter]
    fn set_propagate(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.propagate.set(py, value)
    }

    #[getter]
    fn get_disabled<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.disabled.get(py)
    }
    #[setter]
    fn set_disabled(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.disabled.set(py, value)
    }

    #[getter(_cache)]
    fn get_cache<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.cache.get(py)
    }
    #[setter(_cache)]
    fn set_cache(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.cache.set(py, value);
        // A new dictionary may have the old one's size.
        self.recorded.size.store(usize::MAX, Ordering::Relaxed);
    }

    #[getter]
    fn get_handlers<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.handlers.get(py)
    }
    #[setter]
    fn set_handlers(&self, py: Python<'_>, value: Bound<'_, PyAny>) {
        self.handlers.set(py, value)
    }
}
