//! femtologging-core: the Python-free heart of femtologging.
//!
//! Records, levels, the formatter engine and the handlers' I/O live here, with
//! no dependency on pyo3, so the core is usable and tested from Rust alone.
//! The `femtologging-python` crate translates between CPython and this crate.

pub mod console;
pub mod decimal;
pub mod exit_signals;
pub mod fork;
pub mod format;
pub mod held;
pub mod json_line;
pub mod kept;
pub mod level;
pub mod line;
pub mod name_set;
pub mod origin;
pub mod record;
pub mod repr;
pub mod rotation;
pub mod time;
pub mod traceback;
pub mod wire;
pub mod worker;
