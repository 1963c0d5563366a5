//! What a full disk refused: the bytes a write could not put in a file,
//! kept to be written first next time.
//!
//! A write that meets a full disk (or a file-size limit) may stop in the
//! middle of a line. Writing the next line after it would glue that line to
//! the cut one's head, so the rest is held instead, and written before
//! anything else once there is room: the line is then whole in the file.
//!
//! Both faces keep their leftovers with this: the standard face's file
//! stream as much as a Python buffered file would keep, a femto worker the
//! rest of the one line it cut (`write_lines`).

use std::io::{self, Write};
use std::ops::Range;

/// A write that stopped before the end: how many of its bytes reached the
/// file, and why it stopped.
#[derive(Debug)]
pub struct Stopped {
    pub written: usize,
    pub error: io::Error,
}

/// `write_all`, telling on failure how many bytes did reach the file.
pub fn write_counted(file: &mut impl Write, bytes: &[u8]) -> Result<(), Stopped> {
    let mut written = 0;
    while written < bytes.len() {
        match file.write(&bytes[written..]) {
            Ok(0) => {
                return Err(Stopped {
                    written,
                    error: io::ErrorKind::WriteZero.into(),
                })
            }
            Ok(count) => written += count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(Stopped { written, error }),
        }
    }
    Ok(())
}

/// Bytes that belong in a file after what is already there, waiting for room.
#[derive(Debug, Default)]
pub struct Held {
    bytes: Vec<u8>,
}

impl Held {
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Holds `bytes` after what is held already.
    pub fn keep(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// Writes what is held; on failure, what is still unwritten stays held.
    pub fn write_to(&mut self, file: &mut impl Write) -> Result<(), Stopped> {
        if self.bytes.is_empty() {
            return Ok(());
        }
        match write_counted(file, &self.bytes) {
            Ok(()) => {
                // A burst held during a long full spell must not keep its
                // memory for the life of the file.
                self.bytes = Vec::new();
                Ok(())
            }
            Err(stopped) => {
                self.bytes.drain(..stopped.written);
                Err(stopped)
            }
        }
    }
}

/// How far `write_lines` got before the file refused the rest.
#[derive(Debug)]
pub struct LinesStopped {
    /// Lines of the batch wholly in the file (those before the written span
    /// included).
    pub whole: usize,
    /// Whether a line was cut part-way: its rest is held, and it is whole
    /// once that lands.
    pub cut: bool,
    pub error: io::Error,
}

impl LinesStopped {
    /// A failure before any line of the batch was written.
    pub fn before_any(error: io::Error) -> LinesStopped {
        LinesStopped {
            whole: 0,
            cut: false,
            error,
        }
    }
}

/// Writes what is held, then the bytes of `text` in `span`, which starts
/// and ends at line boundaries; `ends` are where the lines of all of `text`
/// end, and every line before `span` is already in the file. When the file
/// refuses part of a line, the rest of that line is held: the lines after
/// it are lost, but none is glued to a cut one.
pub fn write_lines(
    file: &mut impl Write,
    held: &mut Held,
    text: &[u8],
    ends: &[usize],
    span: Range<usize>,
) -> Result<(), LinesStopped> {
    let before = ends.partition_point(|&end| end <= span.start);
    if let Err(stopped) = held.write_to(file) {
        return Err(LinesStopped {
            whole: before,
            cut: false,
            error: stopped.error,
        });
    }
    let Err(stopped) = write_counted(file, &text[span.clone()]) else {
        return Ok(());
    };
    let reached = span.start + stopped.written;
    let whole = ends.partition_point(|&end| end <= reached);
    let line_start = match whole {
        0 => 0,
        index => ends[index - 1],
    };
    let cut = reached > line_start;
    if cut {
        held.keep(&text[reached..ends[whole]]);
    }
    Err(LinesStopped {
        whole,
        cut,
        error: stopped.error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with room for `room` more bytes, then ENOSPC (EFBIG for a
    /// write that starts past the room, as a file-size limit answers).
    struct Disk {
        content: Vec<u8>,
        room: usize,
    }

    impl Write for Disk {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from_raw_os_error(libc::ENOSPC));
            }
            let count = bytes.len().min(self.room);
            self.content.extend_from_slice(&bytes[..count]);
            self.room -= count;
            Ok(count)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn batch(lines: &[&str]) -> (Vec<u8>, Vec<usize>) {
        let mut text = Vec::new();
        let mut ends = Vec::new();
        for line in lines {
            text.extend_from_slice(line.as_bytes());
            ends.push(text.len());
        }
        (text, ends)
    }

    #[test]
    fn a_cut_line_is_finished_before_the_next_one_and_never_glued() {
        let mut disk = Disk {
            content: Vec::new(),
            room: 9,
        };
        let mut held = Held::default();
        let (text, ends) = batch(&["one\n", "two\n", "three\n", "four\n"]);
        let stopped = write_lines(&mut disk, &mut held, &text, &ends, 0..text.len()).unwrap_err();
        assert_eq!((stopped.whole, stopped.cut), (2, true));
        assert_eq!(disk.content, b"one\ntwo\nt");
        assert_eq!(held.len(), "hree\n".len());

        // Still full: the rest stays held, nothing of the new batch lands.
        let (text, ends) = batch(&["five\n"]);
        let stopped = write_lines(&mut disk, &mut held, &text, &ends, 0..text.len()).unwrap_err();
        assert_eq!((stopped.whole, stopped.cut), (0, false));
        assert_eq!(held.len(), "hree\n".len());

        disk.room = 100;
        write_lines(&mut disk, &mut held, &text, &ends, 0..text.len()).unwrap();
        assert!(held.is_empty());
        assert_eq!(disk.content, b"one\ntwo\nthree\nfive\n");
    }

    #[test]
    fn a_refusal_at_a_line_boundary_holds_nothing() {
        let mut disk = Disk {
            content: Vec::new(),
            room: 8,
        };
        let mut held = Held::default();
        let (text, ends) = batch(&["one\n", "two\n", "three\n"]);
        let stopped = write_lines(&mut disk, &mut held, &text, &ends, 0..text.len()).unwrap_err();
        assert_eq!((stopped.whole, stopped.cut), (2, false));
        assert!(held.is_empty());
    }

    #[test]
    fn a_span_counts_the_lines_before_it_as_written() {
        let mut disk = Disk {
            content: b"one\n".to_vec(),
            room: 2,
        };
        let mut held = Held::default();
        let (text, ends) = batch(&["one\n", "two\n", "three\n"]);
        let stopped = write_lines(&mut disk, &mut held, &text, &ends, 4..text.len()).unwrap_err();
        assert_eq!((stopped.whole, stopped.cut), (1, true));
        assert_eq!(disk.content, b"one\ntw");
        disk.room = 100;
        held.write_to(&mut disk).unwrap();
        assert_eq!(disk.content, b"one\ntwo\n");
    }

    #[test]
    fn held_bytes_written_in_part_keep_the_rest() {
        let mut disk = Disk {
            content: Vec::new(),
            room: 3,
        };
        let mut held = Held::default();
        held.keep(b"abcdef");
        let stopped = held.write_to(&mut disk).unwrap_err();
        assert_eq!(stopped.written, 3);
        assert_eq!(held.len(), 3);
        disk.room = 3;
        held.write_to(&mut disk).unwrap();
        assert_eq!(disk.content, b"abcdef");
    }
}
