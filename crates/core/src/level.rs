//! The standard severity levels. Levels are plain integers, as in the standard
//! library, so custom levels (25, 5, ...) need no special type.

pub const NOTSET: i32 = 0;
pub const DEBUG: i32 = 10;
pub const INFO: i32 = 20;
pub const WARNING: i32 = 30;
pub const ERROR: i32 = 40;
pub const CRITICAL: i32 = 50;

/// The names the standard library registers at import, in its order.
pub const STANDARD_LEVELS: [(i32, &str); 6] = [
    (CRITICAL, "CRITICAL"),
    (ERROR, "ERROR"),
    (WARNING, "WARNING"),
    (INFO, "INFO"),
    (DEBUG, "DEBUG"),
    (NOTSET, "NOTSET"),
];

/// The name of a standard level, or `None` for a level nobody registered.
pub fn standard_name(level: i32) -> Option<&'static str> {
    STANDARD_LEVELS
        .iter()
        .find(|(value, _)| *value == level)
        .map(|(_, name)| *name)
}

/// The name the standard library gives an unregistered level: `"Level 25"`.
pub fn unregistered_name(level: i64) -> String {
    format!("Level {level}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_levels_have_their_names() {
        assert_eq!(standard_name(INFO), Some("INFO"));
        assert_eq!(standard_name(NOTSET), Some("NOTSET"));
        assert_eq!(standard_name(25), None);
    }

    #[test]
    fn unregistered_levels_are_named_like_the_standard_library() {
        assert_eq!(unregistered_name(25), "Level 25");
        assert_eq!(unregistered_name(-3), "Level -3");
    }
}
