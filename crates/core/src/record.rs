//! The record: what one logging call produced, as plain Rust data.
//!
//! Strings that repeat from call to call (the logger name, the call site, the
//! level name) are shared, as one `Origin` (`origin.rs`), so building a
//! record allocates only for what is new: the message.

use std::sync::Arc;

pub use crate::origin::{Origin, OriginRef, SiteRef};
use crate::time::{record_times, PythonVersion, RecordTimes};

/// Where a logging call was made: one per code object, shared by every
/// record logged from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The code's file name as the interpreter knows it (`co_filename`).
    pub pathname: Arc<str>,
    /// The last component of `pathname`.
    pub filename: Arc<str>,
    /// `filename` without its extension.
    pub module: Arc<str>,
    /// The function's name (`co_name`).
    pub function: Arc<str>,
}

impl CallSite {
    /// Derives `filename` and `module` from a path as the standard library
    /// does (`os.path.basename`, then `os.path.splitext`).
    pub fn from_path(pathname: &str, function: &str) -> CallSite {
        let filename = basename(pathname);
        let module = strip_extension(filename);
        CallSite {
            pathname: Arc::from(pathname),
            filename: Arc::from(filename),
            module: Arc::from(module),
            function: Arc::from(function),
        }
    }

    /// The site the standard library reports when it cannot find the caller.
    pub fn unknown() -> CallSite {
        CallSite {
            pathname: Arc::from("(unknown file)"),
            filename: Arc::from("(unknown file)"),
            module: Arc::from("(unknown file)"),
            function: Arc::from("(unknown function)"),
        }
    }
}

/// `os.path.basename` on POSIX: everything after the last slash.
pub fn basename(path: &str) -> &str {
    match path.rfind('/') {
        Some(index) => &path[index + 1..],
        None => path,
    }
}

/// `os.path.splitext(name)[0]` on a base name: a leading run of dots does not
/// start an extension (".bashrc" has none).
pub fn strip_extension(name: &str) -> &str {
    let leading_dots = name.len() - name.trim_start_matches('.').len();
    match name[leading_dots..].rfind('.') {
        Some(index) => &name[..leading_dots + index],
        None => name,
    }
}

/// A record's traceback and stack, formatted: rarely present, so kept out of
/// line to keep the record small (it is moved through a queue).
#[derive(Debug, Clone, Default)]
pub struct Additions {
    /// The formatted traceback, when the call carried an exception.
    pub exception_text: Option<String>,
    /// The formatted stack, when the call asked for `stack_info`.
    pub stack_info: Option<String>,
}

/// One logging call's data, everything the formatters and handlers read.
#[derive(Debug, Clone)]
pub struct Record {
    pub origin: OriginRef,
    pub level: i32,
    pub line: u32,
    /// Wall-clock time of the call, nanoseconds since the epoch.
    pub created_ns: i64,
    /// The host's start time (`logging._startTime`), in nanoseconds, and
    /// its version: what `times` needs, computed only where it is read.
    pub start_ns: i64,
    pub version: PythonVersion,
    pub thread_id: u64,
    /// The message with its arguments merged (`msg % args`).
    pub message: String,
    pub additions: Option<Box<Additions>>,
}

impl Record {
    /// `created`, `msecs` and `relativeCreated`, as the host's `LogRecord`
    /// computes them from `created_ns`.
    pub fn times(&self) -> RecordTimes {
        record_times(self.created_ns, self.start_ns, self.version)
    }

    pub fn exception_text(&self) -> Option<&str> {
        self.additions.as_ref()?.exception_text.as_deref()
    }

    pub fn stack_info(&self) -> Option<&str> {
        self.additions.as_ref()?.stack_info.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_site_splits_the_path_like_os_path() {
        let site = CallSite::from_path("/srv/app/views.py", "index");
        assert_eq!(&*site.filename, "views.py");
        assert_eq!(&*site.module, "views");
        assert_eq!(&*site.function, "index");
    }

    #[test]
    fn extension_rules_follow_splitext() {
        assert_eq!(strip_extension("archive.tar.gz"), "archive.tar");
        assert_eq!(strip_extension(".bashrc"), ".bashrc");
        assert_eq!(strip_extension("..hidden.py"), "..hidden");
        assert_eq!(strip_extension("noext"), "noext");
        assert_eq!(strip_extension("<stdin>"), "<stdin>");
        assert_eq!(basename("<string>"), "<string>");
    }
}
