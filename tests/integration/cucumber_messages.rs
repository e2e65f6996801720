//! messages.ndjson (issue 15): every package carries the run as Cucumber Messages, and the
//! official consumers accept it: the JSON schema of npm `@cucumber/messages`,
//! `@cucumber/junit-xml-formatter` (whose query refuses a dangling reference) and
//! `@cucumber/html-formatter`, driven by tests/interop/cucumber-js/check-messages.mjs
//! (installed by scripts/install-test-deps).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::Project;

/// Every kind of step outcome and Gherkin construct the messages must carry: a Background, a
/// Rule with its own Background, an outline with two rows, a doc string, a data table, a failing
/// step, an undefined step and the step it makes skipped.
const FEATURE: &str = r##"@OQ @URS-001
Feature: Messages
  Everything a run can hold.

  Background:
    Given the adapter "sut" is started

  Scenario: a doc string passes
    When I send an "echo" request to "sut" with:
      """json
      {"a": 1}
      """
    Then the response field "a" equals 1

  Scenario Outline: a table adds <a> and <b>
    When I send an "add" request to "sut" with:
      | a   | b   |
      | <a> | <b> |
    Then the response field "sum" equals <sum>

    Examples:
      | a | b | sum |
      | 1 | 2 | 3   |
      | 2 | 2 | 5   |

  Rule: undefined steps
    Background:
      Given the adapter "sut" is started

    Scenario: a step nobody wrote
      When the operator does something qualify has no step for
      Then the response field "a" equals 1
"##;

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/cucumber-js")
}

/// What the official consumers made of `messages`.
pub(crate) fn check(messages: &Path, out: &Path) -> Value {
    let dir = interop_dir();
    assert!(
        dir.join("node_modules/@cucumber/html-formatter").is_dir(),
        "the Cucumber consumers are not installed in {}: run scripts/install-test-deps",
        dir.display()
    );
    let output = Command::new("node")
        .arg(dir.join("check-messages.mjs"))
        .arg(messages)
        .arg(out)
        .output()
        .expect("node (run scripts/install-test-deps)");
    assert!(
        output.status.success(),
        "check-messages.mjs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

fn envelopes(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON envelope per line"))
        .collect()
}

#[test]
fn every_package_carries_messages_the_official_cucumber_tools_accept() {
    let project = Project::with_fixture_adapter().file("features/messages.feature", FEATURE);
    project.qualify(&["run", "--progress", "quiet"]).code(1);
    let package = project.packages().pop().unwrap();
    let results = project.results();
    let messages = package.join("messages.ndjson");
    let out = tempfile::tempdir().unwrap();
    let report = check(&messages, out.path());

    assert_eq!(report["schemaErrors"], Value::Array(vec![]), "{report:#}");
    // The JUnit formatter counts from the messages what results.json says.
    let s = &results["summary"];
    assert_eq!(report["junit"]["tests"], s["scenarios"], "{report:#}");
    assert_eq!(
        report["junit"]["failures"], s["scenarios_failed"],
        "{report:#}"
    );
    let names = report["junit"]["testcases"].to_string();
    assert!(names.contains("a step nobody wrote"), "{names}");
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(
        html.contains("a doc string passes"),
        "the HTML report carries the run"
    );

    let all = envelopes(&messages);
    let mut kinds = BTreeMap::new();
    for e in &all {
        let kind = e.as_object().unwrap().keys().next().unwrap().clone();
        *kinds.entry(kind).or_insert(0) += 1;
    }
    assert_eq!(kinds["pickle"], 4, "{kinds:?}");
    assert_eq!(kinds["testCase"], 4);
    assert_eq!(kinds["testCaseStarted"], 4);
    assert_eq!(kinds["testRunFinished"], 1);
    assert_eq!(all[0]["meta"]["implementation"]["name"], "qualify");

    let statuses: Vec<&str> = all
        .iter()
        .filter_map(|e| e["testStepFinished"]["testStepResult"]["status"].as_str())
        .collect();
    for status in ["PASSED", "FAILED", "UNDEFINED", "SKIPPED"] {
        assert!(statuses.contains(&status), "no {status} in {statuses:?}");
    }
    // The failed row says why, as results.json does.
    let failed = all
        .iter()
        .find(|e| e["testStepFinished"]["testStepResult"]["status"] == "FAILED")
        .unwrap();
    let message = failed["testStepFinished"]["testStepResult"]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains('5') && message.contains('4'), "{message}");
    // The scenario in the Rule has the feature's and the rule's Background steps, as it ran.
    let rule_case = all
        .iter()
        .find(|e| e["pickle"]["name"] == "a step nobody wrote")
        .unwrap();
    assert_eq!(rule_case["pickle"]["steps"].as_array().unwrap().len(), 4);
    let doc_string = all
        .iter()
        .find_map(|e| e["pickle"]["steps"][1]["argument"]["docString"]["content"].as_str());
    assert_eq!(doc_string, Some("{\"a\": 1}"));
    assert!(
        all.iter().any(|e| e["externalAttachment"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("attachments/"))),
        "adapter transcripts are referenced"
    );
    // The last envelope says the run failed.
    assert_eq!(all.last().unwrap()["testRunFinished"]["success"], false);
}
