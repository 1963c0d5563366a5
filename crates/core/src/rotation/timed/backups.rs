//! Which old backups a rollover deletes (`getFilesToDelete`).

use std::convert::Infallible;

use crate::time::PythonVersion;

use super::digits::is_python_digit;
use super::ext_match::SuffixMatcher;

/// A fallible namer: `rotation_filename`'s `namer(default_name)`, whose error (the
/// exception a Python namer raised) is passed on.
pub type Namer<'a, E> = dyn FnMut(&str) -> Result<String, E> + 'a;

/// `os.path.split` on a POSIX path: the directory (trailing slashes removed unless it is
/// only slashes) and the final component.
pub fn split_path(path: &str) -> (&str, &str) {
    let tail_start = path.rfind('/').map_or(0, |slash| slash + 1);
    let (head, tail) = path.split_at(tail_start);
    let trimmed = head.trim_end_matches('/');
    if trimmed.is_empty() {
        (head, tail)
    } else {
        (trimmed, tail)
    }
}

/// `os.path.join(directory, name)` for a name without slashes.
fn join_path(directory: &str, name: &str) -> String {
    if directory.is_empty() || directory.ends_with('/') {
        format!("{directory}{name}")
    } else {
        format!("{directory}/{name}")
    }
}

/// `os.path.splitext` of a name without slashes: the extension starts at the last dot,
/// unless only dots precede it (`.bashrc` has none).
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if name[..dot].bytes().any(|byte| byte != b'.') => name.split_at(dot),
        _ => (name, ""),
    }
}

