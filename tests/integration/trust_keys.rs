//! Pinned, self-contained verification and trusted time, attacked through the real binary: the
//! auditor's current folder supplies no trust anchor; statements carry their keys; revoked
//! closures are invalid everywhere; back-dated and future signatures are refused; refused signing
//! attempts are recorded. Forgeries are made as an attacker holding a key would: the statement
//! and its trail entry rewritten, then re-signed with that key (Python's `cryptography`).

use crate::sign_support;
use crate::support;

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use sign_support::{
    Fixture, PASS, PASSING_FEATURE, all_output, commit_all, copy_dir, read_envelope, rejected,
};
use support::Run;

/// Rewrites an envelope's `signed_at` (and its audit entry's `at`, the entry's digest in the
/// statement) and re-signs it with the given encrypted key: argv = envelope, trail, new time,
/// key file, passphrase.
const FORGE: &str = r#"
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.serialization import load_pem_private_key
env_path, trail_path, new_time, key_path, passphrase = sys.argv[1:6]
env = json.load(open(env_path))
st = json.loads(base64.b64decode(env["payload"]))
p = st["predicate"]
lines = open(trail_path, encoding="utf-8").read().splitlines()
seq = p["audit_entry"]["seq"]
entry = json.loads(lines[seq - 1])
assert entry["seq"] == seq and seq == len(lines), "the forged entry must be the last"
if new_time != "keep":
    p["signed_at"] = new_time
    entry["at"] = new_time
