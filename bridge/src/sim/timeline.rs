//! What the machine does during the shift, in source time: parts, downtimes. The ground truth.

use super::rng::SplitMix64;
use super::spec::{ShiftSpec, minutes};
use crate::timestamp::EpochMs;

/// Downtime reason codes the simulated press uses.
pub const REASONS: [&str; 4] = ["JAM", "MATERIAL_SHORTAGE", "TOOL_CHANGE", "MINOR_STOP"];

/// Something the machine did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MachineEventKind {
    /// A part completed the operation.
    Part {
        /// Serial number.
        serial: String,
        /// Conforming or not.
        good: bool,
    },
    /// The machine stopped.
    Down {
        /// Reason code.
        reason: String,
    },
    /// The machine runs again.
    Up,
}

/// A machine event at a true time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineEvent {
    /// When (true time).
    pub at: EpochMs,
    /// What.
    pub kind: MachineEventKind,
}

/// The shift as it really happened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timeline {
    /// Events in time order.
    pub events: Vec<MachineEvent>,
    /// Downtimes: reason, start, end.
    pub downtimes: Vec<(String, EpochMs, EpochMs)>,
}

impl Timeline {
    /// Simulates the shift: in every planned interval (shift minus breaks) parts come at the ideal
    /// cycle time plus 5–35 %, interrupted by unplanned downtimes of 2–8 minutes.
    pub fn build(spec: &ShiftSpec, start: EpochMs, rng: &mut SplitMix64) -> Self {
        let end = spec.end_ms(start);
        let segments = planned_segments(spec, start, end);
        let planned: i64 = segments.iter().map(|(a, b)| b - a).sum();
        let mut schedule: Vec<EpochMs> = (0..spec.downtimes)
            .map(|_| at_planned_offset(&segments, rng.range(0, planned - 1)))
            .collect();
        schedule.sort_unstable();
        let mut schedule = schedule.into_iter().peekable();

        let ideal = i64::try_from(spec.ideal_cycle_time_ms).unwrap_or(i64::MAX / 4);
        let mut timeline = Self::default();
        let mut parts = 0u64;
        for (segment_start, segment_end) in segments {
            let mut t = segment_start;
            while schedule.peek().is_some_and(|at| *at < segment_start) {
                schedule.next();
            }
            loop {
                let cycle = ideal + ideal * rng.range(5, 35) / 100;
                let candidate = t + cycle;
                if let Some(at) = schedule.next_if(|at| *at < candidate.min(segment_end)) {
                    // Stops come a little after the last part, never at the same instant.
                    let down = at.max(t) + rng.range(600, 1500);
                    let up = (down + rng.range(minutes(2), minutes(8))).min(segment_end - 1000);
                    if up > down {
                        let reason = REASONS
                            .get(rng.range(0, 3) as usize)
                            .copied()
                            .unwrap_or("JAM")
                            .to_string();
                        timeline.events.push(MachineEvent {
                            at: down,
                            kind: MachineEventKind::Down {
                                reason: reason.clone(),
                            },
                        });
                        timeline.events.push(MachineEvent {
                            at: up,
                            kind: MachineEventKind::Up,
                        });
                        timeline.downtimes.push((reason, down, up));
                        t = up;
                    }
                    continue;
                }
                if candidate >= segment_end {
                    break;
                }
                parts += 1;
                let good = !rng.chance(spec.reject_rate);
                timeline.events.push(MachineEvent {
                    at: candidate,
                    kind: MachineEventKind::Part {
                        serial: format!("SN-{parts:06}"),
                        good,
                    },
                });
                t = candidate;
            }
        }
        timeline
    }
}

/// The shift minus its breaks, as `[start, end)` intervals.
pub fn planned_segments(spec: &ShiftSpec, start: EpochMs, end: EpochMs) -> Vec<(EpochMs, EpochMs)> {
    let mut segments = Vec::new();
    let mut cursor = start;
    for b in &spec.breaks {
        let break_start = start + minutes(b.start_minute);
        if break_start > cursor {
            segments.push((cursor, break_start));
        }
        cursor = break_start + minutes(b.minutes);
    }
    if end > cursor {
        segments.push((cursor, end));
    }
    segments
}

fn at_planned_offset(segments: &[(EpochMs, EpochMs)], mut offset: i64) -> EpochMs {
    for (a, b) in segments {
        if offset < b - a {
            return a + offset;
        }
        offset -= b - a;
    }
    segments.last().map_or(0, |(_, b)| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_only_in_planned_time_and_downtimes_do_not_overlap_parts() {
        let spec = ShiftSpec::default();
        let start = spec.validate().expect("valid");
        let timeline = Timeline::build(&spec, start, &mut SplitMix64::new(3));
        let segments = planned_segments(&spec, start, spec.end_ms(start));
        assert_eq!(segments.len(), 3);
        let mut last = start;
        for event in &timeline.events {
            assert!(event.at >= last, "time order");
            last = event.at;
            assert!(
                segments.iter().any(|(a, b)| event.at > *a && event.at < *b),
                "inside planned time"
            );
        }
        assert_eq!(timeline.downtimes.len(), spec.downtimes);
        for (_, down, up) in &timeline.downtimes {
            let during = timeline
                .events
                .iter()
                .filter(|e| matches!(e.kind, MachineEventKind::Part { .. }));
            assert!(
                during.filter(|e| e.at > *down && e.at < *up).count() == 0,
                "no parts while down"
            );
        }
        let parts = timeline
            .events
            .iter()
            .filter(|e| matches!(e.kind, MachineEventKind::Part { .. }))
            .count();
        assert!(parts > 9_000 && parts < 11_500, "{parts} parts");
    }
}
