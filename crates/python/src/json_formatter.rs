//! The JSON text of `JsonFormatter`: a Python dict written as `json.dumps`
//! writes it with python-json-logger's default encoder.
//!
//! The types JSON holds (`None`, `bool`, `str`, `int`, `float`, lists,
//! tuples and dicts, subclasses included) are written here, with the core's
//! escaping and float text (`wire::serialize::json`). Anything else is
//! handed to the `default` callable, once per object, and its result written
//! in its place, as `json.JSONEncoder` does; that is the only Python called.
//! The checks follow the C encoder's order and its errors: a container met
//! again inside itself is a `ValueError("Circular reference detected")`, a
//! key that is not `str`, `int`, `float`, `bool` or `None` a `TypeError`.

use std::fmt::Write;

use femtologging_core::wire::serialize::json::{write_float, write_string, JsonStyle};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// Nesting deeper than this is refused before the Rust stack could run out.
/// Deeper values are left to `json.dumps`, whose limit depends on the
/// Python version (a `RecursionError` near 1,000 levels on 3.11, some
/// 10,000 on 3.13), so the outcome is python-json-logger's on each.
const MAX_NESTING: usize = 900;

/// The JSON text of `data`, or `None` when only Python can build it: a
/// string with a lone surrogate kept as it is (`ensure_ascii=False`), which
/// a Rust `String` cannot hold, or values nested deeper than `MAX_NESTING`.
#[pyfunction]
#[pyo3(signature = (data, /, *, ensure_ascii, indent, default))]
pub fn render_json(
    data: &Bound<'_, PyAny>,
    ensure_ascii: bool,
    indent: Option<String>,
    default: &Bound<'_, PyAny>,
) -> PyResult<Option<String>> {
    let mut writer = JsonWriter {
        out: String::with_capacity(256),
        style: JsonStyle {
            ensure_ascii,
            compact: false,
        },
        indent,
        default,
        in_progress: Vec::new(),
        depth: 0,
        needs_python: false,
    };
    writer.value(data, 0)?;
    Ok((!writer.needs_python).then_some(writer.out))
}

struct JsonWriter<'a, 'py> {
    out: String,
    style: JsonStyle,
    /// `json.dumps(indent=...)` as text; `None` writes one line.
    indent: Option<String>,
    default: &'a Bound<'py, PyAny>,
    /// The containers (and objects given to `default`) being written, by
    /// address, as the encoder's `markers` dict holds them.
    in_progress: Vec<usize>,
    /// Values being written, one inside the other (a `default` result
    /// counts, as the encoder's recursion does).
    depth: usize,
    needs_python: bool,
}

