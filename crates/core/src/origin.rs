//! What the records of one logger, at one level, from one call site have in
//! common, and how a record refers to it: `Kept` (`kept.rs`), so that
//! handing a record to a worker, which drops it there, touches no count the
//! caller touches too.

use std::sync::Arc;

use crate::kept::{KeepBudget, Kept};
use crate::record::CallSite;

/// The strings a record's origin holds.
#[derive(Debug, PartialEq, Eq)]
pub struct Origin {
    pub logger_name: Arc<str>,
    pub level_name: Arc<str>,
    pub site: SiteRef,
}

/// A record's origin.
pub type OriginRef = Kept<Origin>;

/// A call site, shared by every record logged from one code object.
pub type SiteRef = Kept<CallSite>;

/// Origins kept at most for the life of the process; one per (logger,
/// level name, call site) a program logs from.
pub static ORIGINS: KeepBudget = KeepBudget::new(2048);

/// Call sites kept at most; one per code object that logs.
pub static SITES: KeepBudget = KeepBudget::new(4096);
