//! `BaseRotatingHandler`, `RotatingFileHandler` and `WatchedFileHandler` of
//! the standard face.
//!
//! The standard library's emit for these is "check, maybe roll over (or
//! reopen), then `FileHandler.emit`". The check runs natively when the class
//! keeps the standard `shouldRollover` (or `reopenIfNeeded`); a rollover
//! itself goes through `doRollover`, so a subclass replacing it, or a `namer`
//! or `rotator` set on the handler, is honoured exactly. The rename chain is
//! the core's `shift_backups`, the same one a femto handler's worker runs.
//!
//! As the standard `Handler.handle` does, the check, the rollover and the
//! write run under the handler's `lock`: a rollover calls Python code
//! (`_open`, a `namer`), during which another thread may otherwise write to a
//! stream being replaced. A rotating or time-rotating handler made with
//! `interprocess=True` also takes the advisory lock on the sidecar file that
//! the femto face's shared files use, and first reopens its file when
//! another process has rotated it away; its size test then reads the file's
//! real end, which other processes' lines moved.

use std::io;
use std::sync::{Arc, Mutex};

use femtologging_core::rotation::backups::{rename_if_exists, shift_backups, PathError, Renamer};
use femtologging_core::rotation::lock::{replaced_at, sidecar_path, InterprocessLock};
use femtologging_core::rotation::size::{is_special_file, standard_wants_rollover};
use femtologging_core::time::PythonVersion;
use pyo3::exceptions::PyOSError;
use pyo3::intern;
use pyo3::prelude::*;

use crate::file_stream::FileStream;
use crate::formatter::FormattedText;
use crate::handler::{format_for, FileHandler, Handler, HandlerKind, StreamHandler};
use crate::os_errors::path_error;
use crate::record::RecordRef;
use crate::runtime;
use crate::timed_rotating;

#[pyclass(extends = FileHandler, subclass, frozen, module = "femtologging")]
pub struct BaseRotatingHandler {
    /// The sidecar lock, for a handler sharing its files with other
    /// processes.
    shared: Mutex<Option<SharedFiles>>,
}

/// The lock of files shared with other processes, as opened by `pid`: a
/// forked child must open its own, since a `flock` belongs to the open file
/// description that parent and child would otherwise share.
struct SharedFiles {
    pid: u32,
    lock: Arc<InterprocessLock>,
}

impl SharedFiles {
    fn open(path: &str) -> PyResult<SharedFiles> {
        let lock = InterprocessLock::open(path)
            .map_err(|error| path_error(error, &sidecar_path(path), None))?;
        Ok(SharedFiles {
            pid: std::process::id(),
            lock: Arc::new(lock),
        })
    }
}

impl BaseRotatingHandler {
    pub(crate) fn initializer(py: Python<'_>, kind: HandlerKind) -> PyClassInitializer<Self> {
        FileHandler::initializer(py, kind).add_subclass(BaseRotatingHandler {
            shared: Mutex::new(None),
        })
    }

    /// This process's lock of the shared files, when they are shared.
    fn shared_lock(
        &self,
        path: impl FnOnce() -> PyResult<String>,
    ) -> PyResult<Option<Arc<InterprocessLock>>> {
        let mut shared = self
            .shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(files) = shared.as_mut() else {
            return Ok(None);
        };
        let pid = std::process::id();
        if files.pid != pid {
            *files = SharedFiles::open(&path()?)?;
        }
        Ok(Some(files.lock.clone()))
    }
}

/// Runs a rotating or watched handler's check-and-write under the handler's
/// `lock`, and for files shared between processes under their lock too.
pub fn under_locks<'py>(
    handler: &Bound<'py, Handler>,
    write: impl FnOnce() -> PyResult<()>,
) -> PyResult<()> {
    crate::handler::with_python_lock(handler, || {
        let shared = match handler.cast::<BaseRotatingHandler>() {
            Ok(rotating) => rotating.get().shared_lock(|| base_filename(handler))?,
            Err(_) => None,
        };
        let Some(lock) = shared else {
            return write();
        };
        let py = handler.py();
        // Another process may hold the lock through a slow rollover: this
        // process's other threads go on meanwhile.
        let guard = py.detach(|| lock.lock()).map_err(|error| {
            PyOSError::new_err(format!("could not lock the shared log files: {error}"))
        })?;
        let result = follow_other_writers(handler).and_then(|()| write());
        drop(guard);
        result
    })
}

