//! What a full queue does to the caller.

use std::fmt;
use std::time::Duration;

/// The choice a handler makes when its queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowPolicy {
    /// The record is dropped and counted; the caller never waits.
    Drop,
    /// The caller waits until the worker makes room: nothing is lost.
    Block,
    /// The caller waits up to this long, then the record is dropped and counted.
    Timeout(Duration),
}

/// Why a policy's text was refused; the message names what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

impl OverflowPolicy {
    /// `"drop"`, `"block"` or `"timeout:N"` with `N` milliseconds (a positive integer).
    pub fn parse(text: &str) -> Result<OverflowPolicy, PolicyError> {
        let trimmed = text.trim();
        match trimmed.to_ascii_lowercase().as_str() {
            "drop" => return Ok(OverflowPolicy::Drop),
            "block" => return Ok(OverflowPolicy::Block),
            _ => {}
        }
        let Some(milliseconds) = trimmed
            .get(..8)
            .filter(|prefix| prefix.eq_ignore_ascii_case("timeout:"))
            .map(|_| &trimmed[8..])
        else {
            return Err(PolicyError(format!(
                "invalid overflow policy {text:?}: expected \"drop\", \"block\" or \"timeout:N\" (N in milliseconds)"
            )));
        };
        match milliseconds.trim().parse::<u64>() {
            Ok(milliseconds) if milliseconds > 0 => {
                Ok(OverflowPolicy::Timeout(Duration::from_millis(milliseconds)))
            }
            _ => Err(PolicyError(format!(
                "invalid overflow policy {text:?}: the timeout must be a positive whole number of milliseconds"
            ))),
        }
    }
}

impl fmt::Display for OverflowPolicy {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverflowPolicy::Drop => formatter.write_str("drop"),
            OverflowPolicy::Block => formatter.write_str("block"),
            OverflowPolicy::Timeout(limit) => write!(formatter, "timeout:{}", limit.as_millis()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_spellings_and_round_trips() {
        for (text, policy) in [
            ("drop", OverflowPolicy::Drop),
            ("block", OverflowPolicy::Block),
            (
                "timeout:250",
                OverflowPolicy::Timeout(Duration::from_millis(250)),
            ),
        ] {
            assert_eq!(OverflowPolicy::parse(text), Ok(policy));
            assert_eq!(policy.to_string(), text);
        }
        assert_eq!(OverflowPolicy::parse(" Block "), Ok(OverflowPolicy::Block));
        assert_eq!(
            OverflowPolicy::parse("TIMEOUT:5"),
            Ok(OverflowPolicy::Timeout(Duration::from_millis(5)))
        );
    }

    #[test]
    fn refuses_anything_else_and_says_why() {
        for text in [
            "",
            "dropp",
            "timeout",
            "timeout:",
            "timeout:0",
            "timeout:-3",
            "timeout:1.5",
        ] {
            let error = OverflowPolicy::parse(text).unwrap_err();
            assert!(
                error.0.contains("invalid overflow policy"),
                "{text}: {error}"
            );
        }
        assert!(OverflowPolicy::parse("timeout:0")
            .unwrap_err()
            .0
            .contains("positive"));
    }
}
