//! Admission gates every message passes before its content is used: data quality and clock skew.

use serde_json::json;

use crate::observation::Observation;
use crate::quality::Quality;
use crate::reason::ReasonCode;
use crate::rejection::Rejection;

/// Refuses the whole message if any value is Bad or Uncertain: a message is used whole or not at
/// all, so a questionable value can never leak into a record or a calculation.
pub fn check_quality(observation: &Observation) -> Result<(), Rejection> {
    match observation
        .readings
        .iter()
        .find(|r| r.quality != Quality::Good)
    {
        None => Ok(()),
        Some(reading) => Err(Rejection::new(
            ReasonCode::BadQuality,
            format!(
                "{} has {} quality; the message is not used",
                reading.name,
                reading.quality.as_str()
            ),
        )
        .with_details(json!({"metric": reading.name, "quality": reading.quality.as_str()}))),
    }
}

/// Refuses the message if any value's source time differs from its reference time (payload or
/// server timestamp) by more than `tolerance_ms`. Exactly at the tolerance is accepted.
pub fn check_skew(observation: &Observation, tolerance_ms: u64) -> Result<(), Rejection> {
    for reading in &observation.readings {
        let (Some(source), Some(reference)) = (reading.source_ms, reading.reference_ms) else {
            continue;
        };
        let skew = i128::from(source) - i128::from(reference);
        if skew.unsigned_abs() > u128::from(tolerance_ms) {
            return Err(Rejection::new(
                ReasonCode::ClockSkew,
                format!("{}: source time is {skew} ms from the server time (tolerance {tolerance_ms} ms)", reading.name),
            )
            .with_details(json!({"metric": reading.name, "skew_ms": skew as i64, "tolerance_ms": tolerance_ms})));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::{Origin, Reading};
    use serde_json::Value;

    fn observation(source: i64, reference: i64, quality: Quality) -> Observation {
        Observation {
            origin: Origin::OpcUa,
            device_id: "d".into(),
            topic: None,
            readings: vec![Reading {
                name: "x".into(),
                value: Value::Null,
                source_ms: Some(source),
                reference_ms: Some(reference),
                historical: false,
                quality,
            }],
        }
    }

    #[test]
    fn skew_exactly_at_tolerance_passes_one_ms_beyond_fails() {
        assert!(check_skew(&observation(10_500, 10_000, Quality::Good), 500).is_ok());
        assert!(check_skew(&observation(9_500, 10_000, Quality::Good), 500).is_ok());
        let late =
            check_skew(&observation(10_501, 10_000, Quality::Good), 500).expect_err("beyond");
        assert_eq!(late.code, ReasonCode::ClockSkew);
        assert_eq!(late.details.expect("details")["skew_ms"], json!(501));
        let early =
            check_skew(&observation(9_499, 10_000, Quality::Good), 500).expect_err("beyond");
        assert_eq!(early.code, ReasonCode::ClockSkew);
    }

    #[test]
    fn only_good_values_pass() {
        assert!(check_quality(&observation(0, 0, Quality::Good)).is_ok());
        for quality in [Quality::Bad, Quality::Uncertain] {
            assert_eq!(
                check_quality(&observation(0, 0, quality))
                    .expect_err("gated")
                    .code,
                ReasonCode::BadQuality
            );
        }
    }
}
