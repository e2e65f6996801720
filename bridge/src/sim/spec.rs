//! The `generate_shift` request body: every parameter has a production-like default.

use serde::Deserialize;

use crate::timestamp::{EpochMs, parse_time};

/// A planned break inside the shift.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakSpec {
    /// Minutes after shift start.
    pub start_minute: u64,
    /// Length in minutes.
    pub minutes: u64,
}

/// What shift to generate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShiftSpec {
    /// Random seed.
    pub seed: u64,
    /// Exact number of lines (telemetry requests) in the file.
    pub messages: usize,
    /// Shift start, RFC 3339.
    pub shift_start: String,
    /// Shift length.
    pub shift_minutes: u64,
    /// Planned breaks (no production, not downtime).
    pub breaks: Vec<BreakSpec>,
    /// Network outage start, minutes after shift start.
    pub outage_start_minute: u64,
    /// Network outage length: the edge stores, then replays as historical data.
    pub outage_minutes: u64,
    /// Ideal cycle time of the part (must match the bridge configuration).
    pub ideal_cycle_time_ms: u64,
    /// Unplanned downtimes during the shift.
    pub downtimes: usize,
    /// Messages delivered twice (same `seq`).
    pub duplicates: usize,
    /// Completions the edge re-sends after the outage though they had arrived (new `seq`,
    /// historical).
    pub resent_after_outage: usize,
    /// Process-value messages whose device clock is beyond the skew tolerance.
    pub skewed_beyond: usize,
    /// Completion messages whose device clock is off but within the tolerance (some exactly at it).
    pub skewed_within: usize,
    /// The bridge's skew tolerance (must match the bridge configuration).
    pub skew_tolerance_ms: u64,
    /// Share of parts rejected.
    pub reject_rate: f64,
    /// Sparkplug group id.
    pub group: String,
    /// Edge node id.
    pub edge_node: String,
    /// Device id.
    pub device: String,
    /// Work order running during the shift.
    pub order_id: String,
    /// Output file name, in the working folder.
    pub file: String,
}

impl Default for ShiftSpec {
    fn default() -> Self {
        Self {
            seed: 1,
            messages: 12_000,
            shift_start: "2024-03-04T06:00:00Z".into(),
            shift_minutes: 480,
            breaks: vec![
                BreakSpec {
                    start_minute: 120,
                    minutes: 30,
                },
                BreakSpec {
                    start_minute: 300,
                    minutes: 30,
                },
            ],
            outage_start_minute: 200,
            outage_minutes: 10,
            ideal_cycle_time_ms: 2000,
            downtimes: 6,
            duplicates: 60,
            resent_after_outage: 5,
            skewed_beyond: 25,
            skewed_within: 40,
            skew_tolerance_ms: 500,
            reject_rate: 0.022,
            group: "Plant1".into(),
            edge_node: "edge-press-07".into(),
            device: "press07".into(),
            order_id: "WO-PQ-0001".into(),
            file: "shift.jsonl".into(),
        }
    }
}

impl ShiftSpec {
    /// Checks the parameters and returns the shift start in epoch ms.
    pub fn validate(&self) -> Result<EpochMs, String> {
        let start = parse_time(&serde_json::Value::String(self.shift_start.clone()))
            .ok_or_else(|| format!("shift_start {:?} is not RFC 3339", self.shift_start))?;
        if self.shift_minutes == 0 || self.ideal_cycle_time_ms == 0 {
            return Err("shift_minutes and ideal_cycle_time_ms must be positive".into());
        }
        let mut previous_end = 0;
        for b in &self.breaks {
            if b.start_minute < previous_end || b.start_minute + b.minutes > self.shift_minutes {
                return Err(
                    "breaks must be in order, not overlap, and lie inside the shift".into(),
                );
            }
            previous_end = b.start_minute + b.minutes;
        }
        if self.outage_minutes == 0
            || self.outage_start_minute == 0
            || self.outage_start_minute + self.outage_minutes >= self.shift_minutes
        {
            return Err("the outage must lie strictly inside the shift".into());
        }
        if !(0.0..1.0).contains(&self.reject_rate) {
            return Err("reject_rate must be in [0, 1)".into());
        }
        if self.file.is_empty() || self.file.contains(['/', '\\']) {
            return Err("file must be a plain file name".into());
        }
        Ok(start)
    }

    /// The shift end in epoch ms.
    pub fn end_ms(&self, start: EpochMs) -> EpochMs {
        start + minutes(self.shift_minutes)
    }

    /// Total planned break time.
    pub fn break_ms(&self) -> i64 {
        self.breaks.iter().map(|b| minutes(b.minutes)).sum()
    }
}

/// Minutes to milliseconds.
pub fn minutes(m: u64) -> i64 {
    i64::try_from(m)
        .unwrap_or(i64::MAX / 60_000)
        .saturating_mul(60_000)
}
