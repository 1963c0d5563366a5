//! The whole tree an exception prints: its chain of causes and contexts
//! and, for an exception group, each member with its own chain, boxed in
//! the `+-+---- 1 ----` frames `traceback` draws.
//!
//! The tree is built by the binding in the order `traceback` builds its
//! own (which decides where an exception seen twice is cut); here it is
//! laid out. Inside a group every line, whatever broke it (`str.splitlines`
//! boundaries, not only `\n`), gets the group's margin, as `textwrap.indent`
//! gives it.

use super::chain::{ExceptionText, Link};
use super::stack::render_stack;

/// Members shown per group before the rest are counted (`max_group_width`
/// of `traceback.TracebackException`, as `print_exception` leaves it).
pub const MAX_GROUP_WIDTH: usize = 15;
/// Groups nested deeper than this print a mark instead (`max_group_depth`).
pub const MAX_GROUP_DEPTH: usize = 10;

/// One exception of the tree, ready to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExceptionNode {
    pub text: ExceptionText,
    /// The exception printed before this one (an index into the tree's
    /// nodes) and how it led to this one.
    pub chained: Option<(usize, Link)>,
    /// The members of a group, as indices; `None` for a plain exception.
    pub members: Option<Vec<usize>>,
}

/// A group's member separator's dashes on each side of its title.
const DASHES: &str = "----------------";
const CLOSING: &str = "+------------------------------------\n";

/// The text of `nodes[root]` and everything it links to.
pub fn render_tree(nodes: &[ExceptionNode], root: usize) -> String {
    let mut layout = Layout {
        nodes,
        depth: 0,
        close_pending: false,
        out: String::new(),
    };
    layout.exception(root);
    layout.out
}

struct Layout<'a> {
    nodes: &'a [ExceptionNode],
    /// How many groups the text being written is inside.
    depth: usize,
    /// The last member of the innermost group being written still owes the
    /// closing line (a group written inside it takes the debt over).
    close_pending: bool,
    out: String,
}

impl Layout<'_> {
    fn indent(&self) -> String {
        " ".repeat(2 * self.depth)
    }

    /// `text` with the margin of the current depth on each of its lines.
    fn emit(&mut self, text: &str, margin: char) {
        if self.depth == 0 {
            self.out.push_str(text);
            return;
        }
        let prefix = format!("{}{margin} ", self.indent());
        for line in python_lines(text) {
            self.out.push_str(&prefix);
            self.out.push_str(line);
        }
    }

    fn exception(&mut self, index: usize) {
        // The chain, outermost first, each with the link to the one
        // printed before it.
        let mut chain = Vec::new();
        let mut current = Some(index);
        while let Some(at) = current {
            let chained = self.nodes[at].chained;
            chain.push((at, chained.map(|(_, link)| link)));
            current = chained.map(|(earlier, _)| earlier);
        }
        for (at, link) in chain.into_iter().rev() {
            if let Some(link) = link {
                self.emit(link.message(), '|');
            }
            self.one(at);
        }
    }

    fn one(&mut self, index: usize) {
        let node = &self.nodes[index];
        let Some(members) = &node.members else {
            if !node.text.frames.is_empty() {
                self.emit("Traceback (most recent call last):\n", '|');
                self.stack(index);
            }
            self.emit(&node.text.summary, '|');
            return;
        };
        if self.depth > MAX_GROUP_DEPTH {
            self.emit(
                &format!("... (max_group_depth is {MAX_GROUP_DEPTH})\n"),
                '|',
            );
            return;
        }
        let top_level = self.depth == 0;
        if top_level {
            self.depth += 1;
        }
        if !node.text.frames.is_empty() {
            let margin = if top_level { '+' } else { '|' };
            self.emit(
                "Exception Group Traceback (most recent call last):\n",
                margin,
            );
            self.stack(index);
        }
        self.emit(&node.text.summary, '|');
        let shown = members.len().min(MAX_GROUP_WIDTH + 1);
        self.close_pending = false;
        for position in 0..shown {
            let last = position + 1 == shown;
            if last {
                self.close_pending = true;
            }
            let truncated = position >= MAX_GROUP_WIDTH;
            let title = if truncated {
                "...".to_owned()
            } else {
                (position + 1).to_string()
            };
            let corner = if position == 0 { "+-" } else { "  " };
            let separator = format!("{}{corner}+{DASHES} {title} {DASHES}\n", self.indent());
            self.out.push_str(&separator);
            self.depth += 1;
            if truncated {
                let more = members.len() - MAX_GROUP_WIDTH;
                let plural = if more > 1 { "s" } else { "" };
                self.emit(&format!("and {more} more exception{plural}\n"), '|');
            } else {
                self.exception(members[position]);
            }
            if last && self.close_pending {
                let closing = format!("{}{CLOSING}", self.indent());
                self.out.push_str(&closing);
                self.close_pending = false;
            }
            self.depth -= 1;
        }
        if top_level {
            self.depth = 0;
        }
    }

    fn stack(&mut self, index: usize) {
        let mut text = String::new();
        render_stack(&mut text, &self.nodes[index].text.frames);
        self.emit(&text, '|');
    }
}

