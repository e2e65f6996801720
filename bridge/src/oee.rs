//! OEE after ISO 22400: availability × performance × quality, and the shortcut form
//! good count × ideal cycle time ÷ planned time, which must agree.
//!
//! Edge cases are pinned, not left to floating point:
//! - zero planned time: availability, performance and OEE are undefined (`null`), never 0 or NaN;
//! - zero count in positive planned time: quality is undefined (nothing to judge), performance is
//!   0 when there was run time, and OEE is 0 (nothing good was made);
//! - downtime longer than planned time: run time is 0, availability 0, performance undefined.

use serde_json::{Value, json};

/// What the calculation needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OeeInputs {
    /// Planned production time (shift minus planned breaks).
    pub planned_ms: u64,
    /// Unplanned downtime within the planned time.
    pub downtime_ms: u64,
    /// Parts made (good and rejected).
    pub total_count: u64,
    /// Good parts.
    pub good_count: u64,
    /// Σ ideal cycle time × parts made, over the part numbers made.
    pub ideal_output_ms: f64,
    /// Σ ideal cycle time × good parts.
    pub ideal_good_ms: f64,
}

impl OeeInputs {
    /// Inputs for one part number with one ideal cycle time.
    pub fn single_part(
        planned_ms: u64,
        downtime_ms: u64,
        ideal_cycle_ms: f64,
        total_count: u64,
        good_count: u64,
    ) -> Self {
        Self {
            planned_ms,
            downtime_ms,
            total_count,
            good_count,
            ideal_output_ms: ideal_cycle_ms * total_count as f64,
            ideal_good_ms: ideal_cycle_ms * good_count as f64,
        }
    }
}

/// The results, as fractions (0..1); `None` where undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OeeFigures {
    /// Planned time minus downtime (never negative).
    pub run_ms: u64,
    /// Run time ÷ planned time.
    pub availability: Option<f64>,
    /// Ideal output time ÷ run time.
    pub performance: Option<f64>,
    /// Good ÷ total.
    pub quality: Option<f64>,
    /// Availability × performance × quality.
    pub oee: Option<f64>,
    /// Good × ideal cycle time ÷ planned time.
    pub oee_shortcut: Option<f64>,
}

/// Computes OEE.
pub fn compute(inputs: &OeeInputs) -> OeeFigures {
    let planned = inputs.planned_ms as f64;
    let run_ms = inputs.planned_ms.saturating_sub(inputs.downtime_ms);
    let run = run_ms as f64;
    let availability = (inputs.planned_ms > 0).then(|| run / planned);
    let performance = (run_ms > 0 && inputs.planned_ms > 0).then(|| inputs.ideal_output_ms / run);
    let quality =
        (inputs.total_count > 0).then(|| inputs.good_count as f64 / inputs.total_count as f64);
    let oee = match (availability, performance, quality) {
        (Some(a), Some(p), Some(q)) => Some(a * p * q),
        _ if inputs.planned_ms > 0 && inputs.good_count == 0 => Some(0.0),
        _ => None,
    };
    let oee_shortcut = (inputs.planned_ms > 0).then(|| inputs.ideal_good_ms / planned);
    OeeFigures {
        run_ms,
        availability,
        performance,
        quality,
        oee,
        oee_shortcut,
    }
}

impl OeeFigures {
    /// Percentages (unrounded) for responses; `null` where undefined.
    pub fn to_json(&self) -> Value {
        let pct = |v: Option<f64>| v.map(|f| f * 100.0);
        json!({
            "run_time_ms": self.run_ms,
            "availability_pct": pct(self.availability),
            "performance_pct": pct(self.performance),
            "quality_pct": pct(self.quality),
            "oee_pct": pct(self.oee),
            "oee_shortcut_pct": pct(self.oee_shortcut),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    fn round2(v: Option<f64>) -> Option<f64> {
        v.map(|f| (f * 10_000.0).round() / 100.0)
    }

    #[test]
    fn published_worked_example() {
        // 480 min shift − 60 min breaks, 47 min down, ideal 1 s per part, 19,271 made, 423 rejected.
        let figures = compute(&OeeInputs::single_part(
            420 * MIN,
            47 * MIN,
            1000.0,
            19_271,
            19_271 - 423,
        ));
        assert_eq!(figures.run_ms, 373 * MIN);
        assert_eq!(round2(figures.availability), Some(88.81));
        assert_eq!(round2(figures.performance), Some(86.11));
        assert_eq!(round2(figures.quality), Some(97.80));
        assert_eq!(round2(figures.oee), Some(74.79));
        assert_eq!(round2(figures.oee_shortcut), Some(74.79));
        let (oee, shortcut) = (
            figures.oee.unwrap_or(0.0),
            figures.oee_shortcut.unwrap_or(1.0),
        );
        assert!((oee - shortcut).abs() < 1e-12, "{oee} vs {shortcut}");
    }

    #[test]
    fn zero_planned_time_is_undefined_not_zero() {
        let figures = compute(&OeeInputs::single_part(0, 0, 1000.0, 10, 9));
        assert_eq!(figures.availability, None);
        assert_eq!(figures.performance, None);
        assert_eq!(figures.oee, None);
        assert_eq!(figures.oee_shortcut, None);
        assert_eq!(figures.quality, Some(0.9));
        assert_eq!(figures.to_json()["oee_pct"], Value::Null);
    }

    #[test]
    fn zero_count_gives_zero_oee_and_undefined_quality() {
        let figures = compute(&OeeInputs::single_part(60 * MIN, 10 * MIN, 1000.0, 0, 0));
        assert_eq!(figures.quality, None);
        assert_eq!(figures.performance, Some(0.0));
        assert_eq!(figures.oee, Some(0.0));
        assert_eq!(figures.oee_shortcut, Some(0.0));
    }

    #[test]
    fn downtime_beyond_planned_time() {
        let figures = compute(&OeeInputs::single_part(60 * MIN, 90 * MIN, 1000.0, 0, 0));
        assert_eq!(figures.run_ms, 0);
        assert_eq!(figures.availability, Some(0.0));
        assert_eq!(figures.performance, None);
        assert_eq!(figures.oee, Some(0.0));
    }

    #[test]
    fn perfect_production() {
        let figures = compute(&OeeInputs::single_part(100_000, 0, 1000.0, 100, 100));
        assert_eq!(
            (
                figures.availability,
                figures.performance,
                figures.quality,
                figures.oee
            ),
            (Some(1.0), Some(1.0), Some(1.0), Some(1.0))
        );
    }
}
