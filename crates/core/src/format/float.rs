//! Floats laid out exactly as CPython's `PyOS_double_to_string` lays them out.
//!
//! The digits come from Rust's formatter, which is correctly rounded (ties to even on the
//! exact binary value, like David Gay's dtoa that CPython uses) and, in shortest mode,
//! picks the shortest round-tripping digits closest to the value, like `repr`. Only the
//! layout around the digits (where the point goes, when to switch to an exponent, how the
//! exponent is written) is CPython-specific, and that is what this module reproduces.

use std::fmt::Write;

use super::scratch::Scratch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloatPresentation {
    /// `e`: one digit before the point, `precision` after it.
    Exponent,
    /// `f`: `precision` digits after the point.
    Fixed,
    /// `g`: `precision` significant digits, trailing zeros removed.
    General,
    /// `repr()`: the shortest digits that round-trip.
    Repr,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct FloatFormat {
    pub(crate) presentation: FloatPresentation,
    pub(crate) precision: usize,
    pub(crate) uppercase: bool,
    /// `#`: always write the point; `g` keeps its trailing zeros.
    pub(crate) alternate: bool,
    /// CPython's `Py_DTSF_ADD_DOT_0`: an integral result in fixed notation gets `.0`, and
    /// `g` switches to an exponent one digit earlier. `repr()` and the `{}` style without a
    /// presentation type use it.
    pub(crate) add_dot_zero: bool,
    /// The `z` option: a result that rounds to zero loses its minus sign.
    pub(crate) no_negative_zero: bool,
}

impl FloatFormat {
    pub(crate) fn new(presentation: FloatPresentation, precision: usize) -> FloatFormat {
        FloatFormat {
            presentation,
            precision,
            uppercase: false,
            alternate: false,
            add_dot_zero: presentation == FloatPresentation::Repr,
            no_negative_zero: false,
        }
    }
}

/// Appends `|value|` formatted as CPython would, and returns whether a minus sign belongs
/// in front of it. NaN never takes a minus sign in CPython, whatever its sign bit.
pub(crate) fn write_float<W: Write + AsRef<str>>(
    value: f64,
    format: &FloatFormat,
    out: &mut W,
) -> bool {
    if value.is_nan() {
        let _ = out.write_str(if format.uppercase { "NAN" } else { "nan" });
        return false;
    }
    if value.is_infinite() {
        let _ = out.write_str(if format.uppercase { "INF" } else { "inf" });
        return value < 0.0;
    }
    let negative = value.is_sign_negative();
    let magnitude = value.abs();
    let start = out.as_ref().len();
    let mut scratch = Scratch::new();
    match format.presentation {
        FloatPresentation::Fixed => {
            // Rust's fixed notation already has exactly CPython's digits.
            let _ = write!(out, "{:.*}", format.precision, magnitude);
            if format.alternate && format.precision == 0 {
                let _ = out.write_char('.');
            }
        }
        FloatPresentation::Exponent => {
            let _ = write!(scratch, "{:.*e}", format.precision, magnitude);
            let (digits, exponent) = Digits::parse(scratch.as_str());
            Layout {
                digits,
                decimal_point: 1,
                exponent: Some(exponent),
                virtual_end: digits.len(),
                alternate: format.alternate,
                add_dot_zero: false,
                uppercase: format.uppercase,
            }
            .write(out);
        }
        FloatPresentation::General => {
            let precision = format.precision.max(1);
            let _ = write!(scratch, "{:.*e}", precision - 1, magnitude);
            let (digits, exponent) = Digits::parse(scratch.as_str());
            // Like dtoa, keep only the significant digits: trailing zeros go.
            let digits = digits.without_trailing_zeros();
            let decimal_point = exponent + 1;
            let threshold = if format.add_dot_zero {
                precision as i64 - 1
            } else {
                precision as i64
            };
            let use_exponent = decimal_point <= -4 || decimal_point > threshold;
            let virtual_end = if format.alternate {
                precision.max(digits.len())
            } else {
                digits.len()
            };
            Layout::general(digits, decimal_point, use_exponent, virtual_end, format).write(out);
        }
        FloatPresentation::Repr => {
            let _ = write!(scratch, "{:e}", magnitude);
            // When two shortest candidates are equally near the value, Rust rounds the
            // tie up and dtoa to even (1090717427626941.25 is `...941.2` in Python). The
            // correctly rounded string of the same length has dtoa's tie-break; it is
            // the answer whenever it round-trips, which fails only next to a power of
            // two, where the shortest string is then the only candidate.
            let length = Digits::parse(scratch.as_str()).0.len();
            let mut nearest = Scratch::new();
            let _ = write!(nearest, "{:.*e}", length - 1, magnitude);
            if nearest.as_str().parse::<f64>() == Ok(magnitude) {
                scratch = nearest;
            }
            let (digits, exponent) = Digits::parse(scratch.as_str());
            let decimal_point = exponent + 1;
            // repr switches to an exponent from 1e16 up and below 1e-4.
            let use_exponent = decimal_point <= -4 || decimal_point > 16;
            Layout::general(digits, decimal_point, use_exponent, digits.len(), format).write(out);
        }
    }
    if negative && format.no_negative_zero && mantissa_is_zero(&out.as_ref()[start..]) {
        return false;
    }
    negative
}

/// Significant digits as Rust writes them in scientific notation: `d` or `d.ddd`.
#[derive(Clone, Copy)]
struct Digits<'a> {
    first: u8,
    rest: &'a str,
}

