//! Rate and time left for the progress line of a long campaign: scenarios per second since the
//! campaign started, and the remaining scenarios at that rate.

use std::time::{Duration, Instant};

/// When the campaign started, to derive the rate from.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    started: Instant,
}

impl Rate {
    /// Starts the clock now.
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
        }
    }

    /// `12.5/s, 3m20s left` after `done` of `total` scenarios; empty before the first one.
    pub fn describe(&self, done: usize, total: usize) -> String {
        describe(self.started.elapsed(), done, total)
    }
}

/// The rate and time-left text for `done` of `total` scenarios in `elapsed`.
pub fn describe(elapsed: Duration, done: usize, total: usize) -> String {
    let secs = elapsed.as_secs_f64();
    if done == 0 || secs <= 0.0 {
        return String::new();
    }
    let rate = done as f64 / secs;
    let left = total.saturating_sub(done) as f64 / rate;
    format!("{rate:.1}/s, {} left", duration_text(left))
}

/// `1h02m`, `3m20s`, `45s`.
fn duration_text(secs: f64) -> String {
    let s = secs.round() as u64;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s:02}s"),
        (h, m, _) => format!("{h}h{m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_and_time_left() {
        assert_eq!(describe(Duration::from_secs(10), 0, 100), "");
        assert_eq!(
            describe(Duration::from_secs(10), 25, 100),
            "2.5/s, 30s left"
        );
        assert_eq!(
            describe(Duration::from_secs(10), 1, 1000),
            "0.1/s, 2h46m left"
        );
        assert_eq!(
            describe(Duration::from_secs(60), 600, 1000),
            "10.0/s, 40s left"
        );
        assert_eq!(
            describe(Duration::from_secs(1), 1, 201),
            "1.0/s, 3m20s left"
        );
    }
}