/// Under the shared lock: when another process has rotated the file away,
/// close the stream on the old one and open the file now at the path.
fn follow_other_writers(handler: &Bound<'_, Handler>) -> PyResult<()> {
    let py = handler.py();
    if handler.cast::<StreamHandler>()?.get().stream_is_none(py) {
        return Ok(());
    }
    let stream = handler.getattr(intern!(py, "stream"))?;
    let descriptor: i32 = stream.call_method0(intern!(py, "fileno"))?.extract()?;
    let base = base_filename(handler)?;
    // SAFETY: the stream, alive for this call, keeps the descriptor open.
    let open = unsafe { std::os::fd::BorrowedFd::borrow_raw(descriptor) };
    if replaced_at(&base, open).map_err(|error| path_error(error, &base, None))? {
        stream.call_method0(intern!(py, "close"))?;
        handler.setattr(intern!(py, "stream"), py.None())?;
        let stream = handler.call_method0(intern!(py, "_open"))?;
        handler.setattr(intern!(py, "stream"), stream)?;
    }
    Ok(())
}

/// Whether the handler shares its files with other processes.
pub(crate) fn is_shared(handler: &Bound<'_, Handler>) -> bool {
    handler.cast::<BaseRotatingHandler>().is_ok_and(|rotating| {
        let shared = rotating.get().shared.lock();
        shared
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some()
    })
}

#[pyclass(extends = BaseRotatingHandler, subclass, frozen, module = "femtologging")]
pub struct RotatingFileHandler {}

#[pyclass(extends = FileHandler, subclass, frozen, module = "femtologging")]
pub struct WatchedFileHandler {}

pub(crate) fn version() -> PythonVersion {
    PythonVersion::from_minor(runtime::python_minor() as u32)
}

/// The check before a rotating handler writes: `shouldRollover(record)` and,
/// when it says so, `doRollover()`; a watched handler's `reopenIfNeeded()`.
/// `native_check` is false when a subclass replaced the check.
///
/// Returns the record's line when the size test formatted it natively and
/// nothing ran in between: the standard emit formats the record again, and
/// a native formatter would only give the same text.
pub fn before_write<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
    native_check: bool,
) -> PyResult<Option<String>> {
    let py = handler.py();
    match handler.get().kind() {
        kind @ (HandlerKind::Rotating | HandlerKind::BaseRotating | HandlerKind::Timed) => {
            let (roll, line) = match (native_check, kind) {
                (true, HandlerKind::Rotating) => size_test(handler, overridden, record)?,
                (true, HandlerKind::Timed) => (timed_rotating::should_rollover(handler)?, None),
                _ => {
                    let record = record.to_python(py)?;
                    let roll = handler.call_method1(intern!(py, "shouldRollover"), (record,))?;
                    (roll.is_truthy()?, None)
                }
            };
            if roll {
                handler.call_method0(intern!(py, "doRollover"))?;
                return Ok(None);
            }
            return Ok(line);
        }
        HandlerKind::Watched => {
            if native_check {
                reopen_if_needed(handler)?;
            } else {
                handler.call_method0(intern!(py, "reopenIfNeeded"))?;
            }
        }
        _ => {}
    }
    Ok(None)
}

