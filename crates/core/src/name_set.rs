//! A set of short names asked about once per field per record: a hash set
//! with FNV-1a, which hashes a name of a dozen bytes in a few
//! multiplications where the standard SipHash costs more than the rest of
//! the lookup. The names are a program's own (a formatter's settings), not
//! input an attacker chooses, so the flooding resistance SipHash buys is
//! not needed here.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Debug, Default, Clone)]
pub struct NameSet(HashSet<String, BuildHasherDefault<Fnv1a>>);

impl NameSet {
    pub fn contains(&self, name: &str) -> bool {
        !self.0.is_empty() && self.0.contains(name)
    }
}

impl FromIterator<String> for NameSet {
    fn from_iter<Names: IntoIterator<Item = String>>(names: Names) -> NameSet {
        NameSet(names.into_iter().collect())
    }
}

/// 64-bit FNV-1a.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_exactly_the_names_given() {
        let names: NameSet = ["name", "msg", "taskName", ""]
            .into_iter()
            .map(String::from)
            .collect();
        for present in ["name", "msg", "taskName", ""] {
            assert!(names.contains(present), "{present}");
        }
        for absent in ["Name", "ms", "msgs", "user_id", "taskname"] {
            assert!(!names.contains(absent), "{absent}");
        }
        assert!(!NameSet::default().contains("name"));
    }
}
