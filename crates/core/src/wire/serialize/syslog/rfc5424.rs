//! RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
//! STRUCTURED-DATA [MSG]`.
//!
//! Writing never fails: a header field that is absent or empty is the
//! NILVALUE `-`; one with characters outside printable US-ASCII (33 to 126)
//! has them replaced by `_` and is cut to the RFC's length (HOSTNAME 255,
//! APP-NAME 48, PROCID 128, MSGID 32, SD-NAME 32, where SD-NAMEs also lose
//! `=`, space, `]` and `"`); PARAM-VALUEs escape `"`, `\` and `]` with a
//! backslash; the MSG is preceded by the UTF-8 BOM when asked, which tells
//! the receiver that the MSG is UTF-8 (section 6.4).

use super::timestamp::Timestamp;
use super::{parse_priority, SyslogError};

const HOSTNAME_LIMIT: usize = 255;
const APP_NAME_LIMIT: usize = 48;
const PROCID_LIMIT: usize = 128;
const MSGID_LIMIT: usize = 32;
const SD_NAME_LIMIT: usize = 32;
const BOM: &[u8] = b"\xef\xbb\xbf";

/// One `[SD-ID PARAM="VALUE" ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdElement {
    pub id: String,
    pub params: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rfc5424Message {
    /// PRIVAL: `facility << 3 | severity`, 0 to 191.
    pub priority: u32,
    pub timestamp: Option<Timestamp>,
    pub hostname: Option<String>,
    pub app_name: Option<String>,
    pub procid: Option<String>,
    pub msgid: Option<String>,
    pub structured_data: Vec<SdElement>,
    pub message: Option<String>,
    /// Whether the MSG starts with a BOM.
    pub bom: bool,
}

/// Appends the message.
pub fn encode(message: &Rfc5424Message, out: &mut Vec<u8>) {
    out.push(b'<');
    out.extend_from_slice(message.priority.to_string().as_bytes());
    out.extend_from_slice(b">1 ");
    match &message.timestamp {
        Some(timestamp) => {
            let mut text = String::new();
            timestamp.write_rfc3339(&mut text);
            out.extend_from_slice(text.as_bytes());
        }
        None => out.push(b'-'),
    }
    let fields = [
        (&message.hostname, HOSTNAME_LIMIT),
        (&message.app_name, APP_NAME_LIMIT),
        (&message.procid, PROCID_LIMIT),
        (&message.msgid, MSGID_LIMIT),
    ];
    for (field, limit) in fields {
        out.push(b' ');
        header_field(field.as_deref(), limit, out);
    }
    out.push(b' ');
    if message.structured_data.is_empty() {
        out.push(b'-');
    }
    for element in &message.structured_data {
        out.push(b'[');
        sd_name(&element.id, out);
        for (name, value) in &element.params {
            out.push(b' ');
            sd_name(name, out);
            out.extend_from_slice(b"=\"");
            for byte in value.bytes() {
                if matches!(byte, b'"' | b'\\' | b']') {
                    out.push(b'\\');
                }
                out.push(byte);
            }
            out.push(b'"');
        }
        out.push(b']');
    }
    if let Some(text) = &message.message {
        out.push(b' ');
        if message.bom {
            out.extend_from_slice(BOM);
        }
        out.extend_from_slice(text.as_bytes());
    }
}

fn printable(byte: u8) -> bool {
    (33..=126).contains(&byte)
}

fn header_field(value: Option<&str>, limit: usize, out: &mut Vec<u8>) {
    match value.filter(|value| !value.is_empty()) {
        None => out.push(b'-'),
        // Characters, not bytes, become `_`: one per non-ASCII character.
        Some(value) => out.extend(
            value
                .chars()
                .map(|character| match u8::try_from(character) {
                    Ok(byte) if printable(byte) => byte,
                    _ => b'_',
                })
                .take(limit),
        ),
    }
}

