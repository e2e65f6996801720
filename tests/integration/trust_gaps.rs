//! The last gaps of the trust layer, through the real binary:
//!
//! - `qualify supersede` anchors a `superseded` record in the git ledger (the commit point, before
//!   the record file is written); `qualify status` shows the supersession from the ledger alone,
//!   also in a fresh clone without the record file; a removed or changed record file is reported
//!   by `verify`, `ledger check`, `status` and the gate (`supersession_missing`), and `qualify
//!   recover` writes it back; a supersede killed at any fsync or rename is either absent or
//!   completed by the next command.
//! - `qualify verify` takes the TSA policy (`signing.require_tsa`, `signing.tsa_ca`) from the
//!   qualify.yaml committed at the package's commit, the CA from the git object, and says where
//!   it came from; a working copy cannot weaken it.

use crate::anchor::qualify_in;
use crate::crash_safety::{killed, text};
use crate::gate_honest::{approve, codes, flaky_fixture, gate, new_package, supersede};
use crate::sign_support;
use crate::support;
use crate::tsa::{TsaPki, TsaServer, token_of};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sign_support::{Fixture, PASS, PASSING_FEATURE, all_output, commit_all, copy_dir, rejected};
use support::git;

/// The reason `gate_honest::supersede` signs.
const REASON: &str = "Test rig network outage during the first run; rerun on the same revision.";

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn id_of(pkg: &Path) -> String {
    pkg.file_name().unwrap().to_string_lossy().into_owned()
}

/// A revision with a failed package and an approved replacement: (fixture, failed, good).
fn failed_and_replacement() -> (Fixture, PathBuf, PathBuf) {
    let f = flaky_fixture();
    fs::write(f.path().join("keys/flaky"), "").unwrap();
    let failed = new_package(&f, &[]);
    fs::remove_file(f.path().join("keys/flaky")).unwrap();
    let good = new_package(&f, &[]);
    approve(&f, &good);
    (f, failed, good)
}

/// The record files (`*.dsse.json`) of the supersessions folder.
fn record_files(f: &Fixture) -> Vec<PathBuf> {
    let dir = f.path().join("validation/supersessions");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(".dsse.json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The `superseded` ledger records of `package_id`, read with git itself.
fn ledger_supersessions(dir: &Path, package_id: &str) -> Vec<Value> {
    let listing = Command::new("git")
        .args(["ls-tree", "-r", "--name-only", "refs/qualify/ledger"])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|l| l.starts_with(&format!("packages/{package_id}/superseded-")))
        .map(|name| {
            let text = git(dir, &["show", &format!("refs/qualify/ledger:{name}")]);
            let record: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                name,
                format!(
                    "packages/{package_id}/superseded-{}.json",
                    record["envelope_sha256"].as_str().unwrap()
                )
            );
            record
        })
        .collect()
}

/// `qualify gate --format json`, which must refuse (exit 4); its report.
fn gate_blocked(f: &Fixture) -> Value {
    let (run, v) = gate(f);
    let code = run.output.status.code();
    assert_eq!(code, Some(qualify::exit_code::GATE_NOT_SATISFIED), "{v:#}");
    v
}

/// `qualify gate --format json`, which must pass.
fn gate_passes(f: &Fixture) {
    let (run, v) = gate(f);
    assert_eq!(run.output.status.code(), Some(0), "{v:#}");
}

fn status_of(report: &Value, id: &str) -> Value {
    report["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {report:#}"))
        .clone()
}

