//! Turning the machine's timeline into what the edge node publishes: births, live data, an
//! outage (NDEATH, rebirth, replay as historical data), duplicates and skewed clocks.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::edge::Edge;
use super::rng::SplitMix64;
use super::spec::{ShiftSpec, minutes};
use super::timeline::{MachineEventKind, Timeline};
use super::truth::GroundTruth;
use crate::metrics;
use crate::timestamp::EpochMs;

/// The generated file content and its ground truth.
#[derive(Debug, Clone)]
pub struct GeneratedShift {
    /// One `telemetry` request body per line.
    pub lines: Vec<Value>,
    /// What the bridge must make of it.
    pub truth: GroundTruth,
    /// Shift start and end (the report window) and planned break time.
    pub window: (EpochMs, EpochMs, i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Part,
    State,
    Filler,
}

/// One DDATA before sequencing.
#[derive(Debug, Clone)]
pub(super) struct Data {
    pub(super) at: EpochMs,
    pub(super) kind: Kind,
    pub(super) metrics: Vec<(&'static str, Value)>,
    /// Device clock offset: metric timestamps are `at + skew`.
    pub(super) skew: i64,
}

/// Generates the shift.
pub fn generate(spec: &ShiftSpec) -> Result<GeneratedShift, String> {
    let start = spec.validate()?;
    let end = spec.end_ms(start);
    let mut rng = SplitMix64::new(spec.seed);
    let timeline = Timeline::build(spec, start, &mut rng);

    let mut truth = GroundTruth {
        planned_ms: minutes(spec.shift_minutes) - spec.break_ms(),
        ideal_cycle_ms: i64::try_from(spec.ideal_cycle_time_ms).unwrap_or(i64::MAX),
        ..GroundTruth::default()
    };
    let outage = (
        start + minutes(spec.outage_start_minute),
        start + minutes(spec.outage_start_minute + spec.outage_minutes),
    );
    let mut data: Vec<Data> = Vec::new();
    for event in &timeline.events {
        let (kind, values) = match &event.kind {
            MachineEventKind::Part { serial, good } => {
                truth.parts += 1;
                truth.good += u64::from(*good);
                truth.historical_parts += u64::from(event.at >= outage.0 && event.at < outage.1);
                let result = if *good { "good" } else { "reject" };
                (
                    Kind::Part,
                    vec![
                        (metrics::WORK_ORDER, json!(spec.order_id)),
                        (metrics::SERIAL, json!(serial)),
                        (metrics::RESULT, json!(result)),
                    ],
                )
            }
            MachineEventKind::Down { reason } => (
                Kind::State,
                vec![
                    (metrics::MACHINE_STATE, json!("DOWN")),
                    (metrics::DOWN_REASON, json!(reason)),
                ],
            ),
            MachineEventKind::Up => (
                Kind::State,
                vec![(metrics::MACHINE_STATE, json!("RUNNING"))],
            ),
        };
        data.push(Data {
            at: event.at,
            kind,
            metrics: values,
            skew: 0,
        });
    }
    for (reason, down, up) in &timeline.downtimes {
        *truth.downtime_by_reason.entry(reason.clone()).or_default() += up - down;
        truth.downtime_events += 1;
    }

    // Fixed lines: 2 births per session, 1 death, the duplicates and the re-sent completions.
    let fixed = 5 + data.len() + spec.duplicates + spec.resent_after_outage;
    let fillers = spec
        .messages
        .checked_sub(fixed)
        .filter(|f| *f >= spec.skewed_beyond)
        .ok_or_else(|| {
            format!(
                "messages must be at least {} for this shift",
                fixed + spec.skewed_beyond
            )
        })?;
    for _ in 0..fillers {
        let at = rng.range(start, end - 1);
        let temperature = (600.0 + rng.range(-30, 30) as f64) / 10.0;
        data.push(Data {
            at,
            kind: Kind::Filler,
            metrics: vec![("Process/Temperature", json!(temperature))],
            skew: 0,
        });
    }
    data.sort_by_key(|d| (d.at, d.kind == Kind::Filler));

    inject_skew(spec, &mut data, &mut rng, &mut truth);

    let mut edge = Edge::new(spec);
    let mut lines = vec![edge.nbirth(start - 2000, 0), edge.dbirth(start - 1000)];
    let (before, rest): (Vec<Data>, Vec<Data>) = data.into_iter().partition(|d| d.at < outage.0);
    let (held, after): (Vec<Data>, Vec<Data>) = rest.into_iter().partition(|d| d.at < outage.1);

    let first_live = lines.len();
    for d in &before {
        lines.push(edge.ddata(d, false));
    }
    insert_duplicates(spec, &mut lines, first_live, &mut rng, &mut truth)?;
    lines.push(edge.ndeath(outage.0, 0));
    lines.push(edge.nbirth(outage.1, 1));
    lines.push(edge.dbirth(outage.1));
    // The edge had not seen these acknowledged before the link dropped, so it sends them again.
    let resent: Vec<&Data> = before
        .iter()
        .filter(|d| d.kind == Kind::Part)
        .rev()
        .take(spec.resent_after_outage)
        .collect();
    if resent.len() < spec.resent_after_outage {
        return Err("not enough completions before the outage to re-send".into());
    }
    for d in resent.into_iter().rev() {
        lines.push(edge.ddata(d, true));
        truth.duplicates += 1;
    }
    for d in &held {
        lines.push(edge.ddata(d, true));
    }
    for d in &after {
        lines.push(edge.ddata(d, false));
    }
    truth.messages = lines.len() as u64;
    if lines.len() != spec.messages {
        return Err(format!(
            "internal: generated {} lines, wanted {}",
            lines.len(),
            spec.messages
        ));
    }
    Ok(GeneratedShift {
        lines,
        truth,
        window: (start, end, spec.break_ms()),
    })
}

/// Device clocks off: some completions within the tolerance (two exactly at ±tolerance), some
/// process values beyond it. Completions near the shift edges keep true time so that they stay
/// inside the report window.
fn inject_skew(spec: &ShiftSpec, data: &mut [Data], rng: &mut SplitMix64, truth: &mut GroundTruth) {
    let tolerance = i64::try_from(spec.skew_tolerance_ms).unwrap_or(i64::MAX / 4);
    let parts: Vec<usize> = data
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == Kind::Part)
        .map(|(i, _)| i)
        .collect();
    let inner = parts
        .get(5..parts.len().saturating_sub(5))
        .unwrap_or_default();
    for (n, index) in pick(rng, inner, spec.skewed_within).into_iter().enumerate() {
        let skew = match n {
            0 => tolerance,
            1 => -tolerance,
            _ => rng.range(-tolerance, tolerance),
        };
        if let Some(d) = data.get_mut(index) {
            d.skew = skew;
        }
    }
    let fillers: Vec<usize> = data
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == Kind::Filler)
        .map(|(i, _)| i)
        .collect();
    for index in pick(rng, &fillers, spec.skewed_beyond) {
        let beyond = tolerance + rng.range(1, 3000);
        if let Some(d) = data.get_mut(index) {
            d.skew = if rng.chance(0.5) { beyond } else { -beyond };
            truth.clock_skew += 1;
        }
    }
}

