//! The git-anchored ledger (refs/qualify/ledger), end to end with the real binary and real git
//! repositories: rollback and re-seal fail verification with a specific error, a fresh clone
//! that fetches refs/qualify/* still detects them, verify without a repository says what it did
//! not check, an interrupted signing is completed by the next command, and `qualify status`
//! lists a deleted package as missing and refused attempts.

use crate::sign_support;
use crate::support;

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use sign_support::{Fixture, PASS, all_output, copy_dir, rejected};
use support::{Run, git};

/// Removes the envelope at `rel` and the audit trail's last line (its entry, when it was the
/// last action), as an attacker who controls the package folder would.
fn remove_last_signature(pkg: &Path, rel: &str) {
    fs::remove_file(pkg.join(rel)).unwrap();
    drop_trail_lines(pkg, 1);
}

fn drop_trail_lines(pkg: &Path, n: usize) {
    let path = pkg.join("audit/trail.jsonl");
    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let kept = &lines[..lines.len() - n];
    fs::write(&path, format!("{}\n", kept.join("\n"))).unwrap();
}

fn trail_actions(pkg: &Path) -> Vec<String> {
    fs::read_to_string(pkg.join("audit/trail.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The one envelope whose file name contains `needle`, relative to the package.
fn rel_envelope(f: &Fixture, needle: &str) -> String {
    let path = f.envelope(needle);
    path.strip_prefix(f.package())
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// `qualify ARGS` run in `dir` (not the project), with the test passphrase.
pub(crate) fn qualify_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_qualify"))
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env("QUALIFY_KEY_PASSPHRASE", PASS)
        .output()
        .expect("run qualify");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output,
    }
}

fn status_json(f: &Fixture) -> Value {
    serde_json::from_str(&f.qualify(&["status", "--format", "json"]).code(0).stdout).unwrap()
}

/// "Deleting the last envelope together with its trail line" now fails verify.
#[test]
fn removing_the_approval_and_its_trail_line_is_reported_as_rollback() {
    let f = Fixture::new();
    f.sign_all();
    let ok = f.verify().code(0);
    assert!(ok.stdout.contains("VERIFIED: "), "{}", ok.stdout);
    assert!(
        ok.stdout.contains("record(s) in refs/qualify/ledger"),
        "{}",
        ok.stdout
    );
    let approved = rel_envelope(&f, "approved");
    remove_last_signature(&f.package(), &approved);
    rejected(
        f.verify(),
        &[
            &format!("ERROR: {approved}: rolled back"),
            "the `approved` signature by qa",
        ],
    );
}

/// "Deleting every signature and their trail lines" now fails verify, naming each one.
#[test]
fn removing_every_signature_and_closure_is_reported_as_rollback() {
    let f = Fixture::new();
    f.sign_all();
    let pkg = f.package();
    fs::remove_dir_all(pkg.join("signatures")).unwrap();
    fs::remove_dir_all(pkg.join("deviations/closures")).unwrap();
    drop_trail_lines(&pkg, 4);
    assert_eq!(trail_actions(&pkg).last().unwrap(), "sealed");
    let run = f.verify();
    let text = all_output(&run);
    assert_eq!(text.matches("rolled back").count(), 4, "{text}");
    rejected(
        run,
        &[
            "the `executed` signature",
            "the `reviewed` signature",
            "the closure of DEV-001",
            "the `approved` signature",
        ],
    );
}

/// Re-seal: edit results.json, re-hash the manifest, rebuild the trail, re-sign `executed`.
#[test]
fn a_resealed_package_contradicts_its_anchored_seal_and_approval_tag() {
    let f = Fixture::new();
    f.sign_all();
    let pkg = f.package();
    let old_manifest = qualify::evidence::sha256_file(&pkg.join("manifest.json"))
        .unwrap()
        .0;
    // The attacker's edit, and a manifest that matches it.
    let results = fs::read_to_string(pkg.join("results.json")).unwrap();
    fs::write(
        pkg.join("results.json"),
        results.replacen("\"failed\"", "\"passed\"", 1),
    )
    .unwrap();
    let rehash = || {
        let mut manifest: Value =
            serde_json::from_str(&fs::read_to_string(pkg.join("manifest.json")).unwrap()).unwrap();
        for file in manifest["files"].as_array_mut().unwrap() {
            let path = pkg.join(file["path"].as_str().unwrap());
            let (sha, size) = qualify::evidence::sha256_file(&path).unwrap();
            file["sha256"] = Value::String(sha);
            file["size"] = Value::from(size);
        }
        fs::write(
            pkg.join("manifest.json"),
            serde_json::to_vec_pretty(&manifest).unwrap(),
        )
        .unwrap();
    };
    rehash();
    // Re-rendered, so that the sealed report matches the edited content, then hashed again.
    let rendered = tempfile::tempdir().unwrap();
    f.qualify(&[
        "render",
        pkg.to_str().unwrap(),
        "--sealed",
        "--out",
        rendered.path().to_str().unwrap(),
    ])
    .code(0);
    for name in ["report.html", "report.pdf"] {
        fs::copy(rendered.path().join(name), pkg.join(name)).unwrap();
    }
    rehash();
    let new_manifest = qualify::evidence::sha256_file(&pkg.join("manifest.json"))
        .unwrap()
        .0;
    // Every signature goes, the trail is rebuilt up to the seal with the new digest.
    fs::remove_dir_all(pkg.join("signatures")).unwrap();
    fs::remove_dir_all(pkg.join("deviations/closures")).unwrap();
    let id = pkg.file_name().unwrap().to_string_lossy().into_owned();
    let mut prev = qualify::audit::genesis(&id);
    let mut out = String::new();
    for line in fs::read_to_string(pkg.join("audit/trail.jsonl"))
        .unwrap()
        .lines()
    {
        let mut entry: Value = serde_json::from_str(line).unwrap();
        if entry["action"] == "sealed" {
            entry["sha256"] = Value::String(new_manifest.clone());
        }
        if !["created", "deviation_opened", "sealed"].contains(&entry["action"].as_str().unwrap()) {
            break;
        }
        entry["prev"] = Value::String(prev);
        let text = serde_json::to_string(&entry).unwrap();
        prev = qualify::evidence::sha256_hex(text.as_bytes());
        out.push_str(&text);
        out.push('\n');
    }
    fs::write(pkg.join("audit/trail.jsonl"), out).unwrap();
    // The attacker holds the engineer's key. qualify in the repository refuses to sign...
    rejected(f.sign("executed", "eng"), &["re-sealed"]);
    // ...so they sign in a copy of the project without the repository, and bring it back.
    let away = tempfile::tempdir().unwrap();
    for name in [
        "qualify.yaml",
        "signers.yaml",
        "requirements.yaml",
        "features",
        "keys",
    ] {
        let from = f.path().join(name);
        if from.is_dir() {
            copy_dir(&from, &away.path().join(name));
        } else if from.exists() {
            fs::copy(&from, away.path().join(name)).unwrap();
        }
    }
    let away_pkg = away.path().join("evidence").join(&id);
    copy_dir(&pkg, &away_pkg);
    let signed = qualify_in(
        away.path(),
        &[
            "sign",
            away_pkg.to_str().unwrap(),
            "--meaning",
            "executed",
            "--key",
            "keys/eng.pem",
        ],
    )
    .code(0);
    assert!(
        signed.stderr.contains("this signature is NOT anchored"),
        "{}",
        signed.stderr
    );
    copy_dir(&away_pkg.join("signatures"), &pkg.join("signatures"));
    fs::copy(
        away_pkg.join("audit/trail.jsonl"),
        pkg.join("audit/trail.jsonl"),
    )
    .unwrap();
    rejected(
        f.verify(),
        &[
            &format!(
                "re-sealed: the ledger anchors the seal of this package with manifest SHA-256 {old_manifest}"
            ),
            &format!("manifest.json now has SHA-256 {new_manifest}"),
            "rolled back",
            &format!("the approval tag names manifest SHA-256 {old_manifest}"),
            "signatures/01-executed-eng.dsse.json: not anchored",
        ],
    );
}

/// A CI job's fresh clone that fetches refs/qualify/* sees what was anchored elsewhere.
#[test]
fn a_fresh_clone_that_fetches_the_ledger_still_detects_rollback() {
    let f = Fixture::new();
    f.sign_all();
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "--bare", "-q", "."]);
    let url = remote.path().to_str().unwrap();
    git(
        f.path(),
        &[
            "push",
            "-q",
            url,
            "HEAD:refs/heads/main",
            "refs/qualify/*:refs/qualify/*",
            "refs/tags/qualify/*:refs/tags/qualify/*",
        ],
    );
    let ci = tempfile::tempdir().unwrap();
    git(ci.path(), &["clone", "-q", url, "work"]);
    let work = ci.path().join("work");
    let pkg = work.join("evidence").join(f.package().file_name().unwrap());
    copy_dir(&f.package(), &pkg);
    let signers = f.path().join("signers.yaml");
    let verify = |dir: &Path| {
        qualify_in(
            dir,
            &[
                "verify",
                pkg.to_str().unwrap(),
                "--signers",
                signers.to_str().unwrap(),
            ],
        )
    };
    // A plain clone has no ledger: verify says exactly what it did not check.
    let plain = verify(&work).code(0);
    assert!(
        plain.stdout.contains("VERIFIED WITHOUT ANCHOR CHECK"),
        "{}",
        plain.stdout
    );
    assert!(
        plain.stdout.contains(
            "has no ledger; fetch it with `git fetch origin 'refs/qualify/*:refs/qualify/*'`"
        ),
        "{}",
        plain.stdout
    );
    git(
        &work,
        &["fetch", "-q", "origin", "refs/qualify/*:refs/qualify/*"],
    );
    let fetched = verify(&work).code(0);
    assert!(fetched.stdout.contains("VERIFIED: "), "{}", fetched.stdout);
    let approved = fs::read_dir(pkg.join("signatures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.contains("approved"))
        .unwrap();
    remove_last_signature(&pkg, &format!("signatures/{approved}"));
    rejected(
        verify(&work),
        &["rolled back", "the `approved` signature by qa"],
    );
    // --repo names the repository explicitly, and the output says which one was used.
    let elsewhere = verify(ci.path());
    assert!(
        elsewhere.stderr.contains("repository: the one containing"),
        "{}",
        elsewhere.stderr
    );
    let explicit = qualify_in(
        ci.path(),
        &[
            "verify",
            pkg.to_str().unwrap(),
            "--signers",
            signers.to_str().unwrap(),
            "--repo",
            work.to_str().unwrap(),
        ],
    );
    assert!(explicit.stderr.contains("(--repo)"), "{}", explicit.stderr);
    rejected(explicit, &["rolled back"]);
}

/// Without any repository, verify never says plainly VERIFIED and names what it skipped.
#[test]
fn without_a_repository_verify_states_what_it_could_not_check() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    let outside = tempfile::tempdir().unwrap();
    let pkg = outside.path().join(f.package().file_name().unwrap());
    copy_dir(&f.package(), &pkg);
    let signers = f.path().join("signers.yaml");
    let args = [
        "verify",
        pkg.to_str().unwrap(),
        "--signers",
        signers.to_str().unwrap(),
    ];
    let run = qualify_in(outside.path(), &args).code(0);
    assert!(
        run.stdout.contains("anchor    NOT CHECKED"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("WARNING: refs/qualify/ledger: rollback (removed signatures and closures), re-sealing and anchored times were NOT checked"), "{}", run.stdout);
    assert!(
        run.stdout.contains("VERIFIED WITHOUT ANCHOR CHECK: "),
        "{}",
        run.stdout
    );
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json: Value =
        serde_json::from_str(&qualify_in(outside.path(), &json_args).code(0).stdout).unwrap();
    assert_eq!(json["verified"], true);
    assert_eq!(json["anchor"]["checked"], false);
    let why = json["anchor"]["not_checked"].as_str().unwrap();
    assert!(why.contains("were NOT checked"), "{json}");
    assert!(why.contains("is not inside a git repository"), "{json}");
}

/// A signing interrupted after the ledger write (envelope and trail line never reached the
/// package) is completed by the next `deviation close`, and the trail says so.
#[test]
fn an_interrupted_signing_is_restored_by_the_next_command() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    f.sign("reviewed", "lead").code(0);
    let reviewed = rel_envelope(&f, "reviewed");
    let original = fs::read(f.package().join(&reviewed)).unwrap();
    remove_last_signature(&f.package(), &reviewed);
    rejected(
        f.verify(),
        &["rolled back", "`qualify recover PKG` writes it back"],
    );
    let close = f.close("DEV-001", "lead").code(0);
    assert!(
        close
            .stderr
            .contains(&format!("restored {reviewed} from the ledger")),
        "{}",
        close.stderr
    );
    assert_eq!(fs::read(f.package().join(&reviewed)).unwrap(), original);
    assert_eq!(
        trail_actions(&f.package())[3..],
        ["signed", "signed", "restored", "deviation_closed"]
    );
    f.sign("approved", "qa").code(0);
    f.verify().code(0);
}

/// Killed between the trail write and the envelope write: `qualify recover` completes it.
#[test]
fn recover_writes_back_an_envelope_whose_trail_entry_was_written() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    let executed = rel_envelope(&f, "executed");
    fs::remove_file(f.package().join(&executed)).unwrap();
    rejected(f.verify(), &["rolled back"]);
    let pkg = f.package();
    f.qualify(&["recover", pkg.to_str().unwrap()])
        .code(0)
        .stdout_has(&format!("restored {executed}"));
    f.verify().code(0);
    f.qualify(&["recover", pkg.to_str().unwrap()])
        .code(0)
        .stdout_has("nothing to restore");
}

