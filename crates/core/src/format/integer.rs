//! Digits of integers, including the exact integer part of any float.

/// The digits of an unsigned integer in base 2, 8, 10 or 16, held on the stack.
pub(crate) struct Digits {
    buffer: [u8; 64],
    start: usize,
}

impl Digits {
    pub(crate) fn new(mut magnitude: u64, radix: u64, uppercase: bool) -> Digits {
        let alphabet: &[u8; 16] = if uppercase {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        let mut digits = Digits {
            buffer: [b'0'; 64],
            start: 64,
        };
        loop {
            digits.start -= 1;
            digits.buffer[digits.start] = alphabet[(magnitude % radix) as usize];
            magnitude /= radix;
            if magnitude == 0 {
                return digits;
            }
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        // Every byte comes from an ASCII alphabet.
        std::str::from_utf8(&self.buffer[self.start..]).unwrap_or_default()
    }
}

/// Appends the decimal digits of `|trunc(value)|`, exactly: Python's `%d` of a float goes
/// through `int(value)`, which keeps every bit, so `'%d' % 1e300` prints all 301 digits.
/// `value` must be finite.
pub(crate) fn push_truncated_float_digits(value: f64, out: &mut String) {
    let magnitude = value.abs().trunc();
    if magnitude < 18_446_744_073_709_551_616.0 {
        // Below 2**64 the conversion is exact.
        out.push_str(Digits::new(magnitude as u64, 10, false).as_str());
        return;
    }
    // Above 2**53 a float is an integer: mantissa * 2**exponent with exponent >= 11.
    let bits = magnitude.to_bits();
    let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1075;
    // Little-endian limbs of nine decimal digits each.
    const LIMB: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = vec![
        mantissa % LIMB,
        (mantissa / LIMB) % LIMB,
        mantissa / LIMB / LIMB,
    ];
    let mut remaining = exponent;
    while remaining > 0 {
        // 2**31 * 10**9 + carry stays far below 2**64.
        let shift = remaining.min(31);
        remaining -= shift;
        let mut carry = 0u64;
        for limb in limbs.iter_mut() {
            let product = (*limb << shift) + carry;
            *limb = product % LIMB;
            carry = product / LIMB;
        }
        while carry > 0 {
            limbs.push(carry % LIMB);
            carry /= LIMB;
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut iterator = limbs.iter().rev();
    if let Some(first) = iterator.next() {
        out.push_str(Digits::new(*first, 10, false).as_str());
    }
    for limb in iterator {
        let digits = Digits::new(*limb, 10, false);
        let text = digits.as_str();
        for _ in text.len()..9 {
            out.push('0');
        }
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truncated(value: f64) -> String {
        let mut out = String::new();
        push_truncated_float_digits(value, &mut out);
        out
    }

    #[test]
    fn digits_in_every_radix() {
        assert_eq!(Digits::new(0, 10, false).as_str(), "0");
        assert_eq!(Digits::new(255, 16, false).as_str(), "ff");
        assert_eq!(Digits::new(255, 16, true).as_str(), "FF");
        assert_eq!(Digits::new(8, 8, false).as_str(), "10");
        assert_eq!(Digits::new(5, 2, false).as_str(), "101");
        assert_eq!(Digits::new(u64::MAX, 2, false).as_str(), "1".repeat(64));
        assert_eq!(
            Digits::new(u64::MAX, 10, false).as_str(),
            "18446744073709551615"
        );
    }

    #[test]
    fn small_floats_truncate_toward_zero() {
        assert_eq!(truncated(3.7), "3");
        assert_eq!(truncated(-3.7), "3");
        assert_eq!(truncated(-0.5), "0");
        assert_eq!(truncated(1e19), "10000000000000000000");
    }

    #[test]
    fn large_floats_print_every_digit_like_python_int() {
        // Expected values are str(int(x)) from CPython.
        assert_eq!(truncated(2f64.powi(64)), "18446744073709551616");
        assert_eq!(truncated(1e23), "99999999999999991611392");
        assert_eq!(
            truncated(1e300),
            "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"
        );
        assert_eq!(truncated(f64::MAX).len(), 309);
        assert!(truncated(f64::MAX).starts_with("17976931348623157081452742373170435679807056752584499659891747680315726078002853876058955863276687817154045895351438246423432132688946418276846754670353751698604991057655128207624549009038932894407586850845513394230458323690322294816580855933212334827479782620414472316873817718091929988125040402618412485836"));
    }
}
