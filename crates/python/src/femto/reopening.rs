//! A drain whose destination could not be opened: in a forked child, the
//! parent's file may have gone with its directory. Each batch tries to open
//! it again; until that works, its records are lost and counted as failed
//! writes, for this handler alone.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use femtologging_core::worker::{Delivered, Drain, WriteFailure};

use super::drain::Target;
use super::{Job, WireShared};

pub struct Reopening {
    target: Target,
    handler_errors: Arc<AtomicU64>,
    opened: Option<Box<dyn Drain<Job>>>,
    /// The last `WireShared` among the records lost before the drain
    /// opened: the records after them come without it.
    wire_shared: Option<Arc<WireShared>>,
}

impl Reopening {
    pub fn new(target: Target, handler_errors: Arc<AtomicU64>) -> Reopening {
        Reopening {
            target,
            handler_errors,
            opened: None,
            wire_shared: None,
        }
    }
}

impl Drain<Job> for Reopening {
    fn write(&mut self, batch: &mut Vec<Job>) -> Result<Delivered, WriteFailure> {
        if self.opened.is_none() {
            match self.target.drain(false, &self.handler_errors) {
                Ok(drain) => {
                    self.opened = Some(drain);
                    let first = batch.iter_mut().find_map(|job| match job {
                        Job::WireRecord(wire) => Some(wire),
                        _ => None,
                    });
                    if let Some(wire) = first {
                        if wire.shared.is_none() {
                            wire.shared = self.wire_shared.take();
                        }
                    }
                }
                Err(error) => {
                    let records = batch.len() as u64;
                    for job in batch.drain(..) {
                        if let Job::WireRecord(wire) = job {
                            if wire.shared.is_some() {
                                self.wire_shared = wire.shared;
                            }
                        }
                    }
                    return Err(WriteFailure {
                        records,
                        error,
                        delivered: Delivered::default(),
                    });
                }
            }
        }
        match &mut self.opened {
            Some(drain) => drain.write(batch),
            None => unreachable!("opened above"),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.opened {
            Some(drain) => drain.flush(),
            None => Ok(()),
        }
    }

    fn held(&self) -> u64 {
        self.opened.as_ref().map_or(0, |drain| drain.held())
    }

    fn close(&mut self) {
        if let Some(drain) = &mut self.opened {
            drain.close();
        }
    }
}
