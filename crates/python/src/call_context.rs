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

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Once;

use pyo3::exceptions::{PyAttributeError, PyException};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule, PyString};

use crate::runtime;

/// `(thread, threadName, processName, process, taskName)` of a record, by
/// index as in a tuple. Not a Python tuple: one would be allocated (and
/// tracked by the garbage collector) for every record only to be read
/// once.
pub struct CallContext<'py>([Bound<'py, PyAny>; 5]);

impl<'py> CallContext<'py> {
    pub fn get_item(&self, index: usize) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.0[index].clone())
    }
}

/// `(thread, threadName, processName, process, taskName)` for a record
/// logged on the thread `thread_id`.
pub fn call_context<'py>(py: Python<'py>, thread_id: u64) -> PyResult<CallContext<'py>> {
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
        let thread = thread_id.into_pyobject(py)?.into_any();
        let thread_name = current_thread_name(py, thread_id, &thread)?;
        (thread, thread_name)
    } else {
        (none(), none())
    };
    let process_name = if switch(intern!(py, "logMultiprocessing"))? {
        process_name(py)?
    } else {
        none()
    };
    let process = if switch(intern!(py, "logProcesses"))? {
        match module_attribute(module(py, &OS, "os")?, intern!(py, "getpid")) {
            Ok(getpid) => process_id(py, &getpid)?,
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
    Ok(CallContext([
        thread,
        thread_name,
        process_name,
        process,
        task_name,
    ]))
}

/// `threading.current_thread().name`. While the program uses threading's
/// own `current_thread` and the record is made on the calling thread, the
/// thread is its entry in `threading._active` (what `current_thread`
/// returns) and, for a `Thread` or the main thread, whose `name` property
/// returns `_name`, the name is that attribute: no Python code runs for it.
/// A replaced `current_thread`, a thread threading does not know (which
/// gets a `_DummyThread`) and a subclass of `Thread` are asked as Python
/// would ask them.
///
/// `thread_key` is `thread_id` as the Python int the record holds, which
/// is also its key in `threading._active`.
fn current_thread_name<'py>(
    py: Python<'py>,
    thread_id: u64,
    thread_key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let threading = module(py, &THREADING, "threading")?;
    let current_thread = module_attribute(threading, intern!(py, "current_thread"))?;
    let known = THREADING_PARTS.get_or_try_init(py, || ThreadingParts::new(threading))?;
    // SAFETY: reading the calling thread's identifier has no precondition.
    let calling = unsafe { pyo3::ffi::PyThread_get_thread_ident() } as u64;
    if let Some(known) = known {
        if current_thread.is(known.current_thread.bind(py)) && calling == thread_id {
            if let Some(thread) = known.active.bind(py).get_item(thread_key)? {
                let class = thread.get_type();
                if class.is(known.thread_class.bind(py)) || class.is(known.main_class.bind(py)) {
                    return thread.getattr(intern!(py, "_name"));
                }
                return thread.getattr(intern!(py, "name"));
            }
        }
    }
    current_thread.call0()?.getattr(intern!(py, "name"))
}

/// threading's own `current_thread`, `_active`, `Thread` and `_MainThread`,
/// as the module defines them; `None` when `current_thread` was already
/// replaced by a function of the program's when first looked at (its
/// globals are not threading's), which is then always called.
struct ThreadingParts {
    current_thread: Py<PyAny>,
    active: Py<PyDict>,
    thread_class: Py<PyAny>,
    main_class: Py<PyAny>,
}

impl ThreadingParts {
    fn new(threading: &Bound<'_, PyModule>) -> PyResult<Option<Self>> {
        let py = threading.py();
        let current_thread = threading.getattr(intern!(py, "current_thread"))?;
        let own = match current_thread.getattr(intern!(py, "__globals__")) {
            Ok(globals) => globals.is(threading.dict()),
            Err(_) => false,
        };
        let parts = (
            threading.getattr(intern!(py, "_active")),
            threading.getattr(intern!(py, "Thread")),
            threading.getattr(intern!(py, "_MainThread")),
        );
        let (Ok(active), Ok(thread_class), Ok(main_class)) = parts else {
            return Ok(None);
        };
        let Ok(active) = active.cast_into::<PyDict>() else {
            return Ok(None);
        };
        Ok(own.then(|| ThreadingParts {
            current_thread: current_thread.unbind(),
            active: active.unbind(),
            thread_class: thread_class.unbind(),
            main_class: main_class.unbind(),
        }))
    }
}

static THREADING_PARTS: PyOnceLock<Option<ThreadingParts>> = PyOnceLock::new();

/// `os.getpid()`. The process's own `getpid` (the `posix` module's, which
/// `os` exports) answers from a copy kept since the process started or last
/// forked (a `fork` in this process clears it): a system call per record
/// saved. A replaced `os.getpid` is called.
fn process_id<'py>(py: Python<'py>, getpid: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let original = POSIX_GETPID.get_or_try_init(py, || -> PyResult<Option<Py<PyAny>>> {
        Ok(match py.import(intern!(py, "posix")) {
            Ok(posix) => posix.getattr(intern!(py, "getpid")).ok().map(Bound::unbind),
            Err(_) => None,
        })
    })?;
    match original {
        Some(original) if getpid.is(original.bind(py)) => {
            Ok(cached_process_id().into_pyobject(py)?.into_any())
        }
        _ => getpid.call0(),
    }
}

static POSIX_GETPID: PyOnceLock<Option<Py<PyAny>>> = PyOnceLock::new();
/// The process id, or 0 before it is read and in a child after a fork.
static PROCESS_ID: AtomicI32 = AtomicI32::new(0);
static FORGET_ON_FORK: Once = Once::new();

fn cached_process_id() -> i32 {
    FORGET_ON_FORK.call_once(|| {
        extern "C" fn forget_in_child() {
            PROCESS_ID.store(0, Ordering::Relaxed);
        }
        // SAFETY: the handler only stores to an atomic, which is safe in
        // a child after fork.
        unsafe {
            libc::pthread_atfork(None, None, Some(forget_in_child));
        }
    });
    match PROCESS_ID.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: getpid has no precondition.
            let id = unsafe { libc::getpid() };
            PROCESS_ID.store(id, Ordering::Relaxed);
            id
        }
        id => id,
    }
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

/// `module.name`, read from the module's dict: what the attribute lookup
/// finds there, as a module's type has no descriptor of these names, for a
/// dict lookup instead of the full attribute machinery on every record. A
/// name missing from the dict is looked up as an attribute (the module's
/// `__getattr__`, or the standard AttributeError).
fn module_attribute<'py>(
    module: &Bound<'py, PyModule>,
    name: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyAny>> {
    match module.dict().get_item(name)? {
        Some(value) => Ok(value),
        None => module.getattr(name),
    }
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
    let modules = module_attribute(module(py, &SYS, "sys")?, intern!(py, "modules"))?;
    match modules.cast::<PyDict>() {
        Ok(modules) => modules.get_item(name),
        Err(_) => {
            let found = modules.call_method1(intern!(py, "get"), (name,))?;
            Ok((!found.is_none()).then_some(found))
        }
    }
}
