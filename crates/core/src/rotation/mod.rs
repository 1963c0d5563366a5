//! Files that rotate: the size test, the shifting of numbered backups,
//! compression of rotated files, the lock that lets processes share one file,
//! the time-based schedule of `TimedRotatingFileHandler`, and `RollingFile`,
//! which puts them together for a femto handler's worker.

pub mod backups;
pub mod compress;
pub mod lock;
pub mod rolling;
pub mod size;
pub mod timed;

#[cfg(test)]
mod rolling_tests;
#[cfg(test)]
mod test_files;
