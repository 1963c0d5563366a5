//! Syslog messages: RFC 3164 as the standard `SysLogHandler` sends it, and
//! RFC 5424, each with a parser that reads it back.
//!
//! The names and numbers are the standard handler's (`facility_names`,
//! `priority_names`, `priority_map`, `encodePriority`), the same on 3.11 to
//! 3.13.

pub mod rfc3164;
pub mod rfc5424;
pub mod timestamp;

use std::fmt;

pub use rfc3164::Rfc3164Message;
pub use rfc5424::{Rfc5424Message, SdElement};
pub use timestamp::Timestamp;

/// `SysLogHandler.facility_names`, by code.
pub const FACILITY_NAMES: [(&str, u32); 24] = [
    ("kern", 0),
    ("user", 1),
    ("mail", 2),
    ("daemon", 3),
    ("auth", 4),
    ("syslog", 5),
    ("lpr", 6),
    ("news", 7),
    ("uucp", 8),
    ("cron", 9),
    ("authpriv", 10),
    ("ftp", 11),
    ("ntp", 12),
    ("security", 13),
    ("console", 14),
    ("solaris-cron", 15),
    ("local0", 16),
    ("local1", 17),
    ("local2", 18),
    ("local3", 19),
    ("local4", 20),
    ("local5", 21),
    ("local6", 22),
    ("local7", 23),
];

/// `SysLogHandler.priority_names`, with its aliases (`panic`, `err`,
/// `crit`, `warn`, and `critical`/`error`/`warning` which the level map
/// uses).
pub const PRIORITY_NAMES: [(&str, u32); 12] = [
    ("alert", 1),
    ("crit", 2),
    ("critical", 2),
    ("debug", 7),
    ("emerg", 0),
    ("err", 3),
    ("error", 3),
    ("info", 6),
    ("notice", 5),
    ("panic", 0),
    ("warn", 4),
    ("warning", 4),
];

/// `SysLogHandler.LOG_USER`, the standard handler's default facility.
pub const LOG_USER: u32 = 1;

pub fn facility_code(name: &str) -> Option<u32> {
    FACILITY_NAMES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, code)| *code)
}

pub fn priority_code(name: &str) -> Option<u32> {
    PRIORITY_NAMES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, code)| *code)
}

/// `SysLogHandler.mapPriority`: the standard level names to priority
/// names, and `"warning"` for any other level (a custom one included).
pub fn map_priority(level_name: &str) -> &'static str {
    match level_name {
        "DEBUG" => "debug",
        "INFO" => "info",
        "WARNING" => "warning",
        "ERROR" => "error",
        "CRITICAL" => "critical",
        _ => "warning",
    }
}

/// `SysLogHandler.encodePriority` on codes: `(facility << 3) | priority`.
/// Like the standard one, it does not check the facility is below 24.
pub fn encode_priority(facility: u32, priority: u32) -> u32 {
    (facility << 3) | priority
}

/// The PRI value the standard handler sends for a record of this level.
pub fn record_priority(facility: u32, level_name: &str) -> u32 {
    let priority = priority_code(map_priority(level_name)).unwrap_or(4);
    encode_priority(facility, priority)
}

/// Why a syslog message could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogError {
    pub offset: usize,
    pub reason: &'static str,
}

impl fmt::Display for SyslogError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "invalid syslog message at offset {}: {}",
            self.offset, self.reason
        )
    }
}

impl std::error::Error for SyslogError {}

/// Reads `<PRI>` at the start of `data`: the value and the bytes it took.
/// `strict` is RFC 5424's PRIVAL (at most 191, no leading zero); otherwise
/// any number of up to ten digits is taken, as the standard handler writes
/// whatever `encodePriority` gives.
fn parse_priority(data: &[u8], strict: bool) -> Result<(u32, usize), SyslogError> {
    let error = |offset, reason| SyslogError { offset, reason };
    if data.first() != Some(&b'<') {
        return Err(error(0, "expected '<' to open PRI"));
    }
    let digits = data[1..]
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let limit = if strict { 3 } else { 10 };
    if digits == 0 || digits > limit {
        return Err(error(1, "PRI must be 1 to 3 digits"));
    }
    if data.get(1 + digits) != Some(&b'>') {
        return Err(error(1 + digits, "expected '>' to close PRI"));
    }
    let text = std::str::from_utf8(&data[1..1 + digits]).unwrap_or("");
    let value: u32 = text.parse().map_err(|_| error(1, "PRI is out of range"))?;
    if strict && (value > 191 || (digits > 1 && data[1] == b'0')) {
        return Err(error(1, "PRIVAL must be 0 to 191 without leading zeros"));
    }
    Ok((value, digits + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_names_map_as_the_standard_handler_maps_them() {
        assert_eq!(record_priority(LOG_USER, "DEBUG"), 15);
        assert_eq!(record_priority(LOG_USER, "INFO"), 14);
        assert_eq!(record_priority(LOG_USER, "WARNING"), 12);
        assert_eq!(record_priority(LOG_USER, "ERROR"), 11);
        assert_eq!(record_priority(LOG_USER, "CRITICAL"), 10);
        assert_eq!(record_priority(LOG_USER, "TRACE"), 12);
        assert_eq!(
            record_priority(facility_code("local7").unwrap(), "INFO"),
            190
        );
        assert_eq!(encode_priority(30, 7), 247);
        assert_eq!(priority_code("panic"), Some(0));
        assert_eq!(facility_code("solaris-cron"), Some(15));
        assert_eq!(facility_code("LOCAL0"), None);
    }

    #[test]
    fn pri_is_read_strictly_for_rfc_5424_only() {
        assert_eq!(parse_priority(b"<0>x", true), Ok((0, 3)));
        assert_eq!(parse_priority(b"<191>", true), Ok((191, 5)));
        assert!(parse_priority(b"<192>", true).is_err());
        assert!(parse_priority(b"<013>", true).is_err());
        assert_eq!(parse_priority(b"<247>", false), Ok((247, 5)));
        assert!(parse_priority(b"<>", false).is_err());
        assert!(parse_priority(b"<12", false).is_err());
        assert!(parse_priority(b"12>", false).is_err());
        assert!(parse_priority(b"<99999999999>", false).is_err());
    }
}
