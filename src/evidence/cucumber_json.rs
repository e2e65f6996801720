//! Cucumber JSON rendition of [`RunResults`], the report format most Cucumber tooling reads
//! (HTML reporters, Jenkins, Xray).
//!
//! Written as cucumber-ruby writes it and valid against the `cucumber-ruby` definition of
//! cucumber/cucumber-json-schema (tests/fixtures/schemas/cucumber-json): an array of features,
//! each with `uri`, `id`, `keyword`, `line`, `tags` (`{name, line}`) and `elements`; a scenario's
//! Background steps form a `background` element placed before it; every scenario carries all tags
//! that apply to it (feature, rule, scenario, Examples) with the line each is written on; steps
//! carry `line`, `doc_string` (`{value, content_type, line}`), data table `rows`
//! (`[{cells}]`), `match.location` (where the step is written: qualify's step library is
//! built in, so there is no step-definition file to point to) and `result` with `status`,
//! `duration` in nanoseconds and `error_message`. Element ids follow cucumber-ruby
//! (`feature;scenario`, `feature;outline;examples;row`, here with the row's line) and are made
//! unique. Output depends only on the results.
//!
//! The `cucumber-jvm` definition of the same repository agrees on everything but the shape of a
//! tag (`{name, type, location}` on features, `{name}` alone on scenarios), which excludes the
//! ruby one: the tags here follow cucumber-ruby, the flavour Cucumber JSON reporters read.

use std::collections::HashSet;
use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::step_failure::failure_text;
use qualify_evidence::results::{
    FeatureResult, RunResults, ScenarioResult, StepResult, WrittenTag,
};

/// Writes `results` as a Cucumber JSON report to `out` (pretty-printed, final newline).
pub fn write_cucumber_json(results: &RunResults, mut out: impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &features(results)).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Writes `results` as Cucumber JSON in the cucumber-jvm flavour: the same report with its tags
/// in cucumber-jvm's shape, `{name, type, location {line, column}}` on a feature and `{name}` on a
/// scenario. The two flavours' definitions each forbid the other's tag fields, so no one tagged
/// report can meet both: cucumber.json is cucumber-ruby's, cucumber-jvm.json this.
pub fn write_cucumber_jvm_json(results: &RunResults, mut out: impl Write) -> io::Result<()> {
    let mut features = features(results);
    for (value, feature) in features.iter_mut().zip(&results.features) {
        value["tags"] = feature
            .tags
            .iter()
            .map(|t| {
                let location = json!({"line": t.line, "column": t.column.unwrap_or(1)});
                json!({"name": format!("@{}", t.name), "type": "Tag", "location": location})
            })
            .collect();
        let elements = value["elements"].as_array_mut().into_iter().flatten();
        for tags in elements.filter_map(|e| e.get_mut("tags").and_then(Value::as_array_mut)) {
            for tag in tags.iter_mut() {
                *tag = json!({"name": tag["name"]});
            }
        }
    }
    serde_json::to_writer_pretty(&mut out, &features).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// The report's features, cucumber-ruby's shape.
fn features(results: &RunResults) -> Vec<Value> {
    let mut ids = HashSet::new();
    results
        .features
        .iter()
        .map(|f| feature(f, &mut ids))
        .collect()
}

fn feature(feature: &FeatureResult, ids: &mut HashSet<String>) -> Value {
    // Two features of the same name in different files get their path in the id.
    let mut id = slug(&feature.name);
    if !ids.insert(id.clone()) {
        id = format!("{id}-{}", slug(&feature.path));
        ids.insert(id.clone());
    }
    let mut scenario_ids = HashSet::new();
    let mut elements = Vec::new();
    for scenario in &feature.scenarios {
        let (background, steps): (Vec<&StepResult>, Vec<&StepResult>) =
            scenario.steps.iter().partition(|s| s.background);
        if !background.is_empty() {
            elements.push(background_element(feature, scenario, &background));
        }
        let element_id = unique(scenario_id(&id, scenario), scenario.line, &mut scenario_ids);
        elements.push(scenario_element(feature, scenario, element_id, &steps));
    }
    json!({
        "uri": feature.path,
        "id": id,
        "keyword": feature.keyword.as_deref().unwrap_or("Feature"),
        "name": feature.name,
        "description": feature.description.clone().unwrap_or_default(),
        // Results written before the line was recorded: the first line, as a file starts.
        "line": feature.line.unwrap_or(1),
        "tags": tags(&feature.tags),
        "elements": elements,
    })
}

/// `feature;scenario`, `feature;rule;scenario`; an outline row adds its Examples and its line
/// (`feature;outline;examples;12`), as cucumber-ruby adds the Examples and the row number.
fn scenario_id(feature_id: &str, scenario: &ScenarioResult) -> String {
    let mut id = feature_id.to_string();
    if let Some(rule) = &scenario.rule {
        id = format!("{id};{}", slug(rule));
    }
    id = format!("{id};{}", slug(&scenario.name));
    if let Some(examples) = &scenario.examples {
        id = format!("{id};{};{}", slug(&examples.name), scenario.line);
    }
    id
}

/// `id`, or when already taken (two scenarios of one name) `id;;line`, then a counter.
fn unique(id: String, line: usize, used: &mut HashSet<String>) -> String {
    if used.insert(id.clone()) {
        return id;
    }
    let mut candidate = format!("{id};;{line}");
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{id};;{line};{n}");
        n += 1;
    }
    candidate
}

