//! Format-string templates (%, {} and $ styles), compiled once and rendered in Rust.
