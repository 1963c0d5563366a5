//! One exception (its stack, its line, its notes) and the links between
//! exceptions (`__cause__`, `__context__`); `group.rs` lays them out.

use super::stack::FrameText;

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
    /// The lines printed between the two exceptions.
    pub(super) fn message(self) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;

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
