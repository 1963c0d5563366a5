//! `TimedRotatingFileHandler` of the standard face.
//!
//! The arithmetic is the core's `TimedSchedule`; this module is the handler
//! around it. User code may reassign `rolloverAt`, `interval`, `suffix`,
//! `extMatch`, `utc`, `atTime`, `namer` and `rotator` at any time, so every
//! step reads the attribute when it needs it rather than keeping a copy.
//! The time test before each record runs natively unless a subclass
//! replaced `shouldRollover`; the steps of a rollover that a subclass may
//! replace (`computeRollover`, `getFilesToDelete`, `rotation_filename`,
//! `rotate`) are called as methods, where the standard library calls them.

use std::convert::Infallible;
use std::path::PathBuf;

use femtologging_core::rotation::backups::Renamer;
use femtologging_core::rotation::size::is_special_file;
use femtologging_core::rotation::timed::{
    backup_file_name, mtime_seconds, split_path, try_files_to_delete, AtTime, Clock,
    ExistingBackup, ExtMatch, Namer, SearchHit, SuffixMatcher, SystemClock, TimedSchedule, When,
};
use femtologging_core::time::{seconds_from_timestamp, PythonVersion, TimeError};
use pyo3::exceptions::{PyOSError, PyOverflowError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyFloat, PyInt, PyModule};

use crate::handler::{Handler, HandlerKind};
use crate::os_errors::{path_error, strerror};
use crate::rotating::{base_filename, is_shared, version, BaseRotatingHandler, HandlerHooks};

#[pyclass(extends = BaseRotatingHandler, subclass, frozen, module = "femtologging")]
pub struct TimedRotatingFileHandler {}

/// The `time` module and its `time` function as they were at import.
struct TimeFunction {
    module: Py<PyModule>,
    standard: Py<PyAny>,
}

static TIME_FUNCTION: PyOnceLock<TimeFunction> = PyOnceLock::new();

/// Remembers the standard `time.time`, before any test could replace it.
pub fn capture_time_function(py: Python<'_>) -> PyResult<()> {
    time_function(py).map(|_| ())
}

fn time_function(py: Python<'_>) -> PyResult<&TimeFunction> {
    TIME_FUNCTION.get_or_try_init(py, || -> PyResult<TimeFunction> {
        let module = py.import("time")?;
        let standard = module.getattr("time")?.unbind();
        Ok(TimeFunction {
            module: module.unbind(),
            standard,
        })
    })
}

/// `int(time.time())`, the handler's "now".
///
/// The standard handler looks `time.time` up on each call, so a test that
/// patches it moves the handler's clock; the patched function is then called
/// here too. Otherwise the system clock is read without calling Python.
fn now(py: Python<'_>) -> PyResult<i64> {
    let time = time_function(py)?;
    let current = time.module.bind(py).getattr(intern!(py, "time"))?;
    if current.is(time.standard.bind(py)) {
        return Ok(SystemClock.now());
    }
    let value = current.call0()?;
    py.get_type::<PyInt>().call1((value,))?.extract()
}

/// The exception CPython's `time` functions raise for the same failure.
fn time_error(error: TimeError) -> PyErr {
    match error {
        TimeError::Os(code) => PyOSError::new_err((code, strerror(code))),
        TimeError::InvalidValue(message) => PyValueError::new_err(message),
        TimeError::Overflow(message) => PyOverflowError::new_err(message),
    }
}

/// The whole second `time.localtime(value)` would convert: an int as it is,
/// anything else as a float rounded down.
fn whole_seconds(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    if value.cast::<PyInt>().is_ok() {
        return value
            .extract()
            .map_err(|_| PyOverflowError::new_err("timestamp out of range for platform time_t"));
    }
    let float = value
        .cast::<PyFloat>()
        .map(|float| float.value())
        .or_else(|_| value.extract::<f64>())?;
    seconds_from_timestamp(float).map_err(time_error)
}

/// Whether the `when` attribute names a rollover at a time of day, by the
/// standard library's own test (so a reassigned, unparsable `when` still
/// counts when it starts with `W`).
fn is_time_of_day(when: &str) -> bool {
    when == "MIDNIGHT" || when.starts_with('W')
}

