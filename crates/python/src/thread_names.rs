//! `thread` and `threadName` of a record that leaves the call as plain data
//! (the femto socket handler's), read without running Python code.
//!
//! `LogRecord.__init__` reads `threading.current_thread().name`: a lookup
//! of the thread's id in `threading._active` (an int made for it) and the
//! `name` property, run as Python code. Together they were most of what a
//! femto socket handler's caller spent beyond the femto file handler's.
//! Here each operating-system thread remembers its `Thread` object (through
//! a weak reference, so a finished thread's object is not kept alive) and
//! the name string it read last. A call reads `_name`, what the standard
//! property returns, from the object's `__dict__`, and while it is the same
//! string reuses its `Arc<str>` copy. The shortcut holds only while the
//! thread's class keeps the standard `name` property (checked against the
//! class's version tag); anything else asks Python as before.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyWeakrefReference};

use crate::gil::GilCell;
use crate::overrides::current_version_tag;
use crate::runtime;
use crate::shared_text::any_text;

/// What a record says of its thread: its id (zero when `logThreads` is
/// false) and its name as text (`None` when `logThreads` is false).
pub struct ThreadFields {
    pub id: u64,
    pub name: Option<Arc<str>>,
}

thread_local! {
    /// This operating-system thread's key in `KNOWN` (zero: none yet).
    /// Thread ids are reused as soon as a thread ends; these keys never are.
    static THREAD_KEY: Cell<u64> = const { Cell::new(0) };
}

static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

fn this_thread_key() -> u64 {
    THREAD_KEY.with(|key| {
        if key.get() == 0 {
            key.set(NEXT_KEY.fetch_add(1, Ordering::Relaxed));
        }
        key.get()
    })
}

struct KnownThread {
    key: u64,
    /// A weak reference to the thread's `Thread` object.
    thread: Py<PyWeakrefReference>,
    /// The object's class and its version tag when its `name` was found to
    /// be the standard property.
    class: usize,
    version_tag: u32,
    /// The `_name` string read last (held, so that its address stays its
    /// own) and its text.
    name: Py<PyAny>,
    text: Arc<str>,
    /// The version tag of the thread's `__dict__` when `_name` was last
    /// found to be `name` (zero: none known).
    dict_version: u64,
}

/// Threads remembered at most; the oldest makes room for a new one.
const KNOWN_LIMIT: usize = 32;

static KNOWN: GilCell<Vec<KnownThread>> = GilCell::new(Vec::new());

/// `thread` and `threadName` as the record's view would hold them, for a
/// record logged on the calling thread, whose id is `thread_id`.
pub fn thread_fields(py: Python<'_>, thread_id: u64) -> PyResult<ThreadFields> {
    if !runtime::get(py)?.log_threads(py)? {
        return Ok(ThreadFields { id: 0, name: None });
    }
    let key = this_thread_key();
    if let Some(name) = remembered_name(py, key, Arc::clone) {
        return Ok(ThreadFields {
            id: thread_id,
            name: Some(name),
        });
    }
    looked_up(py, key, thread_id)
}

/// What `thread_fields` would say, with the address of the name's text in
/// place of a copy of it (zero for no name), when the thread is remembered
/// and its name unchanged; `None` otherwise. For a caller that holds the
/// text already and only needs to know it is still the name: a copy of
/// its own would cost two locked instructions.
pub fn remembered_fields(py: Python<'_>, thread_id: u64) -> PyResult<Option<(u64, usize)>> {
    if !runtime::get(py)?.log_threads(py)? {
        return Ok(Some((0, 0)));
    }
    let address = remembered_name(py, this_thread_key(), |text| {
        Arc::as_ptr(text).cast::<u8>() as usize
    });
    Ok(address.map(|address| (thread_id, address)))
}

