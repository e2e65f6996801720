//! Sharded campaigns (docs/sharding.md): `qualify run --shard K/N` on a real git repository
//! with the fixture adapter, `qualify merge` of the shard packages, and the merged package
//! through verify, the whole signing workflow and the gate; shards that are missing,
//! duplicated, from another commit or tampered with are refused, each with its reason.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::sign_support::{Fixture, commit_all};
use crate::support::Run;

/// src/ implements URS-001 (high risk): the gate's impact assessment has something to require.
const COMPONENTS: &str = "components:\n  - id: core\n    paths: [\"src/**\"]\n    requirements: [URS-001]\n    risk: high\n";

/// A feature of `n` passing echo scenarios (one @serial), each with its own attachment.
fn feature(name: &str, n: usize) -> String {
    let mut text = format!("@OQ @URS-001\nFeature: {name}\n");
    for i in 1..=n {
        let serial = if i == 2 { "  @serial\n" } else { "" };
        text.push_str(&format!(
            "{serial}  Scenario: {name} {i}\n    When I send an \"echo\" request to \"sut\" with:\n      \"\"\"\n      {{\"n\": {i}}}\n      \"\"\"\n    Then the response field \"n\" equals {i}\n\n"
        ));
    }
    text
}

/// A committed project with the given second feature: what each shard test runs. With
/// `shared`, one adapter process serves each whole shard (`isolation: shared`), whose logs are
/// campaign-level attachments (`attachments/_campaign/`) of the same name in every shard.
fn project_with(more: &str, shared: bool) -> Fixture {
    let f = Fixture::with(&feature("Echo", 6), COMPONENTS);
    if shared {
        let config = f.path().join("qualify.yaml");
        let text = fs::read_to_string(&config).unwrap();
        let text = text.replacen("    timeouts:", "    isolation: shared\n    timeouts:", 1);
        fs::write(&config, text).unwrap();
    }
    fs::create_dir_all(f.path().join("src")).unwrap();
    fs::write(f.path().join("src/core.rs"), "fn core() {}\n").unwrap();
    fs::write(f.path().join("features/more.feature"), more).unwrap();
    commit_all(f.path());
    f
}

