//! Running tests under a chosen time zone.
//!
//! The C library's time zone is process-wide state, read from `TZ` by `tzset()`. Tests that
//! convert or format times take one lock, so that none of them observes another's zone,
//! and a zone switch never races with a conversion reading the environment.

use std::sync::Mutex;

/// Central European time with its daylight-saving rules, as a POSIX rule: no zone files
/// are needed.
pub(crate) const PARIS: &str = "CET-1CEST,M3.5.0,M10.5.0/3";
/// Eastern time in North America.
pub(crate) const NEW_YORK: &str = "EST5EDT,M3.2.0,M11.1.0";

static TIME_ZONE: Mutex<()> = Mutex::new(());

extern "C" {
    fn tzset();
}

/// Runs `body` with `TZ` set to `zone` (and the C library told so), then restores both.
pub(crate) fn with_time_zone<T>(zone: &str, body: impl FnOnce() -> T) -> T {
    let _guard = TIME_ZONE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous = std::env::var_os("TZ");
    std::env::set_var("TZ", zone);
    // SAFETY: tzset only reads the environment and updates the C library's zone state;
    // every test touching that state holds the lock.
    unsafe { tzset() };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    match previous {
        Some(value) => std::env::set_var("TZ", value),
        None => std::env::remove_var("TZ"),
    }
    // SAFETY: as above.
    unsafe { tzset() };
    match result {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Runs `body` while no other test changes the time zone.
pub(crate) fn with_stable_time_zone<T>(body: impl FnOnce() -> T) -> T {
    let _guard = TIME_ZONE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    body()
}
