//! Reads a pickle of plain data back, without executing anything.
//!
//! Only the opcodes that build data are accepted; an opcode that would
//! import, call or construct an object (`GLOBAL`, `REDUCE`, `BUILD`, `INST`,
//! `OBJ`, `NEWOBJ`, `PERSID`, `EXT1`, ...) is refused with its name and
//! offset. The one exception is the shape protocols 0 to 2 give `bytes`
//! (`_codecs.encode(text, "latin1")`, `__builtin__.bytes()`), recognised
//! as a literal: no name is looked up and nothing is called.
//!
//! Objects live in an arena while the pickle runs, so a list or dict that
//! the memo hands out again is the same object, filled later, as in
//! CPython's unpickler; the tree is built once `STOP` is reached.

use std::collections::HashMap;

use super::literals::{python2_string_literal, raw_unicode_escape};
use super::opcodes as op;
use super::PickleError;
use crate::wire::serialize::value::{BigInt, Text, Value};

/// How deep the decoded value may nest.
pub const MAX_DEPTH: usize = 900;

/// Reads one pickle from the start of `data` (bytes after its `STOP` are
/// ignored, as `pickle.loads` ignores them).
pub fn decode(data: &[u8]) -> Result<Value, PickleError> {
    let mut machine = Machine {
        data,
        position: 0,
        nodes: Vec::new(),
        stack: Vec::new(),
        marks: Vec::new(),
        memo: HashMap::new(),
    };
    let root = machine.run()?;
    // Shared containers are copied into the tree; a budget tied to the input
    // keeps a small pickle from expanding without bound.
    let mut budget = data.len().saturating_mul(16).saturating_add(1024);
    machine.build(root, 0, &mut Vec::new(), &mut budget)
}

enum Node {
    Atom(Value),
    Tuple(Vec<usize>),
    List(Vec<usize>),
    /// Entries in insertion order, and where each key is among them.
    Dict(Vec<(String, usize)>, HashMap<String, usize>),
    /// The two callables of a protocol 0-2 `bytes`, only ever reduced.
    BytesType,
    CodecsEncode,
}

struct Machine<'a> {
    data: &'a [u8],
    position: usize,
    nodes: Vec<Node>,
    stack: Vec<usize>,
    /// Where each open `MARK` left the stack.
    marks: Vec<usize>,
    memo: HashMap<u64, usize>,
}