#[test]
fn supersede_is_anchored_and_status_shows_it_from_the_ledger_in_a_fresh_clone() {
    let (f, failed, good) = failed_and_replacement();
    let (failed_id, good_id) = (id_of(&failed), id_of(&good));
    supersede(&f, &failed, &good, "lead")
        .code(0)
        .stdout_has(&format!("anchored: supersession of {failed_id}"));
    let files = record_files(&f);
    assert_eq!(files.len(), 1, "{files:?}");
    let bytes = fs::read(&files[0]).unwrap();
    let (envelope, _) = sign_support::read_envelope(&files[0]);

    // The ledger record: who, which key, which packages, the reason's digest, the time, and the
    // record file's exact bytes.
    let records = ledger_supersessions(f.path(), &failed_id);
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = &records[0];
    let manifest = |p: &Path| sha256(&fs::read(p.join("manifest.json")).unwrap());
    assert_eq!(r["kind"], "superseded");
    assert_eq!(r["schema"], "qualify.ledger/v1");
    assert_eq!(r["package_id"], failed_id.as_str());
    assert_eq!(r["manifest_sha256"], manifest(&failed).as_str());
    assert_eq!(r["superseded_by"], good_id.as_str());
    assert_eq!(r["replacement_manifest_sha256"], manifest(&good).as_str());
    assert_eq!(r["signer_id"], "lead");
    assert_eq!(r["role"], "validation-lead");
    assert_eq!(r["key_id"], envelope["signatures"][0]["keyid"]);
    assert_eq!(r["reason_sha256"], sha256(REASON.as_bytes()).as_str());
    assert_eq!(r["envelope_sha256"], sha256(&bytes).as_str());
    assert_eq!(
        r["envelope"],
        String::from_utf8(bytes.clone()).unwrap().as_str()
    );
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        r["path"],
        format!("validation/supersessions/{name}").as_str()
    );
    assert!(r["recorded_at"].as_str().unwrap().starts_with("20"));

    // A fresh clone: the record file was never committed, the ledger is fetched, the evidence
    // store is empty. status says from the ledger alone that the package is superseded, and that
    // the record file is missing.
    let clone_root = tempfile::tempdir().unwrap();
    let clone = clone_root.path().join("clone");
    git(
        clone_root.path(),
        &["clone", "-q", f.path().to_str().unwrap(), "clone"],
    );
    git(
        &clone,
        &["fetch", "-q", "origin", "refs/qualify/*:refs/qualify/*"],
    );
    assert!(!clone.join("validation/supersessions").join(&name).exists());
    let run = qualify_in(&clone, &["status", "--format", "json"]).code(0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let p = status_of(&report, &failed_id);
    assert_eq!(p["superseded_by"], good_id.as_str(), "{p:#}");
    assert_eq!(p["missing_from_store"], true, "{p:#}");
    // Stage, revision and result come from the anchored seal.
    let git_json: Value =
        serde_json::from_slice(&fs::read(failed.join("git.json")).unwrap()).unwrap();
    assert_eq!(p["revision"], git_json["commit"], "{p:#}");
    assert_eq!(p["result"], "failed", "{p:#}");
    assert_eq!(
        p["supersession_record"],
        format!("validation/supersessions/{name}").as_str()
    );
    assert!(
        p["supersession_problem"]
            .as_str()
            .unwrap()
            .contains("supersession record missing"),
        "{p:#}"
    );
    let human = qualify_in(&clone, &["status"]).code(0).stdout;
    let line = human
        .lines()
        // The id and a space: the replacement made in the same second is `<failed_id>-2`.
        .find(|l| l.starts_with(&format!("{failed_id} ")))
        .unwrap_or_else(|| panic!("{human}"));
    assert!(
        line.contains(&format!("superseded by {good_id}"))
            && line.contains("SUPERSESSION RECORD MISSING"),
        "{line}"
    );
    qualify_in(&clone, &["ledger", "check"])
        .code(qualify::exit_code::VERIFICATION_FAILED)
        .stdout_has("supersession record missing")
        .stdout_has("LEDGER CHECK FAILED");

    // With the package restored into the clone's store, recover writes the record back from the
    // ledger, byte for byte.
    copy_dir(&failed, &clone.join("evidence").join(&failed_id));
    let pkg = format!("evidence/{failed_id}");
    qualify_in(&clone, &["recover", &pkg])
        .code(0)
        .stdout_has(&format!("restored validation/supersessions/{name}"));
    assert_eq!(
        fs::read(clone.join("validation/supersessions").join(&name)).unwrap(),
        bytes
    );
    qualify_in(&clone, &["ledger", "check"])
        .code(0)
        .stdout_has("LEDGER CONSISTENT");
    let run = qualify_in(&clone, &["status", "--format", "json"]).code(0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let p = status_of(&report, &failed_id);
    assert_eq!(p["superseded_by"], good_id.as_str());
    assert!(p["supersession_problem"].is_null(), "{p:#}");
}

#[test]
fn a_removed_or_changed_supersession_record_blocks_the_gate_with_its_own_code() {
    let (f, failed, good) = failed_and_replacement();
    let failed_name = failed.display().to_string();
    supersede(&f, &failed, &good, "lead").code(0);
    commit_all(f.path());
    gate_passes(&f);
    let record = record_files(&f).pop().unwrap();
    let rel = record
        .strip_prefix(f.path())
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let bytes = fs::read(&record).unwrap();

    // Rollback of the supersession: the record removed in a later commit. The failed package
    // blocks again, and the gate says why with its own code, naming the record.
    git(f.path(), &["rm", "-q", &rel]);
    git(f.path(), &["commit", "-q", "-m", "drop the supersession"]);
    let v = gate_blocked(&f);
    let found = codes(&v);
    assert!(
        found.contains(&("supersession_missing".into(), failed_name.clone()))
            && found.contains(&("scenario_failed".into(), failed_name.clone())),
        "{v:#}"
    );
    let missing = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "supersession_missing")
        .unwrap();
    assert_eq!(missing["path"], rel.as_str());
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("qualify recover"),
        "{missing:#}"
    );
    rejected(
        f.qualify(&["verify", &failed_name]),
        &["supersession record missing", &rel],
    );
    f.qualify(&["ledger", "check"])
        .code(qualify::exit_code::VERIFICATION_FAILED)
        .stdout_has("supersession record missing");

    // recover writes it back; committed, the gate passes again.
    f.qualify(&["recover", &failed_name]).code(0);
    assert_eq!(fs::read(&record).unwrap(), bytes);
    commit_all(f.path());
    gate_passes(&f);

    // The record replaced by other bytes that still verify (the envelope re-serialized: the
    // signature covers the payload only): not the anchored record, so it counts for nothing.
    let value: Value = serde_json::from_slice(&bytes).unwrap();
    fs::write(&record, serde_json::to_vec(&value).unwrap()).unwrap();
    commit_all(f.path());
    let v = gate_blocked(&f);
    let found = codes(&v);
    assert!(
        found.contains(&("supersession_missing".into(), failed_name.clone()))
            && found.contains(&("supersession_invalid".into(), failed_name.clone()))
            && found.contains(&("scenario_failed".into(), failed_name.clone())),
        "{v:#}"
    );
    assert!(
        v.to_string().contains("supersession record changed"),
        "{v:#}"
    );
    f.qualify(&["ledger", "check"])
        .code(qualify::exit_code::VERIFICATION_FAILED)
        .stdout_has("supersession record changed");
}

