//! The source block of a frame that has column positions: the line(s) and,
//! where the running Python draws them, the `^^^^` / `~~~~` lines under the
//! failing expression.
//!
//! Whether carets are drawn and where their anchors fall depends on how the
//! interpreter's `ast` parses the failing expression (binary operators,
//! subscripts, calls, and from 3.13 whether the call spans the whole
//! statement), which differs between versions. So this block is made once
//! by the running Python's own `StackSummary.format_frame_summary` and
//! remembered. It is a function of the source text and the positions only:
//! the key holds the text exactly as `linecache` gave it this time, so an
//! edited file makes a new key instead of reusing a stale block.

use std::collections::HashMap;
use std::sync::Mutex;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use super::{Fallback, Native};

/// Blocks remembered before the memory is dropped and started afresh (a
/// process has few distinct failing sites; this bounds one that has many).
const CAPACITY: usize = 4096;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SiteKey {
    /// The source as `FrameSummary` holds it: the line (3.11, 3.12) or the
    /// lines of the instruction, right-stripped and joined (3.13).
    pub source: String,
    pub line_span: Option<i64>,
    pub colno: i64,
    pub end_colno: i64,
}

static BLOCKS: Mutex<Option<HashMap<SiteKey, String>>> = Mutex::new(None);

fn remembered(key: &SiteKey) -> Option<String> {
    let blocks = BLOCKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    blocks.as_ref()?.get(key).cloned()
}

fn remember(key: SiteKey, block: String) {
    let mut blocks = BLOCKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let blocks = blocks.get_or_insert_with(HashMap::new);
    if blocks.len() >= CAPACITY {
        blocks.clear();
    }
    blocks.insert(key, block);
}

/// The block under the `File` line of this frame.
pub fn source_block(
    py: Python<'_>,
    header: &str,
    (filename, lineno, name): (&str, i64, &str),
    end_lineno: Option<i64>,
    key: SiteKey,
) -> Native<String> {
    if let Some(block) = remembered(&key) {
        return Ok(block);
    }
    // The lock is not held here: the call runs Python code, which may let
    // another thread in.
    let traceback = super::traceback_module(py)?;
    let keywords = PyDict::new(py);
    keywords.set_item(intern!(py, "lookup_line"), false)?;
    keywords.set_item(intern!(py, "line"), &key.source)?;
    keywords.set_item(intern!(py, "end_lineno"), end_lineno)?;
    keywords.set_item(intern!(py, "colno"), key.colno)?;
    keywords.set_item(intern!(py, "end_colno"), key.end_colno)?;
    let summary = traceback
        .getattr(intern!(py, "FrameSummary"))?
        .call((filename, lineno, name), Some(&keywords))?;
    let row = traceback
        .getattr(intern!(py, "StackSummary"))?
        .call0()?
        .call_method1(intern!(py, "format_frame_summary"), (summary,))?;
    let row = row
        .cast_exact::<PyString>()
        .map_err(|_| Fallback)?
        .to_str()?;
    let block = row.strip_prefix(header).ok_or(Fallback)?.to_owned();
    remember(key, block.clone());
    Ok(block)
}
