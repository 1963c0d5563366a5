//! The stream object of a `FileHandler`: a file opened and written by Rust.
//!
//! It is what `handler.stream` returns, a file-like object (write, flush,
//! close, fileno, name, mode, encoding, closed) so code that reaches into the
//! stream keeps working, while the handler's native path writes each line
//! with a single write(2) and no Python object in between.
//!
//! A write the disk refuses (a full disk) keeps its unwritten bytes and
//! writes them before anything else, as much as Python's buffered file
//! keeps of what it could not flush: a line is never left cut in two with
//! the next one glued to its first half, and lines refused during a short
//! full spell land once there is room, as the standard library's do. Errors
//! are `OSError`s with their errno, as Python's own files raise them.
//!
//! Text is encoded as one stream, as a text file encodes it: a byte-order
//! mark (utf-16, utf-32, utf-8-sig) only at the start of the file, a
//! shifting codec's state carried from one write to the next.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::os::unix::io::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use femtologging_core::held::{write_counted, Held};
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::formatter::FormattedText;
use crate::os_errors::os_error;

#[pyclass(frozen, dict, weakref, module = "femtologging")]
pub struct FileStream {
    file: Mutex<Option<OpenFile>>,
    #[pyo3(get)]
    name: Py<PyAny>,
    #[pyo3(get)]
    mode: String,
    #[pyo3(get)]
    encoding: String,
    #[pyo3(get)]
    errors: String,
    encoder: Encoder,
}

/// How a text file encodes with the stream's codec. The codecs it encodes
/// directly (no Python frame in an error's traceback) are encoded directly
/// here too; any other goes through its incremental encoder, as there.
enum Encoder {
    /// UTF-8 with strict errors: strings are written as their UTF-8 bytes
    /// without asking Python's codec machinery.
    Utf8Strict,
    /// A codec without state: `str.encode`.
    Direct,
    /// utf-16 or utf-32: with a mark while the stream is at its start, in
    /// the machine's byte order after. Any write ends the start, even one
    /// that fails to encode, so no mark is written after it.
    Marked {
        start: AtomicBool,
        native: &'static str,
    },
    /// Any other codec: its incremental encoder, which carries a mark still
    /// to come or a shift from one write to the next.
    Incremental(Py<PyAny>),
}

impl Encoder {
    fn new(py: Python<'_>, encoding: &str, errors: &str) -> PyResult<Encoder> {
        let little = cfg!(target_endian = "little");
        let normalised = encoding.to_ascii_lowercase().replace('_', "-");
        Ok(match normalised.as_str() {
            "utf-8" | "utf8" if errors == "strict" => Encoder::Utf8Strict,
            "utf-8" | "ascii" | "iso8859-1" | "utf-16-le" | "utf-16-be" | "utf-32-le"
            | "utf-32-be" => Encoder::Direct,
            "utf-16" => Encoder::Marked {
                start: AtomicBool::new(true),
                native: if little { "utf-16-le" } else { "utf-16-be" },
            },
            "utf-32" => Encoder::Marked {
                start: AtomicBool::new(true),
                native: if little { "utf-32-le" } else { "utf-32-be" },
            },
            _ => {
                let codecs = py.import(intern!(py, "codecs"))?;
                let factory =
                    codecs.call_method1(intern!(py, "getincrementalencoder"), (encoding,))?;
                Encoder::Incremental(factory.call1((errors,))?.unbind())
            }
        })
    }

    /// Where the stream now is: at its start a mark comes first, anywhere
    /// else none.
    fn restart_at(&self, py: Python<'_>, position: u64) -> PyResult<()> {
        match self {
            Encoder::Utf8Strict | Encoder::Direct => {}
            Encoder::Marked { start, .. } => start.store(position == 0, Ordering::Relaxed),
            Encoder::Incremental(encoder) if position == 0 => {
                encoder.call_method0(py, intern!(py, "reset"))?;
            }
            Encoder::Incremental(encoder) => {
                encoder.call_method1(py, intern!(py, "setstate"), (0,))?;
            }
        }
        Ok(())
    }
}

/// The file, and what a Python text file opened on it (`open(path, mode)`)
/// would still have in its buffer after the disk refused it: the same bytes
/// are kept, and the same are lost, as the standard handler's.
struct OpenFile {
    file: File,
    /// What failed writes could not put in the file.
    held: Held,
    /// The size of that buffer: the file's block size, as `open()` takes it.
    buffer_size: usize,
    /// Bytes at the start of the buffer written before a refusal: the
    /// buffer has no room for them until it has been emptied.
    spent: usize,
}

impl OpenFile {
    fn new(file: File) -> OpenFile {
        use std::os::unix::fs::MetadataExt;
        // As Python's open(): the block size when the file has one, else
        // io.DEFAULT_BUFFER_SIZE.
        let buffer_size = match file.metadata().map(|metadata| metadata.blksize()) {
            Ok(size) if size > 1 => size as usize,
            _ => 8192,
        };
        OpenFile {
            file,
            held: Held::default(),
            buffer_size,
            spent: 0,
        }
    }