impl<'a> Digits<'a> {
    /// Splits Rust's `d.ddde-5` into its digits and its exponent.
    fn parse(text: &'a str) -> (Digits<'a>, i64) {
        let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
        let first = mantissa.as_bytes().first().copied().unwrap_or(b'0');
        let rest = mantissa.get(2..).unwrap_or("");
        (Digits { first, rest }, exponent.parse().unwrap_or(0))
    }

    fn without_trailing_zeros(self) -> Digits<'a> {
        Digits {
            first: self.first,
            rest: self.rest.trim_end_matches('0'),
        }
    }

    fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// The digit at a position counted from the first one; zeros outside.
    fn at(&self, position: i64) -> char {
        match position {
            0 => self.first as char,
            _ if position > 0 && (position as usize) <= self.rest.len() => {
                self.rest.as_bytes()[position as usize - 1] as char
            }
            _ => '0',
        }
    }
}

/// Significant digits placed around a decimal point.
struct Layout<'a> {
    digits: Digits<'a>,
    /// Where the point goes, counted in digits from the first one; it may fall before the
    /// first digit or after the last, zeros fill the gap.
    decimal_point: i64,
    exponent: Option<i64>,
    /// Digits continue with zeros up to this position (the alternate `g` form keeps
    /// `precision` significant digits).
    virtual_end: usize,
    alternate: bool,
    add_dot_zero: bool,
    uppercase: bool,
}

impl<'a> Layout<'a> {
    fn general(
        digits: Digits<'a>,
        decimal_point: i64,
        use_exponent: bool,
        virtual_end: usize,
        format: &FloatFormat,
    ) -> Layout<'a> {
        Layout {
            digits,
            decimal_point: if use_exponent { 1 } else { decimal_point },
            exponent: use_exponent.then_some(decimal_point - 1),
            virtual_end,
            alternate: format.alternate,
            // `.0` marks a float written like an integer; an exponent already does.
            add_dot_zero: format.add_dot_zero && !use_exponent,
            uppercase: format.uppercase,
        }
    }

    fn write<W: Write>(&self, out: &mut W) {
        if self.decimal_point <= 0 {
            let _ = out.write_char('0');
        } else {
            for position in 0..self.decimal_point {
                let _ = out.write_char(self.digits.at(position));
            }
        }
        let fraction_start = self.decimal_point;
        let fraction_end = (self.virtual_end as i64).max(fraction_start);
        if fraction_end > fraction_start {
            let _ = out.write_char('.');
            for position in fraction_start..fraction_end {
                let _ = out.write_char(self.digits.at(position));
            }
        } else if self.add_dot_zero {
            let _ = out.write_str(".0");
        } else if self.alternate {
            let _ = out.write_char('.');
        }
        if let Some(exponent) = self.exponent {
            let _ = out.write_char(if self.uppercase { 'E' } else { 'e' });
            let _ = out.write_char(if exponent < 0 { '-' } else { '+' });
            let magnitude = exponent.unsigned_abs();
            if magnitude < 10 {
                let _ = out.write_char('0');
            }
            let _ = write!(out, "{magnitude}");
        }
    }
}

