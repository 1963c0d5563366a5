//! When a file has grown enough to roll over.

use crate::time::PythonVersion;

/// The standard library's `RotatingFileHandler.shouldRollover` size test:
/// `position` is the file's size, `message_length` the formatted record's
/// length in characters plus one for the newline (the standard library
/// compares characters with bytes, and so do we here). Since 3.13 an empty
/// file is never rolled over, so one oversized record cannot leave a trail of
/// empty backups.
pub fn standard_wants_rollover(
    position: u64,
    message_length: u64,
    max_bytes: u64,
    version: PythonVersion,
) -> bool {
    if max_bytes == 0 {
        return false;
    }
    if position == 0 && version == PythonVersion::V3_13 {
        return false;
    }
    position + message_length >= max_bytes
}

/// Whether `path` exists and is not a regular file (`/dev/null`, a pipe):
/// such a file is never rolled over.
pub fn is_special_file(path: &str) -> bool {
    std::fs::metadata(path).is_ok_and(|metadata| !metadata.is_file())
}

/// The femto face's rule, in bytes: a line that would take a non-empty file
/// past `max_bytes` goes to a fresh file, so no file grows past `max_bytes`
/// unless a single line is longer than that.
pub fn wants_rollover(size: u64, line_bytes: u64, max_bytes: u64) -> bool {
    max_bytes > 0 && size > 0 && size + line_bytes > max_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_test_rolls_over_before_reaching_the_limit() {
        let v = PythonVersion::V3_11;
        assert!(!standard_wants_rollover(0, 5, 0, v));
        assert!(!standard_wants_rollover(90, 9, 100, v));
        assert!(standard_wants_rollover(90, 10, 100, v));
        // 3.11 rolls an empty file over when one record is too long.
        assert!(standard_wants_rollover(0, 200, 100, v));
        assert!(!standard_wants_rollover(0, 200, 100, PythonVersion::V3_13));
        assert!(standard_wants_rollover(1, 200, 100, PythonVersion::V3_13));
    }

    #[test]
    fn the_femto_rule_fills_a_file_up_to_the_limit() {
        assert!(!wants_rollover(90, 10, 100));
        assert!(wants_rollover(91, 10, 100));
        assert!(!wants_rollover(0, 500, 100));
        assert!(!wants_rollover(500, 500, 0));
    }
}