/// An anchored time that contradicts the signed time (a ledger record rewritten with another
/// time by someone who can rewrite git history) is an error, and so is the rewrite itself.
#[test]
fn an_anchored_time_contradicting_the_signed_time_is_an_error() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    let dir = f.path();
    let listing = git(
        dir,
        &["ls-tree", "-r", "--name-only", "refs/qualify/ledger"],
    );
    let record = listing
        .lines()
        .find(|l| l.contains("/envelope-"))
        .unwrap()
        .to_string();
    let text = git(dir, &["show", &format!("refs/qualify/ledger:{record}")]);
    let mut value: Value = serde_json::from_str(&text).unwrap();
    value["recorded_at"] = Value::String("2099-01-01T00:00:00.000Z".into());
    let forged = dir.join("forged.json");
    fs::write(&forged, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let blob = git(dir, &["hash-object", "-w", forged.to_str().unwrap()])
        .trim()
        .to_string();
    fs::remove_file(&forged).unwrap();
    // A history rewritten from scratch: one orphan commit holding the forged record.
    let index = dir.join(".git/forged-index");
    let with_index = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_INDEX_FILE", &index)
            .env("GIT_AUTHOR_NAME", "x")
            .env("GIT_AUTHOR_EMAIL", "x@x")
            .env("GIT_COMMITTER_NAME", "x")
            .env("GIT_COMMITTER_EMAIL", "x@x")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    with_index(&["read-tree", "refs/qualify/ledger"]);
    with_index(&[
        "update-index",
        "--cacheinfo",
        &format!("100644,{blob},{record}"),
    ]);
    let tree = with_index(&["write-tree"]);
    let commit = with_index(&["commit-tree", &tree, "-m", "rewritten"]);
    git(dir, &["update-ref", "refs/qualify/ledger", &commit]);
    rejected(
        f.verify(),
        &[
            "the ledger anchored it only at 2099-01-01T00:00:00.000Z",
            "back-dated",
        ],
    );

    // Changing the record in a new commit on top (a fast-forward) is seen as a rewrite.
    let f2 = Fixture::new();
    f2.sign("executed", "eng").code(0);
    let dir2 = f2.path();
    let listing = git(
        dir2,
        &["ls-tree", "-r", "--name-only", "refs/qualify/ledger"],
    );
    let record = listing
        .lines()
        .find(|l| l.contains("/envelope-"))
        .unwrap()
        .to_string();
    let index2 = dir2.join(".git/forged-index");
    let run = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir2)
            .env("GIT_INDEX_FILE", &index2)
            .env("GIT_AUTHOR_NAME", "x")
            .env("GIT_AUTHOR_EMAIL", "x@x")
            .env("GIT_COMMITTER_NAME", "x")
            .env("GIT_COMMITTER_EMAIL", "x@x")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    run(&["read-tree", "refs/qualify/ledger"]);
    run(&["update-index", "--force-remove", &record]);
    let tree = run(&["write-tree"]);
    let commit = run(&[
        "commit-tree",
        &tree,
        "-p",
        "refs/qualify/ledger",
        "-m",
        "drop",
    ]);
    git(dir2, &["update-ref", "refs/qualify/ledger", &commit]);
    let executed = rel_envelope(&f2, "executed");
    remove_last_signature(&f2.package(), &executed);
    rejected(f2.verify(), &["deletes the record", "rolled back"]);
}