/// The syscalls a kill is injected at (as in crash_safety.rs, plus the links a no-clobber
/// rename may use).
const KILL_SYSCALLS: [&str; 7] = [
    "fsync",
    "fdatasync",
    "rename",
    "renameat",
    "renameat2",
    "link",
    "linkat",
];

/// Files named like a leftover (`.tmp-…`) in `dir`.
fn temp_leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_supersede_killed_at_every_fsync_and_rename_is_absent_or_completed() {
    let (f, failed, good) = failed_and_replacement();
    commit_all(f.path());
    let failed_id = id_of(&failed);
    let tip = git(f.path(), &["rev-parse", "refs/qualify/ledger"])
        .trim()
        .to_string();
    let dir = f.path().join("validation/supersessions");
    let lock = f.path().join(".git/refs/qualify/ledger.lock");
    let args = [
        "supersede",
        failed.to_str().unwrap(),
        "--by",
        good.to_str().unwrap(),
        "--reason",
        REASON,
        "--key",
        "keys/lead.pem",
    ];
    let (mut before_commit, mut after_commit) = (0, 0);
    for syscall in KILL_SYSCALLS {
        for n in 1.. {
            // The state before the supersede: no record file, the ledger at its old tip.
            let _ = fs::remove_dir_all(&dir);
            let _ = fs::remove_file(&lock);
            git(f.path(), &["update-ref", "refs/qualify/ledger", &tip]);
            let out = Command::new("strace")
                .args(["-f", "-qq", "-o", "/dev/null", "-e"])
                .arg(format!("trace={syscall}"))
                .arg("-e")
                .arg(format!("inject={syscall}:signal=SIGKILL:when={n}"))
                .arg("--")
                .arg(env!("CARGO_BIN_EXE_qualify"))
                .args(args)
                .current_dir(f.path())
                .env_remove("CI")
                .env("QUALIFY_KEY_PASSPHRASE", PASS)
                .output()
                .expect("strace (the crash tests need it; see crash_safety.rs)");
            let anchored = ledger_supersessions(f.path(), &failed_id);
            if !killed(&out) {
                assert_eq!(out.status.code(), Some(0), "{syscall} #{n}: {}", text(&out));
                assert_eq!(anchored.len(), 1);
                assert_eq!(record_files(&f).len(), 1);
                break;
            }
            if anchored.is_empty() {
                // Killed before the commit point: nothing of the supersession exists.
                before_commit += 1;
                assert!(
                    record_files(&f).is_empty(),
                    "{syscall} #{n}: a record file without its ledger record"
                );
                continue;
            }
            // Killed after it: the next command completes it, byte for byte, and leaves
            // nothing behind.
            after_commit += 1;
            assert_eq!(anchored.len(), 1, "{syscall} #{n}");
            f.qualify(&["recover", failed.to_str().unwrap()]).code(0);
            let files = record_files(&f);
            assert_eq!(files.len(), 1, "{syscall} #{n}: {files:?}");
            assert_eq!(
                sha256(&fs::read(&files[0]).unwrap()),
                anchored[0]["envelope_sha256"].as_str().unwrap(),
                "{syscall} #{n}"
            );
            assert!(temp_leftovers(&dir).is_empty(), "{syscall} #{n}");
            f.qualify(&["ledger", "check"]).code(0);
        }
    }
    assert!(
        before_commit > 0 && after_commit > 0,
        "kills before the commit point: {before_commit}, after it: {after_commit}"
    );
    // The completed supersession counts in the gate once committed.
    commit_all(f.path());
    gate_passes(&f);
}

