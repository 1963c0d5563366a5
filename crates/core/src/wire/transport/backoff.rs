//! When to try connecting again: exponential backoff with jitter, a reset
//! once a connection has proved itself, and a deadline after which the
//! caller stops waiting for the connection and drops what it would send.
//!
//! Time is passed in (`now`), never read here, so the sequence of delays
//! is tested without sleeping; the jitter comes from a seeded generator.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// The settings of a backoff (the `SocketHandlerBuilder.with_backoff`
/// arguments).
///
/// | setting | default | meaning |
/// | --- | --- | --- |
/// | `base` | 100 ms | the delay after the first failed attempt |
/// | `cap` | 5 s | no delay is longer |
/// | `reset_after` | 30 s | a connection up this long makes the next delay `base` again |
/// | `deadline` | 120 s | without a connection this long, frames are given up (`None`: never) |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub reset_after: Duration,
    pub deadline: Option<Duration>,
}

impl Default for BackoffPolicy {
    fn default() -> BackoffPolicy {
        BackoffPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
            reset_after: Duration::from_secs(30),
            deadline: Some(Duration::from_secs(120)),
        }
    }
}

/// A xorshift64* generator: enough to spread reconnections of many
/// processes apart, and reproducible from its seed in tests.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn seeded(seed: u64) -> Jitter {
        // Zero is xorshift's one fixed point.
        Jitter(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// Seeded from std's per-process random hash keys, so that processes
    /// started together do not reconnect in step.
    pub fn random() -> Jitter {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        Jitter::seeded(hasher.finish())
    }

    /// A fraction in [0, 1).
    pub fn next_fraction(&mut self) -> f64 {
        let mut state = self.0;
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        self.0 = state;
        // The top 53 bits fill a double's mantissa exactly.
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Clone)]
pub struct Backoff {
    policy: BackoffPolicy,
    jitter: Jitter,
    /// Failed attempts since the delay was last reset.
    failures: u32,
    connected_at: Option<Instant>,
    /// Since when there has been no connection (the first failed attempt,
    /// or the loss of the last connection).
    down_since: Option<Instant>,
}

impl Backoff {
    pub fn new(policy: BackoffPolicy, jitter: Jitter) -> Backoff {
        Backoff {
            policy,
            jitter,
            failures: 0,
            connected_at: None,
            down_since: None,
        }
    }

    pub fn policy(&self) -> &BackoffPolicy {
        &self.policy
    }

    /// An attempt failed at `now`: how long to wait before the next one.
    ///
    /// The ceiling doubles from `base` up to `cap`; the delay is drawn from
    /// its upper half ("equal jitter"), so it never falls below half the
    /// ceiling and retries still slow down while spreading apart.
    pub fn failed(&mut self, now: Instant) -> Duration {
        self.down_since.get_or_insert(now);
        self.connected_at = None;
        let ceiling = self.ceiling();
        self.failures = self.failures.saturating_add(1);
        let half = ceiling / 2;
        half + half.mul_f64(self.jitter.next_fraction())
    }

    fn ceiling(&self) -> Duration {
        let doubling = 1u32.checked_shl(self.failures.min(31)).unwrap_or(u32::MAX);
        self.policy
            .base
            .checked_mul(doubling)
            .unwrap_or(self.policy.cap)
            .min(self.policy.cap)
    }

    /// A connection is up (its owner says so once it has carried a frame).
    pub fn connected(&mut self, now: Instant) {
        self.connected_at = Some(now);
        self.down_since = None;
    }

    /// The connection was lost at `now`. Only one that stayed up for
    /// `reset_after` resets the delays: a receiver that accepts and drops
    /// every connection must not be hammered at `base`.
    pub fn lost(&mut self, now: Instant) {
        if let Some(since) = self.connected_at.take() {
            if now.saturating_duration_since(since) >= self.policy.reset_after {
                self.failures = 0;
            }
        }
        self.down_since.get_or_insert(now);
    }