/// A package deleted from the store no longer disappears without trace; refused attempts and
/// what is pending are listed.
#[test]
fn status_lists_a_deleted_package_as_missing_and_refused_attempts() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    let id = f
        .package()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    // A wrong passphrase and a role the workflow refuses: both recorded.
    let wrong = f.qualify_env(
        &[
            "sign",
            f.package().to_str().unwrap(),
            "--meaning",
            "reviewed",
            "--key",
            "keys/lead.pem",
        ],
        &[("QUALIFY_KEY_PASSPHRASE", "not the passphrase")],
    );
    assert_eq!(
        wrong.output.status.code(),
        Some(2),
        "{}",
        all_output(&wrong)
    );
    assert!(
        wrong.stderr.contains("recorded in refs/qualify/ledger"),
        "{}",
        wrong.stderr
    );
    f.sign("approved", "eng").code(2);

    let human = f.qualify(&["status"]).code(0);
    assert!(human.stdout.contains(&id), "{}", human.stdout);
    assert!(human.stdout.contains("executed"), "{}", human.stdout);
    assert!(
        human.stdout.contains("reviewed,approved"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("DEV-001"), "{}", human.stdout);
    assert!(human.stdout.contains("gate for HEAD:"), "{}", human.stdout);
    assert!(
        human.stdout.contains("GATE NOT SATISFIED"),
        "{}",
        human.stdout
    );
    let json = status_json(&f);
    assert_eq!(json["schema"], "qualify.status/v1");
    let p = &json["packages"][0];
    assert_eq!(p["id"], id.as_str());
    assert_eq!(p["missing_from_store"], false);
    assert_eq!(p["anchored"], true);
    assert_eq!(p["stage"], "ALL");
    assert_eq!(p["result"], "failed");
    assert_eq!(p["signatures"], serde_json::json!(["executed"]));
    assert_eq!(p["pending"], serde_json::json!(["reviewed", "approved"]));
    assert_eq!(p["open_deviations"], serde_json::json!(["DEV-001"]));
    let attempts = p["failed_attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{json}");
    assert!(
        attempts
            .iter()
            .any(|a| a["reason"].as_str().unwrap().contains("wrong passphrase")),
        "{json}"
    );
    assert!(
        attempts
            .iter()
            .any(|a| a["action"] == "sign --meaning approved"),
        "{json}"
    );
    assert_eq!(json["gate_passed"], false);
    assert_eq!(json["gate"]["schema"], "qualify.gate/v2");

    fs::remove_dir_all(f.package()).unwrap();
    let human = f.qualify(&["status"]).code(0);
    assert!(
        human.stdout.contains("MISSING from the store"),
        "{}",
        human.stdout
    );
    let json = status_json(&f);
    let p = &json["packages"][0];
    assert_eq!(p["id"], id.as_str());
    assert_eq!(p["missing_from_store"], true);
    assert_eq!(p["path"], Value::Null);
    assert_eq!(p["signatures"], serde_json::json!(["executed"]));
    assert_eq!(p["stage"], "ALL");
}

