//! Reading one HTTP/1.x response: the status line, the headers that say how
//! the body is delimited and whether the connection stays open, then the
//! body itself, read to its end (and discarded) so that the connection can
//! carry the next request.

use super::HttpError;
use crate::wire::transport::TransportError;

/// A head longer than this is not an answer to a log request.
const MAX_HEAD: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    /// Whether the server keeps the connection open for another request.
    pub keep_alive: bool,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How the body of an answer ends (RFC 9112, section 6.3).
enum BodyLength {
    None,
    Exactly(u64),
    Chunked,
    UntilClose,
}

/// Reads one response through `read` (a transport's `receive`: bytes
/// read, 0 at the end of the stream). Interim answers (`100 Continue`) are
/// skipped.
pub fn read_response<F>(read: F) -> Result<Response, HttpError>
where
    F: FnMut(&mut [u8]) -> Result<usize, TransportError>,
{
    let mut input = Input {
        read,
        bytes: Vec::new(),
        received: false,
    };
    loop {
        let head = input.line_block()?;
        let (response, length) = parse_head(&head)?;
        if (100..200).contains(&response.status) && response.status != 101 {
            continue;
        }
        let mut response = response;
        match length {
            BodyLength::None => {}
            BodyLength::Exactly(length) => input.skip(length)?,
            BodyLength::Chunked => input.skip_chunks()?,
            BodyLength::UntilClose => {
                input.skip_to_end()?;
                response.keep_alive = false;
            }
        }
        return Ok(response);
    }
}

struct Input<F> {
    read: F,
    /// Received and not yet consumed.
    bytes: Vec<u8>,
    /// Whether anything at all was received.
    received: bool,
}

impl<F> Input<F>
where
    F: FnMut(&mut [u8]) -> Result<usize, TransportError>,
{
    /// Reads more; false at the end of the stream.
    fn fill(&mut self) -> Result<bool, HttpError> {
        let mut chunk = [0u8; 8192];
        let count = (self.read)(&mut chunk)?;
        if count == 0 {
            return Ok(false);
        }
        self.received = true;
        self.bytes.extend_from_slice(&chunk[..count]);
        Ok(true)
    }

    fn ended(&self) -> HttpError {
        if self.received {
            HttpError::Truncated
        } else {
            HttpError::ClosedBeforeAnswer
        }
    }

    /// Takes everything up to the first empty line (the head), consumed.
    fn line_block(&mut self) -> Result<Vec<u8>, HttpError> {
        self.take_through(b"\r\n\r\n")
    }

    /// Takes one line, its CRLF removed.
    fn line(&mut self) -> Result<Vec<u8>, HttpError> {
        let mut line = self.take_through(b"\r\n")?;
        line.truncate(line.len() - 2);
        Ok(line)
    }

    fn take_through(&mut self, end: &[u8]) -> Result<Vec<u8>, HttpError> {
        let mut searched: usize = 0;
        loop {
            let from = searched.saturating_sub(end.len() - 1);
            if let Some(position) = find(&self.bytes[from..], end) {
                let stop = from + position + end.len();
                return Ok(self.bytes.drain(..stop).collect());
            }
            searched = self.bytes.len();
            if searched > MAX_HEAD {
                return Err(HttpError::Malformed(format!(
                    "no end of line in the first {MAX_HEAD} bytes"
                )));
            }
            if !self.fill()? {
                return Err(self.ended());
            }
        }
    }

    fn skip(&mut self, mut length: u64) -> Result<(), HttpError> {
        loop {
            let here = (self.bytes.len() as u64).min(length);
            self.bytes.drain(..here as usize);
            length -= here;
            if length == 0 {
                return Ok(());
            }
            if !self.fill()? {
                return Err(HttpError::Truncated);
            }
        }
    }

    fn skip_chunks(&mut self) -> Result<(), HttpError> {
        loop {
            let line = self.line()?;
            let text = String::from_utf8_lossy(&line);
            let digits = text.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(digits, 16)
                .map_err(|_| HttpError::Malformed(format!("chunk size {text:?}")))?;
            if size == 0 {
                // Trailer fields, up to an empty line.
                while !self.line()?.is_empty() {}
                return Ok(());
            }
            self.skip(size)?;
            if !self.line()?.is_empty() {
                return Err(HttpError::Malformed("a chunk longer than its size".into()));
            }
        }
    }

    fn skip_to_end(&mut self) -> Result<(), HttpError> {
        self.bytes.clear();
        while self.fill()? {
            self.bytes.clear();
        }
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn parse_head(head: &[u8]) -> Result<(Response, BodyLength), HttpError> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let malformed = || HttpError::Malformed(format!("status line {status_line:?}"));
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let minor = match version {
        "HTTP/1.1" => 1,
        "HTTP/1.0" => 0,
        _ => return Err(malformed()),
    };
    let status = parts.next().unwrap_or("");
    if status.len() != 3 || !status.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(malformed());
    }
    let status: u16 = status.parse().map_err(|_| malformed())?;
    let reason = parts.next().unwrap_or("").to_owned();

    let mut content_length = None;
    let mut chunked = false;
    // HTTP/1.1 keeps the connection unless told otherwise; 1.0 closes it
    // unless told otherwise.
    let mut keep_alive = minor == 1;
    for line in lines.filter(|line| !line.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(HttpError::Malformed(format!("header line {line:?}")));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let length = value
                .parse::<u64>()
                .map_err(|_| HttpError::Malformed(format!("Content-Length {value:?}")))?;
            content_length = Some(length);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value
                .rsplit(',')
                .next()
                .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"));
        } else if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case("keep-alive") && minor == 0 {
                    keep_alive = true;
                }
            }
        }
    }
    let length = if (100..200).contains(&status) || status == 204 || status == 304 {
        BodyLength::None
    } else if chunked {
        BodyLength::Chunked
    } else if let Some(length) = content_length {
        BodyLength::Exactly(length)
    } else {
        BodyLength::UntilClose
    };
    Ok((
        Response {
            status,
            reason,
            keep_alive,
        },
        length,
    ))
}
