//! The text literals of protocol 0, read as CPython's unpickler reads them.

/// Python's `raw-unicode-escape` decoding, protocol 0's `UNICODE` text:
/// `\uXXXX` and `\UXXXXXXXX` are code points, every other byte is the
/// Latin-1 character of the same number.
pub(super) fn raw_unicode_escape(line: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(line.len());
    let mut index = 0;
    while index < line.len() {
        let byte = line[index];
        let width = match (byte, line.get(index + 1)) {
            (b'\\', Some(b'u')) => 4,
            (b'\\', Some(b'U')) => 8,
            _ => {
                out.push(char::from(byte));
                index += 1;
                continue;
            }
        };
        let hex = std::str::from_utf8(line.get(index + 2..index + 2 + width)?).ok()?;
        out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
        index += 2 + width;
    }
    Some(out)
}

/// Protocol 0's `STRING`: a Python 2 `str` as its `repr`, quoted, with the
/// escapes `codecs.escape_decode` reads; `pickle.loads` then decodes it as
/// ASCII (its default `encoding`), so anything else is refused.
pub(super) fn python2_string_literal(line: &[u8]) -> Option<String> {
    let quote = *line.first()?;
    if line.len() < 2 || !matches!(quote, b'\'' | b'"') || *line.last()? != quote {
        return None;
    }
    let body = &line[1..line.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut index = 0;
    while index < body.len() {
        let byte = body[index];
        index += 1;
        if byte != b'\\' {
            out.push(byte);
            continue;
        }
        let escaped = *body.get(index)?;
        index += 1;
        match escaped {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(escaped),
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'x' => {
                let hex = std::str::from_utf8(body.get(index..index + 2)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                index += 2;
            }
            b'0'..=b'7' => {
                let mut value = u32::from(escaped - b'0');
                for _ in 0..2 {
                    match body.get(index) {
                        Some(digit @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(digit - b'0');
                            index += 1;
                        }
                        _ => break,
                    }
                }
                out.push(value as u8);
            }
            _ => out.extend_from_slice(&[b'\\', escaped]),
        }
    }
    out.is_ascii()
        .then(|| String::from_utf8_lossy(&out).into_owned())
}
