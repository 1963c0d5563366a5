//! The bytes a streaming decoder holds between reads.

/// A byte queue read from the front: consumed bytes are dropped lazily, so
/// taking a frame does not move the rest of the buffer each time.
#[derive(Debug, Default)]
pub(super) struct Buffer {
    bytes: Vec<u8>,
    start: usize,
    /// Bytes of a refused frame still to be dropped as they arrive.
    skipping: usize,
}

impl Buffer {
    pub(super) fn extend(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.bytes.len() / 2 {
            self.bytes.drain(..self.start);
            self.start = 0;
        }
        self.bytes.extend_from_slice(bytes);
    }

    pub(super) fn as_slice(&self) -> &[u8] {
        &self.bytes[self.start..]
    }

    pub(super) fn len(&self) -> usize {
        self.bytes.len() - self.start
    }

    /// Removes and returns the first `count` bytes.
    pub(super) fn take(&mut self, count: usize) -> Vec<u8> {
        let taken = self.bytes[self.start..self.start + count].to_vec();
        self.consume(count);
        taken
    }

    /// Drops the next `count` bytes, those already here and those to come:
    /// the body of a frame refused for its size, so the frames after it are
    /// still read.
    pub(super) fn skip(&mut self, count: usize) {
        self.skipping = count;
    }

    /// Drops what is here of a skipped frame; true while more of it is to
    /// come, when no frame can be read yet.
    pub(super) fn still_skipping(&mut self) -> bool {
        if self.skipping > 0 {
            let skipped = self.skipping.min(self.len());
            self.consume(skipped);
            self.skipping -= skipped;
        }
        self.skipping > 0
    }

    pub(super) fn consume(&mut self, count: usize) {
        self.start += count;
        if self.start == self.bytes.len() {
            self.bytes.clear();
            self.start = 0;
        }
    }
}
