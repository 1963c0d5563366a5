//! `femtologging._femtologging`: the binding between CPython and
//! `femtologging-core`. It translates; the behaviour lives in the core crate
//! (records, templates, time) and, for cold paths, in the Python package.

use std::sync::atomic::Ordering;

/// Records are allocated on the caller's thread and freed on a worker's:
/// glibc's allocator serialises such frees on the arena's lock, which the
/// caller takes too; mimalloc frees across threads without a lock.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule, PyString};

mod bound_context;
mod call_args;
mod call_context;
mod caller;
mod compiled_messages;
mod fastcall;
mod femto;
mod file_stream;
mod filter;
mod filterer;
mod formatter;
mod gil;
mod handler;
mod json_formatter;
mod json_layout;
mod level_methods;
mod levels;
mod logger;
mod manager;
mod os_errors;
mod overrides;
mod pickle_template;
mod record;
mod record_entries;
mod rotating;
mod runtime;
mod shared_text;
mod socket_handler;
mod socket_io;
mod socket_pickle;
mod structured;
mod syslog;
mod thread_names;
mod time_cache;
mod timed_rotating;
mod traceback;

/// Called once by the package at the end of its import: hands over the
/// Python-side tables and classes, and captures the standard methods that
/// the override checks compare against.
#[pyfunction]
#[pyo3(signature = (*, module, level_to_name, name_to_level, log_record_class, default_record_factory, cold, internal_files, start_ns, python_minor))]
#[allow(clippy::too_many_arguments)]
fn install(
    py: Python<'_>,
    module: Bound<'_, PyModule>,
    level_to_name: Bound<'_, PyDict>,
    name_to_level: Bound<'_, PyDict>,
    log_record_class: Bound<'_, PyAny>,
    default_record_factory: Bound<'_, PyAny>,
    cold: Bound<'_, PyAny>,
    internal_files: Vec<String>,
    start_ns: i64,
    python_minor: u8,
) -> PyResult<()> {
    runtime::set_python_minor(python_minor);
    overrides::VERSION_TAG_FLAG_IN_USE.store(python_minor < 13, Ordering::Relaxed);
    runtime::START_NS.store(start_ns, Ordering::Relaxed);
    caller::set_internal_files(py, internal_files);
    let time_module = py.import("time")?;
    // The clock `LogRecord.__init__` reads.
    let clock_name = PyString::new(
        py,
        if python_minor >= 13 {
            "time_ns"
        } else {
            "time"
        },
    );
    runtime::install(
        py,
        runtime::Runtime {
            module_dict: module.dict().unbind(),
            module: module.unbind(),
            level_to_name: level_to_name.unbind(),
            name_to_level: name_to_level.unbind(),
            log_record_class: log_record_class.unbind(),
            default_record_factory: default_record_factory.unbind(),
            cold: cold.unbind(),
            standard_clock: time_module.getattr(&clock_name)?.unbind(),
            clock_name: clock_name.unbind(),
            time_dict: time_module.dict().unbind(),
            hot: gil::GilCell::new(runtime::HotValues::default()),
        },
    );
    logger::LOGGER_OVERRIDES.capture(&py.get_type::<logger::Logger>())?;
    handler::capture_standard(py)?;
    formatter::FORMATTER_OVERRIDES.capture(&py.get_type::<formatter::Formatter>())?;
    formatter::PERCENT_OVERRIDES.capture(&py.get_type::<formatter::PercentStyle>())?;
    formatter::BRACE_OVERRIDES.capture(&py.get_type::<formatter::StrFormatStyle>())?;
    formatter::DOLLAR_OVERRIDES.capture(&py.get_type::<formatter::StringTemplateStyle>())?;
    Ok(())
}

/// `LogRecord.__init__`: fills a record's dictionary from the call's values.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (record, name, level, pathname, lineno, msg, args, exc_info, func = None, sinfo = None))]
fn init_record(
    py: Python<'_>,
    record: Bound<'_, PyAny>,
    name: Bound<'_, PyAny>,
    level: Bound<'_, PyAny>,
    pathname: Bound<'_, PyAny>,
    lineno: Bound<'_, PyAny>,
    msg: Bound<'_, PyAny>,
    args: Bound<'_, PyAny>,
    exc_info: Bound<'_, PyAny>,
    func: Option<Bound<'_, PyAny>>,
    sinfo: Option<Bound<'_, PyAny>>,
) -> PyResult<()> {
    let runtime = runtime::get(py)?;
    let created_ns = runtime.clock_ns(py);
    let level_name = runtime
        .module
        .bind(py)
        .getattr(pyo3::intern!(py, "getLevelName"))?
        .call1((&level,))?;
    let dict = record
        .getattr(pyo3::intern!(py, "__dict__"))?
        .cast_into::<PyDict>()?;
    let args = record::single_mapping_rule(&args)?;
    let path = pathname
        .cast::<PyString>()
        .ok()
        .map(|path| path.to_string_lossy().into_owned());
    let split = path.as_deref().map(|path| {
        let filename = femtologging_core::record::basename(path);
        (
            std::sync::Arc::<str>::from(filename),
            std::sync::Arc::<str>::from(femtologging_core::record::strip_extension(filename)),
        )
    });
    let none = py.None().into_bound(py);
    let func = func.unwrap_or_else(|| none.clone());
    let sinfo = sinfo.unwrap_or_else(|| none.clone());
    record::fill_standard(
        py,
        &dict,
        record::StandardFields {
            name: &name,
            msg: &msg,
            args: &args,
            level: &level,
            level_name: &level_name,
            pathname: &pathname,
            filename: split.as_ref().map(|(filename, module)| (filename, module)),
            exc_info: &exc_info,
            stack_info: &sinfo,
            line: &lineno,
            function: &func,
            times: femtologging_core::time::record_times(
                created_ns,
                runtime::START_NS.load(Ordering::Relaxed),
                runtime::python_version(),
            ),
            // SAFETY: a plain C call.
            thread_id: unsafe { pyo3::ffi::PyThread_get_thread_ident() } as u64,
        },
    )
}