    /// A buffered file's write followed by its flush, the two calls the
    /// standard handler makes for a record: bytes that fit in the buffer
    /// after what it holds join it; when they do not, what is held is
    /// flushed first (on failure the new bytes are lost, not held), and of
    /// bytes longer than the buffer, all but a buffer's worth are written
    /// directly (what a failure leaves of those is lost too).
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.held.is_empty() {
            self.spent = 0;
            if bytes.len() <= self.buffer_size {
                // Every record but those of a full spell: written straight
                // from the caller's bytes, only a refused rest kept.
                return write_counted(&mut self.file, bytes).map_err(|stopped| {
                    self.held.keep(&bytes[stopped.written..]);
                    self.spent = stopped.written;
                    stopped.error
                });
            }
        }
        if self.spent + self.held.len() + bytes.len() <= self.buffer_size {
            self.held.keep(bytes);
            return self.write_held();
        }
        self.write_held()?;
        let mut rest = bytes;
        while rest.len() > self.buffer_size {
            rest = &rest[write_once(&mut self.file, rest)?..];
        }
        self.held.keep(rest);
        self.write_held()
    }

    fn write_held(&mut self) -> io::Result<()> {
        match self.held.write_to(&mut self.file) {
            Ok(()) => {
                self.spent = 0;
                Ok(())
            }
            Err(stopped) => {
                self.spent += stopped.written;
                Err(stopped.error)
            }
        }
    }
}

/// One write(2), retried only when a signal interrupted it.
fn write_once(file: &mut File, bytes: &[u8]) -> io::Result<usize> {
    loop {
        match file.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(written) => return Ok(written),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

/// A path as `open()` takes it: a str or path-like object, or bytes used
/// as they are.
pub(crate) fn file_path(path: &Bound<'_, PyAny>) -> PyResult<std::path::PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    match path.cast::<PyBytes>() {
        Ok(bytes) => Ok(std::ffi::OsStr::from_bytes(bytes.as_bytes()).into()),
        Err(_) => path.extract(),
    }
}

#[pymethods]
impl FileStream {
    /// Opens `path` as `open(path, mode, encoding=encoding, errors=errors)`
    /// would, for the text modes a FileHandler uses ('a', 'w', 'x', with an
    /// optional '+'). `encoding` is the codec's canonical name.
    #[new]
    fn py_new(
        py: Python<'_>,
        path: Bound<'_, PyAny>,
        mode: &str,
        encoding: &str,
        errors: &str,
    ) -> PyResult<Self> {
        let mut options = OpenOptions::new();
        let base = mode.replace(['t', '+'], "");
        match base.as_str() {
            "a" => options.append(true).create(true),
            "w" => options.write(true).truncate(true).create(true),
            "x" => options.write(true).create_new(true),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unsupported mode for a native file: {mode:?}"
                )))
            }
        };
        if mode.contains('+') {
            options.read(true);
        }
        let path_text = file_path(&path)?;
        let mut file = py
            .detach(|| options.open(&path_text))
            .map_err(|error| os_error(error, Some(path.clone().unbind()), None))?;
        if base == "a" {
            // As Python's open() does: tell() starts at the end.
            file.seek(SeekFrom::End(0))
                .map_err(|error| os_error(error, None, None))?;
        }
        let stream = FileStream {
            file: Mutex::new(Some(OpenFile::new(file))),
            name: path.unbind(),
            mode: mode.to_owned(),
            encoding: encoding.to_owned(),
            errors: errors.to_owned(),
            encoder: Encoder::new(py, encoding, errors)?,
        };
        // As a text file does: no mark when appending after what is there
        // (a pipe has no position, and gets one).
        let position = stream.with_file(|open| Ok(open.file.stream_position().unwrap_or(0)))?;
        if position != 0 {
            stream.encoder.restart_at(py, position)?;
        }
        Ok(stream)
    }

    fn write(&self, py: Python<'_>, text: Bound<'_, PyAny>) -> PyResult<usize> {
        let text = text.cast_into::<PyString>()?;
        let length = text.len()?;
        let bytes = self.encode(py, &text)?;
        self.write_bytes(py, &bytes)?;
        Ok(length)
    }

    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        self.flush_file(py)
    }

    /// Closes the file; what a full disk held back is tried once more, and
    /// its error raised after the file is closed.
    fn close(&self) -> PyResult<()> {
        let open = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        match open {
            Some(mut open) => open
                .write_held()
                .map_err(|error| os_error(error, None, None)),
            None => Ok(()),
        }
    }

    #[getter]
    fn closed(&self) -> bool {
        self.file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_none()
    }

    fn fileno(&self) -> PyResult<i32> {
        self.with_file(|open| Ok(open.file.as_raw_fd()))
    }

    /// Moves to `offset` from the start (whence 0), the current position
    /// (1, offset 0 only) or the end (2, offset 0 only), as a text file does.
    #[pyo3(signature = (offset, whence = 0))]
    fn seek(&self, py: Python<'_>, offset: i64, whence: i32) -> PyResult<u64> {
        let target = match (whence, offset) {
            (0, offset) if offset >= 0 => SeekFrom::Start(offset as u64),
            (0, offset) => {
                return Err(PyValueError::new_err(format!(
                    "negative seek position {offset}"
                )))
            }
            (1, 0) => SeekFrom::Current(0),
            (2, 0) => SeekFrom::End(0),
            (1 | 2, _) => {
                return Err(pyo3::exceptions::PyOSError::new_err(
                    "can't do nonzero cur-relative seeks",
                ))
            }
            (other, _) => {
                return Err(PyValueError::new_err(format!(
                    "invalid whence ({other}, should be 0, 1 or 2)"
                )))
            }
        };
        let position = self.with_written_file(|file| file.seek(target))?;
        self.encoder.restart_at(py, position)?;
        Ok(position)
    }

    fn tell(&self) -> PyResult<u64> {
        self.position()
    }

    fn writable(&self) -> bool {
        true
    }

    fn readable(&self) -> bool {
        self.mode.contains('+')
    }

    fn isatty(&self) -> bool {
        false
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        _exc_type: Bound<'_, PyAny>,
        _exc: Bound<'_, PyAny>,
        _traceback: Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.close()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "<femtologging.FileStream name={} mode='{}' encoding='{}'>",
            self.name.bind(py).repr()?,
            self.mode,
            self.encoding
        ))
    }
}