/// `text.splitlines(keepends=True)`: pieces ending at each of Python's
/// line boundaries (`\r\n` counted as one).
fn python_lines(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut characters = text.char_indices().peekable();
    while let Some((at, character)) = characters.next() {
        let end = match character {
            '\r' => match characters.peek() {
                Some((next, '\n')) => {
                    let next = *next;
                    characters.next();
                    next + 1
                }
                _ => at + 1,
            },
            '\n' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}'
            | '\u{2029}' => at + character.len_utf8(),
            _ => continue,
        };
        pieces.push(&text[start..end]);
        start = end;
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(summary: &str) -> ExceptionNode {
        ExceptionNode {
            text: ExceptionText {
                frames: Vec::new(),
                summary: summary.to_owned(),
            },
            chained: None,
            members: None,
        }
    }

    fn group(summary: &str, members: Vec<usize>) -> ExceptionNode {
        ExceptionNode {
            members: Some(members),
            ..plain(summary)
        }
    }

    #[test]
    fn the_cause_is_printed_first() {
        let mut outer = plain("RuntimeError: outer\n");
        outer.chained = Some((1, Link::Cause));
        let nodes = vec![outer, plain("KeyError: 'k'\n")];
        assert_eq!(
            render_tree(&nodes, 0),
            format!(
                "KeyError: 'k'\n{}RuntimeError: outer\n",
                Link::Cause.message()
            )
        );
    }

    #[test]
    fn lines_break_where_python_breaks_them() {
        assert_eq!(
            python_lines("a\r\nb\rc\u{0b}d\u{2028}e"),
            vec!["a\r\n", "b\r", "c\u{0b}", "d\u{2028}", "e"]
        );
        assert!(python_lines("").is_empty());
    }

    #[test]
    fn a_group_boxes_its_members_and_closes_after_the_last() {
        let nodes = vec![
            group("ExceptionGroup: g (2 sub-exceptions)\n", vec![1, 2]),
            plain("ValueError: 1\n"),
            plain("TypeError: 2\n"),
        ];
        assert_eq!(
            render_tree(&nodes, 0),
            "  | ExceptionGroup: g (2 sub-exceptions)\n\
             \x20 +-+---------------- 1 ----------------\n\
             \x20   | ValueError: 1\n\
             \x20   +---------------- 2 ----------------\n\
             \x20   | TypeError: 2\n\
             \x20   +------------------------------------\n"
        );
    }

    #[test]
    fn members_past_the_width_are_counted() {
        let mut nodes = vec![group("G\n", (1..=17).collect())];
        nodes.extend((0..17).map(|number| plain(&format!("E: {number}\n"))));
        let text = render_tree(&nodes, 0);
        assert!(text
            .contains("    +---------------- ... ----------------\n    | and 2 more exceptions\n"));
        assert!(!text.contains("E: 15\n"));
    }

    #[test]
    fn groups_nested_past_the_depth_print_a_mark() {
        let mut nodes: Vec<ExceptionNode> = (0..12)
            .map(|level| group(&format!("G{level}\n"), vec![level + 1]))
            .collect();
        nodes.push(plain("E\n"));
        let text = render_tree(&nodes, 0);
        assert!(text.contains("| ... (max_group_depth is 10)\n"));
        assert!(text.contains("| G9\n"));
        assert!(!text.contains("| G10\n"));
        assert_eq!(text.matches(CLOSING).count(), 1);
    }
}
