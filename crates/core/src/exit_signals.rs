//! Writing what is queued before a terminating signal ends the process.
//!
//! Service managers and container runtimes stop a process with SIGTERM
//! (terminals hanging up send SIGHUP). Their default action ends the process
//! at once, without `atexit`: whatever a worker still holds would be lost,
//! where a synchronous handler would have written it already. So, for a
//! signal whose disposition is still the default, `install` puts in a handler
//! that only wakes a watcher thread (a signal handler may do next to nothing
//! safely); the watcher runs the drain, puts the default action back and
//! raises the signal again, so the process still ends the way the signal
//! ends it, with the same exit status. A handler the application installed
//! itself is never replaced, and one it installs later replaces this one.
//!
//! A second signal while the drain runs takes the default action at once:
//! whoever sends it does not want to wait.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;

use libc::c_int;

/// The write end of the pipe the handler wakes the watcher through.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// Its read end, which the watcher blocks on.
static WATCH_FD: AtomicI32 = AtomicI32::new(-1);
/// The process whose watcher reads the pipe: a forked child inherits the
/// handler and the pipe, not the thread, and must not wake its parent's.
static WATCHER_PID: AtomicI32 = AtomicI32::new(0);
/// The signal being handled; zero while none is.
static CAUGHT: AtomicI32 = AtomicI32::new(0);
/// Whether `install` has run in this process or its parent.
static INSTALLED: AtomicBool = AtomicBool::new(false);
static DRAIN: OnceLock<fn()> = OnceLock::new();

/// Takes over each of `signals` whose disposition is the default, so that
/// `drain` runs before the default action. Returns the signals taken over.
/// Calling it again adds signals but keeps the first `drain`.
pub fn install(signals: &[c_int], drain: fn()) -> io::Result<Vec<c_int>> {
    let _ = DRAIN.set(drain);
    if WATCHER_PID.load(Ordering::SeqCst) != current_pid() {
        start_watcher()?;
    }
    let mut taken = Vec::new();
    for &signal in signals {
        if has_default_action(signal)? {
            set_handler(signal, on_signal as *const () as libc::sighandler_t)?;
            taken.push(signal);
        }
    }
    INSTALLED.store(true, Ordering::SeqCst);
    Ok(taken)
}

/// In a child process after `fork()`: the inherited handler wakes nobody
/// (the watcher thread was the parent's), so a watcher of the child's own
/// is started. Does nothing where `install` never ran.
pub fn restart_after_fork() -> io::Result<()> {
    if !INSTALLED.load(Ordering::SeqCst) {
        return Ok(());
    }
    // The parent's pipe: the copies are of no use here.
    for fd in [&WAKE_FD, &WATCH_FD] {
        let fd = fd.swap(-1, Ordering::SeqCst);
        if fd >= 0 {
            // SAFETY: the descriptor was this module's, inherited; nothing
            // else in the child uses it.
            unsafe { libc::close(fd) };
        }
    }
    CAUGHT.store(0, Ordering::SeqCst);
    start_watcher()
}

fn current_pid() -> i32 {
    // SAFETY: getpid cannot fail.
    unsafe { libc::getpid() }
}

fn start_watcher() -> io::Result<()> {
    let mut fds = [-1; 2];
    // SAFETY: `fds` has room for the two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let [watch_fd, wake_fd] = fds;
    let spawned = std::thread::Builder::new()
        .name("femtologging signals".into())
        .spawn(move || watch(watch_fd));
    if let Err(error) = spawned {
        // SAFETY: both descriptors were just opened here and are unused.
        unsafe {
            libc::close(watch_fd);
            libc::close(wake_fd);
        }
        return Err(error);
    }
    WATCH_FD.store(watch_fd, Ordering::SeqCst);
    WAKE_FD.store(wake_fd, Ordering::SeqCst);
    // Last: until now the handler takes the default action.
    WATCHER_PID.store(current_pid(), Ordering::SeqCst);
    Ok(())
}

fn has_default_action(signal: c_int) -> io::Result<bool> {
    // SAFETY: a zeroed sigaction is a valid out-parameter.
    let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a null new action only reads the current one.
    if unsafe { libc::sigaction(signal, std::ptr::null(), &mut current) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(current.sa_sigaction == libc::SIG_DFL)
}

fn set_handler(signal: c_int, handler: libc::sighandler_t) -> io::Result<()> {
    // SAFETY: a zeroed sigaction with an empty mask is valid; SA_RESTART
    // keeps the application's system calls from seeing EINTR because of us.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(signal, &action, std::ptr::null_mut()) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The signal handler: only async-signal-safe calls.
extern "C" fn on_signal(signal: c_int) {
    // SAFETY: errno is thread-local; it is put back as the interrupted code
    // left it.
    let saved_errno = unsafe { *libc::__errno_location() };
    let wake_fd = WAKE_FD.load(Ordering::SeqCst);
    let ours = WATCHER_PID.load(Ordering::SeqCst) == current_pid() && wake_fd >= 0;
    if ours
        && CAUGHT
            .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    {
        let byte = 1u8;
        // SAFETY: write(2) is async-signal-safe; the pipe is ours.
        unsafe { libc::write(wake_fd, (&byte as *const u8).cast(), 1) };
    } else {
        // No watcher in this process yet, or a second signal: the default
        // action now. The signal stays blocked until this handler returns,
        // so the raised one is delivered right after.
        let _ = set_handler(signal, libc::SIG_DFL);
        // SAFETY: raise(3) is async-signal-safe.
        unsafe { libc::raise(signal) };
    }
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = saved_errno };
}

fn watch(watch_fd: c_int) {
    let mut byte = 0u8;
    loop {
        // SAFETY: reads one byte into `byte` from the pipe this thread owns.
        let read = unsafe { libc::read(watch_fd, (&mut byte as *mut u8).cast(), 1) };
        if read == 1 {
            break;
        }
        if read < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        }
        // The pipe was closed (a forked child replacing its copy): no
        // signal will come through it.
        return;
    }
    let signal = CAUGHT.load(Ordering::SeqCst);
    if let Some(drain) = DRAIN.get() {
        drain();
    }
    end_by(signal);
}

/// Ends the process the way `signal`'s default action would.
fn end_by(signal: c_int) -> ! {
    let _ = set_handler(signal, libc::SIG_DFL);
    // SAFETY: plain libc calls; the signal is unblocked in this thread so
    // that raising it here takes the default action here.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
    }
    // A signal whose default action does not end the process would leave
    // the process without the worker it just closed; end it as a shell
    // reports a death by signal.
    std::thread::sleep(std::time::Duration::from_secs(1));
    // SAFETY: _exit ends the process at once.
    unsafe { libc::_exit(128 + signal) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_with_a_handler_of_its_own_is_left_alone() {
        // SIGUSR2 with the handler put in here stands for the application's.
        extern "C" fn application_handler(_signal: c_int) {}
        set_handler(
            libc::SIGUSR2,
            application_handler as *const () as libc::sighandler_t,
        )
        .unwrap();
        fn drain() {}
        let taken = install(&[libc::SIGUSR2], drain).unwrap();
        assert!(taken.is_empty());
        set_handler(libc::SIGUSR2, libc::SIG_DFL).unwrap();
    }
}
