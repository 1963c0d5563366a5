//! Decimal digits appended to a `String` without `core::fmt`.
//!
//! A JSON line writes a dozen numbers (the date and time fields, the
//! microseconds, the line number, `int` values); through `write!` each costs
//! a formatter set-up and a padding pass that cost more than the digits.

/// Appends `value` in decimal, zero-padded on the left to `width` digits
/// (more when it needs more), as `{value:0width$}` writes it.
pub fn push_zero_padded(out: &mut String, value: u64, width: usize) {
    // The digits, last first.
    let mut digits = [0u8; 20];
    let mut count = 0;
    let mut rest = value;
    loop {
        digits[count] = (rest % 10) as u8;
        rest /= 10;
        count += 1;
        if rest == 0 {
            break;
        }
    }
    out.reserve(count.max(width));
    for _ in count..width {
        out.push('0');
    }
    for digit in digits[..count].iter().rev() {
        out.push(char::from(b'0' + digit));
    }
}

/// Appends `value` in decimal, as `{value}` writes it.
pub fn push_integer(out: &mut String, value: i64) {
    if value < 0 {
        out.push('-');
    }
    push_zero_padded(out, value.unsigned_abs(), 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(value: u64, width: usize) -> String {
        let mut out = String::new();
        push_zero_padded(&mut out, value, width);
        out
    }

    fn integer(value: i64) -> String {
        let mut out = String::new();
        push_integer(&mut out, value);
        out
    }

    #[test]
    fn digits_match_the_standard_formatting() {
        for value in [0, 7, 42, 999, 1_000, 123_456, u64::MAX] {
            for width in [0, 1, 2, 3, 4, 6, 20, 25] {
                assert_eq!(padded(value, width), format!("{value:0width$}"));
            }
        }
        for value in [0, 1, -1, 42, -42, i64::MAX, i64::MIN] {
            assert_eq!(integer(value), value.to_string());
        }
    }
}