fn when_of(handler: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    Ok(handler
        .getattr(intern!(handler.py(), "when"))?
        .extract()
        .ok())
}

/// The schedule a time-of-day `computeRollover` follows, from the current
/// attributes: a weekly schedule's day is `dayOfWeek`, which is what the
/// standard library consults once the handler is built.
fn time_of_day_schedule(
    handler: &Bound<'_, PyAny>,
    when: &str,
    interval: &Bound<'_, PyAny>,
    version: PythonVersion,
) -> PyResult<TimedSchedule> {
    let py = handler.py();
    let utc = handler.getattr(intern!(py, "utc"))?.is_truthy()?;
    let at_time = handler.getattr(intern!(py, "atTime"))?;
    let at_time = if at_time.is_none() {
        None
    } else {
        Some(AtTime::new(
            at_time.getattr(intern!(py, "hour"))?.extract()?,
            at_time.getattr(intern!(py, "minute"))?.extract()?,
            at_time.getattr(intern!(py, "second"))?.extract()?,
        ))
    };
    let name = if when.starts_with('W') {
        let day: i64 = handler.getattr(intern!(py, "dayOfWeek"))?.extract()?;
        format!("W{day}")
    } else {
        when.to_owned()
    };
    let mut schedule = TimedSchedule::new(&name, 1, utc, at_time, version)
        .map_err(|error| PyValueError::new_err(error.to_string()))?;
    match interval.extract::<i64>() {
        Ok(seconds) => schedule.set_interval(seconds),
        // Before 3.13 a time-of-day rollover ignores the interval.
        Err(_) if version != PythonVersion::V3_13 => {}
        // The whole seconds here; `compute_rollover` adds the fraction.
        Err(_) => schedule.set_interval(whole_seconds(interval)?),
    }
    Ok(schedule)
}

/// `computeRollover(current_time)` with the handler's current attributes.
fn compute_rollover<'py>(
    handler: &Bound<'py, PyAny>,
    current_time: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = handler.py();
    let when = when_of(handler)?;
    let interval = handler.getattr(intern!(py, "interval"))?;
    // The standard method starts with this sum whatever the unit, so a time
    // of the wrong type fails here, with the same error.
    let plain = current_time.add(&interval)?;
    let Some(when) = when.filter(|when| is_time_of_day(when)) else {
        return Ok(plain);
    };
    let version = version();
    let schedule = time_of_day_schedule(handler, &when, &interval, version)?;
    let start = whole_seconds(current_time)?;
    let rollover = schedule.compute_rollover(start).map_err(time_error)?;
    let result = if current_time.cast_exact::<PyInt>().is_ok() {
        rollover.into_pyobject(py)?.into_any()
    } else {
        // The distance to the rollover depends only on the whole second, so
        // a fractional time keeps its fraction, as the standard arithmetic
        // does.
        current_time.add(rollover - start)?
    };
    // 3.13 adds the interval itself: a fractional one (1.5 days) keeps its
    // fraction too.
    if version == PythonVersion::V3_13 && interval.cast_exact::<PyInt>().is_err() {
        return result.add(interval.sub(whole_seconds(&interval)?)?);
    }
    Ok(result)
}

/// `shouldRollover`: the time has come, and the file is a regular file (or
/// missing). For a special file the schedule moves on instead, so that the
/// test is not repeated on every record.
pub fn should_rollover(handler: &Bound<'_, Handler>) -> PyResult<bool> {
    let py = handler.py();
    let now = now(py)?;
    let rollover_at = handler.getattr(intern!(py, "rolloverAt"))?;
    let due = match rollover_at.cast_exact::<PyInt>() {
        Ok(at) => match at.extract::<i64>() {
            Ok(at) => now >= at,
            Err(_) => now.into_pyobject(py)?.ge(&rollover_at)?,
        },
        Err(_) => now.into_pyobject(py)?.ge(&rollover_at)?,
    };
    if !due {
        return Ok(false);
    }
    if is_special_file(&base_filename(handler)?) {
        let next = handler.call_method1(intern!(py, "computeRollover"), (now,))?;
        handler.setattr(intern!(py, "rolloverAt"), next)?;
        return Ok(false);
    }
    Ok(true)
}

