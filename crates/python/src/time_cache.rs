//! `asctime` for the native formatting path.
//!
//! The core's `AscTime` does the work (and caches the text of the current
//! second); this keeps the `AscTime` for the settings last used, so a process
//! whose formatters share one `datefmt` and converter builds it once.

use std::sync::Arc;

use femtologging_core::time::{AscTime, Converter};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

use crate::gil::GilCell;
use crate::record::CallRecord;

struct Settings {
    utc: bool,
    datefmt: Option<String>,
    asctime: Arc<AscTime>,
}

static LAST: GilCell<Option<Settings>> = GilCell::new(None);

/// The `AscTime` for a formatter's settings, shared by every formatter (and
/// worker) using the same ones, so its cached second is shared too.
pub fn shared(py: Python<'_>, datefmt: Option<&str>, utc: bool) -> Arc<AscTime> {
    let cached = LAST.with(py, |last| {
        last.as_ref()
            .filter(|last| last.utc == utc && last.datefmt.as_deref() == datefmt)
            .map(|last| last.asctime.clone())
    });
    if let Some(asctime) = cached {
        return asctime;
    }
    let converter = if utc {
        Converter::Utc
    } else {
        Converter::Local
    };
    let asctime = Arc::new(AscTime::new(converter, datefmt));
    let settings = Settings {
        utc,
        datefmt: datefmt.map(str::to_owned),
        asctime: asctime.clone(),
    };
    drop(LAST.replace(py, Some(settings)));
    asctime
}

pub fn asctime(
    py: Python<'_>,
    record: &CallRecord,
    datefmt: Option<&str>,
    utc: bool,
) -> PyResult<String> {
    let times = record.times();
    shared(py, datefmt, utc)
        .format_to_string(times.created, times.msecs)
        .map_err(|error| PyOSError::new_err(error.to_string()))
}
