//! The human-readable line of a structured event: the bytes structlog's
//! `ConsoleRenderer(colors=False)` gives for the event dict, followed by the
//! newline its `PrintLogger` adds.
//!
//! The layout, as structlog 26 writes it: the columns `timestamp`, `[level]`
//! (padded to the longest level name the renderer knows), `event` (padded to
//! `pad_event_to` characters), `[logger]`, `[logger_name]`, then every other
//! key as `key=value`, sorted by key; the columns present are joined by one
//! space (an empty timestamp is no column) and the trailing spaces of that
//! line are dropped. Then `stack` and the exception, each on lines of their
//! own, a rule of 79 `=` between the two.
//!
//! A value is shown by its `repr`, except a `str` without a space, a quote,
//! `=`, a tab, a newline or a carriage return, which is shown as it is.

use crate::repr::{write_repr, ReprValue};

/// The renderer's settings that shape a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsoleLayout {
    /// The event column's width (`pad_event_to`), in characters.
    pub pad_event_to: usize,
    /// The level column's width: the longest level name of the renderer.
    pub level_width: usize,
}

/// An event dict as the console line shows it: its special keys' text and
/// the other key-values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsoleEvent {
    pub timestamp: Option<String>,
    pub level: Option<String>,
    pub event: Option<String>,
    pub logger: Option<String>,
    pub logger_name: Option<String>,
    /// Every other key but `exc_info`, in any order (the line sorts them).
    pub key_values: Vec<(String, ReprValue)>,
    pub stack: Option<String>,
    /// The exception's text: the traceback `exc_info` names, else the
    /// event's `exception`.
    pub exception: Option<String>,
}

/// The line between a stack and an exception.
const RULE: &str =
    "===============================================================================";

/// Characters that make the renderer show a string by its `repr`.
fn needs_repr(text: &str) -> bool {
    text.contains([' ', '\t', '\n', '\r', '"', '\'', '='])
}

/// Whether a top-level string value is shown as it is (no `repr`).
pub fn shown_as_is(text: &str) -> bool {
    !needs_repr(text)
}

impl ConsoleEvent {
    /// Appends the event's lines, the final newline included.
    pub fn write_line(&self, layout: ConsoleLayout, out: &mut String) {
        let start = out.len();
        let mut columns = Columns { out, start };
        if let Some(timestamp) = self.timestamp.as_deref().filter(|text| !text.is_empty()) {
            columns.begin().push_str(timestamp);
        }
        if let Some(level) = &self.level {
            let out = columns.begin();
            out.push('[');
            push_padded(out, level, layout.level_width);
            out.push(']');
        }
        if let Some(event) = &self.event {
            push_padded(columns.begin(), event, layout.pad_event_to);
        }
        for name in [&self.logger, &self.logger_name].into_iter().flatten() {
            let out = columns.begin();
            out.push('[');
            out.push_str(name);
            out.push(']');
        }
        let mut sorted: Vec<&(String, ReprValue)> = self.key_values.iter().collect();
        sorted.sort_unstable_by(|left, right| left.0.cmp(&right.0));
        for (key, value) in sorted {
            let out = columns.begin();
            out.push_str(key);
            out.push('=');
            match value {
                ReprValue::Str(text) if shown_as_is(text) => out.push_str(text),
                value => write_repr(value, out),
            }
        }
        let out = columns.out;
        // Only spaces: the renderer strips those, and a tab a value ends
        // with stays.
        let kept = out[start..].trim_end_matches(' ').len();
        out.truncate(start + kept);
        if let Some(stack) = &self.stack {
            out.push('\n');
            out.push_str(stack);
        }
        if let Some(exception) = &self.exception {
            if self.stack.is_some() {
                out.push_str("\n\n");
                out.push_str(RULE);
                out.push('\n');
            }
            out.push('\n');
            out.push_str(exception);
        }
        out.push('\n');
    }
}