fn sd_name(name: &str, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend(
        name.chars()
            .map(|character| match u8::try_from(character) {
                Ok(byte) if printable(byte) && !matches!(byte, b'=' | b']' | b'"') => byte,
                _ => b'_',
            })
            .take(SD_NAME_LIMIT),
    );
    if out.len() == start {
        out.push(b'_');
    }
}

/// Reads one message. Everything in the header is checked against the
/// RFC's grammar; the MSG is UTF-8 when it starts with a BOM (else an
/// error), and otherwise has bytes that are not UTF-8 replaced.
pub fn decode(data: &[u8]) -> Result<Rfc5424Message, SyslogError> {
    let (priority, start) = parse_priority(data, true)?;
    let mut reader = Reader {
        data,
        position: start,
    };
    if reader.token()? != b"1" {
        return Err(reader.error_at(start, "unsupported VERSION (only 1 is defined)"));
    }
    let timestamp_start = reader.position;
    let timestamp = match reader.token()? {
        b"-" => None,
        token => Some(
            std::str::from_utf8(token)
                .ok()
                .and_then(Timestamp::parse_rfc3339)
                .ok_or_else(|| reader.error_at(timestamp_start, "invalid TIMESTAMP"))?,
        ),
    };
    let hostname = reader.header_field(HOSTNAME_LIMIT, "HOSTNAME")?;
    let app_name = reader.header_field(APP_NAME_LIMIT, "APP-NAME")?;
    let procid = reader.header_field(PROCID_LIMIT, "PROCID")?;
    let msgid = reader.header_field(MSGID_LIMIT, "MSGID")?;
    let structured_data = reader.structured_data()?;
    let rest = &data[reader.position..];
    let (message, bom) = match rest {
        [] => (None, false),
        [b' ', body @ ..] => match body.strip_prefix(BOM) {
            Some(text) => {
                let text = std::str::from_utf8(text).map_err(|_| {
                    reader.error_at(reader.position + 4, "MSG after a BOM is not UTF-8")
                })?;
                (Some(text.to_owned()), true)
            }
            None => (Some(String::from_utf8_lossy(body).into_owned()), false),
        },
        _ => return Err(reader.error_at(reader.position, "expected a space before MSG")),
    };
    Ok(Rfc5424Message {
        priority,
        timestamp,
        hostname,
        app_name,
        procid,
        msgid,
        structured_data,
        message,
        bom,
    })
}

