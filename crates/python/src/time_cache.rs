//! `asctime` for the native formatting path, cached per second.
//!
//! `time.localtime` + `time.strftime` cost more than the rest of a record;
//! within one second (and for one format and converter) the text is the same,
//! so it is computed once. The milliseconds are appended per record, as
//! `default_msec_format` ("%s,%03d") does.

use femtologging_core::time::{gmtime, localtime, strftime};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

use crate::gil::GilCell;
use crate::record::CallRecord;

#[derive(Clone)]
struct CachedSecond {
    seconds: i64,
    utc: bool,
    datefmt: Option<String>,
    text: String,
}

static LAST: GilCell<Option<CachedSecond>> = GilCell::new(None);

/// Forgets the cached text (after `time.tzset()`).
#[allow(dead_code)]
pub fn reset(py: Python<'_>) {
    drop(LAST.replace(py, None));
}

pub fn asctime(
    py: Python<'_>,
    record: &CallRecord,
    datefmt: Option<&str>,
    utc: bool,
) -> PyResult<String> {
    let times = record.times();
    let seconds = times.created.floor() as i64;
    let cached = LAST.with(py, |last| {
        last.as_ref()
            .filter(|last| {
                last.seconds == seconds && last.utc == utc && last.datefmt.as_deref() == datefmt
            })
            .map(|last| last.text.clone())
    });
    let text = match cached {
        Some(text) => text,
        None => {
            let calendar = if utc {
                gmtime(seconds)
            } else {
                localtime(seconds)
            }
            .map_err(|error| PyOSError::new_err(error.to_string()))?;
            let text = strftime(datefmt.unwrap_or("%Y-%m-%d %H:%M:%S"), &calendar);
            LAST.with(py, |last| {
                *last = Some(CachedSecond {
                    seconds,
                    utc,
                    datefmt: datefmt.map(str::to_owned),
                    text: text.clone(),
                })
            });
            text
        }
    };
    if datefmt.is_some() {
        return Ok(text);
    }
    let mut text = text;
    let milliseconds = times.msecs as i64;
    text.push(',');
    if milliseconds < 100 {
        text.push('0');
    }
    if milliseconds < 10 {
        text.push('0');
    }
    text.push_str(&milliseconds.to_string());
    Ok(text)
}