/// Exact re-deliveries (same `seq`) of live messages, 1–20 lines after the original.
fn insert_duplicates(
    spec: &ShiftSpec,
    lines: &mut Vec<Value>,
    first: usize,
    rng: &mut SplitMix64,
    truth: &mut GroundTruth,
) -> Result<(), String> {
    let last = lines.len();
    let candidates: Vec<usize> = (first..last.saturating_sub(1)).collect();
    if candidates.len() < spec.duplicates {
        return Err("not enough live messages before the outage for the duplicates".into());
    }
    let mut inserts: Vec<(usize, Value)> = pick(rng, &candidates, spec.duplicates)
        .into_iter()
        .filter_map(|original| {
            let at = (original + 1 + rng.range(0, 19) as usize).min(last);
            lines.get(original).map(|line| (at, line.clone()))
        })
        .collect();
    // Insert from the back so earlier positions stay valid.
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    for (at, line) in inserts {
        lines.insert(at, line);
        truth.duplicates += 1;
    }
    Ok(())
}

/// `count` distinct items of `from`, in ascending order.
fn pick(rng: &mut SplitMix64, from: &[usize], count: usize) -> Vec<usize> {
    let mut chosen = BTreeSet::new();
    while chosen.len() < count.min(from.len()) {
        if let Some(item) = from.get(rng.range(0, from.len() as i64 - 1) as usize) {
            chosen.insert(*item);
        }
    }
    chosen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_message_count_and_reproducible() {
        let spec = ShiftSpec::default();
        let first = generate(&spec).expect("generates");
        assert_eq!(first.lines.len(), spec.messages);
        let again = generate(&spec).expect("generates");
        assert_eq!(first.lines, again.lines);
        assert_eq!(first.truth, again.truth);
        assert_eq!(
            first.truth.duplicates,
            (spec.duplicates + spec.resent_after_outage) as u64
        );
        assert_eq!(first.truth.clock_skew, spec.skewed_beyond as u64);
        assert!(
            first.truth.historical_parts > 150,
            "a 10 minute outage holds parts"
        );
        let other = generate(&ShiftSpec {
            seed: 2,
            ..ShiftSpec::default()
        })
        .expect("generates");
        assert_ne!(first.lines, other.lines);
    }

    #[test]
    fn too_few_messages_is_an_error() {
        assert!(
            generate(&ShiftSpec {
                messages: 100,
                ..ShiftSpec::default()
            })
            .is_err()
        );
    }
}