/// `qualify sign PKG --meaning executed --key keys/eng.pem`, which must succeed.
fn sign_executed(f: &Fixture, pkg: &Path) {
    let pkg = pkg.to_str().unwrap();
    f.qualify(&[
        "sign",
        pkg,
        "--meaning",
        "executed",
        "--key",
        "keys/eng.pem",
    ])
    .code(0);
}

/// Appends `signing:` to the project's qualify.yaml.
fn add_signing(f: &Fixture, signing: &str) {
    let path = f.path().join("qualify.yaml");
    let config = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{config}\nsigning:\n{signing}")).unwrap();
}

#[test]
fn a_committed_require_tsa_makes_an_unstamped_signature_an_error_whatever_the_working_copy_says() {
    let f = Fixture::with(PASSING_FEATURE, "");
    let original = fs::read_to_string(f.path().join("qualify.yaml")).unwrap();
    add_signing(&f, "  require_tsa: true\n");
    commit_all(f.path());
    let pkg = f.run_campaign();
    let pkg_arg = pkg.to_str().unwrap();
    sign_executed(&f, &pkg);

    let needles = [
        "01-executed-eng.dsse.json: has no RFC 3161 time-stamp token, which the project requires",
        "tokens required (signing.require_tsa of qualify.yaml at the package's commit",
    ];
    rejected(f.qualify(&["verify", pkg_arg]), &needles);
    // JSON says where the policy came from too.
    let run = f.qualify(&["verify", pkg_arg, "--format", "json"]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        report["trust"]["tsa"]
            .as_str()
            .unwrap()
            .contains("signing.require_tsa of qualify.yaml at the package's commit"),
        "{report:#}"
    );

    // A working copy of qualify.yaml without the requirement (uncommitted) changes nothing, not
    // even when named with --config: a requirement is only ever added.
    fs::write(f.path().join("qualify.yaml"), &original).unwrap();
    rejected(f.qualify(&["verify", pkg_arg]), &needles);
    rejected(
        f.qualify(&["verify", pkg_arg, "--config", "qualify.yaml"]),
        &needles[..1],
    );

    // The gate (on the committed revision) applies the project's policy as well.
    git(f.path(), &["checkout", "-q", "--", "qualify.yaml"]);
    let v = gate_blocked(&f);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "package_unverified"
                && x["message"]
                    .as_str()
                    .unwrap()
                    .contains("has no RFC 3161 time-stamp token")),
        "{v:#}"
    );

    // Without a repository, verify says that the committed policy could not be checked.
    let bare = tempfile::tempdir().unwrap();
    let copy = bare.path().join(id_of(&pkg));
    copy_dir(&pkg, &copy);
    let run = qualify_in(bare.path(), &["verify", copy.to_str().unwrap()]);
    let text = all_output(&run);
    assert!(
        text.contains("the project's committed TSA policy (signing: of qualify.yaml at the package's commit) was NOT checked"),
        "{text}"
    );
}