/// `getFilesToDelete` with the built-in pattern and an infallible namer. See
/// [`try_files_to_delete`].
pub fn files_to_delete<M, S>(
    version: PythonVersion,
    matcher: &M,
    base_path: &str,
    file_names: &[S],
    backup_count: i64,
    namer: Option<&dyn Fn(&str) -> String>,
) -> Vec<String>
where
    M: SuffixMatcher<Error = Infallible> + ?Sized,
    S: AsRef<str>,
{
    let mut adapted = namer.map(|namer| move |name: &str| Ok::<_, Infallible>(namer(name)));
    let result = try_files_to_delete(
        version,
        matcher,
        base_path,
        file_names,
        backup_count,
        adapted
            .as_mut()
            .map(|namer| namer as &mut Namer<'_, Infallible>),
    );
    match result {
        Ok(paths) => paths,
        Err(never) => match never {},
    }
}

/// `getFilesToDelete`: the full paths of the backups to delete, oldest first.
///
/// `base_path` is the handler's absolute `baseFilename`; `file_names` is what
/// `os.listdir` gives for its directory (see [`split_path`]); `namer` stands for the
/// handler's `namer` attribute. Backups are recognised with `matcher` (the handler's
/// `extMatch`), then sorted by path; all but the newest `backup_count` are returned,
/// nothing when there are fewer than `backup_count`. A handler only asks when
/// `backup_count > 0`.
///
/// 3.11 and 3.12 recognise a name loosely: it must start with the base name up to its
/// extension plus a dot, and one of the dot-separated parts after that must match at its
/// start. Without a namer, the name must also start with the whole base name; with one,
/// names that end with the base's extension are only considered when they start with
/// the base name or have a digit one character after that prefix (Unicode digits count,
/// as in `str.isdigit`). The namer itself is not called. So `app.log2.2026-11-21` and
/// `app.log.2026-11-21.bak2` are backups of `app.log` there.
///
/// 3.13 is strict. Without a namer, the whole suffix after `base_name + "."` must match
/// (`fullmatch`). With one, every place where the pattern is found in the name (`search`,
/// from each previous match's start plus one) is tried: the name is a backup when the
/// namer, given `base_path + "." + match`, returns a path whose last component is the name.
///
/// An error from `matcher` or `namer` stops the search and is returned.
pub fn try_files_to_delete<M, S>(
    version: PythonVersion,
    matcher: &M,
    base_path: &str,
    file_names: &[S],
    backup_count: i64,
    namer: Option<&mut Namer<'_, M::Error>>,
) -> Result<Vec<String>, M::Error>
where
    M: SuffixMatcher + ?Sized,
    S: AsRef<str>,
{
    let (directory, base_name) = split_path(base_path);
    let names = file_names.iter().map(AsRef::as_ref);
    let mut found: Vec<String> = Vec::new();
    match version {
        PythonVersion::V3_11 | PythonVersion::V3_12 => {
            for name in names {
                if is_backup_before_313(matcher, base_name, name, namer.is_some(), version)? {
                    found.push(join_path(directory, name));
                }
            }
        }
        PythonVersion::V3_13 => match namer {
            None => {
                let prefix = format!("{base_name}.");
                for name in names {
                    if let Some(suffix) = name.strip_prefix(&prefix) {
                        if matcher.full_match(suffix)? {
                            found.push(join_path(directory, name));
                        }
                    }
                }
            }
            Some(namer) => {
                for name in names {
                    if is_named_backup(matcher, namer, base_path, name)? {
                        found.push(join_path(directory, name));
                    }
                }
            }
        },
    }
    Ok(oldest_beyond(found, backup_count))
}

/// The 3.11 and 3.12 test of one directory entry.
fn is_backup_before_313<M: SuffixMatcher + ?Sized>(
    matcher: &M,
    base_name: &str,
    name: &str,
    has_namer: bool,
    version: PythonVersion,
) -> Result<bool, M::Error> {
    let (stem, extension) = split_extension(base_name);
    let prefix_length = stem.chars().count() + 1;
    if has_namer {
        // A namer may move the date before the extension (`app.2026-11-21.log`); the
        // stdlib's cheap filter lets through what could be such a name, judging by the
        // character one past the prefix.
        let looks_renamed = name.starts_with(base_name)
            || !name.ends_with(extension)
            || name
                .chars()
                .nth(prefix_length + 1)
                .is_none_or(|character| is_python_digit(character, version));
        if !looks_renamed {
            return Ok(false);
        }
    } else if !name.starts_with(base_name) {
        return Ok(false);
    }
    let Some(suffix) = name
        .strip_prefix(stem)
        .and_then(|rest| rest.strip_prefix('.'))
    else {
        return Ok(false);
    };
    for part in suffix.split('.') {
        if matcher.match_start(part)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The 3.13 test of one directory entry when the handler has a namer.
fn is_named_backup<M: SuffixMatcher + ?Sized>(
    matcher: &M,
    namer: &mut Namer<'_, M::Error>,
    base_path: &str,
    name: &str,
) -> Result<bool, M::Error> {
    let mut hit = matcher.search(name, 0)?;
    while let Some(found) = hit {
        let named = namer(&format!("{base_path}.{}", found.text))?;
        if split_path(&named).1 == name {
            return Ok(true);
        }
        hit = matcher.search(name, found.start + 1)?;
    }
    Ok(false)
}

/// Sorts the backups and keeps all but the newest `backup_count` (a slice
/// `[:len - backup_count]` in Python, so a non-positive count keeps them all).
fn oldest_beyond(mut found: Vec<String>, backup_count: i64) -> Vec<String> {
    let count = i64::try_from(found.len()).unwrap_or(i64::MAX);
    if count < backup_count {
        return Vec::new();
    }
    found.sort_unstable();
    let keep = count.saturating_sub(backup_count).clamp(0, count);
    found.truncate(usize::try_from(keep).unwrap_or(usize::MAX));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_split_like_os_path_splitext() {
        // os.path.splitext in CPython.
        assert_eq!(split_extension("app.log"), ("app", ".log"));
        assert_eq!(split_extension("app"), ("app", ""));
        assert_eq!(split_extension(".hidden"), (".hidden", ""));
        assert_eq!(split_extension("..x.y"), ("..x", ".y"));
        assert_eq!(split_extension("a.b.c"), ("a.b", ".c"));
        assert_eq!(split_extension("app."), ("app", "."));
        assert_eq!(split_extension("..."), ("...", ""));
    }

    #[test]
    fn paths_join_like_os_path_join() {
        assert_eq!(join_path("/logs", "a"), "/logs/a");
        assert_eq!(join_path("/", "a"), "/a");
        assert_eq!(join_path("", "a"), "a");
    }
}
