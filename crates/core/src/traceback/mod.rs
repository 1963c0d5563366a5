//! Traceback text, assembled the way CPython's `traceback` module lays it
//! out: frames with their source lines, the folding of a repeated frame,
//! the exception line, notes, the `__cause__` / `__context__` chain and
//! exception groups, and a `SyntaxError`'s own lines.
//!
//! Everything here is plain text work. What only the interpreter knows (the
//! frames, the source lines as `linecache` holds them, an exception's
//! `str()`) is gathered by the binding crate and handed over as strings.

mod chain;
mod group;
mod stack;
mod syntax;
mod whitespace;

pub use chain::{exception_line, note_lines, qualified_type_name, ExceptionText, Link};
pub use group::{render_tree, ExceptionNode, MAX_GROUP_DEPTH, MAX_GROUP_WIDTH};
pub use stack::{file_line, plain_source_line, render_stack, FrameText};
pub use syntax::{syntax_error_lines, CaretBounds, SyntaxErrorFields};
pub use whitespace::{is_python_whitespace, python_rstrip, python_strip, splits_as_python_lines};
