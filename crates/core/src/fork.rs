//! Files that belong to the process that opened them, not to its forked
//! children.
//!
//! After `fork()`, a child holds copies of all its parent's descriptors. The
//! files a worker thread writes are of no use there: the thread does not
//! exist in the child, which starts workers of its own. Left open, the
//! copies do harm: a rotated-away log file keeps its disk space while any
//! child lives, and a copy of a lock descriptor keeps the lock held if the
//! parent dies holding it, so that every process sharing the files waits
//! forever. So each such file is listed here when opened, and a child
//! calls `close_inherited_files` first thing after the fork.

use std::fs::File;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};

/// A file closed in any forked child of the process that opened it.
pub struct ProcessFile {
    /// Closed by `Drop` only in the process that opened it; in a child,
    /// `close_inherited_files` has closed the descriptor already.
    file: ManuallyDrop<File>,
    opened_by: u32,
}

impl ProcessFile {
    pub fn new(file: File) -> ProcessFile {
        remember(file.as_raw_fd());
        ProcessFile {
            file: ManuallyDrop::new(file),
            opened_by: std::process::id(),
        }
    }
}

impl Deref for ProcessFile {
    type Target = File;

    fn deref(&self) -> &File {
        &self.file
    }
}

impl DerefMut for ProcessFile {
    fn deref_mut(&mut self) -> &mut File {
        &mut self.file
    }
}

impl Drop for ProcessFile {
    fn drop(&mut self) {
        if self.opened_by == std::process::id() {
            forget(self.file.as_raw_fd());
            // SAFETY: dropped once, here, in the process that opened it.
            unsafe { ManuallyDrop::drop(&mut self.file) };
        }
    }
}

/// The descriptors of the `ProcessFile`s open in this process. Atomics
/// rather than a mutex: a thread of the parent may have been holding a
/// mutex at the fork, and the child would wait on it forever.
static OPEN_FILES: [AtomicI32; 256] = [const { AtomicI32::new(-1) }; 256];

fn remember(fd: RawFd) {
    // With more files than slots, the extra ones are simply left open in a
    // child, as any other descriptor is.
    for slot in &OPEN_FILES {
        if slot
            .compare_exchange(-1, fd, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
    }
}

fn forget(fd: RawFd) {
    for slot in &OPEN_FILES {
        if slot
            .compare_exchange(fd, -1, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
    }
}

/// In a child process right after `fork()`, before it opens files of its
/// own: closes the `ProcessFile`s inherited from the parent.
pub fn close_inherited_files() {
    for slot in &OPEN_FILES {
        let fd = slot.swap(-1, Ordering::AcqRel);
        if fd >= 0 {
            // SAFETY: the descriptor was one of the parent's `ProcessFile`s;
            // nothing in this process uses it any more (a `ProcessFile` left
            // from the parent sees it was opened elsewhere and never closes
            // it again).
            unsafe { libc::close(fd) };
        }
    }
}