/// Concurrent appends (eight refused attempts at once, each a ledger commit) lose no record.
#[test]
fn concurrent_appends_to_the_ledger_lose_no_record() {
    let f = Fixture::new();
    let pkg = f.package();
    let children: Vec<_> = (0..8)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_qualify"))
                .args([
                    "sign",
                    pkg.to_str().unwrap(),
                    "--meaning",
                    &format!("m{i}"),
                    "--key",
                    "keys/eng.pem",
                ])
                .current_dir(f.path())
                .env_remove("CI")
                .env("QUALIFY_KEY_PASSPHRASE", "not the passphrase")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("recorded in refs/qualify/ledger"),
            "{stderr}"
        );
    }
    let json = status_json(&f);
    let attempts = json["packages"][0]["failed_attempts"].as_array().unwrap();
    let mut actions: Vec<&str> = attempts
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        (0..8)
            .map(|i| format!("sign --meaning m{i}"))
            .collect::<Vec<_>>()
    );
    // One record per ledger commit, on one chain.
    let count = git(f.path(), &["rev-list", "--count", "refs/qualify/ledger"]);
    assert_eq!(count.trim(), "9", "seal + 8 attempts");
}

/// The run says where the seal went; the work tree, the index and HEAD are untouched.
#[test]
fn anchoring_leaves_the_work_tree_index_and_head_alone() {
    let f = Fixture::new();
    let head = git(f.path(), &["rev-parse", "HEAD"]);
    let run = f.qualify(&["run", "--progress", "quiet"]);
    assert!(
        run.stdout
            .contains("anchored: seal in refs/qualify/ledger of"),
        "{}",
        run.stdout
    );
    f.sign("executed", "eng")
        .code(0)
        .stdout_has("anchored: signatures/01-executed-eng.dsse.json");
    assert_eq!(git(f.path(), &["rev-parse", "HEAD"]), head);
    assert_eq!(git(f.path(), &["status", "--porcelain"]), "");
    let names = git(
        f.path(),
        &["ls-tree", "-r", "--name-only", "refs/qualify/ledger"],
    );
    assert_eq!(
        names.lines().filter(|l| l.contains("/sealed-")).count(),
        2,
        "{names}"
    );
}

