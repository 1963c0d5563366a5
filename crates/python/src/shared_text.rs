//! Rust copies of the Python strings records repeat from call to call.
//!
//! A record handed to a worker thread cannot hold Python objects; its logger
//! and level names travel as `Arc<str>`. Those are the same few strings on
//! every call, so each is copied once and looked up by the identity of the
//! Python string (which the cache keeps alive, so an address is never reused
//! by another string while cached).

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::gil::GilCell;

/// By the address of the Python string: the string (kept alive) and its copy.
type Copies = HashMap<usize, (Py<PyAny>, Arc<str>)>;

static CACHE: GilCell<Option<Copies>> = GilCell::new(None);

/// The strings found last, checked before the map: a busy logger asks for
/// the same logger and level names call after call. Entries are also in
/// `CACHE`, which keeps their strings alive.
static RECENT: GilCell<[(usize, Option<Arc<str>>); RECENT_SIZE]> =
    GilCell::new([const { (0, None) }; RECENT_SIZE]);
const RECENT_SIZE: usize = 4;

/// Strings remembered at most; a process that makes loggers without end
/// starts over.
const LIMIT: usize = 4096;

/// The text of an exact `str`; `None` for anything else, or a string with
/// lone surrogates.
pub fn shared_str(text: &Bound<'_, PyAny>) -> Option<Arc<str>> {
    let py = text.py();
    let key = text.as_ptr() as usize;
    let recent = RECENT.with(py, |recent| {
        recent
            .iter()
            .find(|(known, _)| *known == key)
            .and_then(|(_, shared)| shared.clone())
    });
    if recent.is_some() {
        return recent;
    }
    let cached = CACHE.with(py, |cache| {
        cache
            .as_ref()
            .and_then(|cache| cache.get(&key))
            .map(|(_, shared)| shared.clone())
    });
    if let Some(shared) = &cached {
        remember(py, key, shared);
        return cached;
    }
    let shared: Arc<str> = Arc::from(text.cast_exact::<PyString>().ok()?.to_str().ok()?);
    let entry = (text.clone().unbind(), shared.clone());
    let evicted = CACHE.with(py, |cache| {
        let cache = cache.get_or_insert_with(HashMap::new);
        let evicted = if cache.len() >= LIMIT {
            RECENT.with(py, |recent| recent.fill((0, None)));
            std::mem::take(cache)
        } else {
            HashMap::new()
        };
        cache.insert(key, entry);
        evicted
    });
    // Released outside the cell: dropping a string may run Python code.
    drop(evicted);
    remember(py, key, &shared);
    Some(shared)
}

/// Puts a string first among the recent ones.
fn remember(py: Python<'_>, key: usize, shared: &Arc<str>) {
    RECENT.with(py, |recent| {
        recent.rotate_right(1);
        recent[0] = (key, Some(shared.clone()));
    });
}

/// A value's `str()` ("" for None); lone surrogates as `\udcxx` escapes.
pub fn any_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_none() {
        return Ok(String::new());
    }
    Ok(match value.cast::<PyString>() {
        Ok(text) => text_of(text),
        Err(_) => text_of(&value.str()?),
    })
}

/// A Python `str` as UTF-8; lone surrogates as `\udcxx` escapes.
pub fn text_of(text: &Bound<'_, PyString>) -> String {
    match text.to_str() {
        Ok(text) => text.to_owned(),
        Err(_) => text
            .call_method1("encode", ("utf-8", "backslashreplace"))
            .and_then(|bytes| Ok(String::from_utf8_lossy(bytes.extract::<&[u8]>()?).into_owned()))
            .unwrap_or_else(|_| text.to_string_lossy().into_owned()),
    }
}