/// `LogRecord.getMessage`: `str(msg)`, then `% args` when there are any.
#[pyfunction]
fn merge_message<'py>(
    msg: Bound<'py, PyAny>,
    args: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    record::merge_message(&msg, &args)
}

/// In a forked child, first: closes the worker files and shared-file locks
/// inherited from the parent (see the core's `fork` module).
#[pyfunction]
fn close_inherited_files() {
    femtologging_core::fork::close_inherited_files();
}

/// Replaces the list of files whose frames the caller's walk skips (the
/// package's own, and the standard `logging` while it is routed here).
#[pyfunction]
fn set_internal_files(py: Python<'_>, files: Vec<String>) {
    caller::set_internal_files(py, files);
}

/// Forgets every logger's cached effective level.
#[pyfunction]
fn invalidate_levels() {
    logger::invalidate_levels();
}

#[pymodule]
fn _femtologging(module: &Bound<'_, PyModule>) -> PyResult<()> {
    // The one version: the workspace's, which maturin also writes into the
    // package metadata (pyproject.toml leaves `version` dynamic).
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The test and release environments install into the same package
    // folder: the benchmark asks which build it is about to time.
    module.add("_optimized", !cfg!(debug_assertions))?;
    module.add_class::<filterer::Filterer>()?;
    module.add_class::<filter::Filter>()?;
    module.add_class::<logger::Logger>()?;
    level_methods::add_to(&module.py().get_type::<logger::Logger>())?;
    module.add_class::<logger::RootLogger>()?;
    module.add_class::<manager::Manager>()?;
    module.add_class::<handler::Handler>()?;
    module.add_class::<handler::StreamHandler>()?;
    module.add_class::<handler::FileHandler>()?;
    module.add_class::<handler::NullHandler>()?;
    module.add_class::<rotating::BaseRotatingHandler>()?;
    module.add_class::<rotating::RotatingFileHandler>()?;
    module.add_class::<rotating::WatchedFileHandler>()?;
    module.add_function(wrap_pyfunction!(rotating::rotate_file, module)?)?;
    module.add_function(wrap_pyfunction!(close_inherited_files, module)?)?;
    module.add_class::<timed_rotating::TimedRotatingFileHandler>()?;
    module.add_class::<syslog::SysLogHandler>()?;
    module.add_class::<socket_handler::SocketHandler>()?;
    module.add_class::<socket_handler::DatagramHandler>()?;
    module.add_function(wrap_pyfunction!(
        socket_handler::capture_socket_methods,
        module
    )?)?;
    module.add_class::<syslog::PySyslogSocket>()?;
    module.add_function(wrap_pyfunction!(syslog::capture_syslog_methods, module)?)?;
    module.add_function(wrap_pyfunction!(timed_rotating::timed_unit, module)?)?;
    module.add_function(wrap_pyfunction!(timed_rotating::timed_start, module)?)?;
    module.add_function(wrap_pyfunction!(traceback::format_exception_text, module)?)?;
    module.add_function(wrap_pyfunction!(traceback::format_stack_text, module)?)?;
    timed_rotating::capture_time_function(module.py())?;
    module.add_class::<femto::FemtoHandler>()?;
    module.add_class::<femto::CallableFormatter>()?;
    module.add_class::<json_layout::JsonLayout>()?;
    module.add_function(wrap_pyfunction!(json_layout::json_layout, module)?)?;
    module.add_function(wrap_pyfunction!(
        json_layout::register_json_formatter,
        module
    )?)?;
    module.add_class::<femto::SocketTarget>()?;
    module.add_function(wrap_pyfunction!(femto::normalize_policy, module)?)?;
    module.add_class::<femto::HttpTarget>()?;
    module.add_function(wrap_pyfunction!(
        femto::exit_signals::drain_on_exit_signals,
        module
    )?)?;
    module.add_function(wrap_pyfunction!(
        femto::exit_signals::restart_signal_watcher,
        module
    )?)?;
    module.add_class::<structured::EventSink>()?;
    module.add_function(wrap_pyfunction!(
        structured::attach_structured_methods,
        module
    )?)?;
    module.add_function(wrap_pyfunction!(structured::native_console_line, module)?)?;
    module.add_class::<file_stream::FileStream>()?;
    module.add_class::<formatter::Formatter>()?;
    module.add_class::<formatter::PercentStyle>()?;
    module.add_class::<formatter::StrFormatStyle>()?;
    module.add_class::<formatter::StringTemplateStyle>()?;
    module.add_function(wrap_pyfunction!(json_formatter::render_json, module)?)?;
    module.add_function(wrap_pyfunction!(install, module)?)?;
    module.add_function(wrap_pyfunction!(init_record, module)?)?;
    module.add_function(wrap_pyfunction!(merge_message, module)?)?;
    module.add_function(wrap_pyfunction!(socket_pickle::pickle_record, module)?)?;
    module.add_function(wrap_pyfunction!(invalidate_levels, module)?)?;
    module.add_function(wrap_pyfunction!(set_internal_files, module)?)?;
    module.add_function(wrap_pyfunction!(
        bound_context::set_bound_context_variable,
        module
    )?)?;
    Ok(())
}