/// The built-in `extMatch`, with the error type a Python namer needs.
struct StandardPattern(ExtMatch);

impl SuffixMatcher for StandardPattern {
    type Error = PyErr;

    fn match_start(&self, text: &str) -> PyResult<bool> {
        infallible(self.0.match_start(text))
    }

    fn full_match(&self, text: &str) -> PyResult<bool> {
        infallible(self.0.full_match(text))
    }

    fn search(&self, text: &str, pos: usize) -> PyResult<Option<SearchHit>> {
        infallible(self.0.search(text, pos))
    }
}

fn infallible<T>(result: Result<T, Infallible>) -> PyResult<T> {
    match result {
        Ok(value) => Ok(value),
        Err(never) => match never {},
    }
}

/// A pattern the user put in `extMatch`, called through its own methods.
struct UserPattern<'a, 'py>(&'a Bound<'py, PyAny>);

impl SuffixMatcher for UserPattern<'_, '_> {
    type Error = PyErr;

    fn match_start(&self, text: &str) -> PyResult<bool> {
        let py = self.0.py();
        Ok(!self
            .0
            .call_method1(intern!(py, "match"), (text,))?
            .is_none())
    }

    fn full_match(&self, text: &str) -> PyResult<bool> {
        let py = self.0.py();
        Ok(!self
            .0
            .call_method1(intern!(py, "fullmatch"), (text,))?
            .is_none())
    }

    fn search(&self, text: &str, pos: usize) -> PyResult<Option<SearchHit>> {
        let py = self.0.py();
        let found = self.0.call_method1(intern!(py, "search"), (text, pos))?;
        if found.is_none() {
            return Ok(None);
        }
        Ok(Some(SearchHit {
            start: found.call_method0(intern!(py, "start"))?.extract()?,
            text: found.get_item(0)?.extract()?,
        }))
    }
}

/// The built-in matcher when `extMatch` is still the pattern the handler
/// compiled (same text, `re.ASCII` alone): then matching natively gives the
/// same answers without calling Python for each file name.
fn standard_pattern(
    pattern: &Bound<'_, PyAny>,
    when: Option<&str>,
    version: PythonVersion,
) -> PyResult<Option<ExtMatch>> {
    let py = pattern.py();
    let Some(when) = when.and_then(|when| When::parse(when).ok()) else {
        return Ok(None);
    };
    let pattern_type = py.import("re")?.getattr(intern!(py, "Pattern"))?;
    if !pattern.get_type().is(&pattern_type) {
        return Ok(None);
    }
    let re_ascii = py.import("re")?.getattr(intern!(py, "ASCII"))?;
    let standard = ExtMatch::new(when, version);
    let same_text = pattern
        .getattr(intern!(py, "pattern"))?
        .extract::<String>()
        .is_ok_and(|text| text == standard.pattern());
    let same_flags = pattern.getattr(intern!(py, "flags"))?.eq(re_ascii)?;
    Ok((same_text && same_flags).then_some(standard))
}

fn path_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let path: PathBuf = value.extract()?;
    Ok(path.to_string_lossy().into_owned())
}