impl FileStream {
    fn with_file<T>(&self, action: impl FnOnce(&mut OpenFile) -> io::Result<T>) -> PyResult<T> {
        let mut guard = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match guard.as_mut() {
            Some(open) => action(open).map_err(|error| os_error(error, None, None)),
            None => Err(closed_file()),
        }
    }

    /// `action` on the file once what it held back is written: a position
    /// must count those bytes, as a buffered file's seek and tell flush first.
    fn with_written_file<T>(&self, action: impl FnOnce(&mut File) -> io::Result<T>) -> PyResult<T> {
        self.with_file(|open| {
            open.write_held()?;
            action(&mut open.file)
        })
    }

    /// `tell()`: where the next write lands, as far as this stream knows.
    pub fn position(&self) -> PyResult<u64> {
        self.with_written_file(|file| file.stream_position())
    }

    /// `seek(0, 2)`: the file's current size, counting other writers.
    pub fn seek_end(&self, py: Python<'_>) -> PyResult<u64> {
        let position = self.with_written_file(|file| file.seek(SeekFrom::End(0)))?;
        self.encoder.restart_at(py, position)?;
        Ok(position)
    }

    fn encode<'py>(&self, py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<Vec<u8>> {
        let encoded = match &self.encoder {
            // Lone surrogates make this fail with the same UnicodeEncodeError
            // that str.encode("utf-8") raises.
            Encoder::Utf8Strict => return Ok(text.to_str()?.as_bytes().to_vec()),
            Encoder::Direct => {
                text.call_method1(intern!(py, "encode"), (&self.encoding, &self.errors))?
            }
            Encoder::Marked { start, native } => {
                let codec = match start.swap(false, Ordering::Relaxed) {
                    true => self.encoding.as_str(),
                    false => native,
                };
                text.call_method1(intern!(py, "encode"), (codec, &self.errors))?
            }
            Encoder::Incremental(encoder) => encoder
                .call_method1(py, intern!(py, "encode"), (text,))?
                .into_bound(py),
        };
        Ok(encoded.cast_into::<PyBytes>()?.as_bytes().to_vec())
    }

    /// Writes one formatted record and its terminator with a single write.
    pub fn write_line(
        &self,
        py: Python<'_>,
        text: FormattedText<'_>,
        terminator: &Bound<'_, PyString>,
    ) -> PyResult<()> {
        let text = match text {
            FormattedText::Rust(mut text) if matches!(self.encoder, Encoder::Utf8Strict) => {
                text.push_str(terminator.to_str()?);
                return self.write_bytes(py, text.as_bytes());
            }
            other => other,
        };
        let line = text.with_terminator(py, terminator.as_any())?;
        let bytes = self.encode(py, &line)?;
        self.write_bytes(py, &bytes)
    }

    fn write_bytes(&self, _py: Python<'_>, bytes: &[u8]) -> PyResult<()> {
        self.with_file(|open| open.write(bytes))
    }

    pub fn flush_file(&self, _py: Python<'_>) -> PyResult<()> {
        let mut guard = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match guard.as_mut() {
            Some(open) => open
                .write_held()
                .map_err(|error| os_error(error, None, None)),
            None => Ok(()),
        }
    }
}

fn closed_file() -> PyErr {
    PyValueError::new_err("I/O operation on closed file.")
}