    /// Whether there has been no connection for longer than the deadline.
    pub fn expired(&self, now: Instant) -> bool {
        match (self.policy.deadline, self.down_since) {
            (Some(deadline), Some(since)) => now.saturating_duration_since(since) >= deadline,
            _ => false,
        }
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> BackoffPolicy {
        BackoffPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
            reset_after: Duration::from_secs(10),
            deadline: Some(Duration::from_secs(60)),
        }
    }

    #[test]
    fn delays_double_up_to_the_cap_within_their_jitter() {
        let mut backoff = Backoff::new(policy(), Jitter::seeded(7));
        let start = Instant::now();
        let ceilings = [100, 200, 400, 800, 1000, 1000, 1000];
        for ceiling in ceilings {
            let delay = backoff.failed(start).as_millis() as u64;
            assert!(
                (ceiling / 2..=ceiling).contains(&delay),
                "{delay} ms for a ceiling of {ceiling} ms"
            );
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_delays() {
        let delays = |seed| {
            let mut backoff = Backoff::new(policy(), Jitter::seeded(seed));
            let now = Instant::now();
            (0..6).map(|_| backoff.failed(now)).collect::<Vec<_>>()
        };
        assert_eq!(delays(42), delays(42));
        assert_ne!(delays(42), delays(43));
    }

    #[test]
    fn jitter_fractions_stay_in_range_and_spread() {
        let mut jitter = Jitter::seeded(0);
        let fractions: Vec<f64> = (0..1000).map(|_| jitter.next_fraction()).collect();
        assert!(fractions
            .iter()
            .all(|fraction| (0.0..1.0).contains(fraction)));
        let low = fractions.iter().filter(|fraction| **fraction < 0.5).count();
        assert!((400..600).contains(&low), "{low} of 1000 below one half");
    }

    #[test]
    fn a_connection_that_stayed_up_resets_the_delay() {
        let mut backoff = Backoff::new(policy(), Jitter::seeded(1));
        let start = Instant::now();
        for _ in 0..4 {
            backoff.failed(start);
        }
        backoff.connected(start);
        backoff.lost(start + Duration::from_secs(10));
        assert_eq!(backoff.failures(), 0);
        assert!(backoff.failed(start + Duration::from_secs(10)) <= Duration::from_millis(100));
    }

    #[test]
    fn a_connection_dropped_at_once_keeps_the_delay_growing() {
        let mut backoff = Backoff::new(policy(), Jitter::seeded(1));
        let start = Instant::now();
        for _ in 0..3 {
            backoff.failed(start);
        }
        backoff.connected(start);
        backoff.lost(start + Duration::from_secs(1));
        assert_eq!(backoff.failures(), 3);
        assert!(backoff.failed(start) >= Duration::from_millis(400));
    }

    #[test]
    fn the_deadline_counts_from_the_last_connection() {
        let mut backoff = Backoff::new(policy(), Jitter::seeded(1));
        let start = Instant::now();
        assert!(!backoff.expired(start + Duration::from_secs(600)));
        backoff.failed(start);
        assert!(!backoff.expired(start + Duration::from_secs(59)));
        assert!(backoff.expired(start + Duration::from_secs(60)));
        backoff.connected(start + Duration::from_secs(61));
        assert!(!backoff.expired(start + Duration::from_secs(200)));
        backoff.lost(start + Duration::from_secs(200));
        backoff.failed(start + Duration::from_secs(230));
        assert!(!backoff.expired(start + Duration::from_secs(259)));
        assert!(backoff.expired(start + Duration::from_secs(260)));
    }

    #[test]
    fn no_deadline_never_expires() {
        let policy = BackoffPolicy {
            deadline: None,
            ..policy()
        };
        let mut backoff = Backoff::new(policy, Jitter::seeded(1));
        let start = Instant::now();
        backoff.failed(start);
        assert!(!backoff.expired(start + Duration::from_secs(1 << 20)));
    }
}
