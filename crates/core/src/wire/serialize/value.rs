//! The values a record's attributes hold on the wire: what the binding fills
//! from Python objects and what the decoders give back.
//!
//! The model is the closed set of types the standard `SocketHandler` sends in
//! practice (a record's `__dict__` after `makePickle` replaced `msg`, `args`
//! and `exc_info`): `None`, `bool`, `int` of any size, `float`, `str`,
//! `bytes`, `tuple`, `list` and `dict` with `str` keys.

use std::fmt;

/// One value of the model. Integers outside `i64` are `BigInt`, so every
/// integer has exactly one representation and decoded values compare equal
/// to the ones that were encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    BigInt(BigInt),
    Float(f64),
    Str(Text),
    /// Bytes carry no identity: an object met twice is written twice, where
    /// CPython's pickler would refer back to the first (except for `b""` and
    /// single bytes, which CPython keeps one object of and the encoder knows).
    Bytes(Vec<u8>),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    /// Keys in insertion order, as a Python `dict` keeps them.
    Dict(Vec<(Text, Value)>),
}

impl Value {
    /// A string with no identity: an object of its own.
    pub fn str(text: impl Into<String>) -> Value {
        Value::Str(Text::new(text))
    }

    /// The value of a dict entry, when this is a dict that has the key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(entries) => entries
                .iter()
                .find(|(entry_key, _)| entry_key.text == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    /// The Python type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
        }
    }
}

/// A `str`, with the address of the Python object it came from when the
/// binding knows it. CPython's pickler memoizes by identity: a second
/// occurrence of the same object is written as a reference to the first, a
/// second, equal but distinct object is written again. The identity lets the
/// encoder make the same choice. It takes no part in equality.
#[derive(Debug, Clone, Eq)]
pub struct Text {
    pub text: String,
    pub identity: Option<usize>,
}

impl Text {
    pub fn new(text: impl Into<String>) -> Text {
        Text {
            text: text.into(),
            identity: None,
        }
    }

    pub fn with_identity(text: impl Into<String>, identity: usize) -> Text {
        Text {
            text: text.into(),
            identity: Some(identity),
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.text == other.text
    }
}

/// An integer outside `i64`: a sign and a magnitude in base 2^32, least
/// significant limb first, without high zero limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigInt {
    negative: bool,
    magnitude: Vec<u32>,
}

impl BigInt {
    /// Parses an optionally signed run of ASCII digits (`int(text)` without
    /// underscores or spaces). The result is `Value::Int` when it fits.
    pub fn parse_decimal(text: &str) -> Option<Value> {
        let (negative, digits) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let mut magnitude: Vec<u32> = Vec::new();
        // Nine digits at a time: 10^9 fits a limb, so one multiply-add each.
        let head = digits.len() % 9;
        let mut chunks = Vec::new();
        if head > 0 {
            chunks.push(&digits[..head]);
        }
        chunks.extend(digits.as_bytes()[head..].chunks(9).map(|chunk| {
            // The slice is ASCII digits, so it is valid UTF-8.
            std::str::from_utf8(chunk).unwrap_or("0")
        }));
        for chunk in chunks {
            let scale = 10u32.pow(chunk.len() as u32);
            let addend: u32 = chunk.parse().ok()?;
            multiply_add(&mut magnitude, scale, addend);
        }
        Some(BigInt::normalized(negative, magnitude))
    }

    /// Reads a little-endian two's complement integer (pickle's `LONG1` and
    /// `LONG4` payload; empty means zero).
    pub fn from_le_twos_complement(bytes: &[u8]) -> Value {
        let negative = bytes.last().is_some_and(|byte| byte & 0x80 != 0);
        let mut bytes = bytes.to_vec();
        if negative {
            // Negate: invert every bit and add one.
            let mut carry = true;
            for byte in bytes.iter_mut() {
                let (sum, overflow) = (!*byte).overflowing_add(u8::from(carry));
                *byte = sum;
                carry = overflow;
            }
        }
        let magnitude = bytes
            .chunks(4)
            .map(|chunk| {
                chunk
                    .iter()
                    .rev()
                    .fold(0u32, |limb, byte| (limb << 8) | u32::from(*byte))
            })
            .collect();
        BigInt::normalized(negative, magnitude)
    }

    fn normalized(negative: bool, mut magnitude: Vec<u32>) -> Value {
        while magnitude.last() == Some(&0) {
            magnitude.pop();
        }
        let small = match magnitude.len() {
            0 => Some(0u64),
            1 => Some(u64::from(magnitude[0])),
            2 => Some(u64::from(magnitude[0]) | (u64::from(magnitude[1]) << 32)),
            _ => None,
        };
        if let Some(small) = small {
            if !negative && small <= i64::MAX as u64 {
                return Value::Int(small as i64);
            }
            if negative && small <= 1u64 << 63 {
                return Value::Int((small as i64).wrapping_neg());
            }
        }
        Value::BigInt(BigInt {
            negative,
            magnitude,
        })
    }

