//! The frames of one traceback: the `File "...", line N, in name` line, the
//! source block under it, and the folding of a frame repeated more than
//! three times in a row (`[Previous line repeated N more times]`).

use super::whitespace::{python_strip, splits_as_python_lines};

/// How many consecutive identical frames are shown before the rest are
/// counted instead (CPython's `_RECURSIVE_CUTOFF`).
const RECURSIVE_CUTOFF: usize = 3;

/// One frame, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameText {
    pub filename: String,
    pub lineno: i64,
    pub name: String,
    /// The `File` line as the running Python prints it.
    pub header: String,
    /// What follows the `File` line: the source line(s) and any caret
    /// lines, each ending in a newline; empty when there is no source.
    pub source: String,
}

/// `  File "{filename}", line {lineno}, in {name}\n`.
pub fn file_line(filename: &str, lineno: i64, name: &str) -> String {
    format!("  File \"{filename}\", line {lineno}, in {name}\n")
}

/// The source block of a frame that has no column positions: the line,
/// stripped, indented by four spaces. `None` when `indent_splits` (the
/// Python version indents with `textwrap.indent`) and the line holds a
/// character that would cut it in pieces.
pub fn plain_source_line(line: &str, indent_splits: bool) -> Option<String> {
    let stripped = python_strip(line);
    if stripped.is_empty() {
        return Some(String::new());
    }
    if indent_splits && splits_as_python_lines(stripped) {
        return None;
    }
    Some(format!("    {stripped}\n"))
}

fn repeated_note(out: &mut String, count: usize) {
    let more = count - RECURSIVE_CUTOFF;
    let plural = if more > 1 { "s" } else { "" };
    out.push_str(&format!(
        "  [Previous line repeated {more} more time{plural}]\n"
    ));
}

/// `StackSummary.format()`: the frames in order, a run of the same
/// (file, line, function) shown three times and then counted.
pub fn render_stack(out: &mut String, frames: &[FrameText]) {
    let mut previous: Option<&FrameText> = None;
    let mut count = 0usize;
    for frame in frames {
        let same_site = previous.is_some_and(|last| {
            last.filename == frame.filename
                && last.lineno == frame.lineno
                && last.name == frame.name
        });
        if !same_site {
            if count > RECURSIVE_CUTOFF {
                repeated_note(out, count);
            }
            previous = Some(frame);
            count = 0;
        }
        count += 1;
        if count > RECURSIVE_CUTOFF {
            continue;
        }
        out.push_str(&frame.header);
        out.push_str(&frame.source);
    }
    if count > RECURSIVE_CUTOFF {
        repeated_note(out, count);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(filename: &str, lineno: i64, name: &str) -> FrameText {
        FrameText {
            filename: filename.to_owned(),
            lineno,
            name: name.to_owned(),
            header: file_line(filename, lineno, name),
            source: "    f()\n".to_owned(),
        }
    }

    #[test]
    fn a_frame_repeated_is_shown_three_times_then_counted() {
        let mut frames = vec![frame("a.py", 1, "<module>")];
        frames.extend((0..10).map(|_| frame("a.py", 5, "f")));
        frames.push(frame("a.py", 7, "g"));
        let mut out = String::new();
        render_stack(&mut out, &frames);
        assert_eq!(out.matches("line 5, in f").count(), 3);
        assert!(out.contains("  [Previous line repeated 7 more times]\n  File \"a.py\", line 7"));
    }

    #[test]
    fn one_more_repetition_is_singular_and_ends_the_stack() {
        let frames: Vec<_> = (0..4).map(|_| frame("b.py", 2, "f")).collect();
        let mut out = String::new();
        render_stack(&mut out, &frames);
        assert!(out.ends_with("  [Previous line repeated 1 more time]\n"));
    }

    #[test]
    fn a_blank_source_line_prints_nothing() {
        assert_eq!(plain_source_line("   \n", true).as_deref(), Some(""));
        assert_eq!(
            plain_source_line("  x = 1\n", true).as_deref(),
            Some("    x = 1\n")
        );
        assert_eq!(plain_source_line("a\u{0c}b\n", true), None);
        assert_eq!(
            plain_source_line("a\u{0c}b\n", false).as_deref(),
            Some("    a\u{0c}b\n")
        );
    }
}
