//! `qualify run` end to end: the real binary, a real child-process adapter, real SQLite.

use crate::support;
use crate::support::Project;
use serde_json::Value;

const PASSING: &str = r##"@OQ
Feature: Fixture system
  The fixture adapter echoes and adds.

  Background:
    Given the adapter "sut" is started

  @URS-001
  Scenario: Echo returns the body
    When I send an "echo" request to "sut" with:
      """json
      {"order": "WO-1", "qty": 3, "ok": true}
      """
    Then the request succeeds
    And the response field "order" equals "WO-1"
    And the response field "qty" is within 0.5 of 3.2
    And the response matches:
      """
      {"order": "#string", "qty": "#number", "ok": "#boolean"}
      """

  @URS-001
  Scenario Outline: Addition <a> + <b>
    When I send an "add" request to "sut" with:
      | a   | b   |
      | <a> | <b> |
    Then the response field "sum" equals <sum>

    Examples:
      | a | b  | sum |
      | 1 | 2  | 3   |
      | 5 | -5 | 0   |

  @URS-002
  Scenario: Rejection carries a reason code
    When I send a "reject" request to "sut" with:
      """
      {"code": "missing_context"}
      """
    Then the request is rejected with reason "missing_context"

  @URS-002
  Scenario: Rows written by the system are queried
    When I send a "sql_write" request to "sut" with:
      """
      {"x": 7, "label": "seven"}
      """
    Then the query "SELECT x, label FROM t" on "db" returns:
      | x | label |
      | 7 | seven |
    And the query "SELECT x FROM t WHERE x > 100" on "db" returns no rows
"##;

fn passing_project() -> Project {
    Project::with_fixture_adapter().file("features/fixture.feature", PASSING)
}

