//! The `$` style: `string.Template(fmt).substitute(**record.__dict__)`.
//!
//! A placeholder is `$$`, `$identifier` or `${identifier}`, identifiers being ASCII
//! (`string.Template.idpattern` is `(?a:[_a-z][_a-z0-9]*)` matched case-insensitively).
//! Any other `$` is an invalid placeholder: `substitute` raises on it, so such templates
//! are `python_only`.

use super::field::FieldKey;
use super::spec::ConversionSpec;
use super::template::TemplateBuilder;

/// Cuts a `$`-style template into literals and fields.
pub(crate) fn compile(source: &str, builder: &mut TemplateBuilder) {
    let bytes = source.as_bytes();
    let mut literal_start = 0;
    while let Some(offset) = source[literal_start..].find('$') {
        let dollar = literal_start + offset;
        builder.literal(&source[literal_start..dollar]);
        match placeholder(bytes, dollar + 1) {
            Placeholder::Escape(end) => {
                builder.literal("$");
                literal_start = end;
            }
            Placeholder::Named { start, end, next } => {
                builder.field(
                    FieldKey::from_name(&source[start..end]),
                    ConversionSpec::dollar(),
                );
                literal_start = next;
            }
            Placeholder::Invalid => {
                builder.requires_host();
                return;
            }
        }
    }
    builder.literal(&source[literal_start..]);
}

pub(crate) enum Placeholder {
    /// `$$`, ending at the given offset.
    Escape(usize),
    /// An identifier at `start..end`; the placeholder ends at `next`.
    Named {
        start: usize,
        end: usize,
        next: usize,
    },
    Invalid,
}

/// Recognises what follows a `$`, trying the alternatives in `string.Template`'s order.
pub(crate) fn placeholder(bytes: &[u8], start: usize) -> Placeholder {
    match bytes.get(start) {
        Some(b'$') => Placeholder::Escape(start + 1),
        Some(b'{') => {
            let end = identifier_end(bytes, start + 1);
            if end > start + 1 && bytes.get(end) == Some(&b'}') {
                Placeholder::Named {
                    start: start + 1,
                    end,
                    next: end + 1,
                }
            } else {
                Placeholder::Invalid
            }
        }
        _ => {
            let end = identifier_end(bytes, start);
            if end > start {
                Placeholder::Named {
                    start,
                    end,
                    next: end,
                }
            } else {
                Placeholder::Invalid
            }
        }
    }
}

/// The end of the ASCII identifier starting at `start` (`start` itself if there is none).
fn identifier_end(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        Some(byte) if byte.is_ascii_alphabetic() || *byte == b'_' => {}
        _ => return start,
    }
    let mut end = start + 1;
    while bytes
        .get(end)
        .is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'_')
    {
        end += 1;
    }
    end
}
