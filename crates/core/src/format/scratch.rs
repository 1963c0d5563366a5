//! A text buffer on the stack that moves to the heap only when it must.
//!
//! Numbers are formatted into an intermediate buffer before padding can be computed; the
//! common cases (a timestamp, a line number) fit in a few dozen bytes, so rendering them
//! should not allocate.

use std::fmt;

const INLINE_CAPACITY: usize = 96;

pub(crate) struct Scratch {
    inline: [u8; INLINE_CAPACITY],
    length: usize,
    spilled: Option<String>,
}

impl Scratch {
    pub(crate) fn new() -> Scratch {
        Scratch {
            inline: [0; INLINE_CAPACITY],
            length: 0,
            spilled: None,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.spilled {
            Some(text) => text,
            // Only whole `&str` values are ever copied in, so the bytes are valid UTF-8.
            None => std::str::from_utf8(&self.inline[..self.length]).unwrap_or_default(),
        }
    }
}

impl AsRef<str> for Scratch {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Write for Scratch {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if let Some(spilled) = &mut self.spilled {
            spilled.push_str(text);
            return Ok(());
        }
        let end = self.length + text.len();
        if end <= INLINE_CAPACITY {
            self.inline[self.length..end].copy_from_slice(text.as_bytes());
            self.length = end;
        } else {
            let mut spilled = String::with_capacity(end * 2);
            spilled.push_str(self.as_str());
            spilled.push_str(text);
            self.spilled = Some(spilled);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    #[test]
    fn small_text_stays_inline() {
        let mut scratch = Scratch::new();
        let (number, text) = (12, "ab");
        write!(scratch, "{number}-{text}").unwrap();
        assert_eq!(scratch.as_str(), "12-ab");
        assert!(scratch.spilled.is_none());
    }

    #[test]
    fn large_text_spills_and_keeps_everything() {
        let mut scratch = Scratch::new();
        scratch.write_str("é").unwrap();
        let long = "x".repeat(INLINE_CAPACITY);
        scratch.write_str(&long).unwrap();
        scratch.write_str("!").unwrap();
        assert_eq!(scratch.as_str(), format!("é{long}!"));
    }
}