line = json.dumps(entry, separators=(",", ":"), ensure_ascii=False)
lines[seq - 1] = line
p["audit_entry"]["sha256"] = hashlib.sha256(line.encode()).hexdigest()
body = json.dumps(st, separators=(",", ":"), ensure_ascii=False).encode()
t = env["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)
key = load_pem_private_key(open(key_path, "rb").read(), passphrase.encode())
env["payload"] = base64.b64encode(body).decode()
env["signatures"][0]["sig"] = base64.b64encode(key.sign(pae)).decode()
json.dump(env, open(env_path, "w"), indent=2)
open(trail_path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
"#;

pub(crate) fn forge(f: &Fixture, envelope: &Path, new_time: &str, signer: &str) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(FORGE)
        .arg(envelope)
        .arg(f.package().join("audit/trail.jsonl"))
        .arg(new_time)
        .arg(f.path().join(format!("keys/{signer}.pem")))
        .arg(PASS)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "forging failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A re-signed envelope differs from the one the git ledger anchors, so the anchor check alone
    // would reject every forgery (tests in anchor.rs). These tests isolate the key and time
    // checks: the ledger is dropped, as for an auditor who has the repository without it.
    let dropped = Command::new("git")
        .args(["update-ref", "-d", "refs/qualify/ledger"])
        .current_dir(f.path())
        .output()
        .expect("git");
    assert!(dropped.status.success(), "{dropped:?}");
}

/// `qualify ARGS` from `dir`, with git discovery stopped above it (no repository at hand).
fn qualify_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_qualify"))
        .args(args)
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .env_remove("QUALIFY_KEY_PASSPHRASE")
        .output()
        .expect("run qualify");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output,
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

/// The key id of a signer, as the registry and `keygen` state it.
fn key_id_of(f: &Fixture, signer: &str) -> String {
    let text = fs::read_to_string(f.path().join("signers.yaml")).unwrap();
    let start = text.find(&format!("- id: {signer}\n")).unwrap();
    let rest = &text[start..];
    let line = rest
        .lines()
        .find(|l| l.trim().starts_with("key_id:"))
        .unwrap();
    line.trim()["key_id:".len()..].trim().to_string()
}

/// Registry text with `signer`'s `revoked_at` set.
pub(crate) fn revoke(f: &Fixture, signer: &str, at: &str) {
    let path = f.path().join("signers.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let start = text.find(&format!("- id: {signer}\n")).unwrap();
    let (head, tail) = text.split_at(start);
    let tail = tail.replacen("revoked_at: null", &format!("revoked_at: {at}"), 1);
    fs::write(&path, format!("{head}{tail}")).unwrap();
}

/// An attacker's key `mallory` with `roles`, appended to the working tree's signers.yaml only.
fn plant_attacker(f: &Fixture, roles: &str) {
    f.qualify(&[
        "keygen",
        "--id",
        "mallory",
        "--name",
        "Quinn Assurance",
        "--role",
        roles,
        "--out",
        "keys/mallory.pem",
        "--signers",
        "signers.yaml",
        "--valid-from",
        "2020-01-01T00:00:00Z",
    ])
    .code(0);
}

#[test]
fn an_attacker_registry_in_the_auditors_folder_does_not_make_an_approval_valid() {
    let f = Fixture::with(PASSING_FEATURE, "");
    f.sign("executed", "eng").code(0);
    f.sign("reviewed", "lead").code(0);
    // The attacker adds their own "QA" key to the uncommitted signers.yaml and approves.
    plant_attacker(&f, "quality-assurance");
    f.sign("approved", "mallory").code(0);

    // Verified where the attacker's files lie: the committed registry is the anchor.
    let run = f.verify();
    rejected(
        run,
        &[
            "ERROR: signatures/03-approved-mallory.dsse.json: unknown key",
            "signers.yaml at the package's commit",
            "from git objects of the repository",
        ],
    );
    let v = json(&f.verify_with(&["--format", "json"]));
    assert_eq!(v["trust"]["mode"], "git");
    assert_eq!(v["signatures"][2]["valid"], false);

    // In a bare folder holding the attacker's signers.yaml and qualify.yaml: neither is read;
    // the approval is checked against its embedded key only, and the report says so.
    let bare = tempfile::tempdir().unwrap();
    let pkg = bare.path().join("pkg");
    copy_dir(&f.package(), &pkg);
    fs::copy(
        f.path().join("signers.yaml"),
        bare.path().join("signers.yaml"),
    )
    .unwrap();
    fs::write(
        bare.path().join("qualify.yaml"),
        "workflow:\n  meanings:\n    - {name: executed, roles: [validation-engineer]}\n",
    )
    .unwrap();
    let run = qualify_in(bare.path(), &["verify", "pkg"]);
    let text = all_output(&run);
    assert!(
        !text.contains(&bare.path().join("signers.yaml").display().to_string()),
        "{text}"
    );
    assert!(text.contains("registry  none ("), "{text}");
    assert!(text.contains("workflow  the default workflow"), "{text}");
    assert!(
        text.contains(&format!(
            "{}  Quinn Assurance (mallory)  NOT checked against a trusted registry",
            key_id_of(&f, "mallory")
        )),
        "{text}"
    );
    assert!(!text.contains("\nVERIFIED: "), "{text}");
    let v = json(&qualify_in(
        bare.path(),
        &["verify", "pkg", "--format", "json"],
    ));
    assert_eq!(v["trust"]["anchored"], false);
    assert_eq!(v["signatures"][2]["anchored"], false);
}

#[test]
fn one_person_cannot_review_and_approve_through_a_planted_config() {
    let f = Fixture::with(PASSING_FEATURE, "");
    f.sign("executed", "eng").code(0);
    // The reviewer gives themself the QA role and lifts separation of duties, uncommitted.
    let registry = f.path().join("signers.yaml");
    let text = fs::read_to_string(&registry).unwrap();
    fs::write(
        &registry,
        text.replace(
            "roles:\n  - validation-lead",
            "roles:\n  - validation-lead\n  - quality-assurance",
        )
        .replace(
            "roles: [validation-lead]",
            "roles: [validation-lead, quality-assurance]",
        ),
    )
    .unwrap();
    f.set_workflow("workflow:\n  distinct_signers: false\n");
    f.sign("reviewed", "lead").code(0);
    f.sign("approved", "lead").code(0);
    // Against the files in the folder, the approval passes: that is what an attacker relies on.
    f.verify_with(&["--config", "qualify.yaml"]).code(0);
    // Verified plainly, the committed workflow and registry apply.
    let run = f.verify();
    assert!(run.stdout.contains("INVALID  approved"), "{}", run.stdout);
    rejected(
        run,
        &[
            "signed as `quality-assurance`, a role the registry does not give them",
            "qualify.yaml at the package's commit",
        ],
    );

    // A person the committed registry does give both roles: the planted `distinct_signers:
    // false` does not let them review and approve the same package.
    let f = Fixture::with(PASSING_FEATURE, "");
    f.keygen("sam", "Sam Both", "validation-lead,quality-assurance");
    commit_all(f.path());
    let pkg = f.run_campaign();
    let sign = |meaning: &str, signer: &str| {
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
    };
    sign("executed", "eng");
    f.set_workflow("workflow:\n  distinct_signers: false\n");
    sign("reviewed", "sam");
    f.qualify(&[
        "sign",
        pkg.to_str().unwrap(),
        "--meaning",
        "approved",
        "--key",
        "keys/sam.pem",
        "--role",
        "quality-assurance",
    ])
    .code(0);
    rejected(
        f.qualify(&["verify", pkg.to_str().unwrap()]),
        &["Sam Both (sam) signs `approved` but already signed `reviewed`"],
    );
}

/// A Python check of an embedded key, independent of qualify: SHA-256(raw key) is the keyid and
/// the Ed25519 signature over the DSSE PAE verifies with it.
const CHECK_EMBEDDED: &str = r#"
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
env = json.load(open(sys.argv[1]))
body = base64.b64decode(env["payload"])
pin = json.loads(body)["predicate"]["signer_key"]
raw = base64.b64decode(pin["public_key"])
assert pin["algorithm"] == "ed25519" and len(raw) == 32
assert hashlib.sha256(raw).hexdigest() == pin["key_id"] == env["signatures"][0]["keyid"]
t = env["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)
Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(env["signatures"][0]["sig"]), pae)
print(pin["key_id"], pin["registry_entry"]["id"], ",".join(pin["registry_entry"]["roles"]))
"#;

#[test]
fn a_package_copied_to_a_bare_folder_verifies_with_its_embedded_keys() {
    let f = Fixture::new();
    f.sign_all();
    let bare = tempfile::tempdir().unwrap();
    let pkg = bare.path().join("copy");
    copy_dir(&f.package(), &pkg);
    let run = qualify_in(bare.path(), &["verify", "copy"]).code(0);
    let text = all_output(&run);
    for (signer, name) in [
        ("eng", "Eve Engineer"),
        ("lead", "Lee Lead"),
        ("qa", "Quinn Assurance"),
    ] {
        let line = format!(
            "{}  {name} ({signer})  NOT checked against a trusted registry",
            key_id_of(&f, signer)
        );
        assert!(text.contains(&line), "{line}\n{text}");
    }
    assert!(
        text.contains("VERIFIED against the keys embedded in the package only"),
        "{text}"
    );
    assert!(
        text.contains("membership and revocation were NOT checked"),
        "{text}"
    );

    // With the registry named explicitly, the same copy is anchored.
    let registry = f.path().join("signers.yaml");
    let run = qualify_in(
        bare.path(),
        &["verify", "copy", "--signers", registry.to_str().unwrap()],
    )
    .code(0);
    assert!(run.stdout.contains("(--signers)"), "{}", run.stdout);
    assert!(
        run.stdout.contains("in the trusted registry"),
        "{}",
        run.stdout
    );

    // Python's cryptography checks the embedded key and signature on its own.
    let envelope = pkg.join("signatures/03-approved-qa.dsse.json");
    let out = Command::new("python3")
        .arg("-c")
        .arg(CHECK_EMBEDDED)
        .arg(&envelope)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("{} qa quality-assurance", key_id_of(&f, "qa"))
    );

    // An embedded key swapped for another (re-signed with it) no longer matches the key id.
    let (_, statement) = read_envelope(&envelope);
    assert!(statement["predicate"]["signer_key"]["registry_entry"]["valid_from"].is_string());
    sign_support::edit_statement(&envelope, |s| {
        s["predicate"]["signer_key"]["public_key"] = Value::String(base64_of(&[7u8; 32]));
    });
    let run = qualify_in(bare.path(), &["verify", "copy"]);
    rejected(run, &["signatures/03-approved-qa.dsse.json: embedded key"]);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn a_package_signed_without_embedded_keys_needs_an_explicit_registry() {
    let f = Fixture::with(PASSING_FEATURE, "");
    f.sign("executed", "eng").code(0);
    // An envelope as older qualify wrote it: no signer_key, signed with the same key.
    let envelope = f.envelope("executed");
    sign_support::edit_statement(&envelope, |s| {
        s["predicate"].as_object_mut().unwrap().remove("signer_key");
    });
    forge(&f, &envelope, "keep", "eng");
    let bare = tempfile::tempdir().unwrap();
    copy_dir(&f.package(), &bare.path().join("old"));
    rejected(
        qualify_in(bare.path(), &["verify", "old"]),
        &["carries no public key", "verify with --signers REGISTRY"],
    );
    let registry = f.path().join("signers.yaml");
    qualify_in(
        bare.path(),
        &["verify", "old", "--signers", registry.to_str().unwrap()],
    )
    .code(0)
    .stdout_has("valid    executed");
    // In the project, the committed registry anchors it too.
    f.verify().code(0);
}

#[test]
fn a_closure_signed_with_a_revoked_key_is_invalid_and_its_deviation_open() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    f.sign("reviewed", "lead").code(0);
    f.close("DEV-001", "lead").code(0);
    // The lead's key is revoked from the instant of the closure on (reviewed stays valid).
    let closure = f.package().join("deviations/closures/DEV-001.dsse.json");
    let closed_at = read_envelope(&closure).1["predicate"]["signed_at"]
        .as_str()
        .unwrap()
        .to_string();
    revoke(&f, "lead", &closed_at);
    let explicit = ["--signers", "signers.yaml"];
    let run = f.verify_with(&explicit);
    let text = all_output(&run);
    assert!(text.contains("INVALID  closed DEV-001"), "{text}");
    assert!(text.contains("valid    reviewed"), "{text}");
    assert!(text.contains("open   "), "{text}");
    rejected(run, &["the key of Lee Lead (lead) was revoked at"]);
    let mut args = explicit.to_vec();
    args.extend(["--format", "json"]);
    let v = json(&f.verify_with(&args));
    let closure_row = v["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["deviation"] == "DEV-001")
        .unwrap();
    assert_eq!(closure_row["valid"], false, "{v}");
    assert_eq!(v["deviations"][0]["status"], "open", "{v}");

    // Signing the approval is refused (the deviation counts as open) and the gate refuses.
    let run = f.sign("approved", "qa");
    assert_ne!(run.output.status.code(), Some(0), "{}", all_output(&run));
    let gate = f.qualify(&["gate", "--format", "json"]);
    assert_eq!(gate.output.status.code(), Some(4), "{}", all_output(&gate));
    assert!(
        gate.stdout.contains("deviation DEV-001 is open"),
        "{}",
        gate.stdout
    );
    // ... and so does the overview.
    let status = json(&f.qualify(&["status", "--format", "json"]));
    assert_eq!(
        status["packages"][0]["open_deviations"],
        serde_json::json!(["DEV-001"]),
        "{status:#}"
    );

    // Committed, the revocation is found at HEAD without naming a registry.
    commit_all(f.path());
    rejected(f.verify(), &["was revoked at", "(registry at HEAD)"]);

    // The report shows the closure as invalid and the deviation as open.
    let out = tempfile::tempdir().unwrap();
    f.qualify(&[
        "render",
        f.package().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ])
    .code(0);
    let html = fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(
        html.contains("open: the closure deviations/closures/DEV-001.dsse.json is INVALID"),
        "{html}"
    );
}

#[test]
fn a_signature_back_dated_before_its_keys_revocation_is_refused() {
    let f = Fixture::with(PASSING_FEATURE, "");
    f.sign_all();
    let approval = f.envelope("approved");
    // Control: the forging tool re-signs an unchanged time, and the package still verifies.
    forge(&f, &approval, "keep", "qa");
    f.verify().code(0);

    // QA's key is revoked (committed) as of the review; the approval came after it.
    let reviewed_at = read_envelope(&f.envelope("reviewed")).1["predicate"]["signed_at"]
        .as_str()
        .unwrap()
        .to_string();
    revoke(&f, "qa", &reviewed_at);
    commit_all(f.path());
    rejected(
        f.verify(),
        &["the key of Quinn Assurance (qa) was revoked at"],
    );

    // The attacker holding QA's key back-dates the approval to just before the revocation.
    let revoked = chrono::DateTime::parse_from_rfc3339(&reviewed_at).unwrap();
    let back = (revoked - chrono::Duration::milliseconds(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    forge(&f, &approval, &back, "qa");
    let run = f.verify();
    let text = all_output(&run);
    assert!(
        !text.contains("was revoked at"),
        "the forgery dodges the window: {text}"
    );
    assert!(
        !text.contains("bad signature"),
        "the forgery is well signed: {text}"
    );
    rejected(
        run,
        &[
            "is dated before the previous entry",
            "which it lists as an earlier signature: the time was changed (back-dated)",
        ],
    );
}

#[test]
fn a_signature_dated_in_the_future_is_refused() {
    let f = Fixture::with(PASSING_FEATURE, "");
    f.sign_all();
    let approval = f.envelope("approved");
    forge(&f, &approval, "2099-01-01T00:00:00.000Z", "qa");
    let run = f.verify();
    assert!(
        !all_output(&run).contains("bad signature"),
        "{}",
        all_output(&run)
    );
    rejected(
        run,
        &[
            "signatures/03-approved-qa.dsse.json: signing time 2099-01-01T00:00:00.000Z is in the future",
            "at most 300 s of clock skew is accepted",
        ],
    );
    // The skew is configurable, and a time within it passes.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(120))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let f = Fixture::with(PASSING_FEATURE, "");
    f.sign_all();
    forge(&f, &f.envelope("approved"), &soon, "qa");
    f.verify().code(0);
    rejected(
        f.verify_with(&["--max-clock-skew", "0"]),
        &["is in the future", "at most 0 s"],
    );
}

#[test]
fn refused_signing_attempts_are_recorded_and_listed() {
    let f = Fixture::with(PASSING_FEATURE, "");
    let pkg = f.package();
    let pkg_arg = pkg.to_str().unwrap();
    // Wrong passphrase.
    f.qualify_env(
        &[
            "sign",
            pkg_arg,
            "--meaning",
            "executed",
            "--key",
            "keys/eng.pem",
        ],
        &[("QUALIFY_KEY_PASSPHRASE", "not the passphrase at all")],
    )
    .code(2);
    // A key the registry does not know.
    f.qualify(&[
        "keygen",
        "--id",
        "mallory",
        "--name",
        "Mallory",
        "--role",
        "validation-engineer",
        "--out",
        "keys/mallory.pem",
    ])
    .code(0);
    f.sign("executed", "mallory").code(2);
    // A role that may not sign the meaning.
    f.sign("executed", "lead").code(2);

    let trail = fs::read_to_string(pkg.join("audit/trail.jsonl")).unwrap();
    let refused: Vec<Value> = trail
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["action"] == "signing_refused")
        .collect();
    assert_eq!(refused.len(), 3, "{trail}");
    assert!(
        refused[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("key file keys/eng.pem (SHA-256 ")
    );
    assert!(
        refused[0]["why"]
            .as_str()
            .unwrap()
            .contains("wrong passphrase")
    );
    assert!(refused[1]["subject"].as_str().unwrap().starts_with("key "));
    assert!(refused[1]["why"].as_str().unwrap().contains("unknown key"));
    assert_eq!(refused[2]["who"]["id"], "lead");
    assert_eq!(refused[2]["who"]["kind"], "claimed-signer");
    assert!(
        refused[2]["why"]
            .as_str()
            .unwrap()
            .contains("none of which may sign this")
    );
    for e in &refused {
        assert!(e["at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(e["what"], "refused: sign as executed");
    }

    // verify lists them, and the package still verifies and can be signed.
    let run = f.verify().code(0);
    assert!(
        run.stdout.contains("refused signing attempts:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Lee Lead (lead) with key "),
        "{}",
        run.stdout
    );
    let v = json(&f.verify_with(&["--format", "json"]));
    assert_eq!(v["refused_attempts"].as_array().unwrap().len(), 3, "{v}");
    f.sign("executed", "eng").code(0);
    f.verify().code(0);
}

#[test]
fn named_trust_sources_that_are_missing_are_errors() {
    let f = Fixture::with(PASSING_FEATURE, "");
    fs::write(
        f.path().join("other.yaml"),
        "requirements: missing-requirements.yaml\n",
    )
    .unwrap();
    f.verify_with(&["--config", "other.yaml"])
        .code(2)
        .stderr_has("missing-requirements.yaml");
    fs::write(
        f.path().join("third.yaml"),
        "signers: missing-signers.yaml\n",
    )
    .unwrap();
    f.verify_with(&["--config", "third.yaml"])
        .code(2)
        .stderr_has("missing-signers.yaml");
    f.verify_with(&["--signers", "nope.yaml"])
        .code(2)
        .stderr_has("nope.yaml");
    let not_repo = tempfile::tempdir().unwrap();
    f.verify_with(&["--repo", not_repo.path().to_str().unwrap()])
        .code(2)
        .stderr_has("not a git repository");
    // An explicit --config is echoed as the source of the workflow and registry.
    f.verify_with(&["--config", "qualify.yaml"])
        .code(0)
        .stdout_has("(--config)");
}