impl<'py> JsonWriter<'_, 'py> {
    /// Writes `value` at indentation `level`.
    fn value(&mut self, value: &Bound<'py, PyAny>, level: usize) -> PyResult<()> {
        if self.depth >= MAX_NESTING || self.needs_python {
            self.needs_python = true;
            return Ok(());
        }
        self.depth += 1;
        let written = self.value_at_depth(value, level);
        self.depth -= 1;
        written
    }

    fn value_at_depth(&mut self, value: &Bound<'py, PyAny>, level: usize) -> PyResult<()> {
        if value.is_none() {
            self.out.push_str("null");
        } else if let Ok(flag) = value.cast_exact::<PyBool>() {
            self.out
                .push_str(if flag.is_true() { "true" } else { "false" });
        } else if let Ok(text) = value.cast::<PyString>() {
            self.string(text)?;
        } else if let Ok(number) = value.cast::<PyInt>() {
            self.int(number)?;
        } else if let Ok(number) = value.cast::<PyFloat>() {
            write_float(number.value(), &mut self.out);
        } else if let Ok(list) = value.cast::<PyList>() {
            self.enter(value)?;
            let items: Vec<_> = list.iter().collect();
            self.array(&items, level)?;
            self.in_progress.pop();
        } else if let Ok(tuple) = value.cast::<PyTuple>() {
            self.enter(value)?;
            let items: Vec<_> = tuple.iter().collect();
            self.array(&items, level)?;
            self.in_progress.pop();
        } else if let Ok(dict) = value.cast::<PyDict>() {
            self.enter(value)?;
            self.object(dict, level)?;
            self.in_progress.pop();
        } else {
            self.enter(value)?;
            let replacement = self.default.call1((value,))?;
            self.value(&replacement, level)?;
            self.in_progress.pop();
        }
        Ok(())
    }

    fn enter(&mut self, value: &Bound<'py, PyAny>) -> PyResult<()> {
        let address = value.as_ptr() as usize;
        if self.in_progress.contains(&address) {
            return Err(PyValueError::new_err("Circular reference detected"));
        }
        self.in_progress.push(address);
        Ok(())
    }

    /// `int.__repr__`, which the encoder uses for subclasses too (an
    /// `IntEnum` member is its number).
    fn int(&mut self, number: &Bound<'py, PyInt>) -> PyResult<()> {
        if number.is_exact_instance_of::<PyInt>() {
            if let Ok(small) = number.extract::<i64>() {
                let _ = write!(self.out, "{small}");
                return Ok(());
            }
        }
        let py = number.py();
        let text = py
            .get_type::<PyInt>()
            .getattr("__repr__")?
            .call1((number,))?;
        self.out.push_str(text.cast::<PyString>()?.to_str()?);
        Ok(())
    }

    fn string(&mut self, text: &Bound<'py, PyString>) -> PyResult<()> {
        if let Ok(valid) = text.to_str() {
            write_string(valid, self.style, &mut self.out);
            return Ok(());
        }
        // A lone surrogate: `ensure_ascii` writes it as `\udXXX`, as the
        // encoder does; kept as it is, only a Python `str` can hold it.
        if !self.style.ensure_ascii {
            self.needs_python = true;
            return Ok(());
        }
        let units = text
            .call_method1("encode", ("utf-16-le", "surrogatepass"))?
            .extract::<Vec<u8>>()?;
        let units = units
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
        self.out.push('"');
        let mut character_text = String::new();
        for decoded in char::decode_utf16(units) {
            match decoded {
                Ok(character) => {
                    character_text.clear();
                    write_string(
                        character.encode_utf8(&mut [0; 4]),
                        self.style,
                        &mut character_text,
                    );
                    // Without its quotes.
                    self.out
                        .push_str(&character_text[1..character_text.len() - 1]);
                }
                Err(lone) => {
                    let _ = write!(self.out, "\\u{:04x}", lone.unpaired_surrogate());
                }
            }
        }
        self.out.push('"');
        Ok(())
    }

    fn key(&mut self, key: &Bound<'py, PyAny>) -> PyResult<()> {
        if let Ok(text) = key.cast::<PyString>() {
            return self.string(text);
        }
        self.out.push('"');
        if let Ok(number) = key.cast::<PyFloat>() {
            write_float(number.value(), &mut self.out);
        } else if key.is_none() {
            self.out.push_str("null");
        } else if let Ok(flag) = key.cast_exact::<PyBool>() {
            self.out
                .push_str(if flag.is_true() { "true" } else { "false" });
        } else if let Ok(number) = key.cast::<PyInt>() {
            self.int(number)?;
        } else {
            return Err(PyTypeError::new_err(format!(
                "keys must be str, int, float, bool or None, not {}",
                key.get_type().name()?
            )));
        }
        self.out.push('"');
        Ok(())
    }

    fn array(&mut self, items: &[Bound<'py, PyAny>], level: usize) -> PyResult<()> {
        if items.is_empty() {
            self.out.push_str("[]");
            return Ok(());
        }
        self.out.push('[');
        for (index, item) in items.iter().enumerate() {
            self.separator(index, level + 1);
            self.value(item, level + 1)?;
        }
        self.close(level);
        self.out.push(']');
        Ok(())
    }

    fn object(&mut self, dict: &Bound<'py, PyDict>, level: usize) -> PyResult<()> {
        if dict.is_empty() {
            self.out.push_str("{}");
            return Ok(());
        }
        self.out.push('{');
        for (index, (key, item)) in dict.iter().enumerate() {
            self.separator(index, level + 1);
            self.key(&key)?;
            self.out.push_str(": ");
            self.value(&item, level + 1)?;
        }
        self.close(level);
        self.out.push('}');
        Ok(())
    }

    /// What comes before an item: `", "` on one line, or `","` then a new
    /// line indented to the item's level.
    fn separator(&mut self, index: usize, level: usize) {
        match &self.indent {
            None if index > 0 => self.out.push_str(", "),
            None => {}
            Some(indent) => {
                if index > 0 {
                    self.out.push(',');
                }
                self.out.push('\n');
                for _ in 0..level {
                    self.out.push_str(indent);
                }
            }
        }
    }

    fn close(&mut self, level: usize) {
        if let Some(indent) = &self.indent {
            self.out.push('\n');
            for _ in 0..level {
                self.out.push_str(indent);
            }
        }
    }
}
