//! The advisory lock that lets several processes share one rotating file.
//!
//! Every writer takes an exclusive `flock` on a sidecar file (`app.log.lock`)
//! around each write and each rollover. The sidecar, unlike the log file
//! itself, is never renamed, so all processes always lock the same inode.
//! Because a lock belongs to an open file description, a child process after
//! `fork()` must open its own (`InterprocessLock::open` again), or parent and
//! child would both think they held it; the copy it inherited is closed at
//! the fork (it is a `ProcessFile`), or it would keep the lock held should
//! the parent die holding it.

use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::fs::MetadataExt;

use crate::fork::ProcessFile;

pub struct InterprocessLock {
    file: ProcessFile,
}

/// Held while alive; unlocks when dropped.
pub struct LockGuard<'a> {
    lock: &'a InterprocessLock,
}

impl InterprocessLock {
    /// Opens (creating it if needed) the sidecar of the log file `path`.
    pub fn open(path: &str) -> io::Result<InterprocessLock> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(sidecar_path(path))?;
        Ok(InterprocessLock {
            file: ProcessFile::new(file),
        })
    }

    /// Waits for the lock.
    pub fn lock(&self) -> io::Result<LockGuard<'_>> {
        loop {
            // SAFETY: flock on a descriptor this struct owns.
            let result = unsafe { libc::flock(self.file.as_raw_fd(), libc::LOCK_EX) };
            if result == 0 {
                return Ok(LockGuard { lock: self });
            }
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: as in `lock`; unlocking a held lock cannot fail in a way
        // that leaves it held.
        unsafe { libc::flock(self.lock.file.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// Whether the file at `path` is no longer the open file `open`: another
/// writer rotated it away (or removed it), and a fresh one may stand there.
pub fn replaced_at(path: &str, open: BorrowedFd<'_>) -> io::Result<bool> {
    let mut status = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat on a descriptor the caller keeps open; it writes the
    // whole struct when it returns 0.
    if unsafe { libc::fstat(open.as_raw_fd(), status.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: initialised by the successful fstat above.
    let ours = unsafe { status.assume_init() };
    match std::fs::metadata(path) {
        Ok(theirs) => Ok(theirs.dev() != ours.st_dev || theirs.ino() != ours.st_ino),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(error) => Err(error),
    }
}

/// The lock file of the log file `path`.
pub fn sidecar_path(path: &str) -> String {
    format!("{path}.lock")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rotation::test_files::Scratch;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn a_second_opener_waits_for_the_first_to_unlock() {
        let scratch = Scratch::new("lock");
        let path = scratch.path("app.log");
        let first = InterprocessLock::open(&path).unwrap();
        let second = InterprocessLock::open(&path).unwrap();
        let released = Arc::new(AtomicBool::new(false));
        let guard = first.lock().unwrap();
        let waiter = {
            let released = released.clone();
            std::thread::spawn(move || {
                let _guard = second.lock().unwrap();
                released.load(Ordering::SeqCst)
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        released.store(true, Ordering::SeqCst);
        drop(guard);
        assert!(waiter.join().unwrap(), "the second lock was granted early");
        assert!(std::path::Path::new(&sidecar_path(&path)).exists());
    }
}
