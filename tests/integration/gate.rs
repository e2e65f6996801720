//! `qualify gate` on real repositories: approved evidence for HEAD passes; a change without new
//! evidence, an unassessed path, a dirty tree or missing signatures do not.

use crate::support;
use std::fs;
use std::path::{Path, PathBuf};

use crate::sign_support::{Fixture, PASSING_FEATURE, commit_all};
use crate::support::Run;
use serde_json::Value;

/// Components for the fixture's qualify.yaml: src/ is high risk and implements URS-001.
const COMPONENTS: &str = "components:\n  - id: core\n    paths: [\"src/**\"]\n    requirements: [URS-001]\n    risk: high\n";

fn fixture() -> Fixture {
    let f = Fixture::with(PASSING_FEATURE, COMPONENTS);
    fs::create_dir_all(f.path().join("src")).unwrap();
    fs::write(f.path().join("src/core.rs"), "fn core() {}\n").unwrap();
    commit_all(f.path());
    f
}

fn sign(f: &Fixture, pkg: &Path, meaning: &str, signer: &str) {
    let key = format!("keys/{signer}.pem");
    f.qualify(&[
        "sign",
        pkg.to_str().unwrap(),
        "--meaning",
        meaning,
        "--key",
        &key,
    ])
    .code(0);
}

/// Runs a campaign on the current commit and signs it by the whole workflow.
fn approved_package(f: &Fixture) -> PathBuf {
    let before = f.packages();
    f.qualify(&["run", "--progress", "quiet"]).code(0);
    let pkg = f
        .packages()
        .into_iter()
        .find(|p| !before.contains(p))
        .expect("new package");
    sign(f, &pkg, "executed", "eng");
    sign(f, &pkg, "reviewed", "lead");
    sign(f, &pkg, "approved", "qa");
    pkg
}

fn gate(f: &Fixture) -> (Run, Value) {
    let run = f.qualify(&["gate", "--format", "json"]);
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run, v)
}

fn reasons(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[test]
fn the_gate_passes_for_an_approved_package_of_head_and_fails_after_a_change() {
    let f = fixture();
    let pkg = approved_package(&f);
    let (run, v) = gate(&f);
    assert_eq!(run.output.status.code(), Some(0), "{}", reasons(&v));
    assert_eq!(v["accepted"], pkg.display().to_string());
    // Approval tagged the commit as the next baseline.
    let tags = support::git(f.path(), &["tag", "--list", "qualify/approved/*"]);
    assert!(tags.contains("qualify/approved/ALL/"), "{tags}");

    // A change to a high-risk component: the previous commit's package no longer counts.
    fs::write(f.path().join("src/core.rs"), "fn core() { 1 }\n").unwrap();
    commit_all(f.path());
    let (run, v) = gate(&f);
    assert_eq!(
        run.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED)
    );
    assert_eq!(
        v["candidates"],
        serde_json::json!([]),
        "the old package is for another commit"
    );
    assert_eq!(
        v["required_scenarios"].as_array().unwrap().len(),
        1,
        "{}",
        reasons(&v)
    );
    let human = f.qualify(&["gate"]).stdout;
    assert!(
        human.contains("GATE NOT SATISFIED")
            && human.contains("no evidence package for this revision"),
        "{human}"
    );

    // New evidence for the new commit, approved: the gate passes again.
    approved_package(&f);
    let (run, v) = gate(&f);
    assert_eq!(run.output.status.code(), Some(0), "{}", reasons(&v));
}

#[test]
fn an_unclaimed_path_blocks_the_gate_until_a_signed_assessment_covers_it() {
    let f = fixture();
    approved_package(&f);
    fs::create_dir_all(f.path().join("tools")).unwrap();
    fs::write(f.path().join("tools/deploy.sh"), "echo deploy\n").unwrap();
    commit_all(f.path());
    approved_package(&f);
    let (run, v) = gate(&f);
    assert_eq!(
        run.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED),
        "{}",
        reasons(&v)
    );
    let text = reasons(&v);
    assert!(
        text.contains("changed path tools/deploy.sh is claimed by no component"),
        "{text}"
    );

    // An engineer may not assess; the validation lead may.
    f.qualify(&[
        "impact",
        "--assess",
        "tools/deploy.sh",
        "--rationale",
        "Deployment helper, not part of the validated system.",
        "--key",
        "keys/eng.pem",
    ])
    .code(2)
    .stderr_has("may not sign an impact assessment");
    f.qualify(&[
        "impact",
        "--assess",
        "tools/deploy.sh",
        "--rationale",
        "Deployment helper, not part of the validated system.",
        "--key",
        "keys/lead.pem",
    ])
    .code(0)
    .stdout_has("## Human assessments");
    let files: Vec<_> = fs::read_dir(f.path().join("validation/assessments"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1);
    commit_all(f.path());
    approved_package(&f);
    let (run, v) = gate(&f);
    assert_eq!(run.output.status.code(), Some(0), "{}", reasons(&v));

    // Editing the assessed file again needs a new assessment.
    fs::write(f.path().join("tools/deploy.sh"), "echo deploy v2\n").unwrap();
    let a: Value =
        serde_json::from_str(&f.qualify(&["impact", "--format", "json"]).code(0).stdout).unwrap();
    assert_eq!(
        a["unassessed_paths"],
        serde_json::json!(["tools/deploy.sh"])
    );
}

#[test]
fn a_dirty_tree_and_a_missing_approval_are_refused() {
    let f = fixture();
    let before = f.packages();
    f.qualify(&["run", "--progress", "quiet"]).code(0);
    let pkg = f
        .packages()
        .into_iter()
        .find(|p| !before.contains(p))
        .unwrap();
    sign(&f, &pkg, "executed", "eng");
    sign(&f, &pkg, "reviewed", "lead");
    let (run, v) = gate(&f);
    assert_eq!(
        run.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED)
    );
    assert!(
        reasons(&v).contains("not signed `approved`"),
        "{}",
        reasons(&v)
    );

    sign(&f, &pkg, "approved", "qa");
    fs::write(f.path().join("src/core.rs"), "fn core() { 2 }\n").unwrap();
    let (run, v) = gate(&f);
    assert_eq!(
        run.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED)
    );
    assert!(
        reasons(&v).contains("uncommitted changes (src/core.rs)"),
        "{}",
        reasons(&v)
    );
}

#[test]
fn a_tampered_package_does_not_satisfy_the_gate() {
    let f = fixture();
    let pkg = approved_package(&f);
    let results = pkg.join("results.json");
    let text = fs::read_to_string(&results)
        .unwrap()
        .replacen("\"passed\"", "\"passed\" ", 1);
    fs::write(&results, text).unwrap();
    let (run, v) = gate(&f);
    assert_eq!(
        run.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED)
    );
    assert!(reasons(&v).contains("does not verify"), "{}", reasons(&v));
}

#[test]
fn no_repository_fails_the_gate_with_a_clear_reason() {
    let p = support::Project::with_fixture_adapter();
    let run = p
        .qualify(&["gate"])
        .code(qualify::exit_code::GATE_NOT_SATISFIED);
    assert!(
        run.stdout.contains("no git revision to gate"),
        "{}",
        run.stdout
    );
}