/// `RotatingFileHandler.shouldRollover`, and the line it measured when the
/// handler's own formatter made it in Rust.
fn size_test<'py>(
    handler: &Bound<'py, Handler>,
    overridden: u64,
    record: &RecordRef<'_, 'py>,
) -> PyResult<(bool, Option<String>)> {
    let py = handler.py();
    let version = version();
    // Before 3.13 the test for a special file (`/dev/null`) comes first, on
    // every record; 3.13 makes it only when the size says roll over. The
    // answer is the same either way, so it is made last here, saving a stat
    // per record; only the stream of a special file opened with `delay` is
    // opened here rather than a moment later in `emit`.
    let stream_state = handler.cast::<StreamHandler>()?.get();
    if stream_state.stream_is_none(py) {
        let stream = handler.call_method0(intern!(py, "_open"))?;
        handler.setattr(intern!(py, "stream"), stream)?;
    }
    let max_bytes = handler.getattr(intern!(py, "maxBytes"))?;
    if !max_bytes.gt(0)? {
        return Ok((false, None));
    }
    let position = || -> PyResult<u64> {
        let stream = handler.getattr(intern!(py, "stream"))?;
        // Other processes' lines moved the end of a shared file: 3.13's
        // tell() alone would not see them.
        match is_shared(handler) {
            true => stream_position(&stream, PythonVersion::V3_11),
            false => stream_position(&stream, version),
        }
    };
    // 3.13 asks where the stream is first, and formats nothing for an empty
    // file, which it never rolls over; before, the record is formatted first.
    let early_position = match version {
        PythonVersion::V3_13 => match position()? {
            0 => return Ok((false, None)),
            position => Some(position),
        },
        PythonVersion::V3_11 | PythonVersion::V3_12 => None,
    };
    let (length, line) = match format_for(handler, overridden, record)? {
        FormattedText::Rust(text) => (text.chars().count() as u64, Some(text)),
        FormattedText::Python(text) => (text.str()?.len()? as u64, None),
    };
    let length = length + 1;
    let position = match early_position {
        Some(position) => position,
        None => position()?,
    };
    let roll = match max_bytes.extract::<u64>() {
        Ok(max_bytes) => standard_wants_rollover(position, length, max_bytes, version),
        Err(_) => {
            !(position == 0 && version == PythonVersion::V3_13) && max_bytes.le(position + length)?
        }
    };
    let roll = roll && !is_special_file(&base_filename(handler)?);
    Ok((roll, line))
}

/// Where the next write goes: 3.11 and 3.12 seek to the end first, 3.13
/// asks `tell()` alone.
fn stream_position(stream: &Bound<'_, PyAny>, version: PythonVersion) -> PyResult<u64> {
    let py = stream.py();
    if let Ok(file) = stream.cast_exact::<FileStream>() {
        return Ok(match version {
            PythonVersion::V3_13 => file.get().position()?,
            _ => file.get().seek_end(py)?,
        });
    }
    if version != PythonVersion::V3_13 {
        stream.call_method1(intern!(py, "seek"), (0, 2))?;
    }
    stream.call_method0(intern!(py, "tell"))?.extract()
}

pub(crate) fn base_filename(handler: &Bound<'_, Handler>) -> PyResult<String> {
    let py = handler.py();
    let name = handler.getattr(intern!(py, "baseFilename"))?;
    Ok(crate::file_stream::file_path(&name)?
        .to_string_lossy()
        .into_owned())
}

/// `WatchedFileHandler.reopenIfNeeded`: reopen when the file at the path is
/// no longer the one the stream writes to (logrotate moved it away).
fn reopen_if_needed(handler: &Bound<'_, Handler>) -> PyResult<()> {
    let py = handler.py();
    let version = version();
    let stream_state = handler.cast::<StreamHandler>()?.get();
    if version == PythonVersion::V3_13 && stream_state.stream_is_none(py) {
        return Ok(());
    }
    let base = base_filename(handler)?;
    let changed = match std::fs::metadata(&base) {
        Ok(metadata) => {
            use std::os::unix::fs::MetadataExt;
            let dev = handler.getattr(intern!(py, "dev"))?;
            let ino = handler.getattr(intern!(py, "ino"))?;
            !dev.eq(metadata.dev())? || !ino.eq(metadata.ino())?
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => true,
        Err(error) => return Err(path_error(error, &base, None)),
    };
    if !changed || stream_state.stream_is_none(py) {
        return Ok(());
    }
    let stream = handler.getattr(intern!(py, "stream"))?;
    stream.call_method0(intern!(py, "flush"))?;
    stream.call_method0(intern!(py, "close"))?;
    handler.setattr(intern!(py, "stream"), py.None())?;
    let stream = handler.call_method0(intern!(py, "_open"))?;
    handler.setattr(intern!(py, "stream"), stream)?;
    handler.call_method0(intern!(py, "_statstream"))?;
    Ok(())
}

/// A rollover's error: a Python hook's exception or a failed file operation.
pub(crate) struct RolloverError(pub(crate) PyErr);

impl From<PathError> for RolloverError {
    fn from(error: PathError) -> Self {
        RolloverError(path_error(
            error.error,
            &error.path,
            error.other_path.as_deref(),
        ))
    }
}

impl From<PyErr> for RolloverError {
    fn from(error: PyErr) -> Self {
        RolloverError(error)
    }
}

/// The handler's `rotation_filename` and `rotate`, which call `namer` and
/// `rotator` when they are set.
pub(crate) struct HandlerHooks<'a, 'py>(pub(crate) &'a Bound<'py, PyAny>);

impl Renamer for HandlerHooks<'_, '_> {
    type Error = RolloverError;

    fn backup_name(&mut self, default_name: String) -> Result<String, RolloverError> {
        let py = self.0.py();
        let name = self
            .0
            .call_method1(intern!(py, "rotation_filename"), (default_name,))?;
        let path: std::path::PathBuf = name.extract()?;
        Ok(path.to_string_lossy().into_owned())
    }

    fn rotate(&mut self, source: &str, destination: &str) -> Result<(), RolloverError> {
        let py = self.0.py();
        self.0
            .call_method1(intern!(py, "rotate"), (source, destination))?;
        Ok(())
    }
}

#[pymethods]
impl BaseRotatingHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        BaseRotatingHandler::initializer(py, HandlerKind::BaseRotating)
    }

    /// Shares the files with other processes: every check, rollover and
    /// write from now on runs under the sidecar lock (`<file>.lock`).
    fn _share_with_other_processes(slf: &Bound<'_, Self>) -> PyResult<()> {
        let files = SharedFiles::open(&base_filename(slf.cast::<Handler>()?)?)?;
        let mut shared = slf
            .get()
            .shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *shared = Some(files);
        Ok(())
    }
}