#[test]
fn passing_campaign_seals_a_package_with_expected_and_actual_values() {
    let p = passing_project();
    let run = p.qualify(&["run", "--progress", "plain"]).code(0);
    assert!(
        run.stdout.contains("5 scenarios: 5 passed, 0 failed"),
        "{}",
        run.stdout
    );
    let results = p.results();
    assert_eq!(results["schema"], "qualify.results/v1");
    let scenarios = results["features"][0]["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 5);
    // Every assertion records expected and actual, also when it passes.
    let echo = &scenarios[0];
    assert_eq!(echo["status"], "passed");
    let field_step = echo["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["text"].as_str().unwrap().contains("\"order\" equals"))
        .unwrap();
    let a = &field_step["assertions"][0];
    assert_eq!(a["expected"], "WO-1");
    assert_eq!(a["actual"], "WO-1");
    assert_eq!(a["passed"], true);
    // Background steps come first and carry the adapter identity.
    assert_eq!(echo["steps"][0]["background"], true);
    assert_eq!(echo["adapters"][0]["version"], "1.2.3");
    // Attachments back the request steps and are listed in the manifest with their digests.
    let att = &echo["steps"][1]["attachments"];
    assert!(
        att.as_array()
            .unwrap()
            .iter()
            .any(|x| x["path"].as_str().unwrap().ends_with("sut.jsonl")),
        "{att}"
    );
    let pkg = &p.packages()[0];
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(pkg.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for needed in [
        "results.json",
        "environment.json",
        "git.json",
        "junit.xml",
        "cucumber.json",
    ] {
        assert!(
            listed.contains(&needed),
            "{needed} not in manifest: {listed:?}"
        );
    }
    for a in att.as_array().unwrap() {
        let path = a["path"].as_str().unwrap();
        assert!(listed.contains(&path), "{path} not in manifest");
        let bytes = std::fs::read(pkg.join(path)).unwrap();
        assert_eq!(
            qualify::evidence::sha256_hex(&bytes),
            a["sha256"].as_str().unwrap()
        );
    }
    // Outline rows are expanded with their own names.
    assert!(scenarios.iter().any(|s| s["name"] == "Addition 5 + -5"));
}

#[test]
fn results_json_snapshot() {
    let p = passing_project();
    p.qualify(&["run", "--progress", "quiet", "--concurrency", "1"])
        .code(0);
    let results = p.results();
    insta::assert_json_snapshot!("passing_results", results, {
        ".package_id" => "[package-id]",
        ".started_at" => "[time]",
        ".finished_at" => "[time]",
        ".release_blockers[]" => "[blocker naming the temporary folder]",
        ".features[].sha256" => "[sha256]",
        ".features[].scenarios[].started_at" => "[time]",
        ".features[].scenarios[].finished_at" => "[time]",
        ".features[].scenarios[].duration_ms" => "[ms]",
        ".features[].scenarios[].adapters[].sha256" => "[sha256]",
        ".features[].scenarios[].steps[].started_at" => "[time]",
        ".features[].scenarios[].steps[].finished_at" => "[time]",
        ".features[].scenarios[].steps[].duration_ms" => "[ms]",
        ".features[].scenarios[].steps[].attachments[].sha256" => "[sha256]",
        ".features[].scenarios[].steps[].attachments[].size" => "[size]",
    });
}

const FAILURES: &str = r##"@OQ @URS-001
Feature: Adapter failures fail steps, never the tool

  Scenario: crash
    When I send a "crash" request to "sut"

  Scenario: hang
    When I send a "hang" request to "stuck"

  Scenario: garbage
    When I send a "garbage" request to "sut"

  Scenario: wrong id
    When I send a "wrong_id" request to "sut"

  Scenario: unknown adapter
    When I send an "echo" request to "nosuch"

  Scenario: undefined step
    When the moon is full

  Scenario: assertion fails with both values recorded
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response matches:
      """
      {"a": 2, "b": "#present"}
      """

  Scenario: still runs after all that
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals 1
"##;

fn scenario<'a>(results: &'a Value, name: &str) -> &'a Value {
    results["features"][0]["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

fn first_error(s: &Value) -> String {
    s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["status"] != "passed")
        .and_then(|st| st["error"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn adapter_failures_fail_their_step_and_the_campaign_goes_on() {
    // `stuck` is the fixture with a short request limit, used only for the request it never
    // answers: the limit is then the only way out, however loaded the machine is.
    let stuck = format!(
        "  stuck:\n    kind: process\n    command: [\"python3\", \"{}\"]\n    timeouts: {{start_ms: 60000, request_ms: 1500, shutdown_ms: 10000}}\n",
        support::fixture_adapter().display()
    );
    let p = Project::with_fixture_adapter()
        .file("qualify.yaml", &support::fixture_config(&stuck))
        .file("features/failures.feature", FAILURES);
    let run = p.qualify(&["run", "--progress", "plain"]).code(1);
    assert!(
        run.stdout.contains("8 scenarios: 1 passed, 7 failed"),
        "{}",
        run.stdout
    );
    let r = p.results();
    assert!(
        first_error(scenario(&r, "crash")).contains("exit"),
        "{}",
        first_error(scenario(&r, "crash"))
    );
    assert!(first_error(scenario(&r, "hang")).contains("1500 ms"));
    assert!(first_error(scenario(&r, "garbage")).contains("this is not json"));
    assert!(
        first_error(scenario(&r, "wrong id"))
            .to_lowercase()
            .contains("id")
    );
    assert!(first_error(scenario(&r, "unknown adapter")).contains("unknown adapter \"nosuch\""));
    let undefined = scenario(&r, "undefined step");
    assert_eq!(undefined["status"], "failed");
    assert_eq!(undefined["steps"][0]["status"], "undefined");
    let mism =
        &scenario(&r, "assertion fails with both values recorded")["steps"][1]["assertions"][0];
    assert_eq!(mism["passed"], false);
    assert_eq!(mism["expected"]["a"], 2);
    assert_eq!(mism["actual"]["a"], 1);
    let paths: Vec<&str> = mism["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"$.a") && paths.contains(&"$.b"),
        "{paths:?}"
    );
    assert_eq!(
        scenario(&r, "still runs after all that")["status"],
        "passed"
    );
    // The crash's stderr is captured in the package.
    let crash = scenario(&r, "crash");
    let pkg = &p.packages()[0];
    let stderr_logs: Vec<String> = crash["steps"][0]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap().to_string())
        .filter(|p| p.ends_with(".stderr.log"))
        .collect();
    assert_eq!(stderr_logs.len(), 1, "{crash}");
    let log = std::fs::read_to_string(pkg.join(&stderr_logs[0])).unwrap();
    assert!(log.contains("crashing on purpose"), "{log}");
}

#[test]
fn missing_adapter_command_fails_the_step_with_what_to_do() {
    let p = Project::new()
        .file(
            "qualify.yaml",
            "adapters:\n  sut:\n    kind: process\n    command: [\"./no-such-program\"]\n",
        )
        .file("requirements.yaml", "requirements: []\n")
        .file(
            "features/a.feature",
            "@IQ\nFeature: x\n  Scenario: start\n    Given the adapter \"sut\" is started\n",
        );
    p.qualify(&["run"]).code(1);
    let err = first_error(scenario(&p.results(), "start"));
    assert!(
        err.contains("could not be started") && err.contains("no-such-program"),
        "{err}"
    );
}

#[test]
fn malformed_feature_is_an_input_error_and_nothing_runs() {
    let p = Project::with_fixture_adapter()
        .file("features/good.feature", PASSING)
        .file(
            "features/bad.feature",
            "@OQ\nFeature: broken\n  Scenario: a\n    Given x\n  Examples oops\n   | not a table\n",
        );
    p.qualify(&["run"])
        .code(2)
        .stderr_has("features/bad.feature:");
    assert!(p.packages().is_empty());
    assert!(
        !p.path().join("evidence").exists()
            || std::fs::read_dir(p.path().join("evidence"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn invalid_config_names_file_line_and_column() {
    let p = Project::new()
        .file(
            "qualify.yaml",
            "adapters:\n  sut:\n    kind: process\n    comand: [x]\n",
        )
        .file("requirements.yaml", "requirements: []\n");
    p.qualify(&["list"])
        .code(2)
        .stderr_has("qualify.yaml:4:5")
        .stderr_has("unknown field `comand`");
    let p = Project::new()
        .file("qualify.yaml", "concurrency: many\n")
        .file("requirements.yaml", "requirements: []\n");
    p.qualify(&["list"]).code(2).stderr_has("qualify.yaml:1:");
    let p = Project::new();
    p.qualify(&["list"])
        .code(2)
        .stderr_has("qualify.yaml: not found");
}

#[test]
fn stage_and_requirement_tags_are_checked() {
    let p = Project::with_fixture_adapter().file(
        "features/a.feature",
        "Feature: x\n  @URS-001\n  Scenario: no stage\n    Given the adapter \"sut\" is started\n  @IQ @OQ\n  Scenario: two stages\n    Given the adapter \"sut\" is started\n  @PQ @URS-999\n  Scenario: unknown requirement\n    Given the adapter \"sut\" is started\n",
    );
    let run = p.qualify(&["list"]).code(2);
    assert!(
        run.stderr
            .contains("features/a.feature:3: scenario \"no stage\" has no stage tag"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("features/a.feature:6:") && run.stderr.contains("2 stage tags"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("features/a.feature:9: tag @URS-999"),
        "{}",
        run.stderr
    );
    p.qualify(&["run"]).code(2);
    assert!(p.packages().is_empty());
}

#[test]
fn unwritable_evidence_folder_is_reported_before_anything_runs() {
    let p = passing_project().file("blocker", "a file, not a folder");
    let run = p.qualify(&["run", "--out", "blocker/evidence"]).code(5);
    assert!(run.stderr.contains("blocker"), "{}", run.stderr);
}

#[test]
fn selection_by_stage_and_tags() {
    let p = passing_project();
    let run = p.qualify(&["list", "--tags", "@URS-002"]).code(0);
    assert!(
        run.stdout.contains("2 of 5 scenarios selected"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("URS-003"),
        "uncovered requirement listed: {}",
        run.stdout
    );
    p.qualify(&["run", "--stage", "PQ"])
        .code(2)
        .stderr_has("no scenario selected");
    p.qualify(&["run", "--tags", "@URS-002", "--progress", "quiet"])
        .code(0)
        .stdout_has("2 scenarios: 2 passed");
}

#[test]
fn a_killed_run_leaves_only_an_incomplete_staging_folder() {
    let p = Project::new()
        .file(
            "qualify.yaml",
            &format!(
                "adapters:\n  sut:\n    kind: process\n    command: [\"python3\", \"{}\"]\n    timeouts: {{request_ms: 60000}}\n",
                support::fixture_adapter().display()
            ),
        )
        .file("requirements.yaml", "requirements: []\n")
        .file(
        "features/slow.feature",
        "@OQ\nFeature: slow\n  Scenario: hangs\n    When I send a \"hang\" request to \"sut\"\n",
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qualify"))
        .args(["run", "--progress", "quiet", "--concurrency", "1"])
        .current_dir(p.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let evidence = p.path().join("evidence");
    // Wait until the run has written attachments (it then hangs on the request), then kill it hard.
    let staged = support::server::poll_until(support::server::PATIENCE, || {
        std::fs::read_dir(&evidence)
            .ok()?
            .filter_map(|e| e.ok())
            .any(|e| e.path().join("attachments").exists())
            .then_some(())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(staged.is_some(), "the run never staged attachments");
    let entries: Vec<String> = std::fs::read_dir(&evidence)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].starts_with(".staging-"), "{entries:?}");
    assert!(
        p.packages().is_empty(),
        "a killed run must not leave a sealed package"
    );
    assert!(!evidence.join(&entries[0]).join("manifest.json").exists());
}

#[test]
fn list_output_snapshot() {
    let p = passing_project();
    let run = p.qualify(&["list"]).code(0);
    insta::assert_snapshot!("list_human", run.stdout);
    let json: Value =
        serde_json::from_str(&p.qualify(&["list", "--format", "json"]).code(0).stdout).unwrap();
    assert_eq!(json["schema"], "qualify.list/v1");
    assert_eq!(
        json["uncovered_requirements"],
        serde_json::json!(["URS-003"])
    );
    assert_eq!(
        json["requirements"][0]["scenarios"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn a_package_from_a_dirty_tree_is_not_releasable() {
    let p = passing_project().file(".gitignore", "evidence/\n");
    support::git(p.path(), &["init", "-q", "-b", "main"]);
    support::git(p.path(), &["add", "-A"]);
    support::git(p.path(), &["commit", "-q", "-m", "fixture"]);
    let run = p.qualify(&["run", "--progress", "quiet"]).code(0);
    assert!(!run.stdout.contains("NOT RELEASABLE"), "{}", run.stdout);
    let pkg = p.packages().pop().unwrap();
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(pkg.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["releasable"], true);
    let gitjson: Value =
        serde_json::from_str(&std::fs::read_to_string(pkg.join("git.json")).unwrap()).unwrap();
    assert_eq!(gitjson["dirty"], false);
    assert_eq!(gitjson["branch"], "main");
    assert!(
        pkg.file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with(gitjson["short_commit"].as_str().unwrap())
    );

    std::fs::write(p.path().join("requirements.yaml"), "requirements:\n  - {id: URS-001, title: Echo, risk: high}\n  - {id: URS-002, title: Reject, risk: medium}\n").unwrap();
    let run = p.qualify(&["run", "--progress", "quiet"]).code(0);
    assert!(
        run.stdout.contains("NOT RELEASABLE") && run.stdout.contains("requirements.yaml"),
        "{}",
        run.stdout
    );
    let newest = p.packages().pop().unwrap();
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(newest.join("results.json")).unwrap())
            .unwrap();
    assert_eq!(results["releasable"], false);
    assert_eq!(p.packages().len(), 2, "the earlier package is kept");
}
