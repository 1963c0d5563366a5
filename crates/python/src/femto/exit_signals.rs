//! SIGTERM and SIGHUP: the femto handlers write what they hold before the
//! signal's default action ends the process (the core's `exit_signals`).

use pyo3::prelude::*;

/// Takes over SIGTERM and SIGHUP where the application left them at their
/// default action; returns the signals taken over.
#[pyfunction]
pub fn drain_on_exit_signals() -> PyResult<Vec<i32>> {
    femtologging_core::exit_signals::install(&[libc::SIGTERM, libc::SIGHUP], close_all)
        .map_err(PyErr::from)
}

/// In a forked child: a signal watcher of the child's own.
#[pyfunction]
pub fn restart_signal_watcher() -> PyResult<()> {
    femtologging_core::exit_signals::restart_after_fork().map_err(PyErr::from)
}

/// On the watcher thread, once the signal came: what `atexit` would have
/// done for the femto handlers. Nothing when the interpreter is already
/// finalizing (its exit hooks have run).
fn close_all() {
    Python::try_attach(|py| {
        let outcome = py
            .import("femtologging._femto")
            .and_then(|module| module.call_method0("close_all"));
        if let Err(error) = outcome {
            error.print(py);
        }
    });
}
