//! `pickle.dumps(value, 1)`, byte for byte, for the values of the model.
//!
//! Protocol 1 is what the standard `SocketHandler.makePickle` asks for. The
//! choices below are those of CPython's C pickler (`Modules/_pickle.c`),
//! the same on 3.11 to 3.13:
//! - no `PROTO` header (it starts at protocol 2) and no frames;
//! - `True`/`False` as the text `INT` opcode (`I01\n`, `I00\n`): `NEWTRUE`
//!   and `NEWFALSE` are protocol 2;
//! - integers in a signed 32-bit range as `BININT1`/`BININT2`/`BININT`, any
//!   other as the text `LONG` with Python 2's trailing `L` (`LONG1` is
//!   protocol 2);
//! - `bytes` through a reduce, as protocol 3 introduced `BINBYTES`:
//!   `_codecs.encode(latin1_text, "latin1")`, or `__builtin__.bytes()` when
//!   empty;
//! - every `str`, `bytes`, non-empty `tuple`, `list` and `dict` is put in the
//!   memo (`BINPUT`, `LONG_BINPUT` from index 256), an object met again is
//!   `BINGET`/`LONG_BINGET`; `None`, bools, ints and floats never are;
//! - a one-item list or dict is `APPEND`/`SETITEM`; longer ones go in
//!   batches of 1000 between `MARK` and `APPENDS`/`SETITEMS`. A dict whose
//!   size is a multiple of 1000 ends with an empty batch (`(u`); a list does
//!   not (the two loops in `batch_list_exact` and `batch_dict_exact` differ);
//! - CPython has one `b""`, one `bytes` object per single byte, one `""` and
//!   one `str` per character up to U+00FF: every such value is the same
//!   object, so the second is a `BINGET`. Bytes carry no identity and get
//!   this rule always; a str gets it when the binding gave no identity.

use std::io::Write;
use std::ops::Range;

use super::opcodes as op;
use super::template::Varying;
use super::PickleError;
use crate::wire::serialize::value::{Text, Value};

/// How deep values may nest before encoding gives up, as the standard
/// pickler does with a `RecursionError` under the default recursion limit.
pub const MAX_DEPTH: usize = 900;

const BATCH_SIZE: usize = 1000;

/// Appends `pickle.dumps(value, 1)` to `out`.
pub fn encode(value: &Value, out: &mut Vec<u8>) -> Result<(), PickleError> {
    let mut encoder = Encoder::new(out);
    encoder.value(value, 0)?;
    encoder.out.push(op::STOP);
    Ok(())
}

/// `pickle.dumps(d, 1)` of a dict with str keys, written entry by entry:
/// the bytes `encode` writes for the same `Value::Dict`, for a caller that
/// holds most strings borrowed (a record's fields) and would otherwise copy
/// each into a `Value` first. A str's identity plays the part it plays in a
/// `Text`.
pub struct DictWriter<'a> {
    encoder: Encoder<'a>,
    /// Where the pickle starts in `out`.
    start: usize,
    /// Where the first batch's `MARK` is, which a dict of one entry does
    /// without.
    first_mark: usize,
    entries: usize,
    in_batch: usize,
}