    /// The shortest little-endian two's complement bytes of the value, what
    /// `_PyLong_FromByteArray` (and pickle's `LONG1`) take.
    pub fn to_le_twos_complement(&self) -> Vec<u8> {
        let mut bytes: Vec<u8> = self
            .magnitude
            .iter()
            .flat_map(|limb| limb.to_le_bytes())
            .collect();
        while bytes.last() == Some(&0) {
            bytes.pop();
        }
        if self.negative {
            let mut carry = true;
            for byte in bytes.iter_mut() {
                let (sum, overflow) = (!*byte).overflowing_add(u8::from(carry));
                *byte = sum;
                carry = overflow;
            }
            // The sign bit must be set; -2^(8n-1) already has it.
            if bytes.last().is_some_and(|byte| byte & 0x80 == 0) {
                bytes.push(0xff);
            }
        } else if bytes.last().is_some_and(|byte| byte & 0x80 != 0) {
            bytes.push(0);
        }
        bytes
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The value when it is positive and fits 64 bits unsigned.
    pub fn to_u64(&self) -> Option<u64> {
        match (self.negative, self.magnitude.as_slice()) {
            (false, [low, high]) => Some(u64::from(*low) | (u64::from(*high) << 32)),
            _ => None,
        }
    }
}

/// `magnitude = magnitude * scale + addend`.
fn multiply_add(magnitude: &mut Vec<u32>, scale: u32, addend: u32) {
    let mut carry = u64::from(addend);
    for limb in magnitude.iter_mut() {
        let product = u64::from(*limb) * u64::from(scale) + carry;
        *limb = product as u32;
        carry = product >> 32;
    }
    if carry > 0 {
        magnitude.push(carry as u32);
    }
}

/// The decimal digits, as `repr(int)` writes them.
impl fmt::Display for BigInt {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut remaining = self.magnitude.clone();
        let mut groups = Vec::new();
        while !remaining.is_empty() {
            let mut remainder = 0u64;
            for limb in remaining.iter_mut().rev() {
                let current = (remainder << 32) | u64::from(*limb);
                *limb = (current / 1_000_000_000) as u32;
                remainder = current % 1_000_000_000;
            }
            while remaining.last() == Some(&0) {
                remaining.pop();
            }
            groups.push(remainder as u32);
        }
        if self.negative {
            formatter.write_str("-")?;
        }
        let mut groups = groups.iter().rev();
        if let Some(first) = groups.next() {
            write!(formatter, "{first}")?;
        }
        for group in groups {
            write!(formatter, "{group:09}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(text: &str) -> BigInt {
        match BigInt::parse_decimal(text) {
            Some(Value::BigInt(value)) => value,
            other => panic!("{text} parsed as {other:?}"),
        }
    }

    #[test]
    fn decimal_round_trips_beyond_64_bits() {
        for text in [
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "1180591620717411303424",
            "-1180591620717411303424",
            "123456789012345678901234567890123456789012345678901234567890",
            "1000000000000000000000000000",
        ] {
            assert_eq!(big(text).to_string(), text);
        }
    }

    #[test]
    fn integers_that_fit_are_small() {
        assert_eq!(BigInt::parse_decimal("0"), Some(Value::Int(0)));
        assert_eq!(BigInt::parse_decimal("-0"), Some(Value::Int(0)));
        assert_eq!(
            BigInt::parse_decimal("9223372036854775807"),
            Some(Value::Int(i64::MAX))
        );
        assert_eq!(
            BigInt::parse_decimal("-9223372036854775808"),
            Some(Value::Int(i64::MIN))
        );
        assert_eq!(BigInt::parse_decimal("+12"), Some(Value::Int(12)));
        assert_eq!(BigInt::parse_decimal("1_0"), None);
        assert_eq!(BigInt::parse_decimal("-"), None);
    }

    #[test]
    fn twos_complement_bytes_read_as_pickle_writes_them() {
        // Bytes of (2**70).to_bytes(9, "little", signed=True) and its negation.
        let mut positive = vec![0u8; 8];
        positive.push(0x40);
        assert_eq!(
            BigInt::from_le_twos_complement(&positive),
            Value::BigInt(big("1180591620717411303424"))
        );
        let mut negative = vec![0u8; 8];
        negative.push(0xc0);
        assert_eq!(
            BigInt::from_le_twos_complement(&negative),
            Value::BigInt(big("-1180591620717411303424"))
        );
        assert_eq!(BigInt::from_le_twos_complement(&[]), Value::Int(0));
        assert_eq!(BigInt::from_le_twos_complement(&[0xff]), Value::Int(-1));
        assert_eq!(
            BigInt::from_le_twos_complement(&[0x00, 0xff]),
            Value::Int(-256)
        );
        assert_eq!(big("18446744073709551615").to_u64(), Some(u64::MAX));
    }

    #[test]
    fn twos_complement_bytes_round_trip_at_every_width() {
        for text in [
            "9223372036854775808",
            "-9223372036854775809",
            "-9223372036854775808000",
            "18446744073709551615",
            "18446744073709551616",
            "-18446744073709551616",
            "-170141183460469231731687303715884105728",
            "170141183460469231731687303715884105728",
        ] {
            let value = big(text);
            let bytes = value.to_le_twos_complement();
            assert_eq!(
                BigInt::from_le_twos_complement(&bytes),
                Value::BigInt(value.clone()),
                "{text}"
            );
            // Shortest: dropping the top byte changes the value.
            let shorter = BigInt::from_le_twos_complement(&bytes[..bytes.len() - 1]);
            assert_ne!(shorter, Value::BigInt(value), "{text}");
        }
        // (-2**127).to_bytes(16, "little", signed=True): no extra byte.
        assert_eq!(
            big("-170141183460469231731687303715884105728")
                .to_le_twos_complement()
                .len(),
            16
        );
        assert_eq!(
            big("170141183460469231731687303715884105728")
                .to_le_twos_complement()
                .len(),
            17
        );
    }

    #[test]
    fn identity_takes_no_part_in_equality() {
        assert_eq!(Text::with_identity("a", 1), Text::new("a"));
    }
}
