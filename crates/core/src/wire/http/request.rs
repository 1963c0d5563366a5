//! The bytes of one HTTP/1.1 request.

/// One request; `headers` are written as given, after `Host`.
pub struct Request<'a> {
    pub method: &'a str,
    /// The path and query (`/log?app=1`).
    pub target: &'a str,
    /// The `Host` header: the host as given, with its port when it is not
    /// the scheme's default.
    pub host: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// Whether to ask the server to keep the connection (HTTP/1.1's
    /// default); false sends `Connection: close`.
    pub keep_alive: bool,
}

impl Request<'_> {
    /// Appends the head, then the body, to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        let mut head = String::with_capacity(128);
        head.push_str(self.method);
        head.push(' ');
        head.push_str(self.target);
        head.push_str(" HTTP/1.1\r\nHost: ");
        head.push_str(self.host);
        head.push_str("\r\n");
        for (name, value) in self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("Content-Length: ");
        head.push_str(&self.body.len().to_string());
        head.push_str("\r\n");
        if !self.keep_alive {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(self.body);
    }
}

/// Refuses a header value or request target that would end the line early
/// (a CR or LF could smuggle a header or a second request) or that is not
/// text a server can read.
pub fn check_header_value(what: &str, value: &str) -> Result<(), String> {
    match value
        .chars()
        .find(|character| *character == '\r' || *character == '\n' || *character == '\0')
    {
        Some(character) => Err(format!(
            "{what} {value:?} holds {character:?}, which cannot be sent in an HTTP header"
        )),
        None => Ok(()),
    }
}
