//! Where a record is logged from, as `LogRecord.__init__` reads it: the
//! thread and its name, the process's name and id, and (3.12 and later)
//! the asyncio task's name, each gated by the package's `logThreads`,
//! `logMultiprocessing`, `logProcesses` and `logAsyncioTasks`.
//!
//! Every record's view, a native formatter asking for one of these fields
//! and the pickle of a socket handler need them, so this runs once per
//! record on those paths: the switches are read from the package's dict
//! and the functions (`threading.current_thread`, `os.getpid`, ...) looked
//! up where the standard library looks them up, so a program that replaces
//! one still sees its replacement called, without a Python frame of ours.

use pyo3::exceptions::{PyAttributeError, PyException};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule, PyString, PyTuple};

use crate::runtime;

/// `(thread, threadName, processName, process, taskName)` for a record
/// logged on the thread `thread_id`.
pub fn call_context<'py>(py: Python<'py>, thread_id: u64) -> PyResult<Bound<'py, PyTuple>> {
    let runtime = runtime::get(py)?;
    let package = runtime.module.bind(py);
    let globals = runtime.module_dict.bind(py);
    let switch = |name: &Bound<'py, PyString>| -> PyResult<bool> {
        match globals.get_item(name)? {
            Some(value) => value.is_truthy(),
            // Deleted from the package: the attribute lookup raises as
            // `logging.logThreads` would.
            None => package.getattr(name)?.is_truthy(),
        }
    };
    let none = || py.None().into_bound(py);
    let (thread, thread_name) = if switch(intern!(py, "logThreads"))? {
        let current = module(py, &THREADING, "threading")?
            .getattr(intern!(py, "current_thread"))?
            .call0()?;
        (
            thread_id.into_pyobject(py)?.into_any(),
            current.getattr(intern!(py, "name"))?,
        )
    } else {
        (none(), none())
    };
    let process_name = if switch(intern!(py, "logMultiprocessing"))? {
        process_name(py)?
    } else {
        none()
    };
    let process = if switch(intern!(py, "logProcesses"))? {
        match module(py, &OS, "os")?.getattr(intern!(py, "getpid")) {
            Ok(getpid) => getpid.call0()?,
            Err(error) if error.is_instance_of::<PyAttributeError>(py) => none(),
            Err(error) => return Err(error),
        }
    } else {
        none()
    };
    let task_name = if runtime::python_minor() >= 12 {
        task_name(py, package)?
    } else {
        // Records carry no `taskName` before 3.12.
        none()
    };
    PyTuple::new(py, [thread, thread_name, process_name, process, task_name])
}

static THREADING: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
static OS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
static SYS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn module<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyModule>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyModule>> {
    Ok(cell
        .get_or_try_init(py, || py.import(name).map(Bound::unbind))?
        .bind(py))
}

/// `"MainProcess"`, or `multiprocessing.current_process().name` once the
/// program imported `multiprocessing` (a failure there keeps the default).
fn process_name(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let default = intern!(py, "MainProcess").clone().into_any();
    let Some(multiprocessing) = loaded_module(py, intern!(py, "multiprocessing"))? else {
        return Ok(default);
    };
    let name = multiprocessing
        .call_method0(intern!(py, "current_process"))
        .and_then(|process| process.getattr(intern!(py, "name")));
    or_on_exception(py, name, default)
}

/// `asyncio.current_task().get_name()` when `logAsyncioTasks` is on and
/// the program imported `asyncio`; `None` otherwise, or when there is no
/// task.
fn task_name<'py>(py: Python<'py>, package: &Bound<'py, PyModule>) -> PyResult<Bound<'py, PyAny>> {
    let none = py.None().into_bound(py);
    let enabled = match package.getattr(intern!(py, "logAsyncioTasks")) {
        Ok(value) => value.is_truthy()?,
        Err(error) if error.is_instance_of::<PyAttributeError>(py) => false,
        Err(error) => return Err(error),
    };
    if !enabled {
        return Ok(none);
    }
    let Some(asyncio) = loaded_module(py, intern!(py, "asyncio"))? else {
        return Ok(none);
    };
    if !asyncio.is_truthy()? {
        return Ok(none);
    }
    let name = asyncio
        .call_method0(intern!(py, "current_task"))
        .and_then(|task| task.call_method0(intern!(py, "get_name")));
    or_on_exception(py, name, none)
}

/// `try: ... except Exception: <default>`: what is not an `Exception`
/// (`KeyboardInterrupt`, `SystemExit`) still propagates.
fn or_on_exception<'py>(
    py: Python<'py>,
    result: PyResult<Bound<'py, PyAny>>,
    default: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    match result {
        Ok(value) => Ok(value),
        Err(error) if error.is_instance_of::<PyException>(py) => Ok(default),
        Err(error) => Err(error),
    }
}

/// `sys.modules.get(name)`.
fn loaded_module<'py>(
    py: Python<'py>,
    name: &Bound<'py, PyString>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let modules = module(py, &SYS, "sys")?.getattr(intern!(py, "modules"))?;
    match modules.cast::<PyDict>() {
        Ok(modules) => modules.get_item(name),
        Err(_) => {
            let found = modules.call_method1(intern!(py, "get"), (name,))?;
            Ok((!found.is_none()).then_some(found))
        }
    }
}
