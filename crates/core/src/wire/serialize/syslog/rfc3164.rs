//! RFC 3164 as the standard `SysLogHandler.emit` sends it: `<PRI>`, the
//! handler's `ident`, the formatted record, and a NUL when `append_nul` is
//! set (the default), all UTF-8. No TIMESTAMP or HOSTNAME: the standard
//! handler leaves them out and receivers stamp the message on arrival.
//! `emit` is the same on 3.11 to 3.13 (only `close` changed, in its locking),
//! and so are the bytes both send.
//!
//! The parser also reads the full BSD form other senders use
//! (`<34>Oct 11 22:14:15 mymachine su: ...`).

use super::{parse_priority, SyslogError};

/// A message read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rfc3164Message {
    /// The PRI value: `facility << 3 | priority`.
    pub priority: u32,
    /// The BSD `Mmm dd hh:mm:ss` timestamp, when the sender wrote one.
    pub timestamp: Option<String>,
    /// The host after the timestamp, when the sender wrote one.
    pub hostname: Option<String>,
    /// The rest: for the standard handler, `ident` and the formatted record.
    /// Bytes that are not UTF-8 are replaced, as RFC 3164 promises nothing
    /// about the encoding.
    pub message: String,
}

impl Rfc3164Message {
    pub fn facility(&self) -> u32 {
        self.priority >> 3
    }

    pub fn severity(&self) -> u32 {
        self.priority & 7
    }
}

/// Appends what `SysLogHandler.emit` sends: `<PRI>` + ident + message, and
/// a NUL when `append_nul`.
pub fn encode(priority: u32, ident: &str, message: &str, append_nul: bool, out: &mut Vec<u8>) {
    out.push(b'<');
    out.extend_from_slice(priority.to_string().as_bytes());
    out.push(b'>');
    out.extend_from_slice(ident.as_bytes());
    out.extend_from_slice(message.as_bytes());
    if append_nul {
        out.push(0);
    }
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Reads one message (one datagram, or one frame of a stream); a trailing
/// NUL, the standard handler's terminator, is dropped.
pub fn decode(data: &[u8]) -> Result<Rfc3164Message, SyslogError> {
    let (priority, mut index) = parse_priority(data, false)?;
    let end = match data.last() {
        Some(0) if data.len() > index => data.len() - 1,
        _ => data.len(),
    };
    let mut timestamp = None;
    let mut hostname = None;
    if let Some(stamp) = bsd_timestamp(&data[index..end]) {
        let after = index + stamp.len() + 1;
        let host_length = data[after..end].iter().position(|byte| *byte == b' ');
        if let Some(host_length) = host_length.filter(|length| *length > 0) {
            timestamp = Some(String::from_utf8_lossy(stamp).into_owned());
            hostname =
                Some(String::from_utf8_lossy(&data[after..after + host_length]).into_owned());
            index = after + host_length + 1;
        }
    }
    Ok(Rfc3164Message {
        priority,
        timestamp,
        hostname,
        message: String::from_utf8_lossy(&data[index..end]).into_owned(),
    })
}

/// `Mmm dd hh:mm:ss` followed by a space, the day padded with a space.
fn bsd_timestamp(data: &[u8]) -> Option<&[u8]> {
    let stamp = data.get(..15)?;
    let digit_or_space = |byte: u8| byte.is_ascii_digit() || byte == b' ';
    let shape = MONTHS.contains(&&stamp[..3])
        && stamp[3] == b' '
        && digit_or_space(stamp[4])
        && stamp[5].is_ascii_digit()
        && stamp[6] == b' '
        && stamp[7..9].iter().all(u8::is_ascii_digit)
        && stamp[9] == b':'
        && stamp[10..12].iter().all(u8::is_ascii_digit)
        && stamp[12] == b':'
        && stamp[13..15].iter().all(u8::is_ascii_digit)
        && data.get(15) == Some(&b' ');
    shape.then_some(stamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::serialize::syslog::{facility_code, record_priority};
    use crate::wire::serialize::test_support::hex;

    fn unescape(text: &str) -> String {
        text.replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\")
    }

    /// `testdata/syslog.txt`: what SysLogHandler sent over UDP on 3.11 and 3.13.
    #[test]
    fn messages_are_what_the_standard_handler_sends() {
        let mut count = 0;
        for line in include_str!("../testdata/syslog.txt").lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            let facility = facility_code(fields[1]).unwrap();
            let (ident, level, message) = (unescape(fields[2]), fields[3], unescape(fields[4]));
            let append_nul = fields[5] == "1";
            let expected = hex(fields[6]);
            let mut out = Vec::new();
            let priority = record_priority(facility, level);
            encode(priority, &ident, &message, append_nul, &mut out);
            assert_eq!(out, expected, "{line}");
            let read = decode(&expected).unwrap();
            assert_eq!(read.priority, priority);
            assert_eq!(read.message, format!("{ident}{message}"));
            count += 1;
        }
        assert!(count >= 12);
    }

    #[test]
    fn the_bsd_header_of_other_senders_is_read() {
        let read = decode(b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed").unwrap();
        assert_eq!((read.facility(), read.severity()), (4, 2));
        assert_eq!(read.timestamp.as_deref(), Some("Oct 11 22:14:15"));
        assert_eq!(read.hostname.as_deref(), Some("mymachine"));
        assert_eq!(read.message, "su: 'su root' failed");
        let read = decode(b"<13>Feb  5 01:02:03 host msg\x00").unwrap();
        assert_eq!(read.timestamp.as_deref(), Some("Feb  5 01:02:03"));
        assert_eq!(read.message, "msg");
        let plain = decode(b"<14>Oct 11 is not a header").unwrap();
        assert_eq!(plain.timestamp, None);
        assert_eq!(plain.message, "Oct 11 is not a header");
    }

    #[test]
    fn odd_input_is_an_error_or_read_as_it_is() {
        assert!(decode(b"").is_err());
        assert!(decode(b"no pri").is_err());
        assert_eq!(decode(b"<14>").unwrap().message, "");
        assert_eq!(decode(b"<14>\x00").unwrap().message, "");
        assert_eq!(decode(b"<14>caf\xe9").unwrap().message, "caf\u{fffd}");
    }
}
