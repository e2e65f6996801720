//! `qualify run --trial` (issue 15): a campaign run while a protocol is being written, that
//! never becomes, and never passes for, evidence.

use std::fs;
use std::path::PathBuf;

use crate::sign_support::{Fixture, all_output};
use crate::support::git;

/// The trial folders of the fixture project.
fn trials(f: &Fixture) -> Vec<PathBuf> {
    let dir = f.path().join(".qualify/trials");
    let mut out: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn a_trial_runs_the_campaign_but_writes_no_evidence_and_is_marked_everywhere() {
    // A committed project with one real package; its feature has a failing scenario.
    let f = Fixture::new();
    let before = f.packages();
    let run = f
        .qualify(&["run", "--trial", "--progress", "quiet"])
        .code(1);
    for needle in [
        "2 scenarios: 1 passed, 1 failed",
        "FAILED echo deviates",
        "TRIAL RUN, NOT EVIDENCE (unsealed; cannot be verified, signed or gated): ",
        "NOT RELEASABLE: trial run (qualify run --trial): not an evidence package",
    ] {
        assert!(
            run.stdout.contains(needle),
            "lacks {needle:?}:\n{}",
            run.stdout
        );
    }
    for absent in [
        "manifest sha256",
        "evidence package:",
        "deviation close",
        "anchored",
    ] {
        assert!(
            !all_output(&run).contains(absent),
            "says {absent:?}:\n{}",
            all_output(&run)
        );
    }
    assert_eq!(f.packages(), before, "the evidence store is untouched");

    let trials = trials(&f);
    assert_eq!(trials.len(), 1, "{trials:?}");
    let trial = &trials[0];
    let name = trial.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.contains("-TRIAL-ALL-"), "{name}");
    for present in [
        "TRIAL.txt",
        "results.json",
        "report.html",
        "junit.xml",
        "cucumber.json",
    ] {
        assert!(trial.join(present).is_file(), "{present} missing in {name}");
    }
    for absent in [
        "manifest.json",
        "audit",
        "deviations",
        "report.pdf",
        "signatures",
    ] {
        assert!(!trial.join(absent).exists(), "{absent} exists in {name}");
    }
    let note = fs::read_to_string(trial.join("TRIAL.txt")).unwrap();
    assert!(
        note.starts_with(&format!("TRIAL RUN {name}: NOT AN EVIDENCE PACKAGE")),
        "{note}"
    );
    let results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(trial.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["trial"], true);
    assert_eq!(results["releasable"], false);
    assert_eq!(results["summary"]["scenarios_failed"], 1);
    let html = fs::read_to_string(trial.join("report.html")).unwrap();
    assert!(
        html.contains("TRIAL RUN, NOT EVIDENCE (scenarios FAILED)"),
        "banner"
    );
    assert!(html.contains("Trial run (qualify run --trial): not sealed, not evidence"));

    // Nothing for git to see: the trial must not make the next real run unreleasable.
    assert_eq!(git(f.path(), &["status", "--porcelain"]), "");
    let real = f.qualify(&["run", "--progress", "quiet"]).code(1);
    assert!(!real.stdout.contains("NOT RELEASABLE"), "{}", real.stdout);
    // A real package's results say nothing of trials.
    let sealed = f.packages().pop().unwrap();
    let results = fs::read_to_string(sealed.join("results.json")).unwrap();
    assert!(!results.contains("\"trial\""), "{results}");
}

#[test]
fn every_command_that_takes_a_package_refuses_a_trial_by_name() {
    let f = Fixture::new();
    f.qualify(&["run", "--trial", "--progress", "quiet"])
        .code(1);
    let trial = trials(&f).pop().unwrap();
    let trial = trial.to_str().unwrap();
    let package = f.package();
    let package = package.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["verify", trial],
        vec![
            "sign",
            trial,
            "--meaning",
            "executed",
            "--key",
            "keys/eng.pem",
        ],
        vec![
            "deviation",
            "close",
            trial,
            "DEV-001",
            "--disposition",
            "x",
            "--key",
            "keys/lead.pem",
        ],
        vec!["deviation", "list", trial],
        vec!["render", trial],
        vec![
            "supersede",
            package,
            "--by",
            trial,
            "--reason",
            "x",
            "--key",
            "keys/qa.pem",
        ],
    ];
    for args in commands {
        let run = f.qualify(&args).code(2);
        let text = all_output(&run);
        assert!(
            text.contains("this is a trial run (qualify run --trial), not an evidence package"),
            "{args:?}:\n{text}"
        );
    }
    assert!(!PathBuf::from(trial).join("renditions").exists());
    assert!(!PathBuf::from(trial).join("signatures").exists());
}

#[test]
fn a_trial_cannot_be_signed_on_the_way_and_goes_where_out_says() {
    let f = Fixture::new();
    let run = f
        .qualify(&["run", "--trial", "--sign-key", "keys/eng.pem"])
        .code(2);
    assert!(
        run.stderr
            .contains("'--trial' cannot be used with '--sign-key"),
        "{}",
        run.stderr
    );

    let run = f
        .qualify(&[
            "run",
            "--trial",
            "--out",
            "scratch",
            "--format",
            "json",
            "--progress",
            "quiet",
        ])
        .code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stdout);
    assert_eq!(doc["trial"], true);
    assert_eq!(doc["manifest_sha256"], serde_json::Value::Null);
    let dir = PathBuf::from(doc["package"].as_str().unwrap());
    assert!(dir.starts_with(f.path().join("scratch")), "{dir:?}");
    assert!(dir.join("TRIAL.txt").is_file());
    // The gate, pointed at the trials, finds no evidence in them.
    let gate = f.qualify(&["gate", "--evidence", "scratch"]);
    assert_eq!(gate.output.status.code(), Some(4), "{}", all_output(&gate));
}
