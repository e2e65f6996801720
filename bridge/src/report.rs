//! Calculations on request: `report` over the records of a work center and shift, and `oee` on
//! figures given in the request (the calculation alone, for worked examples and edge cases).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::bridge::Bridge;
use crate::oee::{OeeInputs, compute};
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::timestamp::{EpochMs, iso_from_ms, parse_time};

impl Bridge {
    /// `report {equipment_id, from, to, planned_break_ms}`: counts, downtime by reason code,
    /// average cycle time and OEE of the committed records with source time in `[from, to)`.
    /// Events still in the reorder buffer are not counted (`pending` says how many there are).
    pub fn report(&self, body: &Value) -> Result<Value, Rejection> {
        let equipment_id = body
            .get("equipment_id")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("report needs equipment_id"))?;
        let from = body
            .get("from")
            .and_then(parse_time)
            .ok_or_else(|| invalid("report needs from (ms or RFC 3339)"))?;
        let to = body
            .get("to")
            .and_then(parse_time)
            .ok_or_else(|| invalid("report needs to (ms or RFC 3339)"))?;
        let breaks = optional_count(body, "planned_break_ms")?.unwrap_or(0);
        let window = u64::try_from(to - from)
            .ok()
            .filter(|w| *w > 0)
            .ok_or_else(|| invalid("to must be after from"))?;
        let planned_ms = window
            .checked_sub(breaks)
            .ok_or_else(|| invalid("planned_break_ms exceeds the window"))?;

        let storage = |err: crate::store::StoreError| Rejection::storage(&err);
        let counts = self
            .store
            .counts_by_part(equipment_id, from, to)
            .map_err(storage)?;
        let spans = self
            .store
            .downtime_overlapping(equipment_id, from, to)
            .map_err(storage)?;

        let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
        let mut downtime_ms = 0u64;
        for span in &spans {
            let clipped = clip(span.start_ms, span.end_ms.unwrap_or(to), from, to);
            downtime_ms += clipped;
            *by_reason.entry(span.reason.clone()).or_default() += clipped;
        }
        let ideal = &self.options.config.values.ideal_cycle_time_ms;
        let (mut total, mut good, mut ideal_output_ms, mut ideal_good_ms) =
            (0u64, 0u64, 0f64, 0f64);
        let mut by_part = Vec::new();
        for part in &counts {
            let cycle = ideal.get(&part.part_number).ok_or_else(|| {
                invalid(&format!(
                    "no ideal cycle time configured for part {}",
                    part.part_number
                ))
            })?;
            total += part.total;
            good += part.good;
            ideal_output_ms += *cycle as f64 * part.total as f64;
            ideal_good_ms += *cycle as f64 * part.good as f64;
            by_part.push(
                json!({"part_number": part.part_number, "total_count": part.total,
                                "good_count": part.good, "ideal_cycle_time_ms": cycle}),
            );
        }
        let figures = compute(&OeeInputs {
            planned_ms,
            downtime_ms,
            total_count: total,
            good_count: good,
            ideal_output_ms,
            ideal_good_ms,
        });
        let mut report = Map::new();
        report.insert("equipment_id".into(), json!(equipment_id));
        report.insert("from".into(), json!(iso_from_ms(from)));
        report.insert("to".into(), json!(iso_from_ms(to)));
        report.insert("planned_time_ms".into(), json!(planned_ms));
        report.insert("downtime_ms".into(), json!(downtime_ms));
        report.insert("downtime_events".into(), json!(spans.len()));
        report.insert("downtime_by_reason".into(), json!(by_reason));
        report.insert("total_count".into(), json!(total));
        report.insert("good_count".into(), json!(good));
        report.insert("reject_count".into(), json!(total - good));
        report.insert("by_part".into(), json!(by_part));
        let average = (total > 0).then(|| figures.run_ms as f64 / total as f64);
        report.insert("average_cycle_time_ms".into(), json!(average));
        extend(&mut report, figures.to_json());
        report.insert("pending".into(), json!(self.buffer.pending()));
        Ok(Value::Object(report))
    }
}

