//! Why a time could not be converted or formatted, as the exception CPython raises.

use std::error::Error;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    /// `OSError(errno, strerror)`: the C library refused (`localtime_r` on a time whose
    /// year does not fit in an `int` fails with `EOVERFLOW`).
    Os(i32),
    /// `ValueError` with CPython's message.
    InvalidValue(String),
    /// `OverflowError` with CPython's message.
    Overflow(String),
}

impl TimeError {
    pub(crate) fn last_os_error() -> TimeError {
        // CPython turns "failed without errno" into EINVAL.
        match std::io::Error::last_os_error().raw_os_error() {
            Some(0) | None => TimeError::Os(libc::EINVAL),
            Some(code) => TimeError::Os(code),
        }
    }
}

impl fmt::Display for TimeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // str(OSError(errno, strerror)) is "[Errno N] strerror".
            TimeError::Os(code) => {
                let message = std::io::Error::from_raw_os_error(*code).to_string();
                // Rust appends " (os error N)" to the C library's text.
                let text = message
                    .strip_suffix(&format!(" (os error {code})"))
                    .unwrap_or(&message);
                write!(formatter, "[Errno {code}] {text}")
            }
            TimeError::InvalidValue(message) | TimeError::Overflow(message) => {
                formatter.write_str(message)
            }
        }
    }
}

impl Error for TimeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_read_like_python_oserror() {
        assert_eq!(
            TimeError::Os(libc::EOVERFLOW).to_string(),
            "[Errno 75] Value too large for defined data type"
        );
    }

    #[test]
    fn other_errors_are_their_message() {
        assert_eq!(
            TimeError::InvalidValue("Invalid value NaN (not a number)".into()).to_string(),
            "Invalid value NaN (not a number)"
        );
    }
}