#[pymethods]
impl RotatingFileHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        BaseRotatingHandler::initializer(py, HandlerKind::Rotating)
            .add_subclass(RotatingFileHandler {})
    }

    /// Whether writing the record would take the file past `maxBytes`, in
    /// which case `emit` rolls the file over first. Never for a file that is
    /// not a regular file (a FIFO, /dev/null).
    #[pyo3(name = "shouldRollover")]
    fn should_rollover_method(slf: &Bound<'_, Self>, record: Bound<'_, PyAny>) -> PyResult<bool> {
        let handler = slf.cast::<Handler>()?;
        let overridden = crate::handler::overridden(handler)?;
        Ok(size_test(handler, overridden, &RecordRef::Python(record))?.0)
    }

    /// Closes the stream, shifts the backups through `rotation_filename`
    /// and `rotate`, and opens a fresh file unless `delay` is set.
    #[pyo3(name = "doRollover")]
    fn do_rollover(slf: &Bound<'_, Self>) -> PyResult<()> {
        let py = slf.py();
        let stream = slf.getattr(intern!(py, "stream"))?;
        if stream.is_truthy()? {
            stream.call_method0(intern!(py, "close"))?;
            slf.setattr(intern!(py, "stream"), py.None())?;
        }
        let backup_count = slf.getattr(intern!(py, "backupCount"))?;
        if backup_count.gt(0)? {
            let count: u32 = backup_count.extract()?;
            let base = base_filename(slf.cast::<Handler>()?)?;
            shift_backups(&base, count, &mut HandlerHooks(slf.as_any())).map_err(|e| e.0)?;
        }
        if !slf.getattr(intern!(py, "delay"))?.is_truthy()? {
            let stream = slf.call_method0(intern!(py, "_open"))?;
            slf.setattr(intern!(py, "stream"), stream)?;
        }
        Ok(())
    }
}

#[pymethods]
impl WatchedFileHandler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyAny>,
        _kwargs: Option<&Bound<'_, PyAny>>,
    ) -> PyClassInitializer<Self> {
        FileHandler::initializer(py, HandlerKind::Watched).add_subclass(WatchedFileHandler {})
    }

    /// Reopens the file if it was moved or deleted since it was opened (its
    /// device or inode changed), as `emit` does before each record.
    #[pyo3(name = "reopenIfNeeded")]
    fn reopen_if_needed_method(slf: &Bound<'_, Self>) -> PyResult<()> {
        reopen_if_needed(slf.cast::<Handler>()?)
    }
}

/// `BaseRotatingHandler.rotate` without a rotator: rename when the source
/// exists, with the errors `os.rename` raises.
#[pyfunction]
pub fn rotate_file(
    py: Python<'_>,
    source: Bound<'_, PyAny>,
    destination: Bound<'_, PyAny>,
) -> PyResult<()> {
    let source: std::path::PathBuf = source.extract()?;
    let destination: std::path::PathBuf = destination.extract()?;
    let (source, destination) = (
        source.to_string_lossy().into_owned(),
        destination.to_string_lossy().into_owned(),
    );
    py.detach(|| rename_if_exists(&source, &destination))
        .map_err(|error| RolloverError::from(error).0)
}