/// `oee {shift_ms, break_ms, downtime_ms, ideal_cycle_time_ms, total_count, reject_count}`.
pub fn oee_request(body: &Value) -> Result<Value, Rejection> {
    let required = |field: &str| {
        optional_count(body, field)?.ok_or_else(|| invalid(&format!("oee needs {field}")))
    };
    let shift_ms = required("shift_ms")?;
    let break_ms = optional_count(body, "break_ms")?.unwrap_or(0);
    let downtime_ms = required("downtime_ms")?;
    let total_count = required("total_count")?;
    let reject_count = required("reject_count")?;
    let ideal_cycle_ms = body
        .get("ideal_cycle_time_ms")
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| invalid("oee needs ideal_cycle_time_ms > 0"))?;
    let planned_ms = shift_ms
        .checked_sub(break_ms)
        .ok_or_else(|| invalid("break_ms exceeds shift_ms"))?;
    let good_count = total_count
        .checked_sub(reject_count)
        .ok_or_else(|| invalid("reject_count exceeds total_count"))?;
    let figures = compute(&OeeInputs::single_part(
        planned_ms,
        downtime_ms,
        ideal_cycle_ms,
        total_count,
        good_count,
    ));
    let mut result = Map::new();
    result.insert("planned_time_ms".into(), json!(planned_ms));
    result.insert("downtime_ms".into(), json!(downtime_ms));
    result.insert("total_count".into(), json!(total_count));
    result.insert("good_count".into(), json!(good_count));
    extend(&mut result, figures.to_json());
    Ok(Value::Object(result))
}

fn extend(target: &mut Map<String, Value>, source: Value) {
    if let Value::Object(source) = source {
        target.extend(source);
    }
}

fn clip(start: EpochMs, end: EpochMs, from: EpochMs, to: EpochMs) -> u64 {
    u64::try_from(end.min(to) - start.max(from)).unwrap_or(0)
}

fn optional_count(body: &Value, field: &str) -> Result<Option<u64>, Rejection> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| invalid(&format!("{field} must be a non-negative integer"))),
    }
}

fn invalid(message: &str) -> Rejection {
    Rejection::new(ReasonCode::InvalidRequest, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_example_through_the_request() {
        let result = oee_request(&json!({
            "shift_ms": 28_800_000, "break_ms": 3_600_000, "downtime_ms": 2_820_000,
            "ideal_cycle_time_ms": 1000, "total_count": 19_271, "reject_count": 423
        }))
        .expect("valid");
        let pct = |field: &str| result[field].as_f64().map(|v| (v * 100.0).round() / 100.0);
        assert_eq!(pct("availability_pct"), Some(88.81));
        assert_eq!(pct("performance_pct"), Some(86.11));
        assert_eq!(pct("quality_pct"), Some(97.80));
        assert_eq!(pct("oee_pct"), Some(74.79));
        assert_eq!(result["good_count"], json!(18_848));
    }

    #[test]
    fn inconsistent_inputs_are_refused() {
        for bad in [
            json!({"shift_ms": 10, "break_ms": 20, "downtime_ms": 0, "ideal_cycle_time_ms": 1, "total_count": 0, "reject_count": 0}),
            json!({"shift_ms": 10, "downtime_ms": 0, "ideal_cycle_time_ms": 1, "total_count": 1, "reject_count": 2}),
            json!({"shift_ms": 10, "downtime_ms": 0, "ideal_cycle_time_ms": 0, "total_count": 1, "reject_count": 0}),
            json!({"shift_ms": -1, "downtime_ms": 0, "ideal_cycle_time_ms": 1, "total_count": 1, "reject_count": 0}),
            json!({"downtime_ms": 0, "ideal_cycle_time_ms": 1, "total_count": 1, "reject_count": 0}),
        ] {
            assert_eq!(
                oee_request(&bad).expect_err("refused").code,
                ReasonCode::InvalidRequest,
                "{bad}"
            );
        }
    }

    #[test]
    fn clipping() {
        assert_eq!(clip(0, 100, 50, 80), 30);
        assert_eq!(clip(0, 40, 50, 80), 0);
        assert_eq!(clip(60, 70, 50, 80), 10);
    }
}