fn background_element(
    feature: &FeatureResult,
    scenario: &ScenarioResult,
    steps: &[&StepResult],
) -> Value {
    let heading = scenario.background.as_ref();
    json!({
        "keyword": heading.map(|h| h.keyword.as_str()).unwrap_or("Background"),
        "type": "background",
        "name": heading.map(|h| h.name.as_str()).unwrap_or(""),
        "description": "",
        "line": heading.map(|h| h.line).unwrap_or(scenario.line),
        "steps": steps.iter().map(|s| step(feature, s)).collect::<Vec<_>>(),
    })
}

fn scenario_element(
    feature: &FeatureResult,
    scenario: &ScenarioResult,
    id: String,
    steps: &[&StepResult],
) -> Value {
    // Results written before tag lines were recorded: the merged tags, at the scenario's line.
    let written: Vec<WrittenTag> = if scenario.written_tags.is_empty() {
        scenario
            .tags
            .iter()
            .map(|t| WrittenTag {
                name: t.clone(),
                line: scenario.line,
                column: None,
            })
            .collect()
    } else {
        scenario.written_tags.clone()
    };
    let mut element = Map::new();
    element.insert("id".into(), json!(id));
    element.insert(
        "keyword".into(),
        json!(scenario.keyword.as_deref().unwrap_or("Scenario")),
    );
    element.insert("type".into(), json!("scenario"));
    element.insert("name".into(), json!(scenario.name));
    element.insert("description".into(), json!(""));
    element.insert("line".into(), json!(scenario.line));
    if let Some(at) = &scenario.started_at {
        element.insert("start_timestamp".into(), json!(at));
    }
    element.insert("tags".into(), tags(&written));
    element.insert(
        "steps".into(),
        steps.iter().map(|s| step(feature, s)).collect(),
    );
    Value::Object(element)
}

fn tags(tags: &[WrittenTag]) -> Value {
    tags.iter()
        .map(|t| json!({"name": format!("@{}", t.name), "line": t.line}))
        .collect()
}

fn step(feature: &FeatureResult, step: &StepResult) -> Value {
    let mut result = Map::new();
    result.insert("status".into(), json!(step.status.as_str()));
    result.insert(
        "duration".into(),
        json!(step.duration_ms.saturating_mul(1_000_000)),
    );
    if let Some(message) = failure_text(step) {
        result.insert("error_message".into(), json!(message));
    }
    let mut out = Map::new();
    out.insert("keyword".into(), json!(step.keyword));
    out.insert("name".into(), json!(step.text));
    out.insert("line".into(), json!(step.line));
    if let Some(doc) = &step.doc_string {
        let mut d = Map::new();
        d.insert("value".into(), json!(doc.content));
        if let Some(media_type) = &doc.media_type {
            d.insert("content_type".into(), json!(media_type));
        }
        d.insert("line".into(), json!(doc.line));
        out.insert("doc_string".into(), Value::Object(d));
    }
    if let Some(table) = &step.data_table {
        let rows: Vec<Value> = table.rows.iter().map(|r| json!({"cells": r})).collect();
        out.insert("rows".into(), json!(rows));
    }
    out.insert(
        "match".into(),
        json!({"location": format!("{}:{}", feature.path, step.line)}),
    );
    out.insert("result".into(), Value::Object(result));
    Value::Object(out)
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

    fn scenario(name: &str, line: usize, rule: Option<&str>) -> Value {
        json!({
            "id": format!("x:{line}"), "name": name, "line": line, "rule": rule, "stage": "OQ",
            "requirements": [], "tags": ["OQ"], "status": "passed", "started_at": null,
            "finished_at": null, "duration_ms": 0, "adapters": [], "steps": []
        })
    }

    fn ids(results: Value) -> Vec<Vec<String>> {
        let results: RunResults = serde_json::from_value(results).unwrap();
        let mut out = Vec::new();
        write_cucumber_json(&results, &mut out).unwrap();
        let doc: Value = serde_json::from_slice(&out).unwrap();
        doc.as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let mut ids = vec![f["id"].as_str().unwrap().to_string()];
                ids.extend(
                    f["elements"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["id"].as_str().unwrap().to_string()),
                );
                ids
            })
            .collect()
    }

    #[test]
    fn ids_name_rules_and_stay_unique_across_features_and_names() {
        let feature = |path: &str, scenarios: Vec<Value>| {
            json!({"name": "Line 3", "path": path, "sha256": "", "description": null,
                   "scenarios": scenarios})
        };
        let results = json!({
            "schema": "qualify.results/v1", "package_id": "p",
            "tool": {"name": "qualify", "version": "0"},
            "selection": {"stage": null, "tags": null, "scenarios": 4},
            "started_at": "", "finished_at": "", "summary": {"scenarios": 4,
              "scenarios_passed": 4, "scenarios_failed": 0, "steps_passed": 0,
              "steps_failed": 0, "steps_undefined": 0, "steps_skipped": 0},
            "releasable": false,
            "features": [
                feature("features/a.feature", vec![
                    scenario("Start", 5, None),
                    scenario("Start", 9, None),
                    scenario("Start", 14, Some("Cold start")),
                ]),
                feature("features/b.feature", vec![scenario("Start", 3, None)]),
            ],
        });
        assert_eq!(
            ids(results),
            [
                vec![
                    "line-3",
                    "line-3;start",
                    "line-3;start;;9",
                    "line-3;cold-start;start"
                ],
                vec![
                    "line-3-features-b-feature",
                    "line-3-features-b-feature;start"
                ],
            ]
        );
    }

    #[test]
    fn makes_ids_unique() {
        let mut used = HashSet::new();
        assert_eq!(unique("f;s".into(), 3, &mut used), "f;s");
        assert_eq!(unique("f;s".into(), 7, &mut used), "f;s;;7");
        assert_eq!(unique("f;s;;7".into(), 9, &mut used), "f;s;;7;;9");
        assert_eq!(unique("f;s".into(), 7, &mut used), "f;s;;7;2");
    }
}