#[test]
fn a_committed_tsa_ca_is_read_from_git_at_the_package_commit() {
    let pki = TsaPki::make();
    let tsa = TsaServer::start(&pki);
    let f = Fixture::with(PASSING_FEATURE, "");
    fs::create_dir_all(f.path().join("pki")).unwrap();
    fs::copy(pki.path("ca.pem"), f.path().join("pki/tsa-ca.pem")).unwrap();
    add_signing(
        &f,
        &format!(
            "  tsa_url: {}\n  tsa_ca: pki/tsa-ca.pem\n  require_tsa: true\n",
            tsa.url
        ),
    );
    commit_all(f.path());
    let pkg = f.run_campaign();
    let pkg_arg = pkg.to_str().unwrap();
    sign_executed(&f, &pkg);
    let envelope = pkg.join("signatures/01-executed-eng.dsse.json");
    assert!(token_of(&envelope).is_file());

    let checked = "checked against pki/tsa-ca.pem@";
    let run = f.qualify(&["verify", pkg_arg]).code(0);
    let text = all_output(&run);
    assert!(text.contains(checked), "{text}");
    assert!(
        text.contains("trusted TSA CA pki/tsa-ca.pem@") && text.contains("(git object)"),
        "{text}"
    );

    // The working copy's CA replaced by another CA, then removed: the committed one still
    // decides (the current folder never supplies a trust anchor).
    fs::copy(pki.path("other-ca.pem"), f.path().join("pki/tsa-ca.pem")).unwrap();
    let text = all_output(&f.qualify(&["verify", pkg_arg]).code(0));
    assert!(text.contains(checked), "{text}");
    fs::remove_file(f.path().join("pki/tsa-ca.pem")).unwrap();
    let text = all_output(&f.qualify(&["verify", pkg_arg]).code(0));
    assert!(text.contains(checked), "{text}");

    // The committed CA is really used: a token from a TSA under another CA fails against it.
    // (Committed at a later commit, the other CA does not count for this package.)
    fs::copy(pki.path("other-ca.pem"), f.path().join("pki/tsa-ca.pem")).unwrap();
    commit_all(f.path());
    let text = all_output(&f.qualify(&["verify", pkg_arg]).code(0));
    assert!(text.contains(checked), "{text}");
    let later = f.run_campaign();
    sign_executed(&f, &later);
    rejected(
        f.qualify(&["verify", later.to_str().unwrap()]),
        &["does not chain to a trusted TSA CA", "pki/tsa-ca.pem@"],
    );
}

#[test]
fn a_failed_run_counts_for_every_commit_with_the_same_tree() {
    // An empty commit after a failed run does not leave the failed package behind: the gate
    // counts every package whose commit has the revision's tree.
    let f = flaky_fixture();
    fs::write(f.path().join("keys/flaky"), "").unwrap();
    let failed = new_package(&f, &[]);
    fs::remove_file(f.path().join("keys/flaky")).unwrap();
    git(
        f.path(),
        &["commit", "-q", "--allow-empty", "-m", "the same tree again"],
    );
    let good = new_package(&f, &[]);
    approve(&f, &good);
    let commit = |p: &Path| -> String {
        let v: Value = serde_json::from_slice(&fs::read(p.join("git.json")).unwrap()).unwrap();
        v["commit"].as_str().unwrap().to_string()
    };
    assert_ne!(commit(&failed), commit(&good));
    let v = gate_blocked(&f);
    let failed_name = failed.display().to_string();
    assert!(
        codes(&v).contains(&("scenario_failed".into(), failed_name)),
        "{v:#}"
    );
}