/// Whether a formatted magnitude is zero: every digit before any exponent is `0`.
fn mantissa_is_zero(text: &str) -> bool {
    text.bytes()
        .take_while(|byte| *byte != b'e' && *byte != b'E')
        .all(|byte| byte == b'0' || byte == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(value: f64, format: FloatFormat) -> String {
        let mut out = String::new();
        let negative = write_float(value, &format, &mut out);
        if negative {
            out.insert(0, '-');
        }
        out
    }

    fn repr(value: f64) -> String {
        formatted(value, FloatFormat::new(FloatPresentation::Repr, 0))
    }

    #[test]
    fn repr_switches_to_exponents_like_python() {
        // Expected values are repr() from CPython.
        assert_eq!(repr(1.0), "1.0");
        assert_eq!(repr(-0.0), "-0.0");
        assert_eq!(repr(0.0001), "0.0001");
        assert_eq!(repr(0.00001), "1e-05");
        assert_eq!(repr(1.5e-5), "1.5e-05");
        assert_eq!(repr(1e15), "1000000000000000.0");
        assert_eq!(repr(1e16), "1e+16");
        assert_eq!(repr(123456789012345680.0), "1.2345678901234568e+17");
        assert_eq!(repr(5e-324), "5e-324");
        assert_eq!(repr(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(repr(0.1 + 0.2), "0.30000000000000004");
        // Exactly halfway between two 17-digit candidates (…941.25 is a float): dtoa
        // rounds to even.
        assert_eq!(repr(4_362_869_710_507_765.0 / 4.0), "1090717427626941.2");
        assert_eq!(repr(-3_030_381_727_531_833.0 / 4.0), "-757595431882958.2");
        assert_eq!(repr(4_362_869_710_507_767.0 / 4.0), "1090717427626941.8");
        assert_eq!(repr(f64::INFINITY), "inf");
        assert_eq!(repr(f64::NEG_INFINITY), "-inf");
        assert_eq!(repr(-f64::NAN), "nan");
    }

    #[test]
    fn rounding_is_half_even_on_the_exact_value() {
        let fixed = |value, precision| {
            formatted(value, FloatFormat::new(FloatPresentation::Fixed, precision))
        };
        assert_eq!(fixed(0.125, 2), "0.12");
        assert_eq!(fixed(0.375, 2), "0.38");
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(fixed(2.675, 2), "2.67");
        assert_eq!(fixed(-0.4, 0), "-0");
    }

    #[test]
    fn general_form_follows_the_precision() {
        let general = |value, precision, alternate| {
            let mut format = FloatFormat::new(FloatPresentation::General, precision);
            format.alternate = alternate;
            formatted(value, format)
        };
        assert_eq!(general(100000.0, 6, false), "100000");
        assert_eq!(general(1000000.0, 6, false), "1e+06");
        assert_eq!(general(0.0001, 6, false), "0.0001");
        assert_eq!(general(0.00001, 6, true), "1.00000e-05");
        assert_eq!(general(100000.0, 6, true), "100000.");
        assert_eq!(general(123.0, 0, false), "1e+02");
        assert_eq!(general(9.9996, 4, false), "10");
    }

    #[test]
    fn no_precision_spec_keeps_a_point_and_switches_early() {
        // format(x, '.3') and format(x, '#') in CPython.
        let mut format = FloatFormat::new(FloatPresentation::General, 3);
        format.add_dot_zero = true;
        assert_eq!(formatted(10.0, format), "10.0");
        assert_eq!(formatted(100.0, format), "1e+02");
        let mut alternate = FloatFormat::new(FloatPresentation::Repr, 0);
        alternate.alternate = true;
        assert_eq!(formatted(1e20, alternate), "1.e+20");
        assert_eq!(formatted(1.0, alternate), "1.0");
    }

    #[test]
    fn negative_zero_coercion_looks_at_the_rounded_digits() {
        let mut format = FloatFormat::new(FloatPresentation::Fixed, 2);
        format.no_negative_zero = true;
        assert_eq!(formatted(-1e-9, format), "0.00");
        assert_eq!(formatted(-0.01, format), "-0.01");
        format.presentation = FloatPresentation::Exponent;
        assert_eq!(formatted(-1e-9, format), "-1.00e-09");
    }
}
