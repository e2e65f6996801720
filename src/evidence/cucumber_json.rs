//! Cucumber JSON rendition of [`RunResults`], the report format most Cucumber tooling reads
//! (HTML reporters, Jenkins, Xray).
//!
//! Follows the conventions of cucumber-rs's own JSON writer: an array of features, each with
//! `elements`; background steps go into a `background` element placed before their scenario;
//! element and tag lines are the scenario's line (Gherkin tag lines are not recorded); step
//! durations are nanoseconds. The feature's own line is not recorded in the results, so it is
//! omitted rather than invented. Output depends only on the results.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::step_failure::failure_text;
use qualify_evidence::results::{FeatureResult, RunResults, ScenarioResult, StepResult};

/// Writes `results` as a Cucumber JSON report to `out` (pretty-printed, final newline).
pub fn write_cucumber_json(results: &RunResults, mut out: impl Write) -> io::Result<()> {
    let features: Vec<Value> = results.features.iter().map(feature).collect();
    serde_json::to_writer_pretty(&mut out, &features).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

fn feature(feature: &FeatureResult) -> Value {
    let id = slug(&feature.name);
    let mut elements = Vec::new();
    for scenario in &feature.scenarios {
        let (background, steps): (Vec<&StepResult>, Vec<&StepResult>) =
            scenario.steps.iter().partition(|s| s.background);
        if !background.is_empty() {
            elements.push(element(
                &id,
                scenario,
                "background",
                "Background",
                &background,
            ));
        }
        elements.push(element(&id, scenario, "scenario", "Scenario", &steps));
    }
    json!({
        "uri": feature.path,
        "id": id,
        "keyword": "Feature",
        "name": feature.name,
        "description": feature.description.clone().unwrap_or_default(),
        "tags": [],
        "elements": elements,
    })
}

fn element(
    feature_id: &str,
    scenario: &ScenarioResult,
    kind: &str,
    keyword: &str,
    steps: &[&StepResult],
) -> Value {
    let id = match &scenario.rule {
        Some(rule) => format!("{feature_id};{};{}", slug(rule), slug(&scenario.name)),
        None => format!("{feature_id};{}", slug(&scenario.name)),
    };
    let tags: Vec<Value> = scenario
        .tags
        .iter()
        .map(|tag| json!({"name": format!("@{tag}"), "line": scenario.line}))
        .collect();
    json!({
        "id": id,
        "keyword": keyword,
        "type": kind,
        "name": scenario.name,
        "description": "",
        "line": scenario.line,
        "tags": tags,
        "steps": steps.iter().map(|s| step(s)).collect::<Vec<_>>(),
    })
}

fn step(step: &StepResult) -> Value {
    let mut result = Map::new();
    result.insert("status".into(), json!(step.status.as_str()));
    result.insert(
        "duration".into(),
        json!(step.duration_ms.saturating_mul(1_000_000)),
    );
    if let Some(message) = failure_text(step) {
        result.insert("error_message".into(), json!(message));
    }
    json!({
        "keyword": step.keyword,
        "name": step.text,
        "line": step.line,
        "result": result,
    })
}

/// Lower-case words joined by `-` (`Line 3 OEE` → `line-3-oee`), as Cucumber ids are written.
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_names() {
        assert_eq!(slug("Line 3: OEE (shift A)"), "line-3-oee-shift-a");
        assert_eq!(slug("  "), "");
        assert_eq!(slug("Température ✓ ok"), "température-ok");
    }
}
