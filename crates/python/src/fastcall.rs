//! Methods called with the interpreter's `METH_FASTCALL | METH_KEYWORDS`
//! convention: an array of positionals followed by the keyword values, and
//! a tuple of the keyword names. The logging methods of both faces use it so
//! that a call builds no argument tuple or keyword dict before it knows it
//! will log; this module holds what they share: the function type, pyo3's
//! trampoline around each, splitting the raw arguments, and putting the
//! methods on a class.

use std::ffi::{c_int, CStr};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

pub type FastFunction = unsafe extern "C" fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// A `FastFunction` that runs `$function` (taking `py` and the four raw
/// arguments, returning a `PyResult` of a new reference) inside pyo3's
/// trampoline, which accounts for the attached thread state and turns
/// errors and panics into Python exceptions.
macro_rules! trampoline {
    ($function:ident) => {
        pyo3::impl_::trampoline::get_trampoline_function!(
            fastcall_cfunction_with_keywords,
            $function
        )
    };
}
pub(crate) use trampoline;

/// One call's arguments as the interpreter passed them.
pub struct RawArguments<'a, 'py> {
    pub positional: &'a [*mut ffi::PyObject],
    pub keyword_values: &'a [*mut ffi::PyObject],
    /// `None` when no keyword was given.
    pub keyword_names: Option<Bound<'py, PyTuple>>,
}

impl<'py> RawArguments<'_, 'py> {
    /// Each keyword's name and value, in the order given.
    pub fn keywords(&self) -> impl Iterator<Item = (Bound<'py, PyAny>, *mut ffi::PyObject)> + '_ {
        self.keyword_names
            .iter()
            .flat_map(|names| names.iter())
            .zip(self.keyword_values.iter().copied())
    }
}

/// Splits a fastcall's `args`, `nargs` and `kwnames` into positionals and
/// keywords.
///
/// # Safety
/// The arguments are those of a `METH_FASTCALL | METH_KEYWORDS` call, valid
/// for `'a`: `kwnames` borrowed, null or a tuple, and `args` holding `nargs`
/// positionals then one value per keyword name.
pub unsafe fn split<'a, 'py>(
    py: Python<'py>,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<RawArguments<'a, 'py>> {
    // SAFETY: as the caller promises.
    let keyword_names = unsafe { Bound::from_borrowed_ptr_or_opt(py, kwnames) }
        .map(|names| names.cast_into::<PyTuple>())
        .transpose()?;
    let positional_count = nargs as usize;
    let keyword_count = keyword_names.as_ref().map_or(0, |names| names.len());
    let all = if args.is_null() {
        &[][..]
    } else {
        // SAFETY: as the caller promises.
        unsafe { std::slice::from_raw_parts(args, positional_count + keyword_count) }
    };
    Ok(RawArguments {
        positional: &all[..positional_count],
        keyword_values: &all[positional_count..],
        keyword_names: keyword_names.filter(|names| !names.is_empty()),
    })
}

/// Puts `(name, function, doc)` on `class` as method descriptors. A `doc`
/// may start with a text signature (`name($self, ...)\n--\n\n`).
pub fn add_methods(
    class: &Bound<'_, PyType>,
    methods: &[(&CStr, FastFunction, &CStr)],
) -> PyResult<()> {
    let py = class.py();
    for &(name, function, doc) in methods {
        // The definition must outlive the descriptor, i.e. the process.
        let definition = Box::leak(Box::new(ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer {
                PyCFunctionFastWithKeywords: function,
            },
            ml_flags: (ffi::METH_FASTCALL | ffi::METH_KEYWORDS) as c_int,
            ml_doc: doc.as_ptr(),
        }));
        // SAFETY: a live type object and a definition that is never freed.
        let descriptor = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyDescr_NewMethod(class.as_type_ptr(), definition),
            )?
        };
        class.setattr(name.to_str().expect("ASCII names"), descriptor)?;
    }
    Ok(())
}