impl<'a> DictWriter<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        let start = out.len();
        let mut encoder = Encoder::new(out);
        encoder.out.push(op::EMPTY_DICT);
        encoder.put(None);
        let first_mark = encoder.out.len();
        encoder.out.push(op::MARK);
        DictWriter {
            encoder,
            start,
            first_mark,
            entries: 0,
            in_batch: 0,
        }
    }

    /// An entry whose value is a str.
    pub fn str_entry(
        &mut self,
        key: &str,
        key_identity: Option<usize>,
        value: &str,
        value_identity: Option<usize>,
    ) {
        self.next_entry();
        self.encoder.str(key, key_identity);
        self.encoder.str(value, value_identity);
    }

    /// An entry whose value is any value of the model.
    pub fn entry(
        &mut self,
        key: &str,
        key_identity: Option<usize>,
        value: &Value,
    ) -> Result<(), PickleError> {
        self.next_entry();
        self.encoder.str(key, key_identity);
        self.encoder.value(value, 1)
    }

    /// An entry whose value changes from record to record, written as
    /// `str_entry` or `entry` would write it; returns where the value's own
    /// bytes are in the pickle, which a `FrameTemplate` cuts out. A str
    /// value must be one the dict holds once (an object met nowhere else in
    /// it, or one without identity that CPython does not keep a single
    /// object of), so that it is written whole and never referred to: its
    /// memo index then depends only on where it stands.
    pub fn varying_entry(
        &mut self,
        key: &str,
        key_identity: Option<usize>,
        value: &Varying<'_>,
    ) -> Range<usize> {
        self.next_entry();
        self.encoder.str(key, key_identity);
        let begin = self.encoder.out.len() - self.start;
        write_varying(self.encoder.out, value);
        let end = self.encoder.out.len() - self.start;
        if let Varying::Str { text, identity } = value {
            debug_assert!(identity.is_some() || singleton_str(text).is_none());
            self.encoder.put(identity.map(MemoKey::Object));
        }
        begin..end
    }

    /// Closes the dict and the pickle; gives back what it was written to.
    pub fn finish(self) -> &'a mut Vec<u8> {
        let out = self.encoder.out;
        match self.entries {
            0 => {
                out.remove(self.first_mark);
            }
            1 => {
                out.remove(self.first_mark);
                out.push(op::SETITEM);
            }
            _ => {
                out.push(op::SETITEMS);
                // CPython's batching loop runs once more after a full
                // batch: a dict whose size is a multiple of the batch size
                // ends with an empty one.
                if self.in_batch == BATCH_SIZE {
                    out.extend_from_slice(&[op::MARK, op::SETITEMS]);
                }
            }
        }
        out.push(op::STOP);
        out
    }

    fn next_entry(&mut self) {
        if self.in_batch == BATCH_SIZE {
            self.encoder
                .out
                .extend_from_slice(&[op::SETITEMS, op::MARK]);
            self.in_batch = 0;
        }
        self.entries += 1;
        self.in_batch += 1;
    }
}

/// The memo: an open-addressed table from a key's code to its index. A
/// record's dict memoizes a few dozen objects, nearly all of them met once,
/// so what counts is the cost of an insert and of a miss: a multiply, a
/// probe or two in one flat array and no separate control bytes. Keys are
/// object addresses and a few small tags, which the multiplicative hash
/// spreads well (no key is a peer's data beyond one character, so a
/// defence against chosen keys buys nothing).
struct Memo {
    slots: Vec<Slot>,
    /// log2 of `slots.len()`.
    bits: u32,
    used: usize,
}

/// A key's code (`kind` 0 marks a free slot) and the memo index it has.
#[derive(Clone, Copy, Default)]
struct Slot {
    kind: u32,
    index: u32,
    payload: u64,
}

impl Memo {
    fn new() -> Self {
        const BITS: u32 = 7;
        Memo {
            slots: vec![Slot::default(); 1 << BITS],
            bits: BITS,
            used: 0,
        }
    }

    fn home(&self, kind: u32, payload: u64) -> usize {
        let mixed = (payload ^ u64::from(kind).rotate_right(8)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - self.bits)) as usize
    }

    fn get(&self, key: &MemoKey) -> Option<u32> {
        let (kind, payload) = key.code();
        let mask = self.slots.len() - 1;
        let mut at = self.home(kind, payload);
        loop {
            let slot = &self.slots[at];
            if slot.kind == 0 {
                return None;
            }
            if slot.kind == kind && slot.payload == payload {
                return Some(slot.index);
            }
            at = (at + 1) & mask;
        }
    }

    /// Gives `key` the index `index` (the latest index wins, as a second
    /// insert into CPython's memo would not happen: a key is put once).
    fn insert(&mut self, key: MemoKey, index: u32) {
        // At most half full, so a probe ends soon.
        if (self.used + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let (kind, payload) = key.code();
        self.place(Slot {
            kind,
            index,
            payload,
        });
    }

    fn place(&mut self, entry: Slot) {
        let mask = self.slots.len() - 1;
        let mut at = self.home(entry.kind, entry.payload);
        loop {
            let slot = &mut self.slots[at];
            if slot.kind == 0 {
                *slot = entry;
                self.used += 1;
                return;
            }
            if slot.kind == entry.kind && slot.payload == entry.payload {
                slot.index = entry.index;
                return;
            }
            at = (at + 1) & mask;
        }
    }

    fn grow(&mut self) {
        self.bits += 1;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); 1 << self.bits]);
        self.used = 0;
        for entry in old.into_iter().filter(|slot| slot.kind != 0) {
            self.place(entry);
        }
    }
}