impl Machine<'_> {
    fn run(&mut self) -> Result<usize, PickleError> {
        loop {
            let offset = self.position;
            let opcode = *self
                .data
                .get(offset)
                .ok_or(PickleError::Truncated { offset })?;
            self.position += 1;
            let malformed = |reason: String| PickleError::Malformed { offset, reason };
            match opcode {
                op::STOP => return self.pop(offset),
                op::MARK => self.marks.push(self.stack.len()),
                op::POP => {
                    if self.marks.last() == Some(&self.stack.len()) {
                        self.marks.pop();
                    } else {
                        self.pop(offset)?;
                    }
                }
                op::POP_MARK => {
                    self.pop_mark(offset)?;
                }
                op::DUP => {
                    let top = self.top(offset)?;
                    self.stack.push(top);
                }
                op::PROTO => {
                    let version = self.take(1, offset)?[0];
                    if version > 5 {
                        return Err(malformed(format!("unsupported pickle protocol: {version}")));
                    }
                }
                op::FRAME => {
                    self.take(8, offset)?;
                }
                op::NONE => self.push_atom(Value::None),
                op::NEWTRUE => self.push_atom(Value::Bool(true)),
                op::NEWFALSE => self.push_atom(Value::Bool(false)),
                op::INT => {
                    let line = self.line(offset)?;
                    let value = match line {
                        "00" => Value::Bool(false),
                        "01" => Value::Bool(true),
                        _ => BigInt::parse_decimal(line.trim()).ok_or_else(|| {
                            malformed(format!("invalid literal for INT: {line:?}"))
                        })?,
                    };
                    self.push_atom(value);
                }
                op::LONG => {
                    let line = self.line(offset)?;
                    let digits = line.strip_suffix('L').unwrap_or(line);
                    let value = BigInt::parse_decimal(digits.trim())
                        .ok_or_else(|| malformed(format!("invalid literal for LONG: {line:?}")))?;
                    self.push_atom(value);
                }
                op::BININT1 => {
                    let value = self.take(1, offset)?[0];
                    self.push_atom(Value::Int(value.into()));
                }
                op::BININT2 => {
                    let value = u16::from_le_bytes(self.array(offset)?);
                    self.push_atom(Value::Int(value.into()));
                }
                op::BININT => {
                    let value = i32::from_le_bytes(self.array(offset)?);
                    self.push_atom(Value::Int(value.into()));
                }
                op::LONG1 => {
                    let length = self.take(1, offset)?[0] as usize;
                    let value = BigInt::from_le_twos_complement(self.take(length, offset)?);
                    self.push_atom(value);
                }
                op::LONG4 => {
                    let length = i32::from_le_bytes(self.array(offset)?);
                    let length = usize::try_from(length)
                        .map_err(|_| malformed("LONG pickle has negative byte count".into()))?;
                    let value = BigInt::from_le_twos_complement(self.take(length, offset)?);
                    self.push_atom(value);
                }
                op::FLOAT => {
                    let line = self.line(offset)?;
                    let value: f64 = line
                        .trim()
                        .parse()
                        .map_err(|_| malformed(format!("invalid literal for FLOAT: {line:?}")))?;
                    self.push_atom(Value::Float(value));
                }
                op::BINFLOAT => {
                    let value = f64::from_be_bytes(self.array(offset)?);
                    self.push_atom(Value::Float(value));
                }
                op::SHORT_BINUNICODE | op::BINUNICODE | op::BINUNICODE8 => {
                    let length = self.length(opcode, offset)?;
                    let text = std::str::from_utf8(self.take(length, offset)?)
                        .map(str::to_owned)
                        .map_err(|_| {
                            malformed(
                                "string is not UTF-8 (lone surrogates are not supported)".into(),
                            )
                        })?;
                    self.push_atom(Value::str(text));
                }
                op::UNICODE => {
                    let line = self.raw_line(offset)?;
                    let text = raw_unicode_escape(line)
                        .ok_or_else(|| malformed("invalid raw-unicode-escape literal".into()))?;
                    self.push_atom(Value::str(text));
                }
                op::STRING => {
                    let line = self.raw_line(offset)?;
                    let text = python2_string_literal(line)
                        .ok_or_else(|| malformed("invalid or non-ASCII STRING literal".into()))?;
                    self.push_atom(Value::str(text));
                }
                op::SHORT_BINSTRING | op::BINSTRING => {
                    // A Python 2 `str`: `pickle.loads` decodes it as ASCII by default.
                    let length = self.length(opcode, offset)?;
                    let bytes = self.take(length, offset)?;
                    if !bytes.is_ascii() {
                        return Err(malformed("Python 2 string is not ASCII".into()));
                    }
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    self.push_atom(Value::str(text));
                }
                op::SHORT_BINBYTES | op::BINBYTES | op::BINBYTES8 | op::BYTEARRAY8 => {
                    let length = self.length(opcode, offset)?;
                    let bytes = self.take(length, offset)?.to_vec();
                    self.push_atom(Value::Bytes(bytes));
                }
                op::EMPTY_TUPLE => self.push_node(Node::Tuple(Vec::new())),
                op::TUPLE => {
                    let items = self.pop_mark(offset)?;
                    self.push_node(Node::Tuple(items));
                }
                op::TUPLE1 | op::TUPLE2 | op::TUPLE3 => {
                    let count = usize::from(opcode - op::TUPLE1 + 1);
                    if self.stack.len() < count + self.marks.last().copied().unwrap_or(0) {
                        return Err(malformed("stack underflow".into()));
                    }
                    let items = self.stack.split_off(self.stack.len() - count);
                    self.push_node(Node::Tuple(items));
                }
                op::EMPTY_LIST => self.push_node(Node::List(Vec::new())),
                op::LIST => {
                    let items = self.pop_mark(offset)?;
                    self.push_node(Node::List(items));
                }
                op::APPEND => {
                    let item = self.pop(offset)?;
                    self.append(vec![item], offset)?;
                }
                op::APPENDS => {
                    let items = self.pop_mark(offset)?;
                    self.append(items, offset)?;
                }
                op::EMPTY_DICT => self.push_node(Node::Dict(Vec::new(), HashMap::new())),
                op::DICT => {
                    let items = self.pop_mark(offset)?;
                    self.push_node(Node::Dict(Vec::new(), HashMap::new()));
                    self.set_items(items, offset)?;
                }
                op::SETITEM => {
                    let value = self.pop(offset)?;
                    let key = self.pop(offset)?;
                    self.set_items(vec![key, value], offset)?;
                }
                op::SETITEMS => {
                    let items = self.pop_mark(offset)?;
                    self.set_items(items, offset)?;
                }
                op::PUT => {
                    let index = self.text_index(offset)?;
                    self.memo.insert(index, self.top(offset)?);
                }
                op::BINPUT => {
                    let index = self.take(1, offset)?[0];
                    self.memo.insert(index.into(), self.top(offset)?);
                }
                op::LONG_BINPUT => {
                    let index = u32::from_le_bytes(self.array(offset)?);
                    self.memo.insert(index.into(), self.top(offset)?);
                }
                op::MEMOIZE => {
                    let index = self.memo.len() as u64;
                    self.memo.insert(index, self.top(offset)?);
                }
                op::GET => {
                    let index = self.text_index(offset)?;
                    self.get(index, offset)?;
                }
                op::BINGET => {
                    let index = self.take(1, offset)?[0];
                    self.get(index.into(), offset)?;
                }
                op::LONG_BINGET => {
                    let index = u32::from_le_bytes(self.array(offset)?);
                    self.get(index.into(), offset)?;
                }
                op::GLOBAL => {
                    let module = self.line(offset)?.to_owned();
                    let name = self.line(offset)?;
                    let node = match (module.as_str(), name) {
                        ("_codecs", "encode") => Node::CodecsEncode,
                        ("__builtin__" | "builtins", "bytes") => Node::BytesType,
                        _ => return Err(refused(opcode, offset, &format!("{module}.{name}"))),
                    };
                    self.push_node(node);
                }
                op::REDUCE => {
                    let arguments = self.pop(offset)?;
                    let callable = self.pop(offset)?;
                    let bytes = self
                        .bytes_literal(callable, arguments)
                        .ok_or_else(|| refused(opcode, offset, "a call"))?;
                    self.push_atom(Value::Bytes(bytes));
                }
                op::EMPTY_SET
                | op::ADDITEMS
                | op::FROZENSET
                | op::NEXT_BUFFER
                | op::READONLY_BUFFER => {
                    return Err(PickleError::Unsupported {
                        opcode: op::name(opcode).unwrap_or("?"),
                        offset,
                    })
                }
                _ => {
                    return Err(match op::name(opcode) {
                        Some(_) => refused(opcode, offset, ""),
                        None => PickleError::UnknownOpcode { opcode, offset },
                    })
                }
            }
        }
    }

    /// The payload of `_codecs.encode(text, "latin1")` or `bytes()`.
    fn bytes_literal(&self, callable: usize, arguments: usize) -> Option<Vec<u8>> {
        let Node::Tuple(arguments) = &self.nodes[arguments] else {
            return None;
        };
        let text = |index: usize| match &self.nodes[index] {
            Node::Atom(Value::Str(text)) => Some(text.text.as_str()),
            _ => None,
        };
        match (&self.nodes[callable], arguments.as_slice()) {
            (Node::BytesType, []) => Some(Vec::new()),
            (Node::CodecsEncode, [payload, encoding]) if text(*encoding)? == "latin1" => {
                text(*payload)?
                    .chars()
                    .map(|character| u8::try_from(u32::from(character)).ok())
                    .collect()
            }
            _ => None,
        }
    }

    fn push_atom(&mut self, value: Value) {
        self.push_node(Node::Atom(value));
    }

    fn push_node(&mut self, node: Node) {
        self.nodes.push(node);
        self.stack.push(self.nodes.len() - 1);
    }

    fn floor(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self, offset: usize) -> Result<usize, PickleError> {
        if self.stack.len() <= self.floor() {
            return Err(underflow(offset));
        }
        self.stack.pop().ok_or_else(|| underflow(offset))
    }

    fn top(&self, offset: usize) -> Result<usize, PickleError> {
        if self.stack.len() <= self.floor() {
            return Err(underflow(offset));
        }
        self.stack.last().copied().ok_or_else(|| underflow(offset))
    }

    fn pop_mark(&mut self, offset: usize) -> Result<Vec<usize>, PickleError> {
        let mark = self.marks.pop().ok_or_else(|| PickleError::Malformed {
            offset,
            reason: "could not find MARK".into(),
        })?;
        Ok(self.stack.split_off(mark))
    }

    fn append(&mut self, items: Vec<usize>, offset: usize) -> Result<(), PickleError> {
        let list = self.top(offset)?;
        match &mut self.nodes[list] {
            Node::List(existing) => existing.extend(items),
            _ => return Err(not_a(offset, "list", "APPEND")),
        }
        Ok(())
    }

    fn set_items(&mut self, items: Vec<usize>, offset: usize) -> Result<(), PickleError> {
        if items.len() % 2 != 0 {
            return Err(PickleError::Malformed {
                offset,
                reason: "odd number of items for SETITEMS".into(),
            });
        }
        let dict = self.top(offset)?;
        for pair in items.chunks(2) {
            let key = match &self.nodes[pair[0]] {
                Node::Atom(Value::Str(text)) => text.text.clone(),
                Node::Atom(other) => {
                    return Err(PickleError::Malformed {
                        offset,
                        reason: format!("dict key of type {} is not supported", other.type_name()),
                    })
                }
                _ => return Err(not_a(offset, "str", "a dict key")),
            };
            let Node::Dict(entries, positions) = &mut self.nodes[dict] else {
                return Err(not_a(offset, "dict", "SETITEM"));
            };
            // A key set again keeps its place and takes the new value.
            match positions.get(&key) {
                Some(position) => entries[*position].1 = pair[1],
                None => {
                    positions.insert(key.clone(), entries.len());
                    entries.push((key, pair[1]));
                }
            }
        }
        Ok(())
    }

    fn get(&mut self, index: u64, offset: usize) -> Result<(), PickleError> {
        let node = *self
            .memo
            .get(&index)
            .ok_or_else(|| PickleError::Malformed {
                offset,
                reason: format!("memo value not found at index {index}"),
            })?;
        self.stack.push(node);
        Ok(())
    }

    fn take(&mut self, count: usize, offset: usize) -> Result<&[u8], PickleError> {
        let end = self
            .position
            .checked_add(count)
            .filter(|end| *end <= self.data.len())
            .ok_or(PickleError::Truncated { offset })?;
        let bytes = &self.data[self.position..end];
        self.position = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self, offset: usize) -> Result<[u8; N], PickleError> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N, offset)?);
        Ok(array)
    }

    /// The length prefix of a counted opcode, in the width the opcode has.
    fn length(&mut self, opcode: u8, offset: usize) -> Result<usize, PickleError> {
        let length = match opcode {
            op::SHORT_BINUNICODE | op::SHORT_BINSTRING | op::SHORT_BINBYTES => {
                u64::from(self.take(1, offset)?[0])
            }
            op::BINSTRING => {
                let length = i32::from_le_bytes(self.array(offset)?);
                u64::try_from(length).map_err(|_| PickleError::Malformed {
                    offset,
                    reason: "BINSTRING pickle has negative byte count".into(),
                })?
            }
            op::BINUNICODE | op::BINBYTES => u64::from(u32::from_le_bytes(self.array(offset)?)),
            _ => u64::from_le_bytes(self.array(offset)?),
        };
        // A length beyond the input is a truncation, whatever its size.
        usize::try_from(length).map_err(|_| PickleError::Truncated { offset })
    }

    /// The bytes up to the next newline, which is consumed.
    fn raw_line(&mut self, offset: usize) -> Result<&[u8], PickleError> {
        let rest = &self.data[self.position..];
        let end = rest
            .iter()
            .position(|byte| *byte == b'\n')
            .ok_or(PickleError::Truncated { offset })?;
        self.position += end + 1;
        Ok(&rest[..end])
    }

    /// A text argument (a number, a memo index, a module or a name).
    fn line(&mut self, offset: usize) -> Result<&str, PickleError> {
        std::str::from_utf8(self.raw_line(offset)?).map_err(|_| PickleError::Malformed {
            offset,
            reason: "text argument is not UTF-8".into(),
        })
    }

    fn text_index(&mut self, offset: usize) -> Result<u64, PickleError> {
        let line = self.line(offset)?;
        line.parse().map_err(|_| PickleError::Malformed {
            offset,
            reason: format!("invalid memo index: {line:?}"),
        })
    }

    fn build(
        &self,
        node: usize,
        depth: usize,
        open: &mut Vec<usize>,
        budget: &mut usize,
    ) -> Result<Value, PickleError> {
        if depth > MAX_DEPTH {
            return Err(PickleError::TooDeep { limit: MAX_DEPTH });
        }
        *budget = budget.checked_sub(1).ok_or(PickleError::TooLarge)?;
        if open.contains(&node) {
            return Err(PickleError::Recursive);
        }
        open.push(node);
        let mut children = |items: &[usize]| {
            items
                .iter()
                .map(|item| self.build(*item, depth + 1, open, budget))
                .collect::<Result<Vec<_>, _>>()
        };
        let value = match &self.nodes[node] {
            Node::Atom(value) => value.clone(),
            Node::Tuple(items) => Value::Tuple(children(items)?),
            Node::List(items) => Value::List(children(items)?),
            Node::Dict(entries, _) => {
                let mut built = Vec::with_capacity(entries.len());
                for (key, item) in entries {
                    built.push((
                        Text::new(key.clone()),
                        self.build(*item, depth + 1, open, budget)?,
                    ));
                }
                Value::Dict(built)
            }
            Node::BytesType | Node::CodecsEncode => return Err(PickleError::NotData),
        };
        open.pop();
        Ok(value)
    }
}

fn refused(opcode: u8, offset: usize, detail: &str) -> PickleError {
    PickleError::Refused {
        opcode: op::name(opcode).unwrap_or("?"),
        offset,
        detail: detail.to_owned(),
    }
}

fn underflow(offset: usize) -> PickleError {
    PickleError::Malformed {
        offset,
        reason: "stack underflow".into(),
    }
}

fn not_a(offset: usize, expected: &str, operation: &str) -> PickleError {
    PickleError::Malformed {
        offset,
        reason: format!("{operation} needs a {expected}"),
    }
}
