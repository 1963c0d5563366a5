//! A logging call's `args`: the positional arguments after `msg`.
//!
//! `LogRecord.args` is a tuple, so the standard library builds one on every
//! call. Most calls never show it to Python code: the message is merged in
//! Rust from the arguments themselves, and nothing else reads them. So a
//! call's few arguments are held as they came (a reference each) and the
//! tuple is built only when something asks for `args` (a record's Python
//! view, a Python formatter, a merge Python must do, an override of `_log`);
//! building a tuple and freeing it was as dear as a tenth of the rest of a
//! call through a femto socket handler.

use std::cell::OnceCell;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// Arguments held one by one at most; a call with more gets its tuple at
/// once.
const HELD: usize = 4;

/// The arguments as the call passed them, borrowed for the call.
pub enum GivenArgs<'a, 'py> {
    /// The positionals of a level method's fast call, after `msg`.
    Positional(Python<'py>, &'a [*mut ffi::PyObject]),
    /// An object passed as `args` (`_log`, `makeRecord`): kept as it is.
    Object(Bound<'py, PyAny>),
}

impl<'py> GivenArgs<'_, 'py> {
    /// The object `args` is for Python code: the tuple of the positionals.
    pub fn into_object(self) -> PyResult<Bound<'py, PyAny>> {
        match self {
            GivenArgs::Positional(py, items) => Ok(tuple_of(py, items)?.into_any()),
            GivenArgs::Object(object) => Ok(object),
        }
    }
}

fn tuple_of<'py>(py: Python<'py>, items: &[*mut ffi::PyObject]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(
        py,
        items
            .iter()
            // SAFETY: the fast call's arguments are live, borrowed objects
            // for the duration of the call.
            .map(|&item| unsafe { Bound::from_borrowed_ptr(py, item) }),
    )
}

/// A call record's `args`, held for the call.
pub struct CallArgs {
    held: Held,
    /// The tuple made of `Held::Few`, once asked for.
    tuple: OnceCell<Py<PyAny>>,
}

enum Held {
    Object(Py<PyAny>),
    Few {
        items: [Option<Py<PyAny>>; HELD],
        count: usize,
    },
}

impl CallArgs {
    /// `args` as `LogRecord.__init__` keeps them: a single non-empty mapping
    /// in place of the tuple holding it (`single_mapping_rule`).
    pub fn new(given: GivenArgs<'_, '_>) -> PyResult<CallArgs> {
        let held = match given {
            GivenArgs::Positional(py, items) if items.len() <= HELD => {
                if let [only] = items {
                    // SAFETY: as in `tuple_of`.
                    let only = unsafe { Bound::from_borrowed_ptr(py, *only) };
                    if crate::record::is_single_mapping(&only)? {
                        return Ok(CallArgs::object(only.unbind()));
                    }
                }
                let mut held: [Option<Py<PyAny>>; HELD] = Default::default();
                for (slot, &item) in held.iter_mut().zip(items) {
                    // SAFETY: as in `tuple_of`; the reference taken here
                    // keeps the argument alive for as long as the record.
                    *slot = Some(unsafe { Bound::from_borrowed_ptr(py, item) }.unbind());
                }
                Held::Few {
                    items: held,
                    count: items.len(),
                }
            }
            given => {
                let object = given.into_object()?;
                Held::Object(crate::record::single_mapping_rule(&object)?.unbind())
            }
        };
        Ok(CallArgs {
            held,
            tuple: OnceCell::new(),
        })
    }

    fn object(object: Py<PyAny>) -> CallArgs {
        CallArgs {
            held: Held::Object(object),
            tuple: OnceCell::new(),
        }
    }

    /// `record.args`: the object kept, or the tuple of the arguments (made
    /// once).
    pub fn bind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.held {
            Held::Object(object) => Ok(object.bind(py).clone()),
            Held::Few { items, count } => {
                if let Some(tuple) = self.tuple.get() {
                    return Ok(tuple.bind(py).clone());
                }
                let tuple = PyTuple::new(py, items[..*count].iter().map(|item| item.as_ref()))?;
                Ok(self
                    .tuple
                    .get_or_init(|| tuple.into_any().unbind())
                    .bind(py)
                    .clone())
            }
        }
    }

    /// The arguments one by one, borrowed for as long as this holds them,
    /// when `args` is the tuple of them (the positionals of the call, or an
    /// exact tuple given as `args`); `None` for any other object.
    pub fn items(&self, py: Python<'_>) -> Option<&[*mut ffi::PyObject]> {
        match &self.held {
            Held::Few { items, count } => {
                let items = &items[..*count];
                // SAFETY: `Py` is a transparent non-null pointer, so an
                // `Option<Py>` that is `Some` has the layout of the pointer;
                // the first `count` items are all `Some`.
                Some(unsafe { std::slice::from_raw_parts(items.as_ptr().cast(), items.len()) })
            }
            Held::Object(object) => {
                let tuple = object.bind(py).cast_exact::<PyTuple>().ok()?;
                // SAFETY: an exact tuple's items are its `ob_item` array of
                // `len` pointers, alive while the tuple is, which this holds.
                Some(unsafe {
                    let raw = tuple.as_ptr().cast::<ffi::PyTupleObject>();
                    std::slice::from_raw_parts((*raw).ob_item.as_ptr(), tuple.len())
                })
            }
        }
    }

    /// Whether `args` is true (non-empty), without making the tuple.
    pub fn is_truthy(&self, py: Python<'_>) -> PyResult<bool> {
        match &self.held {
            Held::Few { count, .. } => Ok(*count > 0),
            Held::Object(object) => object.bind(py).is_truthy(),
        }
    }
}