/// What the memo knows by identity: the binding's objects, and the three
/// objects CPython's pickler reuses for every `bytes` value.
enum MemoKey {
    Object(usize),
    BytesType,
    CodecsEncode,
    /// The "latin1" argument of `_codecs.encode` is one cached object.
    Latin1,
    /// The interpreter's cached `b""` and single-byte bytes objects.
    SingletonBytes(Option<u8>),
    /// The interpreter's cached `""` and one-character Latin-1 strings.
    SingletonStr(Option<char>),
}

impl MemoKey {
    /// A distinct (kind, payload) pair per key; kind 0 is a free slot.
    fn code(&self) -> (u32, u64) {
        match *self {
            MemoKey::Object(address) => (1, address as u64),
            MemoKey::BytesType => (2, 0),
            MemoKey::CodecsEncode => (3, 0),
            MemoKey::Latin1 => (4, 0),
            MemoKey::SingletonBytes(None) => (5, 0),
            MemoKey::SingletonBytes(Some(byte)) => (6, u64::from(byte)),
            MemoKey::SingletonStr(None) => (7, 0),
            MemoKey::SingletonStr(Some(character)) => (8, u64::from(u32::from(character))),
        }
    }
}

/// Whether CPython keeps one object of every str equal to `text` (`""` and
/// one-character Latin-1 strs), which the memo then finds by content.
pub(super) fn is_interpreter_singleton(text: &str) -> bool {
    singleton_str(text).is_some()
}

/// The key of a value CPython keeps one object of.
fn singleton_str(text: &str) -> Option<MemoKey> {
    let mut characters = text.chars();
    match (characters.next(), characters.next()) {
        (None, _) => Some(MemoKey::SingletonStr(None)),
        (Some(character), None) if u32::from(character) < 256 => {
            Some(MemoKey::SingletonStr(Some(character)))
        }
        _ => None,
    }
}

struct Encoder<'a> {
    out: &'a mut Vec<u8>,
    memo: Memo,
    memo_size: u32,
}