/// The name from `KNOWN` (what `pick` takes of it), while the thread's
/// object is alive, of the same class as then, and its `_name` the string
/// read then.
fn remembered_name<R>(py: Python<'_>, key: u64, pick: impl FnOnce(&Arc<str>) -> R) -> Option<R> {
    let (thread, class, version_tag, name, dict_version) = KNOWN.with(py, |known| {
        let entry = known.iter().find(|entry| entry.key == key)?;
        Some((
            entry.thread.clone_ref(py),
            entry.class,
            entry.version_tag,
            entry.name.as_ptr() as usize,
            entry.dict_version,
        ))
    })?;
    let thread = thread.bind(py).upgrade()?;
    let class_now = thread.get_type();
    if class_now.as_ptr() as usize != class
        || current_version_tag(class_now.as_type_ptr()) != version_tag
    {
        return None;
    }
    let dict = instance_dict(&thread)?;
    // The dictionary not changed since `_name` was read (its version tag,
    // never reused, is the one recorded then): the same name, without the
    // lookup. Only on 3.11, where a store to an object whose dictionary was
    // made goes through the dictionary: 3.13 writes an attribute into the
    // object's inline values, past the dictionary's tag.
    let dict_now = if runtime::python_minor() == 11 {
        runtime::dict_version(&dict)
    } else {
        None
    };
    let unchanged = dict_version != 0 && dict_now == Some(dict_version);
    let current = if unchanged {
        None
    } else {
        Some(name_in(&dict)?)
    };
    if unchanged
        || current
            .as_ref()
            .is_some_and(|current| current.as_ptr() as usize == name)
    {
        return KNOWN.with(py, |known| {
            let entry = known.iter_mut().find(|entry| entry.key == key)?;
            entry.dict_version = dict_now.unwrap_or(0);
            Some(pick(&entry.text))
        });
    }
    let current = current?;
    // Renamed: the new string's text, remembered in place of the old one.
    let text: Arc<str> = Arc::from(current.cast_exact::<PyString>().ok()?.to_str().ok()?);
    let previous = KNOWN.with(py, |known| {
        let entry = known.iter_mut().find(|entry| entry.key == key)?;
        entry.text = text.clone();
        entry.dict_version = dict_now.unwrap_or(0);
        Some(std::mem::replace(&mut entry.name, current.clone().unbind()))
    });
    // Released outside the cell: dropping a string may run Python code.
    drop(previous);
    Some(pick(&text))
}

/// `thread.__dict__["_name"]`, without running Python code.
fn instance_name<'py>(thread: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
    name_in(&instance_dict(thread)?)
}

/// `thread.__dict__`, when it is a plain dict.
fn instance_dict<'py>(thread: &Bound<'py, PyAny>) -> Option<Bound<'py, PyDict>> {
    // SAFETY: `thread` is a live object and the GIL is held; the slot holds
    // a borrowed dict or null.
    let dict = unsafe {
        let slot = crate::formatter::_PyObject_GetDictPtr(thread.as_ptr());
        if slot.is_null() || (*slot).is_null() {
            return None;
        }
        Bound::from_borrowed_ptr(thread.py(), *slot)
    };
    dict.cast_into_exact::<PyDict>().ok()
}

/// `dict["_name"]` of a thread's instance dictionary: its keys are strings,
/// so the lookup compares strings only and runs no Python code.
fn name_in<'py>(dict: &Bound<'py, PyDict>) -> Option<Bound<'py, PyAny>> {
    dict.get_item(intern!(dict.py(), "_name")).ok().flatten()
}

/// The standard way, `threading._active` then the `name` attribute (or
/// `current_thread()` for a thread `threading` does not know), remembering
/// the thread when its class keeps the standard property.
fn looked_up(py: Python<'_>, key: u64, thread_id: u64) -> PyResult<ThreadFields> {
    static ACTIVE: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    static NAME_PROPERTY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let threading = || py.import(intern!(py, "threading"));
    let active = ACTIVE.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        Ok(threading()?
            .getattr(intern!(py, "_active"))?
            .cast_into::<PyDict>()?
            .unbind())
    })?;
    let thread = match active.bind(py).get_item(thread_id)? {
        Some(thread) => thread,
        // A thread `threading` does not know (a foreign one): the record's
        // view asks `current_thread()`, which names it as a dummy.
        None => threading()?
            .getattr(intern!(py, "current_thread"))?
            .call0()?,
    };
    let name = thread.getattr(intern!(py, "name"))?;
    let text: Arc<str> = Arc::from(any_text(&name)?.as_str());
    let property = NAME_PROPERTY.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(threading()?
            .getattr(intern!(py, "Thread"))?
            .getattr(intern!(py, "__dict__"))?
            .get_item(intern!(py, "name"))?
            .unbind())
    })?;
    let class = thread.get_type();
    let version_tag = current_version_tag(class.as_type_ptr());
    let standard = version_tag != 0
        && class
            .getattr(intern!(py, "name"))
            .is_ok_and(|found| found.is(property.bind(py)))
        && instance_name(&thread).is_some_and(|held| held.is(&name))
        && name.is_exact_instance_of::<PyString>();
    if standard {
        if let Ok(reference) = PyWeakrefReference::new(&thread) {
            remember(
                py,
                KnownThread {
                    key,
                    thread: reference.unbind(),
                    class: class.as_ptr() as usize,
                    version_tag,
                    name: name.unbind(),
                    text: text.clone(),
                    dict_version: 0,
                },
            );
        }
    }
    Ok(ThreadFields {
        id: thread_id,
        name: Some(text),
    })
}

fn remember(py: Python<'_>, entry: KnownThread) {
    let evicted = KNOWN.with(py, |known| {
        let evicted = match known.iter().position(|known| known.key == entry.key) {
            Some(index) => Some(known.remove(index)),
            None if known.len() >= KNOWN_LIMIT => Some(known.remove(0)),
            None => None,
        };
        known.push(entry);
        evicted
    });
    // Released outside the cell: dropping a reference may run Python code.
    drop(evicted);
}