/// Two clones append at the same time: the second push is refused, `qualify ledger merge`
/// joins the ledgers, and every record of both survives.
#[test]
fn diverged_ledgers_of_two_clones_are_merged_without_losing_records() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "--bare", "-q", "."]);
    let url = remote.path().to_str().unwrap();
    git(
        f.path(),
        &[
            "push",
            "-q",
            url,
            "HEAD:refs/heads/main",
            "refs/qualify/*:refs/qualify/*",
        ],
    );
    let other = tempfile::tempdir().unwrap();
    git(other.path(), &["clone", "-q", url, "b"]);
    let b = other.path().join("b");
    git(
        &b,
        &["fetch", "-q", "origin", "refs/qualify/*:refs/qualify/*"],
    );
    // Clone B records a refused attempt; meanwhile the project signs `reviewed` and pushes.
    let pkg = f.package();
    let key = f.path().join("keys/lead.pem");
    let refused = Command::new(env!("CARGO_BIN_EXE_qualify"))
        .args([
            "sign",
            pkg.to_str().unwrap(),
            "--meaning",
            "reviewed",
            "--key",
            key.to_str().unwrap(),
        ])
        .current_dir(&b)
        .env_remove("CI")
        .env("QUALIFY_KEY_PASSPHRASE", "not the passphrase")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    f.sign("reviewed", "lead").code(0);
    git(
        f.path(),
        &["push", "-q", url, "refs/qualify/*:refs/qualify/*"],
    );
    let push = Command::new("git")
        .args(["push", "-q", "origin", "refs/qualify/*:refs/qualify/*"])
        .current_dir(&b)
        .output()
        .unwrap();
    assert!(
        !push.status.success(),
        "a diverged ledger must not be pushed over another"
    );
    git(
        &b,
        &[
            "fetch",
            "-q",
            "origin",
            "refs/qualify/ledger:refs/qualify/incoming",
        ],
    );
    qualify_in(&b, &["ledger", "merge", "refs/qualify/incoming"])
        .code(0)
        .stdout_has("merged refs/qualify/incoming into refs/qualify/ledger");
    git(
        &b,
        &[
            "push",
            "-q",
            "origin",
            "refs/qualify/ledger:refs/qualify/ledger",
        ],
    );
    // The project fetches the merged ledger (a fast-forward of its own) and sees both.
    git(
        f.path(),
        &["fetch", "-q", url, "refs/qualify/*:refs/qualify/*"],
    );
    let json = status_json(&f);
    let p = &json["packages"][0];
    assert_eq!(p["signatures"], serde_json::json!(["executed", "reviewed"]));
    assert_eq!(p["failed_attempts"].as_array().unwrap().len(), 1, "{json}");
    f.verify().code(0);
}

