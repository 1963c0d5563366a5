//! `time.strftime(format, struct_time)` as CPython runs it on Linux.
//!
//! CPython passes the format to the C library untouched (unknown directives, a trailing
//! `%`, `%f` all come out as glibc writes them), through `wcsftime`: the format and the
//! result are wide strings, so buffer sizes count characters, not bytes. It does not know
//! how long the result will be, so it tries buffers of 1024, 2048, 4096... characters and
//! gives up, returning an empty string, once the buffer is 256 times the format's length
//! (`time.strftime('%5000Y')` is `''`). This module repeats that loop exactly.

use super::calendar::CalendarTime;
use super::error::TimeError;

extern "C" {
    /// From the C library; the `libc` crate does not declare it.
    fn wcsftime(
        buffer: *mut libc::wchar_t,
        capacity: libc::size_t,
        format: *const libc::wchar_t,
        time: *const libc::tm,
    ) -> libc::size_t;
}

const FIRST_CAPACITY: usize = 1024;

/// `time.strftime(format, time)`, for a format without NUL characters.
///
/// A format with a NUL is one CPython rejects; it yields an empty string here, so a
/// caller that can receive one must use `strftime_checked`.
pub fn strftime(format: &str, time: &CalendarTime) -> String {
    strftime_checked(format, time).unwrap_or_default()
}

/// `time.strftime(format, time)`, or the error CPython raises for that format.
pub fn strftime_checked(format: &str, time: &CalendarTime) -> Result<String, TimeError> {
    if format.contains('\0') {
        return Err(TimeError::InvalidValue("embedded null character".into()));
    }
    let mut wide_format: Vec<libc::wchar_t> = format
        .chars()
        .map(|character| character as libc::wchar_t)
        .collect();
    let format_length = wide_format.len();
    wide_format.push(0);
    let zone = time.zone_c_string();
    let tm = time.to_tm(zone.as_ref());
    let mut buffer: Vec<libc::wchar_t> = Vec::new();
    let mut capacity = FIRST_CAPACITY;
    loop {
        buffer.resize(capacity, 0);
        // SAFETY: the buffer holds `capacity` wide characters and wcsftime writes at most
        // that many, NUL included; the format is NUL-terminated; `tm` and the zone string
        // it points to are alive for the call.
        let written = unsafe { wcsftime(buffer.as_mut_ptr(), capacity, wide_format.as_ptr(), &tm) };
        // An empty result is ambiguous (too small a buffer, or really empty, like an empty
        // format or `%p` in some locales); CPython stops asking at 256 times the format.
        if written > 0 || capacity >= 256 * format_length {
            return Ok(buffer[..written]
                .iter()
                .map(|&unit| char::from_u32(unit as u32).unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect());
        }
        capacity += capacity;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::calendar::gmtime;
    use crate::time::test_support::with_stable_time_zone;

    fn formatted(format: &str) -> String {
        with_stable_time_zone(|| strftime(format, &gmtime(1_700_000_000).unwrap()))
    }

    // Expected values are time.strftime(format, time.gmtime(1700000000)) in CPython 3.11,
    // 3.12 and 3.13, which agree.

    #[test]
    fn common_directives() {
        assert_eq!(formatted("%Y-%m-%d %H:%M:%S"), "2023-11-14 22:13:20");
        assert_eq!(
            formatted("%a %b %d %j %U %w %y %p %I"),
            "Tue Nov 14 318 46 2 23 PM 10"
        );
        assert_eq!(formatted("%Z %z"), "GMT +0000");
        assert_eq!(formatted("%s"), "1700000000");
        assert_eq!(
            formatted("%G %V %u %C %g %k %l %P %D %e %h %r %R %T"),
            "2023 46 2 20 23 22 10 pm 11/14/23 14 Nov 10:13:20 PM 22:13 22:13:20"
        );
    }

    #[test]
    fn what_glibc_does_not_know_passes_through() {
        assert_eq!(formatted("%f"), "%f");
        assert_eq!(formatted("%Q"), "%Q");
        assert_eq!(formatted("%Y%"), "2023%");
        assert_eq!(formatted("%"), "%");
        assert_eq!(formatted("%E"), "%E");
        assert_eq!(formatted("%:z"), "%:z");
    }

    #[test]
    fn glibc_extensions_work() {
        assert_eq!(formatted("%-d"), "14");
        assert_eq!(formatted("%_5d"), "   14");
        assert_eq!(formatted("%#Z"), "gmt");
        assert_eq!(formatted("%^a"), "TUE");
        assert_eq!(formatted("%Ey"), "23");
    }

    #[test]
    fn text_around_directives_is_kept() {
        assert_eq!(formatted(""), "");
        assert_eq!(formatted("é%Y日本"), "é2023日本");
        assert_eq!(formatted("no directive"), "no directive");
    }

    #[test]
    fn buffers_grow_in_characters_up_to_256_times_the_format() {
        assert_eq!(formatted("%1000Y").len(), 1000);
        // 2000 characters: 1024 is too small, 2048 fits.
        assert_eq!(formatted("%2000Y").len(), 2000);
        // 6 characters of format allow 1536: the 2048 buffer is the last one tried.
        assert_eq!(formatted("%5000Y"), "");
        // Counted in characters: 8 of them allow 2048, which 2102 characters exceed.
        assert_eq!(formatted("éé%2100Y"), "");
        assert_eq!(formatted("éé%2000Y").chars().count(), 2002);
        assert_eq!(formatted("%4000Y%4000Y"), "");
    }

    #[test]
    fn nul_characters_are_rejected_like_cpython() {
        let time = with_stable_time_zone(|| gmtime(0).unwrap());
        assert_eq!(
            strftime_checked("a\0b", &time),
            Err(TimeError::InvalidValue("embedded null character".into()))
        );
        assert_eq!(strftime("a\0b", &time), "");
    }

    #[test]
    fn a_zone_name_is_taken_from_the_time_not_the_environment() {
        let mut time = with_stable_time_zone(|| gmtime(0).unwrap());
        time.zone = Some("XYZ".into());
        time.utc_offset = -3 * 3600 - 1800;
        assert_eq!(
            with_stable_time_zone(|| strftime("%Z %z", &time)),
            "XYZ -0330"
        );
    }
}
