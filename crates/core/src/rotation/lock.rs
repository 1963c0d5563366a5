//! The advisory lock that lets several processes share one rotating file.
//!
//! Every writer takes an exclusive `flock` on a sidecar file (`app.log.lock`)
//! around each write and each rollover. The sidecar, unlike the log file
//! itself, is never renamed, so all processes always lock the same inode.
//! Because a lock belongs to an open file description, a child process after
//! `fork()` must open its own (`InterprocessLock::open` again), or parent and
//! child would both think they held it. The child must also close the
//! descriptors it inherited (`close_inherited_locks`): were the parent killed
//! while holding a lock, a copy left open in the child would keep it held,
//! and every process sharing the files would wait forever.

use std::fs::{File, OpenOptions};
use std::io;
use std::mem::ManuallyDrop;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};

pub struct InterprocessLock {
    /// Closed by `Drop` only in the process that opened it; in a forked
    /// child `close_inherited_locks` has closed the descriptor already.
    file: ManuallyDrop<File>,
    opened_by: u32,
}

/// The descriptors of the locks open in this process, for a forked child to
/// close. Atomics rather than a mutex: a thread of the parent may have been
/// holding a mutex at the fork, and the child would wait on it forever.
static OPEN_LOCKS: [AtomicI32; 64] = [const { AtomicI32::new(-1) }; 64];

fn remember(fd: RawFd) {
    // With more locks than slots, the extra ones are simply not closed in a
    // child: the lock still works, only that safety net is missing.
    for slot in &OPEN_LOCKS {
        if slot
            .compare_exchange(-1, fd, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
    }
}

fn forget(fd: RawFd) {
    for slot in &OPEN_LOCKS {
        if slot
            .compare_exchange(fd, -1, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
    }
}

/// In a child process right after `fork()`: closes the lock descriptors
/// inherited from the parent. The child's own handlers open fresh ones.
pub fn close_inherited_locks() {
    for slot in &OPEN_LOCKS {
        let fd = slot.swap(-1, Ordering::AcqRel);
        if fd >= 0 {
            // SAFETY: the descriptor was a parent's lock; nothing in this
            // process uses it any more (an `InterprocessLock` left from the
            // parent sees it was opened by another process and never closes
            // it again).
            unsafe { libc::close(fd) };
        }
    }
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
        remember(file.as_raw_fd());
        Ok(InterprocessLock {
            file: ManuallyDrop::new(file),
            opened_by: std::process::id(),
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

impl Drop for InterprocessLock {
    fn drop(&mut self) {
        if self.opened_by == std::process::id() {
            forget(self.file.as_raw_fd());
            // SAFETY: dropped once, here, in the process that opened it.
            unsafe { ManuallyDrop::drop(&mut self.file) };
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
