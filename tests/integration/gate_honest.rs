//! An honest `qualify gate`: every package of the revision counts, a failed one blocks until a
//! signed supersession record disposes of it, scenarios that failed in the approved baseline are
//! required again, and findings are structured and printed before the one verdict line.

use crate::sign_support;
use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sign_support::{Fixture, commit_all};
use support::Run;

/// A system under test that answers `echo` wrongly while the file keys/flaky exists (keys/ is
/// git-ignored): two runs of the same revision, one failed, one passed.
const FLAKY_SUT: &str = r#"import json, os, sys
FLAG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keys", "flaky")
for line in sys.stdin:
    req = json.loads(line)
    rid, kind, body = req["id"], req["kind"], req.get("body", {})
    if kind == "hello":
        out = {"id": rid, "result": {"name": "flaky", "version": "1", "protocol": 1, "capabilities": []}}
    elif kind == "shutdown":
        print(json.dumps({"id": rid, "result": {}}), flush=True)
        break
    elif kind == "echo":
        result = dict(body)
        if os.path.exists(FLAG):
            result["a"] = result.get("a", 0) + 1
        out = {"id": rid, "result": result}
    else:
        out = {"id": rid, "error": {"code": "unknown_kind", "message": kind}}
    print(json.dumps(out), flush=True)
"#;

/// Two scenarios told apart by tag, the second always failing.
const TWO_SCENARIOS: &str = r##"@OQ @URS-001
Feature: Echo
  @good
  Scenario: echo passes
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals 1

  @bad
  Scenario: echo deviates
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals 2
"##;

const DOCS_LOW: &str = "components:\n  - id: docs\n    paths: [\"docs/**\"]\n    requirements: [URS-001]\n    risk: low\n";

pub(crate) fn gate(f: &Fixture) -> (Run, Value) {
    let run = f.qualify(&["gate", "--format", "json"]);
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run, v)
}

pub(crate) fn new_package(f: &Fixture, args: &[&str]) -> PathBuf {
    let before = f.packages();
    let mut all = vec!["run", "--progress", "quiet"];
    all.extend_from_slice(args);
    let run = f.qualify(&all);
    assert!(
        matches!(run.output.status.code(), Some(0 | 1)),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    f.packages()
        .into_iter()
        .find(|p| !before.contains(p))
        .expect("a new package")
}

fn sign(f: &Fixture, pkg: &Path, meaning: &str, signer: &str) {
    let key = format!("keys/{signer}.pem");
    let pkg = pkg.to_str().unwrap();
    f.qualify(&["sign", pkg, "--meaning", meaning, "--key", &key])
        .code(0);
}

pub(crate) fn approve(f: &Fixture, pkg: &Path) {
    sign(f, pkg, "executed", "eng");
    sign(f, pkg, "reviewed", "lead");
    sign(f, pkg, "approved", "qa");
}

pub(crate) fn codes(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["package"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The fixture with the flaky system under test committed.
pub(crate) fn flaky_fixture() -> Fixture {
    let f = Fixture::with(sign_support::PASSING_FEATURE, "");
    fs::write(f.path().join("sut.py"), FLAKY_SUT).unwrap();
    fs::write(
        f.path().join("qualify.yaml"),
        format!(
            "adapters:\n  sut:\n    kind: process\n    command: [\"python3\", \"{}\"]\n",
            f.path().join("sut.py").display()
        ),
    )
    .unwrap();
    commit_all(f.path());
    f
}

pub(crate) fn supersede(f: &Fixture, old: &Path, new: &Path, signer: &str) -> Run {
    let key = format!("keys/{signer}.pem");
    f.qualify(&[
        "supersede",
        old.to_str().unwrap(),
        "--by",
        new.to_str().unwrap(),
        "--reason",
        "Test rig network outage during the first run; rerun on the same revision.",
        "--key",
        &key,
    ])
}

#[test]
fn a_failed_package_of_the_revision_blocks_the_gate_until_a_signed_supersession() {
    let f = flaky_fixture();
    fs::write(f.path().join("keys/flaky"), "").unwrap();
    let failed = new_package(&f, &[]);
    fs::remove_file(f.path().join("keys/flaky")).unwrap();
    let good = new_package(&f, &[]);
    approve(&f, &good);

    // The approved package alone would satisfy the gate; the failed one of the same revision
    // blocks it, and says why in structured findings.
    let (run, v) = gate(&f);
    assert_eq!(
        run.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED),
        "{v:#}"
    );
    let failed_name = failed.display().to_string();
    let found = codes(&v);
    assert!(
        found.contains(&("scenario_failed".into(), failed_name.clone()))
            && found.contains(&("deviation_open".into(), failed_name.clone())),
        "{v:#}"
    );
    let dev = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "deviation_open")
        .unwrap();
    assert_eq!(dev["deviation"], "DEV-001", "{v:#}");
    let failed_scenario = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "scenario_failed")
        .unwrap();
    assert_eq!(
        failed_scenario["scenario"], "features/echo.feature:3",
        "{v:#}"
    );
    // Human output: every finding before the verdict, the verdict last.
    let human = f.qualify(&["gate"]).stdout;
    let lines: Vec<&str> = human.lines().collect();
    assert!(
        lines.last().unwrap().starts_with("GATE NOT SATISFIED"),
        "{human}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("GATE ")).count(),
        1,
        "{human}"
    );
    assert!(human.contains("[scenario_failed]") && human.contains("[deviation_open]"));

    // An engineer may not supersede; the validation lead may.
    supersede(&f, &failed, &good, "eng")
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has("may not sign a supersession record");
    supersede(&f, &failed, &good, "lead").code(0);
    let records: Vec<PathBuf> = fs::read_dir(f.path().join("validation/supersessions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(records.len(), 1, "{records:?}");
    commit_all(f.path());

    let (run, v) = gate(&f);
    assert_eq!(run.output.status.code(), Some(0), "{v:#}");
    assert_eq!(v["accepted"], good.display().to_string());
    let superseded = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["package"] == failed_name.as_str())
        .unwrap();
    let id = good.file_name().unwrap().to_str().unwrap();
    assert_eq!(superseded["superseded_by"]["package_id"], id, "{v:#}");
    assert!(
        superseded["superseded_by"]["signer"]
            .as_str()
            .unwrap()
            .contains("Lee Lead")
    );
    let human = f.qualify(&["gate"]).code(0).stdout;
    assert!(
        human.lines().last().unwrap().starts_with("GATE PASSED"),
        "{human}"
    );

    // A forged record (the reason changed after signing) disposes of nothing.
    let record = &records[0];
    let mut envelope: Value = serde_json::from_slice(&fs::read(record).unwrap()).unwrap();
    let (_, mut statement) = sign_support::read_envelope(record);
    statement["predicate"]["reason"] = "anything".into();
    use base64::Engine;
    envelope["payload"] = base64::engine::general_purpose::STANDARD
        .encode(serde_json::to_vec(&statement).unwrap())
        .into();
    fs::write(record, serde_json::to_vec_pretty(&envelope).unwrap()).unwrap();
    commit_all(f.path());
    let (run, v) = gate(&f);
    assert_eq!(
        run.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED),
        "{v:#}"
    );
    let found = codes(&v);
    assert!(
        found.contains(&("supersession_invalid".into(), failed_name.clone()))
            && found.contains(&("scenario_failed".into(), failed_name)),
        "{v:#}"
    );
}

