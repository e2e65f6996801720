//! The figures the bridge must reconcile to, computed here from the simulator's ground truth.
//! Deliberately independent of the bridge: no call into `crate::oee` or `crate::report`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// Counts and expected results of a generated shift.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroundTruth {
    /// Parts made.
    pub parts: u64,
    /// Good parts.
    pub good: u64,
    /// Parts made during the outage (arrive as historical data).
    pub historical_parts: u64,
    /// Downtime per reason code.
    pub downtime_by_reason: BTreeMap<String, i64>,
    /// Number of downtimes.
    pub downtime_events: u64,
    /// Shift length minus breaks.
    pub planned_ms: i64,
    /// Ideal cycle time.
    pub ideal_cycle_ms: i64,
    /// Lines in the file.
    pub messages: u64,
    /// Lines the bridge must refuse as duplicates.
    pub duplicates: u64,
    /// Lines the bridge must refuse for clock skew.
    pub clock_skew: u64,
}

impl GroundTruth {
    /// The expected figures, OEE in percent, computed the textbook way from the truth.
    pub fn expected(&self) -> Value {
        let downtime: i64 = self.downtime_by_reason.values().sum();
        let run = self.planned_ms - downtime;
        let availability = run as f64 / self.planned_ms as f64;
        let performance = (self.parts as f64 * self.ideal_cycle_ms as f64) / run as f64;
        let quality = self.good as f64 / self.parts as f64;
        json!({
            "total_count": self.parts,
            "good_count": self.good,
            "reject_count": self.parts - self.good,
            "historical_count": self.historical_parts,
            "downtime_ms": downtime,
            "downtime_events": self.downtime_events,
            "downtime_by_reason": self.downtime_by_reason,
            "planned_time_ms": self.planned_ms,
            "run_time_ms": run,
            "average_cycle_time_ms": run as f64 / self.parts as f64,
            "availability_pct": 100.0 * availability,
            "performance_pct": 100.0 * performance,
            "quality_pct": 100.0 * quality,
            "oee_pct": 100.0 * availability * performance * quality,
            "accepted": self.messages - self.duplicates - self.clock_skew,
            "rejected": {"duplicate": self.duplicates, "clock_skew": self.clock_skew},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_figures() {
        let truth = GroundTruth {
            parts: 100,
            good: 90,
            downtime_by_reason: BTreeMap::from([("JAM".to_string(), 100_000)]),
            planned_ms: 400_000,
            ideal_cycle_ms: 2_000,
            messages: 120,
            duplicates: 3,
            clock_skew: 2,
            ..GroundTruth::default()
        };
        let expected = truth.expected();
        assert_eq!(expected["availability_pct"], json!(75.0));
        assert_eq!(expected["quality_pct"], json!(90.0));
        let performance = expected["performance_pct"].as_f64().unwrap_or(0.0);
        assert!((performance - 200_000.0 / 300_000.0 * 100.0).abs() < 1e-9);
        assert_eq!(expected["accepted"], json!(115));
    }
}