struct Reader<'a> {
    data: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    fn error_at(&self, offset: usize, reason: &'static str) -> SyslogError {
        SyslogError { offset, reason }
    }

    /// The bytes up to the next space, which is consumed (a header field).
    fn token(&mut self) -> Result<&'a [u8], SyslogError> {
        let data: &'a [u8] = self.data;
        let rest = &data[self.position..];
        let length = rest
            .iter()
            .position(|byte| *byte == b' ')
            .ok_or_else(|| self.error_at(data.len(), "header ends early"))?;
        self.position += length + 1;
        Ok(&rest[..length])
    }

    fn header_field(
        &mut self,
        limit: usize,
        name: &'static str,
    ) -> Result<Option<String>, SyslogError> {
        let start = self.position;
        let token = self.token()?;
        if token == b"-" {
            return Ok(None);
        }
        if token.is_empty() || token.len() > limit || !token.iter().all(|byte| printable(*byte)) {
            let reason = match name {
                "HOSTNAME" => "HOSTNAME must be 1 to 255 printable ASCII characters",
                "APP-NAME" => "APP-NAME must be 1 to 48 printable ASCII characters",
                "PROCID" => "PROCID must be 1 to 128 printable ASCII characters",
                _ => "MSGID must be 1 to 32 printable ASCII characters",
            };
            return Err(self.error_at(start, reason));
        }
        // Checked printable ASCII just above.
        Ok(Some(String::from_utf8_lossy(token).into_owned()))
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.position).copied()
    }

    fn structured_data(&mut self) -> Result<Vec<SdElement>, SyslogError> {
        if self.peek() == Some(b'-') {
            self.position += 1;
            return Ok(Vec::new());
        }
        let mut elements = Vec::new();
        while self.peek() == Some(b'[') {
            self.position += 1;
            let id = self.sd_name()?;
            let mut params = Vec::new();
            while self.peek() == Some(b' ') {
                self.position += 1;
                let name = self.sd_name()?;
                if self.data.get(self.position..self.position + 2) != Some(b"=\"") {
                    return Err(self.error_at(self.position, "expected '=\"' after PARAM-NAME"));
                }
                self.position += 2;
                params.push((name, self.param_value()?));
            }
            if self.peek() != Some(b']') {
                return Err(self.error_at(self.position, "expected ']' to close SD-ELEMENT"));
            }
            self.position += 1;
            elements.push(SdElement { id, params });
        }
        if elements.is_empty() {
            return Err(self.error_at(self.position, "expected STRUCTURED-DATA or '-'"));
        }
        Ok(elements)
    }

    fn sd_name(&mut self) -> Result<String, SyslogError> {
        let start = self.position;
        let rest = &self.data[start..];
        let length = rest
            .iter()
            .take_while(|byte| printable(**byte) && !matches!(byte, b'=' | b']' | b'"'))
            .count();
        if length == 0 || length > SD_NAME_LIMIT {
            return Err(self.error_at(start, "SD-NAME must be 1 to 32 printable ASCII characters"));
        }
        self.position += length;
        Ok(String::from_utf8_lossy(&rest[..length]).into_owned())
    }

    /// After the opening quote: the value up to the closing one, unescaped.
    /// A backslash before anything but `"`, `\` or `]` is kept (section 6.3.3).
    fn param_value(&mut self) -> Result<String, SyslogError> {
        let start = self.position;
        let mut value = Vec::new();
        loop {
            match self.data.get(self.position..) {
                Some([b'"', ..]) => break,
                Some([b'\\', escaped @ (b'"' | b'\\' | b']'), ..]) => {
                    value.push(*escaped);
                    self.position += 2;
                }
                Some([byte, ..]) => {
                    value.push(*byte);
                    self.position += 1;
                }
                _ => return Err(self.error_at(start, "PARAM-VALUE has no closing quote")),
            }
        }
        self.position += 1;
        String::from_utf8(value).map_err(|_| self.error_at(start, "PARAM-VALUE is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::serialize::test_support::hex;

    fn encoded(message: &Rfc5424Message) -> Vec<u8> {
        let mut out = Vec::new();
        encode(message, &mut out);
        out
    }

    fn example() -> Rfc5424Message {
        Rfc5424Message {
            priority: 165,
            timestamp: Timestamp::parse_rfc3339("2003-10-11T22:14:15.003Z"),
            hostname: Some("mymachine.example.com".into()),
            app_name: Some("evntslog".into()),
            procid: None,
            msgid: Some("ID47".into()),
            structured_data: vec![SdElement {
                id: "exampleSDID@32473".into(),
                params: vec![
                    ("iut".into(), "3".into()),
                    ("eventSource".into(), "Application".into()),
                    ("eventID".into(), "1011".into()),
                ],
            }],
            message: Some("An application event log entry...".into()),
            bom: true,
        }
    }

    #[test]
    fn rfc_5424s_example_is_written_exactly() {
        // Section 6.5, example 3, with the microseconds this encoder writes.
        let expected = "<165>1 2003-10-11T22:14:15.003000Z mymachine.example.com evntslog - ID47 \
            [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \u{feff}An application event log entry...";
        assert_eq!(encoded(&example()), expected.as_bytes());
        assert_eq!(decode(expected.as_bytes()).unwrap(), example());
    }

    #[test]
    fn nil_values_and_a_missing_msg() {
        let message = Rfc5424Message {
            priority: 14,
            timestamp: None,
            hostname: Some(String::new()),
            app_name: None,
            procid: None,
            msgid: None,
            structured_data: Vec::new(),
            message: None,
            bom: false,
        };
        assert_eq!(encoded(&message), b"<14>1 - - - - - -");
        let mut read = message.clone();
        read.hostname = None;
        assert_eq!(decode(b"<14>1 - - - - - -").unwrap(), read);
        assert_eq!(
            decode(b"<14>1 - - - - - - ").unwrap().message.as_deref(),
            Some("")
        );
    }

    #[test]
    fn header_fields_are_cut_and_cleaned_sd_values_escaped() {
        let mut message = example();
        message.hostname = Some("höst name".into());
        message.app_name = Some("a".repeat(60));
        message.msgid = Some("m".repeat(40));
        message.structured_data = vec![SdElement {
            id: "bad id=\"]".into(),
            params: vec![("k".into(), "quote \" back \\ bracket ] é".into())],
        }];
        message.bom = false;
        let bytes = encoded(&message);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.contains(&format!(
                " h_st_name {} - {} ",
                "a".repeat(48),
                "m".repeat(32)
            )),
            "{text}"
        );
        assert!(
            text.contains(r#"[bad_id___ k="quote \" back \\ bracket \] é"]"#),
            "{text}"
        );
        let read = decode(&bytes).unwrap();
        assert_eq!(
            read.structured_data[0].params[0].1,
            "quote \" back \\ bracket ] é"
        );
        assert_eq!(read.app_name.unwrap().len(), 48);
    }

    /// `testdata/logger5424.txt`: datagrams of util-linux's `logger --rfc5424`.
    #[test]
    fn another_senders_messages_are_read() {
        let datagrams: Vec<Vec<u8>> = include_str!("../testdata/logger5424.txt")
            .lines()
            .map(hex)
            .collect();
        let read: Vec<Rfc5424Message> =
            datagrams.iter().map(|data| decode(data).unwrap()).collect();
        assert_eq!(read[0].priority, 158);
        assert_eq!(read[0].app_name.as_deref(), Some("myapp"));
        assert_eq!(read[0].structured_data[0].id, "timeQuality");
        assert_eq!(read[0].message.as_deref(), Some("plain message"));
        assert_eq!(read[0].timestamp.unwrap().utc_offset_minutes, 0);
        let zoo = &read[1].structured_data[1];
        assert_eq!(zoo.id, "zoo@123");
        assert_eq!(
            zoo.params,
            vec![
                ("tiger".to_owned(), "hungry".to_owned()),
                ("note".to_owned(), "quote \" back \\ bracket ]".to_owned())
            ]
        );
        assert_eq!(read[2].msgid.as_deref(), Some("ID47"));
        assert_eq!(read[2].message.as_deref(), Some("héllo"));
        for message in &read {
            // Written again and read again, the message is the same.
            assert_eq!(&decode(&encoded(message)).unwrap(), message);
        }
    }

    #[test]
    fn malformed_messages_say_where() {
        let cases: &[(&[u8], usize)] = &[
            (b"<14>2 - - - - - -", 4),
            (b"<14>1 yesterday - - - - -", 6),
            (b"<14>1 - h\xc3\xb6st - - - -", 8),
            (b"<14>1 - - - - - [id", 19),
            (b"<14>1 - - - - - [id k=\"v]", 23),
            (b"<14>1 - - - - - [id k=v]", 21),
            (b"<14>1 - - - - - x", 16),
            (b"<14>1 - - - - - -x", 17),
            (b"<14>1 - - - - - - \xef\xbb\xbf\xff", 21),
            (b"<14>1 - -", 9),
            (b"<192>1 - - - - - -", 1),
        ];
        for (data, offset) in cases {
            let error = decode(data).unwrap_err();
            assert_eq!(
                error.offset,
                *offset,
                "{:?}: {error}",
                String::from_utf8_lossy(data)
            );
        }
    }
}
