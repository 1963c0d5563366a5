//! The bytes a streaming decoder holds between reads.

/// A byte queue read from the front: consumed bytes are dropped lazily, so
/// taking a frame does not move the rest of the buffer each time.
#[derive(Debug, Default)]
pub(super) struct Buffer {
    bytes: Vec<u8>,
    start: usize,
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

    pub(super) fn consume(&mut self, count: usize) {
        self.start += count;
        if self.start == self.bytes.len() {
            self.bytes.clear();
            self.start = 0;
        }
    }
}