/// A committed project of 10 scenarios in two features (with one unsharded package already in
/// its store, made by the fixture: durations for the first feature's scenarios).
fn project() -> Fixture {
    project_with(&feature("More", 4), false)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The ids `qualify list --shard K/N` selects, and the shard record of the listing.
fn listed(f: &Fixture, shard: &str) -> (BTreeSet<String>, Value) {
    let run = f.qualify(&["list", "--shard", shard, "--format", "json"]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stderr);
    let v = json(&run);
    let ids = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    (ids, v["selection"]["shard"].clone())
}

/// `qualify run --shard K/N`; the new package.
fn run_shard(f: &Fixture, shard: &str) -> PathBuf {
    let before = f.packages();
    let run = f.qualify(&["run", "--progress", "quiet", "--shard", shard]);
    assert_eq!(
        run.output.status.code(),
        Some(0),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    f.packages()
        .into_iter()
        .find(|p| !before.contains(p))
        .expect("a new package")
}

/// Every scenario id of a package's results, in results order.
fn scenario_ids(pkg: &Path) -> Vec<String> {
    let results = read_json(&pkg.join("results.json"));
    results["features"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["scenarios"].as_array().unwrap().clone())
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

fn merge(f: &Fixture, shards: &[&Path]) -> Run {
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|p| p.to_str().unwrap()));
    f.qualify(&args)
}

fn sign(f: &Fixture, pkg: &Path, meaning: &str, signer: &str) {
    let key = format!("keys/{signer}.pem");
    let run = f.qualify(&[
        "sign",
        pkg.to_str().unwrap(),
        "--meaning",
        meaning,
        "--key",
        &key,
    ]);
    assert_eq!(
        run.output.status.code(),
        Some(0),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}

/// The four shard packages of the project's campaign.
fn four_shards(f: &Fixture) -> Vec<PathBuf> {
    (1..=4).map(|k| run_shard(f, &format!("{k}/4"))).collect()
}

fn sha256(path: &Path) -> String {
    qualify::evidence::sha256_hex(&fs::read(path).unwrap())
}

#[test]
fn a_campaign_sharded_four_ways_merges_into_one_package_that_verifies_signs_and_gates() {
    let f = project();
    let unsharded = scenario_ids(&f.packages()[0]);
    assert_eq!(
        unsharded.len(),
        6,
        "the fixture's own run: the first feature"
    );

    // The partition: every scenario in exactly one shard, the same when computed again.
    let mut all = BTreeSet::new();
    let mut digests = BTreeSet::new();
    let mut shares = Vec::new();
    for k in 1..=4 {
        let (ids, record) = listed(&f, &format!("{k}/4"));
        assert_eq!(listed(&f, &format!("{k}/4")), (ids.clone(), record.clone()));
        assert!(!ids.is_empty(), "shard {k} runs something");
        assert!(
            all.is_disjoint(&ids),
            "shard {k} repeats a scenario: {ids:?}"
        );
        all.extend(ids.iter().cloned());
        assert_eq!(record["scenarios_in_campaign"], 10);
        assert_eq!(
            record["balanced_from"].as_array().unwrap().len(),
            1,
            "{record}"
        );
        digests.insert(record["partition_digest"].as_str().unwrap().to_string());
        shares.push(ids);
    }
    assert_eq!(all.len(), 10);
    assert_eq!(digests.len(), 1, "every shard computes the same partition");

    // Each shard runs exactly its listed share and says so in its id and results.
    let shards = four_shards(&f);
    for (k, pkg) in shards.iter().enumerate() {
        let id = pkg.file_name().unwrap().to_string_lossy().into_owned();
        assert!(id.contains(&format!("-ALL-shard{}of4-", k + 1)), "{id}");
        let ran: BTreeSet<String> = scenario_ids(pkg).into_iter().collect();
        assert_eq!(ran, shares[k], "shard {} ran its listed share", k + 1);
        let shard = &read_json(&pkg.join("results.json"))["selection"]["shard"];
        assert_eq!(shard["index"], k + 1);
        assert_eq!(shard["total"], 4);
        assert_eq!(shard["scenarios_in_campaign"].as_array().unwrap().len(), 10);
        assert_eq!(
            shard["partition_digest"].as_str(),
            digests.first().map(String::as_str)
        );
    }

    // Merged in any order: one package of the whole campaign.
    let order = [&shards[2], &shards[0], &shards[3], &shards[1]];
    let run = merge(&f, &order.map(|p| p.as_path()));
    assert_eq!(
        run.output.status.code(),
        Some(0),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let merged = f.packages().pop().unwrap();
    let name = merged.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.contains("-ALL-merged-"), "{name}");
    let results = read_json(&merged.join("results.json"));
    assert!(
        results["selection"].get("shard").is_none(),
        "{}",
        results["selection"]
    );
    assert_eq!(results["selection"]["scenarios"], 10);
    assert_eq!(results["summary"]["scenarios"], 10);
    assert_eq!(results["summary"]["scenarios_passed"], 10);
    assert_eq!(results["summary"]["steps_passed"], 20);
    // Ordered as an unsharded run orders them: features by path, scenarios by line.
    let ids = scenario_ids(&merged);
    let paths: Vec<&str> = results["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["features/echo.feature", "features/more.feature"]);
    assert_eq!(
        &ids[..6],
        &unsharded[..],
        "the same order as the unsharded run"
    );
    assert_eq!(ids.iter().collect::<BTreeSet<_>>(), all.iter().collect());
    // Its Cucumber Messages cover the whole campaign and the official consumers read them.
    let out = tempfile::tempdir().unwrap();
    let report = crate::cucumber_messages::check(&merged.join("messages.ndjson"), out.path());
    assert_eq!(report["schemaErrors"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["kinds"]["gherkinDocument"], 2, "{report:#}");
    assert_eq!(report["kinds"]["pickle"], 10, "{report:#}");
    assert_eq!(report["junit"]["tests"], 10, "{report:#}");
    assert_eq!(report["junit"]["failures"], 0, "{report:#}");
    // Provenance: each shard's id, manifest digest, host; its records and attachments kept.
    let from = results["merged_from"].as_array().unwrap();
    assert_eq!(from.len(), 4);
    for (k, entry) in from.iter().enumerate() {
        let shard = &shards[k];
        assert_eq!(entry["index"], k + 1);
        assert_eq!(
            entry["package_id"].as_str().unwrap(),
            shard.file_name().unwrap().to_str().unwrap()
        );
        assert_eq!(
            entry["manifest_sha256"],
            sha256(&shard.join("manifest.json"))
        );
        assert!(entry["host"].is_string(), "{entry}");
        let kept = merged.join(format!("shards/{}/manifest.json", k + 1));
        assert_eq!(sha256(&kept), sha256(&shard.join("manifest.json")));
        let shard_manifest = read_json(&shard.join("manifest.json"));
        let attachments: Vec<&str> = shard_manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap())
            .filter(|p| p.starts_with("attachments/"))
            .collect();
        assert!(!attachments.is_empty());
        for a in attachments {
            assert_eq!(sha256(&merged.join(a)), sha256(&shard.join(a)), "{a}");
        }
    }
    for file in [
        "junit.xml",
        "cucumber.json",
        "report.html",
        "report.pdf",
        "project.json",
    ] {
        assert!(merged.join(file).is_file(), "{file}");
    }
    // The report's cover names the shards, as each shard's names its share.
    let html = fs::read_to_string(merged.join("report.html")).unwrap();
    for shard in &shards {
        assert!(
            html.contains(shard.file_name().unwrap().to_str().unwrap()),
            "the merged report names {}",
            shard.display()
        );
    }
    let shard_html = fs::read_to_string(shards[1].join("report.html")).unwrap();
    assert!(shard_html.contains("shard 2 of 4 of a campaign of 10 scenarios"));
    let trail = fs::read_to_string(merged.join("audit/trail.jsonl")).unwrap();
    assert!(
        trail.contains("qualify merge of 4 shard packages"),
        "{trail}"
    );

    // verify, the whole workflow, the gate: as an unsharded package.
    let verify = f.qualify(&["verify", merged.to_str().unwrap()]);
    assert_eq!(
        verify.output.status.code(),
        Some(0),
        "{}\n{}",
        verify.stdout,
        verify.stderr
    );
    sign(&f, &merged, "executed", "eng");
    sign(&f, &merged, "reviewed", "lead");
    sign(&f, &merged, "approved", "qa");
    let gate = f.qualify(&["gate", "--format", "json"]);
    let v = json(&gate);
    assert_eq!(gate.output.status.code(), Some(0), "{v:#}");
    assert_eq!(v["accepted"], merged.display().to_string());

    // verify checks the provenance against a shard package beside the merged one: one changed
    // since the merge (a byte of its manifest) fails the merged package's verification.
    let shard_manifest = shards[1].join("manifest.json");
    let mut bytes = fs::read(&shard_manifest).unwrap();
    bytes.push(b'\n');
    fs::write(&shard_manifest, &bytes).unwrap();
    let verify = f.qualify(&["verify", merged.to_str().unwrap(), "--format", "json"]);
    assert_eq!(verify.output.status.code(), Some(3), "{}", verify.stderr);
    let report = json(&verify);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["check"] == "shards")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("shard 2 beside the merged package"),
        "{finding}"
    );
}

#[test]
fn shards_missing_duplicated_from_another_commit_or_tampered_are_refused() {
    let f = project();
    let shards = four_shards(&f);
    let before = f.packages().len();
    let refused = |given: &[&Path], code: i32, reason: &str| {
        let run = merge(&f, given);
        assert_eq!(
            run.output.status.code(),
            Some(code),
            "{reason}: {}\n{}",
            run.stdout,
            run.stderr
        );
        assert!(
            run.stderr.contains(reason),
            "expected {reason:?} in:\n{}",
            run.stderr
        );
    };
    let [s1, s2, s3, s4] = [&shards[0], &shards[1], &shards[2], &shards[3]].map(|p| p.as_path());
    refused(&[s1, s2, s4], 2, "missing shard 3 of 4");
    refused(&[s1, s2, s3, s4, s2], 2, "shard 2/4 is given twice");
    // A package that is not a shard.
    let unsharded = f.packages()[0].clone();
    refused(&[s1, s2, s3, &unsharded], 2, "is not a shard package");

    // A shard of the next commit: the same partition, another revision.
    fs::write(f.path().join("src/core.rs"), "fn core() { 2 }\n").unwrap();
    commit_all(f.path());
    let other = run_shard(&f, "4/4");
    refused(
        &[s1, s2, s3, &other],
        2,
        "commit (git.json) differs from shard 1",
    );

    // A byte of a sealed file changed: the shard no longer verifies (exit 3).
    let results = s3.join("results.json");
    let mut bytes = fs::read(&results).unwrap();
    let at = bytes.iter().position(|b| *b == b'{').unwrap();
    bytes.insert(at + 1, b' ');
    fs::write(&results, &bytes).unwrap();
    let run = merge(&f, &[s1, s2, s3, s4]);
    assert_eq!(run.output.status.code(), Some(3), "{}", run.stderr);
    assert!(
        run.stderr.contains("fails verification")
            && run
                .stderr
                .contains(s3.file_name().unwrap().to_str().unwrap())
            && run.stderr.contains("results.json"),
        "{}",
        run.stderr
    );
    // Nothing was sealed by any refused merge (the extra package is the other commit's shard).
    assert_eq!(f.packages().len(), before + 1);
}

#[test]
fn invalid_shard_values_are_input_errors_and_auto_reads_gitlab_variables() {
    let f = project();
    for (value, reason) in [
        ("0/4", "K (this shard) must be from 1 to 4"),
        ("5/4", "K (this shard) must be from 1 to 4"),
        ("x", "expected K/N"),
        ("1/0", "N (the number of shards) must be at least 1"),
        ("1/11", "at most 10 shards"),
    ] {
        let before = f.packages().len();
        let run = f.qualify(&["run", "--progress", "quiet", "--shard", value]);
        assert_eq!(run.output.status.code(), Some(2), "{value}: {}", run.stderr);
        assert!(run.stderr.contains(reason), "{value}: {}", run.stderr);
        assert_eq!(f.packages().len(), before, "nothing ran for {value}");
        let list = f.qualify(&["list", "--shard", value]);
        assert_eq!(
            list.output.status.code(),
            Some(2),
            "{value}: {}",
            list.stderr
        );
    }
    let run = f.qualify(&["list", "--shard", "auto"]);
    assert_eq!(run.output.status.code(), Some(2));
    assert!(run.stderr.contains("CI_NODE_INDEX"), "{}", run.stderr);
    let env = [("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")];
    let auto = f.qualify_env(&["list", "--shard", "auto", "--format", "json"], &env);
    assert_eq!(auto.output.status.code(), Some(0), "{}", auto.stderr);
    assert_eq!(json(&auto)["selection"]["shard"]["index"], 2);
    assert_eq!(json(&auto)["selection"]["shard"]["total"], 3);
    assert_eq!(
        json(&auto)["scenarios"],
        json(&f.qualify(&["list", "--shard", "2/3", "--format", "json"]))["scenarios"]
    );
}

#[test]
fn a_failing_shard_is_merged_with_its_deviation_and_gated_as_an_unsharded_failure() {
    // The last scenario of the second feature expects what the adapter never answers.
    let more = feature("More", 2).replace("equals 2", "equals 3");
    let f = project_with(&more, true);
    let shards: Vec<PathBuf> = (1..=2)
        .map(|k| {
            let before = f.packages();
            let run = f.qualify(&["run", "--progress", "quiet", "--shard", &format!("{k}/2")]);
            assert!(
                matches!(run.output.status.code(), Some(0 | 1)),
                "{}",
                run.stderr
            );
            f.packages()
                .into_iter()
                .find(|p| !before.contains(p))
                .unwrap()
        })
        .collect();
    let failing: Vec<&PathBuf> = shards
        .iter()
        .filter(|p| read_json(&p.join("results.json"))["summary"]["scenarios_failed"] == 1)
        .collect();
    assert_eq!(
        failing.len(),
        1,
        "exactly one shard ran the failing scenario"
    );

    // The merge seals the failure too, and exits as the unsharded run would have.
    let run = merge(&f, &[&shards[0], &shards[1]]);
    assert_eq!(
        run.output.status.code(),
        Some(1),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let merged = f.packages().pop().unwrap();
    let results = read_json(&merged.join("results.json"));
    assert_eq!(results["summary"]["scenarios"], 8);
    assert_eq!(results["summary"]["scenarios_failed"], 1);
    let register = read_json(&merged.join("deviations/deviations.json"));
    let deviations = register["deviations"].as_array().unwrap();
    assert_eq!(deviations.len(), 1);
    assert_eq!(deviations[0]["id"], "DEV-001");
    assert_eq!(deviations[0]["scenario"]["id"], "features/more.feature:11");
    // Each shard's campaign-level adapter logs are kept, per shard.
    for (k, shard) in shards.iter().enumerate() {
        let logs = shard.join("attachments/_campaign");
        let names: Vec<String> = fs::read_dir(&logs)
            .unwrap_or_else(|e| panic!("{}: {e}", logs.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.is_empty());
        for name in names {
            let kept = merged.join(format!("attachments/_campaign/shard-{}/{name}", k + 1));
            assert_eq!(sha256(&kept), sha256(&logs.join(&name)), "{name}");
        }
    }

    // The whole workflow on the merged package: reviewed, the deviation closed, approved.
    sign(&f, &merged, "executed", "eng");
    sign(&f, &merged, "reviewed", "lead");
    let close = f.qualify(&[
        "deviation",
        "close",
        merged.to_str().unwrap(),
        "DEV-001",
        "--disposition",
        "The expected value in the scenario was wrong; corrected under change CR-12.",
        "--key",
        "keys/lead.pem",
    ]);
    assert_eq!(close.output.status.code(), Some(0), "{}", close.stderr);
    sign(&f, &merged, "approved", "qa");
    let verify = f.qualify(&["verify", merged.to_str().unwrap()]);
    assert_eq!(verify.output.status.code(), Some(0), "{}", verify.stdout);
    // The gate judges it as an unsharded package with a failure: not releasable evidence until
    // a passing re-run supersedes it.
    let gate = f.qualify(&["gate", "--format", "json"]);
    let v = json(&gate);
    assert_eq!(
        gate.output.status.code(),
        Some(qualify::exit_code::GATE_NOT_SATISFIED),
        "{v:#}"
    );
    let merged_shown = merged.display().to_string();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "scenario_failed"
                && x["package"] == merged_shown.as_str()
                && x["scenario"] == "features/more.feature:11"),
        "{v:#}"
    );
}