#[test]
fn a_replacement_must_cover_the_same_scenarios_or_more() {
    let f = Fixture::with(TWO_SCENARIOS, "");
    let both = new_package(&f, &[]);
    let fewer = new_package(&f, &["--tags", "@good"]);
    supersede(&f, &both, &fewer, "lead")
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has("does not cover every scenario")
        .stderr_has("features/echo.feature:12");
    assert!(!f.path().join("validation/supersessions").exists());
}

#[test]
fn scenarios_that_failed_in_the_approved_baseline_are_required_again() {
    let f = Fixture::with(TWO_SCENARIOS, DOCS_LOW);
    // The baseline: an approved package whose second scenario failed (its deviation closed).
    let baseline = f.package();
    sign(&f, &baseline, "executed", "eng");
    sign(&f, &baseline, "reviewed", "lead");
    f.qualify(&[
        "deviation",
        "close",
        baseline.to_str().unwrap(),
        "DEV-001",
        "--disposition",
        "Known defect, accepted for this release.",
        "--key",
        "keys/lead.pem",
    ])
    .code(0);
    sign(&f, &baseline, "approved", "qa");

    // A low-risk change: the impact assessment selects nothing, and a package that ran only the
    // passing scenario is approved.
    fs::create_dir_all(f.path().join("docs")).unwrap();
    fs::write(f.path().join("docs/notes.md"), "notes\n").unwrap();
    commit_all(f.path());
    let partial = new_package(&f, &["--tags", "@good"]);
    approve(&f, &partial);

    let (run, v) = gate(&f);
    assert_eq!(
        run.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED),
        "{v:#}"
    );
    assert_eq!(
        v["required_again"],
        serde_json::json!(["features/echo.feature:12"]),
        "{v:#}"
    );
    let finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "scenario_not_covered")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(finding["scenario"], "features/echo.feature:12");
    assert_eq!(finding["package"], partial.display().to_string());
    // Each scenario is reported once, under one code.
    for f in v["findings"].as_array().unwrap() {
        assert!(f["message"].is_string() && f["code"].is_string(), "{f}");
    }
    let scenario_codes: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["scenario"] == "features/echo.feature:12")
        .collect();
    assert_eq!(scenario_codes.len(), 1, "{v:#}");
}
