//! One exception (its stack, its line, its notes) and the chain of
//! exceptions linked by `__cause__` or `__context__`, innermost first.

use super::stack::{render_stack, FrameText};

const CAUSE_MESSAGE: &str =
    "\nThe above exception was the direct cause of the following exception:\n\n";
const CONTEXT_MESSAGE: &str =
    "\nDuring handling of the above exception, another exception occurred:\n\n";

/// How an exception led to the one printed after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `raise ... from cause`.
    Cause,
    /// Raised while the earlier one was being handled.
    Context,
}

impl Link {
    fn message(self) -> &'static str {
        match self {
            Link::Cause => CAUSE_MESSAGE,
            Link::Context => CONTEXT_MESSAGE,
        }
    }
}

/// One exception of a chain, ready to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExceptionText {
    pub frames: Vec<FrameText>,
    /// The exception line and the note lines, each ending in a newline.
    pub summary: String,
}

/// The type's name as printed: `module.qualname`, except for types of
/// `__main__` and `builtins`; a module that is not a string prints as
/// `<unknown>`.
pub fn qualified_type_name(qualname: &str, module: Option<&str>) -> String {
    match module {
        Some("__main__") | Some("builtins") => qualname.to_owned(),
        Some(module) => format!("{module}.{qualname}"),
        None => format!("<unknown>.{qualname}"),
    }
}

/// `Type: message\n`, or `Type\n` when the message is empty.
pub fn exception_line(type_name: &str, message: &str) -> String {
    if message.is_empty() {
        format!("{type_name}\n")
    } else {
        format!("{type_name}: {message}\n")
    }
}

/// A note as printed: each of its `\n`-separated lines on a line of its own.
pub fn note_lines(out: &mut String, note: &str) {
    for line in note.split('\n') {
        out.push_str(line);
        out.push('\n');
    }
}

/// The whole chain. `chain[0]` is the exception being reported; each
/// following entry is the one the previous entry was linked to, with that
/// link. Printed innermost first, as the interpreter does.
pub fn render_chain(chain: &[(ExceptionText, Option<Link>)]) -> String {
    let mut out = String::new();
    for (exception, link) in chain.iter().rev() {
        if let Some(link) = link {
            out.push_str(link.message());
        }
        if !exception.frames.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            render_stack(&mut out, &exception.frames);
        }
        out.push_str(&exception.summary);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exception(summary: &str) -> ExceptionText {
        ExceptionText {
            frames: Vec::new(),
            summary: summary.to_owned(),
        }
    }

    #[test]
    fn the_cause_is_printed_first() {
        let text = render_chain(&[
            (exception("RuntimeError: outer\n"), Some(Link::Cause)),
            (exception("KeyError: 'k'\n"), None),
        ]);
        assert_eq!(
            text,
            format!("KeyError: 'k'\n{CAUSE_MESSAGE}RuntimeError: outer\n")
        );
    }

    #[test]
    fn names_outside_builtins_carry_their_module() {
        assert_eq!(
            qualified_type_name("Error", Some("pkg.mod")),
            "pkg.mod.Error"
        );
        assert_eq!(
            qualified_type_name("ValueError", Some("builtins")),
            "ValueError"
        );
        assert_eq!(qualified_type_name("E", None), "<unknown>.E");
        assert_eq!(exception_line("E", ""), "E\n");
    }
}
