//! Compressing rotated files off the writer's thread.
//!
//! A rollover renames the live file to its uncompressed backup name and hands
//! it here; a short-lived thread writes `name.gz` and removes the original.
//! One compression runs at a time per handler: the next rollover first waits
//! for the previous one, so the backups it shifts all exist under their
//! compressed names.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Write};
use std::thread::{self, JoinHandle};

use flate2::write::GzEncoder;
use flate2::Compression as Level;

/// The compressions a rotating handler offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
}

impl Compression {
    /// `"gzip"` (or `"gz"`); anything else is named in the error.
    pub fn parse(text: &str) -> Result<Compression, String> {
        match text {
            "gzip" | "gz" => Ok(Compression::Gzip),
            other => Err(format!(
                "unknown compression {other:?}: the supported compression is \"gzip\""
            )),
        }
    }

    /// What the compressed file's name adds to the backup's name.
    pub fn extension(self) -> &'static str {
        match self {
            Compression::Gzip => ".gz",
        }
    }
}

/// Runs one compression at a time in the background.
pub struct Compressor {
    kind: Compression,
    running: Option<JoinHandle<io::Result<()>>>,
}

impl Compressor {
    pub fn new(kind: Compression) -> Compressor {
        Compressor {
            kind,
            running: None,
        }
    }

    pub fn kind(&self) -> Compression {
        self.kind
    }

    /// Compresses `source` into `source` plus the extension, then removes
    /// `source`, on a background thread. Waits for the previous compression
    /// first and returns its error, if it had one (this one still starts).
    pub fn start(&mut self, source: String) -> io::Result<()> {
        let previous = self.wait();
        let destination = format!("{source}{}", self.kind.extension());
        let paths = (source.clone(), destination.clone());
        let spawned = thread::Builder::new()
            .name("femtologging compress".into())
            .spawn(move || gzip_file(&paths.0, &paths.1));
        match spawned {
            Ok(handle) => self.running = Some(handle),
            // No thread to spare: compress here rather than not at all.
            Err(_) => return previous.and(gzip_file(&source, &destination)),
        }
        previous
    }

    /// Waits for the compression in progress; its outcome.
    pub fn wait(&mut self) -> io::Result<()> {
        match self.running.take() {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the compression thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for Compressor {
    fn drop(&mut self) {
        // A handler closing must leave no half-written archive behind.
        let _ = self.wait();
    }
}

/// Writes `destination` as the gzip of `source`, then removes `source`. A
/// failure leaves `source` in place and removes the partial archive.
pub fn gzip_file(source: &str, destination: &str) -> io::Result<()> {
    let result = (|| {
        let mut input = BufReader::new(File::open(source)?);
        let output = BufWriter::new(File::create(destination)?);
        let mut encoder = GzEncoder::new(output, Level::default());
        io::copy(&mut input, &mut encoder)?;
        let mut output = encoder.finish()?;
        output.flush()?;
        output.get_ref().sync_data()
    })();
    match result {
        Ok(()) => fs::remove_file(source),
        Err(error) => {
            let _ = fs::remove_file(destination);
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rotation::test_files::Scratch;
    use flate2::read::GzDecoder;
    use std::io::Read;

    fn gunzip(path: &str) -> String {
        let mut text = String::new();
        GzDecoder::new(File::open(path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn compresses_in_the_background_and_removes_the_original() {
        let scratch = Scratch::new("gzip");
        let source = scratch.path("app.log.1");
        let text = "a line\n".repeat(10_000);
        fs::write(&source, &text).unwrap();
        let mut compressor = Compressor::new(Compression::Gzip);
        compressor.start(source.clone()).unwrap();
        compressor.wait().unwrap();
        assert_eq!(scratch.names(), vec!["app.log.1.gz"]);
        assert_eq!(gunzip(&scratch.path("app.log.1.gz")), text);
    }

    #[test]
    fn a_missing_source_is_reported_by_the_next_wait() {
        let scratch = Scratch::new("gzip-missing");
        let mut compressor = Compressor::new(Compression::Gzip);
        compressor.start(scratch.path("absent")).unwrap();
        let error = compressor.wait().unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(scratch.names().is_empty());
    }

    #[test]
    fn unknown_compressions_are_named() {
        assert_eq!(Compression::parse("gzip"), Ok(Compression::Gzip));
        let error = Compression::parse("zstd").unwrap_err();
        assert!(error.contains("\"zstd\""), "{error}");
    }
}
