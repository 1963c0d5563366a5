//! A dict's pickle kept with the values that change from one record to the
//! next cut out, so that a record of the same shape is written by copying
//! the rest and filling those values in.
//!
//! Records logged from one call site differ in a few values only (the
//! message, the times, the line, the thread id); everything else (the keys,
//! the logger and level names, the path, the memo indices) comes out the
//! same every time, and copying it is much cheaper than encoding it again.
//! The values cut out are those `DictWriter::varying_entry` wrote: ints and
//! floats, which are never memoized, and strs the dict holds once, whose
//! memo index depends only on where they stand. Whether another record has
//! the same shape is for the caller to tell (the binding compares the
//! identities of the objects and the fixed texts); the template only holds
//! the bytes.

use std::ops::Range;

use super::encode::{is_interpreter_singleton, write_varying};

/// A value a template leaves out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Varying<'a> {
    Int(i64),
    Float(f64),
    /// A str the dict holds once; see `Varying::str`.
    Str {
        text: &'a str,
        identity: Option<usize>,
    },
}

impl<'a> Varying<'a> {
    /// A str value that can vary: `None` for one without identity that
    /// CPython keeps a single object of (`""`, one Latin-1 character), as
    /// the memo finds those by content, so another such value in the dict
    /// would be written as a reference to it. (That an object with identity
    /// is met nowhere else in the dict is the caller's to ensure.)
    pub fn str(text: &'a str, identity: Option<usize>) -> Option<Varying<'a>> {
        if identity.is_none() && is_interpreter_singleton(text) {
            return None;
        }
        Some(Varying::Str { text, identity })
    }
}

/// The pickle of one dict with its varying values cut out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameTemplate {
    fixed: Vec<u8>,
    /// Where each varying value goes in `fixed`, in order.
    cuts: Vec<usize>,
}

impl FrameTemplate {
    /// The template of `pickle`, whose varying values are at `spans` (as
    /// `DictWriter::varying_entry` returned them, in order).
    pub fn cut(pickle: &[u8], spans: &[Range<usize>]) -> FrameTemplate {
        let mut fixed = Vec::with_capacity(pickle.len());
        let mut cuts = Vec::with_capacity(spans.len());
        let mut copied = 0;
        for span in spans {
            fixed.extend_from_slice(&pickle[copied..span.start]);
            cuts.push(fixed.len());
            copied = span.end;
        }
        fixed.extend_from_slice(&pickle[copied..]);
        FrameTemplate { fixed, cuts }
    }

    /// How many values a record fills in.
    pub fn varying_count(&self) -> usize {
        self.cuts.len()
    }

    /// Starts writing a pickle from this template at the end of `out`.
    pub fn writer(&self) -> TemplateWriter<'_> {
        TemplateWriter {
            template: self,
            filled: 0,
            copied: 0,
        }
    }
}

/// Writes a template's pickle, the varying values given in order.
pub struct TemplateWriter<'t> {
    template: &'t FrameTemplate,
    filled: usize,
    copied: usize,
}

impl TemplateWriter<'_> {
    /// Writes the fixed bytes up to the next varying value, then `value`.
    ///
    /// # Panics
    /// When the template has no varying value left.
    pub fn fill(&mut self, out: &mut Vec<u8>, value: &Varying<'_>) {
        let cut = self.template.cuts[self.filled];
        out.extend_from_slice(&self.template.fixed[self.copied..cut]);
        write_varying(out, value);
        self.copied = cut;
        self.filled += 1;
    }

    /// Writes the fixed bytes after the last varying value.
    ///
    /// # Panics
    /// When fewer values were filled in than the template has.
    pub fn finish(self, out: &mut Vec<u8>) {
        assert_eq!(self.filled, self.template.cuts.len());
        out.extend_from_slice(&self.template.fixed[self.copied..]);
    }
}