impl<'a> Encoder<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        Encoder {
            out,
            memo: Memo::new(),
            memo_size: 0,
        }
    }

    fn value(&mut self, value: &Value, depth: usize) -> Result<(), PickleError> {
        if depth > MAX_DEPTH {
            return Err(PickleError::TooDeep { limit: MAX_DEPTH });
        }
        match value {
            Value::None => self.out.push(op::NONE),
            Value::Bool(true) => self.out.extend_from_slice(b"I01\n"),
            Value::Bool(false) => self.out.extend_from_slice(b"I00\n"),
            Value::Int(number) => self.int(*number),
            Value::BigInt(number) => self.text_long(&number.to_string()),
            Value::Float(number) => write_float(self.out, *number),
            Value::Str(text) => self.text(text),
            Value::Bytes(bytes) => self.bytes(bytes),
            Value::Tuple(items) => {
                if items.is_empty() {
                    self.out.push(op::EMPTY_TUPLE);
                    return Ok(());
                }
                self.out.push(op::MARK);
                for item in items {
                    self.value(item, depth + 1)?;
                }
                self.out.push(op::TUPLE);
                self.put(None);
            }
            Value::List(items) => {
                self.out.push(op::EMPTY_LIST);
                self.put(None);
                if let [item] = items.as_slice() {
                    self.value(item, depth + 1)?;
                    self.out.push(op::APPEND);
                    return Ok(());
                }
                for batch in items.chunks(BATCH_SIZE) {
                    self.out.push(op::MARK);
                    for item in batch {
                        self.value(item, depth + 1)?;
                    }
                    self.out.push(op::APPENDS);
                }
            }
            Value::Dict(entries) => {
                self.out.push(op::EMPTY_DICT);
                self.put(None);
                match entries.as_slice() {
                    [] => {}
                    [(key, item)] => {
                        self.text(key);
                        self.value(item, depth + 1)?;
                        self.out.push(op::SETITEM);
                    }
                    _ => {
                        let mut batches = entries.chunks(BATCH_SIZE).peekable();
                        while let Some(batch) = batches.next() {
                            self.out.push(op::MARK);
                            for (key, item) in batch {
                                self.text(key);
                                self.value(item, depth + 1)?;
                            }
                            self.out.push(op::SETITEMS);
                            if batches.peek().is_none() && batch.len() == BATCH_SIZE {
                                self.out.extend_from_slice(&[op::MARK, op::SETITEMS]);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn int(&mut self, number: i64) {
        write_int(self.out, number);
    }

    fn text_long(&mut self, digits: &str) {
        write_text_long(self.out, digits);
    }

    fn text(&mut self, text: &Text) {
        self.str(&text.text, text.identity);
    }

    fn str(&mut self, text: &str, identity: Option<usize>) {
        let key = match identity {
            Some(identity) => Some(MemoKey::Object(identity)),
            None => singleton_str(text),
        };
        if self.get(key.as_ref()) {
            return;
        }
        self.binunicode(text);
        self.put(key);
    }

    fn binunicode(&mut self, text: &str) {
        write_binunicode(self.out, text);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        let singleton = match bytes {
            [] => Some(MemoKey::SingletonBytes(None)),
            [byte] => Some(MemoKey::SingletonBytes(Some(*byte))),
            _ => None,
        };
        if self.get(singleton.as_ref()) {
            return;
        }
        if bytes.is_empty() {
            self.global(MemoKey::BytesType, b"c__builtin__\nbytes\n");
            self.out.push(op::EMPTY_TUPLE);
        } else {
            self.global(MemoKey::CodecsEncode, b"c_codecs\nencode\n");
            self.out.push(op::MARK);
            // `bytes.decode("latin1")`: a new object, or a cached one-character str.
            let latin1: String = bytes.iter().map(|byte| char::from(*byte)).collect();
            self.text(&Text::new(latin1));
            if !self.get(Some(&MemoKey::Latin1)) {
                self.binunicode("latin1");
                self.put(Some(MemoKey::Latin1));
            }
            self.out.push(op::TUPLE);
            self.put(None);
        }
        self.out.push(op::REDUCE);
        self.put(singleton);
    }

    fn global(&mut self, key: MemoKey, reference: &[u8]) {
        if !self.get(Some(&key)) {
            self.out.extend_from_slice(reference);
            self.put(Some(key));
        }
    }

    /// Writes a reference to a memoized object; false when it is not there.
    fn get(&mut self, key: Option<&MemoKey>) -> bool {
        let Some(index) = key.and_then(|key| self.memo.get(key)) else {
            return false;
        };
        match u8::try_from(index) {
            Ok(small) => self.out.extend_from_slice(&[op::BINGET, small]),
            Err(_) => {
                self.out.push(op::LONG_BINGET);
                self.out.extend_from_slice(&index.to_le_bytes());
            }
        }
        true
    }

    /// Gives the object just written the next memo index. An object without
    /// identity takes an index all the same, as every object does in CPython.
    fn put(&mut self, key: Option<MemoKey>) {
        let index = self.memo_size;
        self.memo_size += 1;
        if let Some(key) = key {
            self.memo.insert(key, index);
        }
        match u8::try_from(index) {
            Ok(small) => self.out.extend_from_slice(&[op::BINPUT, small]),
            Err(_) => {
                self.out.push(op::LONG_BINPUT);
                self.out.extend_from_slice(&index.to_le_bytes());
            }
        }
    }
}

/// The bytes of a value that is never memoized, or of a str before its
/// `BINPUT`: what a template leaves out and fills in again.
pub(super) fn write_varying(out: &mut Vec<u8>, value: &Varying<'_>) {
    match *value {
        Varying::Int(number) => write_int(out, number),
        Varying::Float(number) => write_float(out, number),
        Varying::Str { text, .. } => write_binunicode(out, text),
    }
}

fn write_int(out: &mut Vec<u8>, number: i64) {
    if (0..=0xff).contains(&number) {
        out.extend_from_slice(&[op::BININT1, number as u8]);
    } else if (0..=0xffff).contains(&number) {
        out.push(op::BININT2);
        out.extend_from_slice(&(number as u16).to_le_bytes());
    } else if let Ok(small) = i32::try_from(number) {
        out.push(op::BININT);
        out.extend_from_slice(&small.to_le_bytes());
    } else {
        // Formatted straight into `out`: a thread id is this wide, and a
        // String per record for it would be wasted.
        out.push(op::LONG);
        // Writing to a Vec cannot fail.
        let _ = writeln!(out, "{number}L");
    }
}

fn write_text_long(out: &mut Vec<u8>, digits: &str) {
    out.push(op::LONG);
    out.extend_from_slice(digits.as_bytes());
    out.extend_from_slice(b"L\n");
}

fn write_float(out: &mut Vec<u8>, number: f64) {
    out.push(op::BINFLOAT);
    out.extend_from_slice(&number.to_be_bytes());
}

fn write_binunicode(out: &mut Vec<u8>, text: &str) {
    out.push(op::BINUNICODE);
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}