/// The CI gate in a fresh clone: without the ledger it is not satisfied (and says why); with
/// the fetched ledger it passes; after a rollback it fails again.
#[test]
fn the_gate_in_a_fresh_clone_needs_the_ledger_and_detects_rollback() {
    let f = Fixture::with(sign_support::PASSING_FEATURE, "");
    f.sign_all();
    f.qualify(&["gate"]).code(0);
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "--bare", "-q", "."]);
    let url = remote.path().to_str().unwrap();
    git(
        f.path(),
        &[
            "push",
            "-q",
            url,
            "HEAD:refs/heads/main",
            "refs/qualify/*:refs/qualify/*",
            "refs/tags/qualify/*:refs/tags/qualify/*",
        ],
    );
    let ci = tempfile::tempdir().unwrap();
    git(ci.path(), &["clone", "-q", url, "work"]);
    let work = ci.path().join("work");
    let pkg = work.join("evidence").join(f.package().file_name().unwrap());
    copy_dir(&f.package(), &pkg);
    let gate = || qualify_in(&work, &["gate"]);
    gate()
        .code(4)
        .stdout_has("not checked against the git ledger");
    git(
        &work,
        &["fetch", "-q", "origin", "refs/qualify/*:refs/qualify/*"],
    );
    gate().code(0).stdout_has("GATE PASSED");
    let approved = fs::read_dir(pkg.join("signatures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.contains("approved"))
        .unwrap();
    remove_last_signature(&pkg, &format!("signatures/{approved}"));
    gate().code(4).stdout_has("rolled back");
}
