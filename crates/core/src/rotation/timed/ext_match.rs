//! `extMatch`: the regular expression that recognises a backup's date suffix.
//!
//! The built-in patterns are a fixed run of digits and separators, so they are matched
//! here directly instead of through a regular expression engine. A user may replace the
//! handler's `extMatch` with any compiled pattern; [`SuffixMatcher`] is the seam through
//! which the binding passes such a pattern in.

use std::convert::Infallible;

use crate::time::PythonVersion;

use super::when::When;

/// Where a search found a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The match's start, in the matcher's own unit of position (see
    /// [`SuffixMatcher::search`]).
    pub start: usize,
    /// The matched text (`match[0]`).
    pub text: String,
}

/// The three operations of a compiled `re.Pattern` that recognising backups uses.
///
/// [`ExtMatch`] implements them for the built-in patterns. The binding implements them by
/// calling the user's pattern object, with its error type carrying the Python exception:
/// an error stops the search for old backups and is returned unchanged.
pub trait SuffixMatcher {
    /// What a failed call reports.
    type Error;

    /// `pattern.match(text)` is not `None`: a match starting at the beginning.
    fn match_start(&self, text: &str) -> Result<bool, Self::Error>;

    /// `pattern.fullmatch(text)` is not `None`.
    fn full_match(&self, text: &str) -> Result<bool, Self::Error>;

    /// `pattern.search(text, pos)`: the leftmost match starting at or after `pos`.
    ///
    /// Positions are in whatever unit the matcher counts (code points for a Python
    /// pattern, bytes for [`ExtMatch`]); callers only pass back a hit's `start` plus one,
    /// which is the next position in either unit. As in Python, look-behinds see the text
    /// before `pos`, while `^` only matches at the very beginning.
    fn search(&self, text: &str, pos: usize) -> Result<Option<SearchHit>, Self::Error>;
}

/// The dialects of the built-in pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dialect {
    /// 3.11 and 3.12: `^DATE(\.\w+)?$`, tried on each dot-separated part of a name.
    Anchored,
    /// 3.13: `(?<!\d)DATE(?!\d)`, which may sit anywhere in a name a namer produced.
    Delimited,
}

/// The `extMatch` pattern the handler builds for a `when` and a CPython version,
/// compiled with `re.ASCII` (so `\d` is `[0-9]` and `\w` is `[A-Za-z0-9_]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtMatch {
    /// The date's shape: `#` is a digit, anything else stands for itself.
    shape: &'static str,
    dialect: Dialect,
}

impl ExtMatch {
    /// The pattern of a handler rolling over at `when` under `version`.
    pub fn new(when: When, version: PythonVersion) -> ExtMatch {
        let shape = match when {
            When::Seconds => "####-##-##_##-##-##",
            When::Minutes => "####-##-##_##-##",
            When::Hours => "####-##-##_##",
            When::Days | When::Midnight | When::Weekday(_) => "####-##-##",
        };
        let dialect = match version {
            PythonVersion::V3_11 | PythonVersion::V3_12 => Dialect::Anchored,
            PythonVersion::V3_13 => Dialect::Delimited,
        };
        ExtMatch { shape, dialect }
    }

    /// The regular expression's source text: `handler.extMatch.pattern`.
    pub fn pattern(&self) -> String {
        // Runs of digits in a shape are four or two long, spelled as counted classes
        // because the pattern text itself is observable.
        let date = self.shape.replace("####", "\\d{4}").replace("##", "\\d{2}");
        match self.dialect {
            Dialect::Anchored => format!("^{date}(\\.\\w+)?$"),
            Dialect::Delimited => format!("(?<!\\d){date}(?!\\d)"),
        }
    }

    /// Whether the date's shape is found at byte `at` of `text`.
    fn date_at(&self, text: &[u8], at: usize) -> bool {
        let Some(candidate) = text.get(at..at + self.shape.len()) else {
            return false;
        };
        candidate
            .iter()
            .zip(self.shape.bytes())
            .all(|(&byte, expected)| match expected {
                b'#' => byte.is_ascii_digit(),
                literal => byte == literal,
            })
    }

    /// The length of the anchored dialect's match at the start of `text`: the date, and
    /// the `.word` tail if there is one, provided `$` holds after it (at the end, or
    /// before a final newline).
    fn anchored_match_length(&self, text: &str) -> Option<usize> {
        if !self.date_at(text.as_bytes(), 0) {
            return None;
        }
        let date_end = self.shape.len();
        let ends_here = |at: usize| {
            let rest = &text[at..];
            rest.is_empty() || rest == "\n"
        };
        let rest = &text[date_end..];
        // The optional group is greedy: with a tail that leaves `$` satisfied, the
        // match includes it; otherwise the date alone must be followed by the end.
        if let Some(tail) = rest.strip_prefix('.') {
            let word = tail
                .bytes()
                .take_while(|byte| byte.is_ascii_alphanumeric() || *byte == b'_')
                .count();
            if word > 0 && ends_here(date_end + 1 + word) {
                return Some(date_end + 1 + word);
            }
        }
        ends_here(date_end).then_some(date_end)
    }

    /// Whether the delimited dialect matches at byte `at`: the date, with no digit just
    /// before or just after it.
    fn delimited_match_at(&self, text: &[u8], at: usize) -> bool {
        let end = at + self.shape.len();
        let digit_before = at > 0 && text[at - 1].is_ascii_digit();
        let digit_after = text.get(end).is_some_and(u8::is_ascii_digit);
        !digit_before && !digit_after && self.date_at(text, at)
    }
}

impl SuffixMatcher for ExtMatch {
    type Error = Infallible;

    fn match_start(&self, text: &str) -> Result<bool, Infallible> {
        Ok(match self.dialect {
            Dialect::Anchored => self.anchored_match_length(text).is_some(),
            Dialect::Delimited => self.delimited_match_at(text.as_bytes(), 0),
        })
    }

    fn full_match(&self, text: &str) -> Result<bool, Infallible> {
        Ok(match self.dialect {
            // `$` may match before a final newline, but a full match must also consume it,
            // which the pattern cannot.
            Dialect::Anchored => self.anchored_match_length(text) == Some(text.len()),
            Dialect::Delimited => {
                text.len() == self.shape.len() && self.date_at(text.as_bytes(), 0)
            }
        })
    }

    fn search(&self, text: &str, pos: usize) -> Result<Option<SearchHit>, Infallible> {
        let hit = |start: usize, length: usize| SearchHit {
            start,
            text: text[start..start + length].to_owned(),
        };
        Ok(match self.dialect {
            Dialect::Anchored => {
                if pos > 0 {
                    None
                } else {
                    self.anchored_match_length(text)
                        .map(|length| hit(0, length))
                }
            }
            Dialect::Delimited => {
                let bytes = text.as_bytes();
                // The date begins with an ASCII digit, so it can only start on a character
                // boundary: positions inside a multi-byte character never match.
                (pos..bytes.len())
                    .find(|&at| self.delimited_match_at(bytes, at))
                    .map(|start| hit(start, self.shape.len()))
            }
        })
    }
}