/// The first line's columns, one space between each two.
struct Columns<'a> {
    out: &'a mut String,
    start: usize,
}

impl Columns<'_> {
    fn begin(&mut self) -> &mut String {
        if self.out.len() > self.start {
            self.out.push(' ');
        }
        self.out
    }
}

/// `text` followed by spaces up to `width` characters (Python's `len`).
fn push_padded(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    let length = text.chars().count();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(length)));
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: ConsoleLayout = ConsoleLayout {
        pad_event_to: 30,
        level_width: 9,
    };

    fn line(event: &ConsoleEvent) -> String {
        let mut out = String::new();
        event.write_line(LAYOUT, &mut out);
        out
    }

    fn text(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    #[test]
    fn columns_are_padded_and_key_values_sorted() {
        let event = ConsoleEvent {
            timestamp: text("2021-06-29T21:01:22.304771Z"),
            level: text("info"),
            event: text("Health check"),
            key_values: vec![
                ("threads".into(), ReprValue::Int(4)),
                ("name".into(), ReprValue::Str("x y".into())),
                ("a".into(), ReprValue::Str("plain".into())),
            ],
            ..ConsoleEvent::default()
        };
        assert_eq!(
            line(&event),
            "2021-06-29T21:01:22.304771Z [info     ] Health check                   \
             a=plain name='x y' threads=4\n"
        );
    }

    #[test]
    fn trailing_padding_is_dropped() {
        let event = ConsoleEvent {
            level: text("info"),
            event: text("Router connected"),
            ..ConsoleEvent::default()
        };
        assert_eq!(line(&event), "[info     ] Router connected\n");
        let event = ConsoleEvent {
            event: text(""),
            timestamp: text(""),
            ..ConsoleEvent::default()
        };
        assert_eq!(line(&event), "\n");
    }

    #[test]
    fn a_value_ending_in_a_tab_keeps_it() {
        let event = ConsoleEvent {
            key_values: vec![("k".into(), ReprValue::Text("<x \t ".into()))],
            ..ConsoleEvent::default()
        };
        assert_eq!(line(&event), "k=<x \t\n");
    }

    #[test]
    fn padding_counts_characters_not_bytes() {
        let event = ConsoleEvent {
            event: text("ééé"),
            key_values: vec![("k".into(), ReprValue::None)],
            ..ConsoleEvent::default()
        };
        assert_eq!(line(&event), format!("ééé{} k=None\n", " ".repeat(27)));
    }

    #[test]
    fn loggers_follow_the_event_in_brackets() {
        let event = ConsoleEvent {
            event: text("e"),
            logger: text("a b"),
            logger_name: text(""),
            ..ConsoleEvent::default()
        };
        assert_eq!(line(&event), format!("e{} [a b] []\n", " ".repeat(29)));
    }

    #[test]
    fn stack_and_exception_are_separated_by_a_rule() {
        let event = ConsoleEvent {
            event: text("e"),
            stack: text("Stack (most recent call last):"),
            exception: text("Traceback\nValueError"),
            ..ConsoleEvent::default()
        };
        assert_eq!(
            line(&event),
            format!("e\nStack (most recent call last):\n\n{RULE}\n\nTraceback\nValueError\n")
        );
        assert_eq!(RULE.len(), 79);
    }

    #[test]
    fn strings_with_spaces_quotes_or_equals_are_shown_by_repr() {
        for (value, shown) in [
            ("", ""),
            ("a-b/c.d", "a-b/c.d"),
            ("a=b", "'a=b'"),
            ("it's", "\"it's\""),
            ("tab\t", "'tab\\t'"),
            ("\x00", "\x00"),
        ] {
            let event = ConsoleEvent {
                key_values: vec![("k".into(), ReprValue::Str(value.into()))],
                ..ConsoleEvent::default()
            };
            assert_eq!(line(&event), format!("k={shown}\n"), "{value:?}");
        }
    }
}
