//! Gherkin as the official Cucumber parser reads it, through the real binary: features in other
//! languages list and run every step (none dropped, Background steps marked as such, a scenario
//! without steps gets no Background), and a syntax error is exit code 2 with file:line and what
//! is allowed there, in words.

use serde_json::Value;

use crate::support::Project;

/// Japanese with 且つ (And) and 但し (But), Italian with "Ed": steps the gherkin crate dropped.
const JAPANESE: &str = "# language: ja\n@OQ @URS-001\nフィーチャ: 日本語\n  シナリオ: 接続\n    前提the adapter \"sut\" is started\n    且つthe adapter \"sut\" reports version \"1.2.3\"\n    但しthe adapter \"sut\" reports version \"1.2.3\"\n";
const ITALIAN: &str = "# language: it\n@OQ @URS-001\nFunzionalità: italiano\n  Scenario: connessione\n    Dato the adapter \"sut\" is started\n    Ed the adapter \"sut\" reports version \"1.2.3\"\n";
/// Turkish "Arka Plan" (Background), which the gherkin crate read as description text.
const TURKISH: &str = "# language: tr\n@OQ @URS-001\nÖzellik: türkçe\n  Arka Plan:\n    Diyelim ki the adapter \"sut\" is started\n\n  Senaryo: sürüm\n    O zaman the adapter \"sut\" reports version \"1.2.3\"\n\n  Senaryo: adımsız\n";

fn listing(p: &Project) -> Value {
    let run = p.qualify(&["list", "--format", "json"]).code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn features_in_other_languages_list_with_every_step_matched() {
    let p = Project::with_fixture_adapter()
        .file("features/ja.feature", JAPANESE)
        .file("features/it.feature", ITALIAN)
        .file("features/tr.feature", TURKISH);
    let list = listing(&p);
    let ids: Vec<&str> = list["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "features/it.feature:4",
            "features/ja.feature:4",
            "features/tr.feature:7",
            "features/tr.feature:10"
        ]
    );
    assert_eq!(list["undefined_steps"], serde_json::json!([]), "{list}");
}

#[test]
fn a_turkish_background_runs_before_each_scenario_with_steps_only() {
    let p = Project::with_fixture_adapter().file("features/tr.feature", TURKISH);
    // The step-less scenario fails: qualify passes no scenario that verified nothing.
    p.qualify(&["run", "--progress", "quiet"])
        .code(qualify::exit_code::SCENARIOS_FAILED)
        .stdout_has("FAILED adımsız (features/tr.feature:10)")
        .stdout_has("the scenario has no steps, so it verified nothing");
    let results = p.results();
    let scenarios = results["features"][0]["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2, "{results}");
    let steps = scenarios[0]["steps"].as_array().unwrap();
    let view: Vec<(u64, bool, &str)> = steps
        .iter()
        .map(|s| {
            let line = s["line"].as_u64().unwrap();
            (
                line,
                s["background"].as_bool().unwrap(),
                s["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        view,
        [(5, true, "passed"), (8, false, "passed")],
        "{results}"
    );
    assert_eq!(scenarios[0]["status"], "passed");
    // The official rule: a scenario without steps runs no Background either.
    let only = scenarios[1]["steps"].as_array().unwrap();
    assert_eq!(only.len(), 1, "{results}");
    assert_eq!(
        (&only[0]["text"], &only[0]["status"]),
        (&"(no steps)".into(), &"failed".into())
    );
    assert_eq!(scenarios[1]["status"], "failed");
}

#[test]
fn a_syntax_error_is_exit_code_2_with_file_line_and_what_is_allowed() {
    let bad = "@OQ @URS-001\nFeature: f\n  Scenario: s\n    Given the adapter \"sut\" is started\n    this line is no step\n";
    let p = Project::with_fixture_adapter().file("features/bad.feature", bad);
    p.qualify(&["list"])
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has("features/bad.feature:5: expected a table row (| … |), a doc string")
        .stderr_has("a step (Given, When, Then …)")
        .stderr_has("found \"this line is no step\"");
    let wrong_language = "# language: xx\nFeature: f\n";
    let p = Project::with_fixture_adapter().file("features/lang.feature", wrong_language);
    p.qualify(&["list"])
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has("features/lang.feature:1: \"# language: xx\" names no Gherkin language");
}

#[test]
fn empty_and_comment_only_feature_files_are_accepted() {
    let p = Project::with_fixture_adapter()
        .file("features/empty.feature", "")
        .file("features/notes.feature", "# to be written\n")
        .file("features/ja.feature", JAPANESE);
    let list = listing(&p);
    assert_eq!(list["scenarios"].as_array().unwrap().len(), 1, "{list}");
}