/// The README's path with the bundled campaign: keys for three people, `run --sign-key`, `sign`
/// reviewed and approved, `verify`, `gate` and `status` — in a git repository of its own holding a
/// copy of the bundled project (the adapters' binaries named by absolute path).
#[test]
fn the_bundled_campaign_signed_three_times_verifies_and_passes_the_gate() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&repo.join("features"), &d.join("features"));
    fs::create_dir_all(d.join("bridge/config")).unwrap();
    fs::copy(
        repo.join("bridge/config/bridge.yaml"),
        d.join("bridge/config/bridge.yaml"),
    )
    .unwrap();
    fs::copy(repo.join("requirements.yaml"), d.join("requirements.yaml")).unwrap();
    let text = fs::read_to_string(repo.join("qualify.yaml")).unwrap();
    let mut doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    for (adapter, binary) in [("bridge", "qualify-bridge"), ("shift", "shift-sim")] {
        doc["adapters"][adapter]["command"] = serde_norway::Value::Sequence(vec![
            support::binary(binary).display().to_string().into(),
        ]);
    }
    fs::write(
        d.join("qualify.yaml"),
        serde_norway::to_string(&doc).unwrap(),
    )
    .unwrap();
    fs::write(d.join(".gitignore"), "evidence/\nkeys/\n*.db\n*.db-*\n").unwrap();
    fs::create_dir(d.join("keys")).unwrap();
    for (id, name, role) in [
        ("ci", "CI Bot", "ci"),
        ("jdoe", "Jane Doe", "validation-lead"),
        ("qa", "Quinn Assurance", "quality-assurance"),
    ] {
        let out = format!("keys/{id}.pem");
        qualify_in(
            d,
            &[
                "keygen",
                "--id",
                id,
                "--name",
                name,
                "--role",
                role,
                "--out",
                &out,
                "--signers",
                "signers.yaml",
            ],
        )
        .code(0);
    }
    commit_all(d);

    let run = qualify_in(
        d,
        &["run", "--progress", "quiet", "--sign-key", "keys/ci.pem"],
    );
    assert_eq!(run.output.status.code(), Some(0), "{}", all_output(&run));
    let pkg = fs::read_dir(d.join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .unwrap();
    let pkg = format!("evidence/{}", id_of(&pkg));
    for (meaning, key) in [("reviewed", "keys/jdoe.pem"), ("approved", "keys/qa.pem")] {
        qualify_in(d, &["sign", &pkg, "--meaning", meaning, "--key", key]).code(0);
    }
    let verified = qualify_in(d, &["verify", &pkg]).code(0);
    let last = verified
        .stdout
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(last.starts_with("VERIFIED: "), "{}", all_output(&verified));
    for meaning in ["executed", "reviewed", "approved"] {
        assert!(
            verified.stdout.contains(&format!("valid    {meaning}")),
            "{}",
            verified.stdout
        );
    }
    let gate = qualify_in(d, &["gate"]);
    assert_eq!(gate.output.status.code(), Some(0), "{}", all_output(&gate));
    assert!(
        gate.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("GATE PASSED"),
        "{}",
        gate.stdout
    );
    let status = qualify_in(d, &["status", "--format", "json"]).code(0);
    let report: Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(report["gate_passed"], true, "{report:#}");
}

#[test]
fn a_signing_refused_after_a_run_is_recorded_in_the_ledger_and_shown_by_status() {
    // `executed` as the only meaning requires every deviation closed: the run opens DEV-001, so
    // `run --sign-key` is refused after sealing. The refusal is in the trail and in the ledger.
    let f = Fixture::new();
    f.set_workflow(
        "workflow:\n  meanings:\n    - {name: executed, roles: [validation-engineer]}\n",
    );
    let before = f.packages();
    let run = f
        .qualify(&["run", "--progress", "quiet", "--sign-key", "keys/eng.pem"])
        .code(2);
    assert!(
        run.stderr
            .contains("the refused attempt is recorded in refs/qualify/ledger"),
        "{}",
        all_output(&run)
    );
    let pkg = f
        .packages()
        .into_iter()
        .find(|p| !before.contains(p))
        .unwrap();
    let run = f.qualify(&["status", "--format", "json"]).code(0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let p = status_of(&report, &id_of(&pkg));
    let attempts = p["failed_attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1, "{p:#}");
    assert_eq!(
        attempts[0]["action"], "run --sign-key (sign --meaning executed)",
        "{p:#}"
    );
    assert!(
        attempts[0]["reason"]
            .as_str()
            .unwrap()
            .contains("DEV-001 is open"),
        "{p:#}"
    );
    assert_eq!(attempts[0]["key"], "keys/eng.pem");
}
