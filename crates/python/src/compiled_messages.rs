//! Messages logged again and again, compiled once.
//!
//! `logger.info("request %s took %d ms", path, ms)` hands over the same
//! `msg` string object on every call from that line. Scanning it costs more
//! than substituting the values, so a message seen twice in a row of recent
//! calls is compiled and kept, found again by the address of the string
//! (held alive here, so the address cannot be reused while cached).

use femtologging_core::format::PositionalTemplate;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::gil::GilCell;

const SLOTS: usize = 8;

struct Compiled {
    key: usize,
    _msg: Py<PyAny>,
    /// The length of `msg` in bytes: about the length of what it renders.
    length: usize,
    template: PositionalTemplate,
}

struct Cache {
    slots: [Option<Compiled>; SLOTS],
    /// The slot the next compiled message replaces.
    next: usize,
    /// The addresses of the last messages seen and not cached: a second
    /// sighting compiles one (a message formatted once, such as an f-string
    /// with arguments, is never compiled).
    misses: [usize; SLOTS],
    /// The addresses of recent messages that have no compiled form (a
    /// `%(key)s` message): they are merged in one pass without another
    /// attempt. A stale address only costs its new string that shortcut.
    uncompilable: [usize; SLOTS],
}

static CACHE: GilCell<Cache> = GilCell::new(Cache {
    slots: [const { None }; SLOTS],
    next: 0,
    misses: [0; SLOTS],
    uncompilable: [0; SLOTS],
});

/// Runs `render` with the compiled form of `msg` and the length of its text,
/// if it is worth having; `None` means "merge it in one pass". `render` runs
/// inside the cache, so it must not call into Python.
pub fn with_compiled<R>(
    msg: &Bound<'_, PyString>,
    render: impl FnOnce(&PositionalTemplate, usize) -> R,
) -> Option<R> {
    let py = msg.py();
    let key = msg.as_ptr() as usize;
    let mut render = Some(render);
    let (rendered, seen_before) = CACHE.with(py, |cache| {
        if let Some(compiled) = cache
            .slots
            .iter()
            .flatten()
            .find(|compiled| compiled.key == key)
        {
            let render = render.take()?;
            return Some((Some(render(&compiled.template, compiled.length)), true));
        }
        if cache.uncompilable.contains(&key) {
            return None;
        }
        let seen_before = cache.misses.contains(&key);
        if !seen_before {
            cache.misses.rotate_right(1);
            cache.misses[0] = key;
        }
        Some((None, seen_before))
    })?;
    if rendered.is_some() || !seen_before {
        return rendered;
    }
    let source = msg.to_str().ok();
    let compiled = source.and_then(|source| Some((source, PositionalTemplate::compile(source)?)));
    let Some((source, template)) = compiled else {
        CACHE.with(py, |cache| {
            if let Some(miss) = cache.misses.iter_mut().find(|miss| **miss == key) {
                *miss = 0;
            }
            cache.uncompilable.rotate_right(1);
            cache.uncompilable[0] = key;
        });
        return None;
    };
    let entry = Compiled {
        key,
        _msg: msg.clone().into_any().unbind(),
        length: source.len(),
        template,
    };
    let render = render.take()?;
    let (rendered, evicted) = CACHE.with(py, |cache| {
        let slot = cache.next;
        cache.next = (slot + 1) % SLOTS;
        if let Some(miss) = cache.misses.iter_mut().find(|miss| **miss == key) {
            *miss = 0;
        }
        let rendered = render(&entry.template, entry.length);
        (rendered, cache.slots[slot].replace(entry))
    });
    // Released outside the cell.
    drop(evicted);
    Some(rendered)
}
