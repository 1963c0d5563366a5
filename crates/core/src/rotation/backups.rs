//! Shifting numbered backups: `app.log` becomes `app.log.1`, `app.log.1`
//! becomes `app.log.2`, and so on up to the backup count.
//!
//! The order of the file operations is the standard library's (the oldest
//! backup is overwritten first, the live file is renamed last), so a crash in
//! the middle never leaves two backups with the same number. How a default
//! name becomes the real name and how the live file is moved are asked of a
//! `Renamer`: the standard face's `namer`/`rotator` hooks, gzip compression, or
//! a plain rename.

use std::fs;
use std::io;
use std::path::Path;

/// A file operation that failed, with the paths it was given, so the error
/// can be reported as `os.rename` would report it.
#[derive(Debug)]
pub struct PathError {
    pub error: io::Error,
    pub path: String,
    pub other_path: Option<String>,
}

impl PathError {
    fn new(error: io::Error, path: &str, other_path: Option<&str>) -> PathError {
        PathError {
            error,
            path: path.to_owned(),
            other_path: other_path.map(str::to_owned),
        }
    }
}

impl std::fmt::Display for PathError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.other_path {
            Some(other) => write!(formatter, "{}: {:?} -> {:?}", self.error, self.path, other),
            None => write!(formatter, "{}: {:?}", self.error, self.path),
        }
    }
}

impl From<PathError> for io::Error {
    fn from(error: PathError) -> io::Error {
        io::Error::new(error.error.kind(), error.to_string())
    }
}

/// The two hooks of a rollover.
pub trait Renamer {
    type Error: From<PathError>;

    /// The name a backup really gets, given its default name
    /// (`rotation_filename`).
    fn backup_name(&mut self, default_name: String) -> Result<String, Self::Error>;

    /// Moves the live file to its first backup name (`rotate`).
    fn rotate(&mut self, source: &str, destination: &str) -> Result<(), Self::Error>;
}

/// No hooks: backups keep their default names and the live file is renamed.
pub struct PlainRenamer;

impl Renamer for PlainRenamer {
    type Error = PathError;

    fn backup_name(&mut self, default_name: String) -> Result<String, PathError> {
        Ok(default_name)
    }

    fn rotate(&mut self, source: &str, destination: &str) -> Result<(), PathError> {
        rename_if_exists(source, destination)
    }
}

/// Renames `source` to `destination` when `source` exists: a live file that
/// was never created (or was removed by someone else) is nothing to rotate.
pub fn rename_if_exists(source: &str, destination: &str) -> Result<(), PathError> {
    match fs::rename(source, destination) {
        Err(error) if error.kind() == io::ErrorKind::NotFound && !exists(source) => Ok(()),
        Err(error) => Err(PathError::new(error, source, Some(destination))),
        Ok(()) => Ok(()),
    }
}

/// `base.{n-1}` to `base.{n}` for n from `backup_count` down to 2, then the
/// live file to `base.1`. Nothing happens when `backup_count` is zero.
pub fn shift_backups<R: Renamer>(
    base: &str,
    backup_count: u32,
    renamer: &mut R,
) -> Result<(), R::Error> {
    if backup_count == 0 {
        return Ok(());
    }
    for number in (1..backup_count).rev() {
        let source = renamer.backup_name(format!("{base}.{number}"))?;
        let destination = renamer.backup_name(format!("{base}.{}", number + 1))?;
        if exists(&source) {
            remove_if_exists(&destination)?;
            fs::rename(&source, &destination)
                .map_err(|error| PathError::new(error, &source, Some(&destination)))?;
        }
    }
    let first = renamer.backup_name(format!("{base}.1"))?;
    remove_if_exists(&first)?;
    renamer.rotate(base, &first)
}

fn exists(path: &str) -> bool {
    Path::new(path).exists()
}

fn remove_if_exists(path: &str) -> Result<(), PathError> {
    if exists(path) {
        fs::remove_file(path).map_err(|error| PathError::new(error, path, None))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rotation::test_files::{read, Scratch};

    #[test]
    fn shifts_every_backup_up_by_one_and_drops_the_oldest() {
        let scratch = Scratch::new("shift");
        let base = scratch.path("app.log");
        for (name, text) in [
            ("app.log", "live"),
            ("app.log.1", "one"),
            ("app.log.2", "two"),
            ("app.log.3", "three"),
        ] {
            fs::write(scratch.path(name), text).unwrap();
        }
        shift_backups(&base, 3, &mut PlainRenamer).unwrap();
        assert!(!Path::new(&base).exists());
        assert_eq!(read(&scratch.path("app.log.1")), "live");
        assert_eq!(read(&scratch.path("app.log.2")), "one");
        assert_eq!(read(&scratch.path("app.log.3")), "two");
        assert!(!Path::new(&scratch.path("app.log.4")).exists());
    }

    #[test]
    fn gaps_in_the_backups_stay_gaps() {
        let scratch = Scratch::new("gaps");
        let base = scratch.path("app.log");
        fs::write(&base, "live").unwrap();
        fs::write(scratch.path("app.log.2"), "two").unwrap();
        shift_backups(&base, 5, &mut PlainRenamer).unwrap();
        assert_eq!(read(&scratch.path("app.log.1")), "live");
        assert!(!Path::new(&scratch.path("app.log.2")).exists());
        assert_eq!(read(&scratch.path("app.log.3")), "two");
    }

    #[test]
    fn a_missing_live_file_is_not_an_error() {
        let scratch = Scratch::new("missing");
        let base = scratch.path("app.log");
        fs::write(scratch.path("app.log.1"), "one").unwrap();
        shift_backups(&base, 2, &mut PlainRenamer).unwrap();
        assert_eq!(read(&scratch.path("app.log.2")), "one");
        assert!(!Path::new(&scratch.path("app.log.1")).exists());
    }

    #[test]
    fn a_backup_that_cannot_be_replaced_stops_the_shift_with_its_error() {
        let scratch = Scratch::new("blocked");
        let base = scratch.path("app.log");
        fs::write(&base, "live").unwrap();
        fs::write(scratch.path("app.log.1"), "one").unwrap();
        // A directory where backup 2 belongs cannot be removed as a file.
        fs::create_dir(scratch.path("app.log.2")).unwrap();
        fs::write(scratch.path("app.log.2/keep"), "x").unwrap();
        assert!(shift_backups(&base, 2, &mut PlainRenamer).is_err());
        assert_eq!(read(&base), "live");
        assert_eq!(read(&scratch.path("app.log.1")), "one");
    }

    #[test]
    fn the_renamer_names_every_backup() {
        struct Suffixed(Vec<String>);
        impl Renamer for Suffixed {
            type Error = PathError;
            fn backup_name(&mut self, default_name: String) -> Result<String, PathError> {
                Ok(format!("{default_name}.old"))
            }
            fn rotate(&mut self, source: &str, destination: &str) -> Result<(), PathError> {
                self.0.push(format!("{source} -> {destination}"));
                rename_if_exists(source, destination)
            }
        }
        let scratch = Scratch::new("named");
        let base = scratch.path("app.log");
        fs::write(&base, "live").unwrap();
        fs::write(scratch.path("app.log.1.old"), "one").unwrap();
        let mut renamer = Suffixed(Vec::new());
        shift_backups(&base, 2, &mut renamer).unwrap();
        assert_eq!(read(&scratch.path("app.log.1.old")), "live");
        assert_eq!(read(&scratch.path("app.log.2.old")), "one");
        assert_eq!(renamer.0, vec![format!("{base} -> {base}.1.old")]);
    }
}
