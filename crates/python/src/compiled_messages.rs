//! Messages logged again and again, compiled once.
//!
//! `logger.info("request %s took %d ms", path, ms)` hands over the same
//! `msg` string object on every call from that line. Scanning it costs more
//! than substituting the values, so a message seen twice in a row of recent
//! calls is compiled and kept, found again by the address of the string
//! (held alive here, so the address cannot be reused while cached).

use std::sync::Arc;

use femtologging_core::format::PositionalTemplate;
use pyo3::prelude::*;

use crate::gil::GilCell;

const SLOTS: usize = 8;

struct Compiled {
    key: usize,
    _msg: Py<PyAny>,
    template: Arc<PositionalTemplate>,
}

struct Cache {
    slots: [Option<Compiled>; SLOTS],
    /// The slot the next compiled message replaces.
    next: usize,
    /// The addresses of the last messages seen and not cached: a second
    /// sighting compiles one (a message formatted once, such as an f-string
    /// with arguments, is never compiled).
    misses: [usize; SLOTS],
}

static CACHE: GilCell<Cache> = GilCell::new(Cache {
    slots: [const { None }; SLOTS],
    next: 0,
    misses: [0; SLOTS],
});

/// The compiled form of `msg`, if it is worth having; `None` means "merge it
/// in one pass".
pub fn compiled(msg: &Bound<'_, PyAny>, source: &str) -> Option<Arc<PositionalTemplate>> {
    let py = msg.py();
    let key = msg.as_ptr() as usize;
    let (found, seen_before) = CACHE.with(py, |cache| {
        let found = cache
            .slots
            .iter()
            .flatten()
            .find(|compiled| compiled.key == key)
            .map(|compiled| compiled.template.clone());
        let seen_before = cache.misses.contains(&key);
        if found.is_none() && !seen_before {
            cache.misses.rotate_right(1);
            cache.misses[0] = key;
        }
        (found, seen_before)
    });
    if found.is_some() || !seen_before {
        return found;
    }
    let template = Arc::new(PositionalTemplate::compile(source)?);
    let entry = Compiled {
        key,
        _msg: msg.clone().unbind(),
        template: template.clone(),
    };
    let evicted = CACHE.with(py, |cache| {
        let slot = cache.next;
        cache.next = (slot + 1) % SLOTS;
        if let Some(miss) = cache.misses.iter_mut().find(|miss| **miss == key) {
            *miss = 0;
        }
        cache.slots[slot].replace(entry)
    });
    // Released outside the cell.
    drop(evicted);
    Some(template)
}