/// `getFilesToDelete`: the old backups beyond `backupCount`, oldest first.
fn files_to_delete(handler: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let py = handler.py();
    let version = version();
    let base = base_filename(handler.cast::<Handler>()?)?;
    let (directory, _) = split_path(&base);
    // A name that is not valid UTF-8 (listed with surrogates) cannot start
    // with the base name, which is: it is no backup of this file.
    let names: Vec<String> = py
        .import("os")?
        .call_method1(intern!(py, "listdir"), (directory,))?
        .try_iter()?
        .filter_map(|name| name.and_then(|name| name.extract::<String>()).ok())
        .collect();
    let backup_count: i64 = handler.getattr(intern!(py, "backupCount"))?.extract()?;
    let namer = handler.getattr(intern!(py, "namer"))?;
    let mut call_namer = |name: &str| -> PyResult<String> { path_text(&namer.call1((name,))?) };
    let namer_argument = if namer.is_none() {
        None
    } else {
        Some(&mut call_namer as &mut Namer<'_, PyErr>)
    };
    let pattern = handler.getattr(intern!(py, "extMatch"))?;
    let when = when_of(handler)?;
    match standard_pattern(&pattern, when.as_deref(), version)? {
        Some(standard) => try_files_to_delete(
            version,
            &StandardPattern(standard),
            &base,
            &names,
            backup_count,
            namer_argument,
        ),
        None => try_files_to_delete(
            version,
            &UserPattern(&pattern),
            &base,
            &names,
            backup_count,
            namer_argument,
        ),
    }
}

fn close_stream(handler: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = handler.py();
    let stream = handler.getattr(intern!(py, "stream"))?;
    if stream.is_truthy()? {
        stream.call_method0(intern!(py, "close"))?;
        handler.setattr(intern!(py, "stream"), py.None())?;
    }
    Ok(())
}

fn remove_file(path: &str) -> PyResult<()> {
    std::fs::remove_file(path).map_err(|error| path_error(error, path, None))
}

/// `doRollover`: names the backup after the start of the interval that
/// ends, rotates, deletes the oldest backups and schedules the next
/// rollover, in the running version's order.
fn do_rollover(handler: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = handler.py();
    let version = version();
    let shared = is_shared(handler.cast::<Handler>()?);
    // Only the version's rule for an existing backup is needed here. Among
    // processes sharing the files, such a backup means another one rolled
    // this period over first: replacing it would lose that one's lines.
    let existing = match shared {
        true => ExistingBackup::Skip,
        false => TimedSchedule::new("S", 1, false, None, version)
            .map_err(|error| PyValueError::new_err(error.to_string()))?
            .existing_backup(),
    };
    // 3.13 looks for an existing backup before it touches the stream, as
    // such a backup means another process has already rolled the file over.
    if existing == ExistingBackup::Replace {
        close_stream(handler)?;
    }
    let now = now(py)?;
    let when = when_of(handler)?;
    let time_of_day = when.as_deref().is_some_and(is_time_of_day);
    let interval = handler.getattr(intern!(py, "interval"))?;
    let utc = handler.getattr(intern!(py, "utc"))?.is_truthy()?;
    let start = whole_seconds(&handler.getattr(intern!(py, "rolloverAt"))?.sub(&interval)?)?;
    // The schedule stands in for the attributes the backup's time and the
    // next rollover depend on; `when` only matters as "at a time of day".
    let mut schedule = TimedSchedule::new(
        if time_of_day { "MIDNIGHT" } else { "S" },
        1,
        utc,
        None,
        version,
    )
    .map_err(|error| PyValueError::new_err(error.to_string()))?;
    schedule.set_interval(0);
    let backup_time = schedule.backup_time(start, now).map_err(time_error)?;
    let base = base_filename(handler.cast::<Handler>()?)?;
    let suffix: String = handler.getattr(intern!(py, "suffix"))?.extract()?;
    let default_name = backup_file_name(&base, &suffix, &backup_time).map_err(time_error)?;
    let mut hooks = HandlerHooks(handler);
    let backup = hooks.backup_name(default_name).map_err(|error| error.0)?;
    if std::fs::metadata(&backup).is_ok() {
        match existing {
            ExistingBackup::Replace => remove_file(&backup)?,
            // The shared lock's holder already writes to the fresh file
            // (reopened when it took the lock): only the schedule moves on.
            ExistingBackup::Skip if shared => {
                return schedule_next_rollover(handler, &mut schedule, &interval, now)
            }
            ExistingBackup::Skip => return Ok(()),
        }
    }
    if existing == ExistingBackup::Skip {
        close_stream(handler)?;
    }
    hooks.rotate(&base, &backup).map_err(|error| error.0)?;
    if handler.getattr(intern!(py, "backupCount"))?.gt(0)? {
        for path in handler
            .call_method0(intern!(py, "getFilesToDelete"))?
            .try_iter()?
        {
            remove_file(&path_text(&path?)?)?;
        }
    }
    if !handler.getattr(intern!(py, "delay"))?.is_truthy()? {
        let stream = handler.call_method0(intern!(py, "_open"))?;
        handler.setattr(intern!(py, "stream"), stream)?;
    }
    schedule_next_rollover(handler, &mut schedule, &interval, now)
}

/// Sets `rolloverAt` after a rollover at `now`: `computeRollover(now)`, with
/// 3.11 and 3.12's step past a time already gone.
fn schedule_next_rollover(
    handler: &Bound<'_, PyAny>,
    schedule: &mut TimedSchedule,
    interval: &Bound<'_, PyAny>,
    now: i64,
) -> PyResult<()> {
    let py = handler.py();
    let computed = handler.call_method1(intern!(py, "computeRollover"), (now,))?;
    let whole = (computed.extract::<i64>(), interval.extract::<i64>());
    let next = match (version(), whole) {
        (PythonVersion::V3_13, _) => computed,
        (_, (Ok(computed), Ok(interval))) => {
            schedule.set_interval(interval);
            schedule
                .next_rollover_from(computed, now)
                .map_err(time_error)?
                .into_pyobject(py)?
                .into_any()
        }
        // A fractional interval (or time from a subclass's computeRollover):
        // the same steps in Python's arithmetic.
        _ => {
            let mut next = computed;
            if interval.gt(0)? {
                while next.le(now)? {
                    next = next.add(interval)?;
                }
            }
            let correction = schedule
                .dst_correction_before_313(now, whole_seconds(&next)?)
                .map_err(time_error)?;
            match correction {
                0 => next,
                correction => next.add(correction)?,
            }
        }
    };
    handler.setattr(intern!(py, "rolloverAt"), next)
}

#[pymethods]
impl TimedRotatingFileHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        BaseRotatingHandler::initializer(py, HandlerKind::Timed)
            .add_subclass(TimedRotatingFileHandler {})
    }

    /// The first rollover after `currentTime`.
    // The parameter keeps the standard name, which callers may pass by keyword.
    #[allow(non_snake_case)]
    #[pyo3(name = "computeRollover")]
    fn compute_rollover_method<'py>(
        slf: &Bound<'py, Self>,
        currentTime: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        compute_rollover(slf.as_any(), &currentTime)
    }

    /// Whether the time of the next rollover has come; the record does not
    /// matter, but callers may pass it by keyword.
    #[pyo3(name = "shouldRollover")]
    fn should_rollover_method(slf: &Bound<'_, Self>, record: Bound<'_, PyAny>) -> PyResult<bool> {
        let _ = record;
        should_rollover(slf.cast::<Handler>()?)
    }

    /// The old backups to delete so that `backupCount` remain.
    #[pyo3(name = "getFilesToDelete")]
    fn get_files_to_delete(slf: &Bound<'_, Self>) -> PyResult<Vec<String>> {
        files_to_delete(slf.as_any())
    }

    /// Moves the file to a backup named after the interval it covers and
    /// starts a new one.
    #[pyo3(name = "doRollover")]
    fn do_rollover_method(slf: &Bound<'_, Self>) -> PyResult<()> {
        do_rollover(slf.as_any())
    }
}

/// What the constructor derives from the upper-cased `when`: the unit in
/// seconds, the backup suffix, the `extMatch` source and the weekday of a
/// weekly rollover; or the standard `ValueError`.
#[pyfunction]
pub fn timed_unit(when: &str) -> PyResult<(i64, &'static str, String, Option<u8>)> {
    let when = When::parse(when).map_err(|error| PyValueError::new_err(error.to_string()))?;
    let pattern = ExtMatch::new(when, version()).pattern();
    Ok((
        when.unit_seconds(),
        when.suffix(),
        pattern,
        when.day_of_week(),
    ))
}

/// The time the first rollover is computed from: the file's modification
/// time when it exists, else now.
#[pyfunction]
pub fn timed_start(py: Python<'_>, filename: Bound<'_, PyAny>) -> PyResult<i64> {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(crate::file_stream::file_path(&filename)?) {
        Ok(metadata) => Ok(mtime_seconds(
            metadata.mtime(),
            metadata.mtime_nsec(),
            version(),
        )),
        Err(_) => now(py),
    }
}
