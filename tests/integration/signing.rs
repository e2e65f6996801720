//! Keys, signing and the workflow, end to end with the real binary: `qualify keygen`, `run
//! --sign-key`, `sign`, `deviation close` and `verify`, plus independent checks of the key file
//! (OpenSSL) and of the DSSE signature (OpenSSL and Python's `cryptography`).

use crate::sign_support;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::sign_support::{Fixture, PASS, all_output, read_envelope};
use serde_json::Value;

/// "An untouched package signed by the whole workflow verifies."
#[test]
fn a_package_signed_by_the_whole_workflow_verifies() {
    let f = Fixture::new();
    // Before closure the deviation is listed as open, and the package verifies with a warning.
    f.sign("executed", "eng")
        .code(0)
        .stdout_has("as `executed`: Eve Engineer (eng");
    let open = f.verify().code(0);
    assert!(open.stdout.contains("open: DEV-001"), "{}", open.stdout);
    f.sign("reviewed", "lead").code(0);
    f.close("DEV-001", "lead").code(0);
    f.sign("approved", "qa").code(0);
    let run = f.verify().code(0);
    assert!(run.stdout.contains("VERIFIED"), "{}", run.stdout);
    for line in [
        "valid    executed",
        "valid    reviewed",
        "valid    closed DEV-001",
        "valid    approved",
        "Quinn Assurance (qa, quality-assurance)",
    ] {
        assert!(
            run.stdout.contains(line),
            "{line:?} missing:\n{}",
            run.stdout
        );
    }
    let json: Value = serde_json::from_str(
        &f.qualify(&["verify", f.package().to_str().unwrap(), "--format", "json"])
            .code(0)
            .stdout,
    )
    .unwrap();
    assert_eq!(json["schema"], "qualify.verify/v1");
    assert_eq!(json["verified"], true);
    let meanings: Vec<&str> = json["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["meaning"].as_str().unwrap())
        .collect();
    assert_eq!(
        meanings,
        ["executed", "reviewed", "deviation-closed", "approved"]
    );
    assert_eq!(json["deviations"][0]["status"], "closed");
    assert_eq!(json["findings"], serde_json::json!([]));

    // The trail records everything, hash-chained, with who, what, when and why.
    let trail = fs::read_to_string(f.package().join("audit/trail.jsonl")).unwrap();
    let actions: Vec<String> = trail
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "deviation_opened",
            "sealed",
            "signed",
            "signed",
            "deviation_closed",
            "signed"
        ]
    );
    let closed: Value = serde_json::from_str(trail.lines().nth(5).unwrap()).unwrap();
    assert_eq!(closed["who"]["name"], "Lee Lead");
    assert!(closed["why"].as_str().unwrap().contains("CR-12"));

    // Nothing more can be signed once the workflow is complete.
    f.sign("approved", "qa")
        .code(2)
        .stderr_has("`approved` is already signed");
}

#[test]
fn keygen_writes_an_encrypted_pkcs8_key_that_openssl_reads() {
    let f = Fixture::new();
    let key = f.path().join("keys/eng.pem");
    let mode = fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let pem = fs::read_to_string(&key).unwrap();
    assert!(
        pem.starts_with(concat!("-----BEGIN ENCRYPTED ", "PRIVATE KEY-----")),
        "{pem}"
    );
    let openssl = |pass: &str| {
        Command::new("openssl")
            .args(["pkey", "-in"])
            .arg(&key)
            .args(["-passin", "env:KEYPASS", "-noout"])
            .env("KEYPASS", pass)
            .output()
            .expect("openssl is installed")
    };
    let ok = openssl(PASS);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(!openssl("wrong passphrase").status.success());
    // OpenSSL derives the same public key as the registry holds.
    let public = Command::new("openssl")
        .args(["pkey", "-pubout", "-passin", "env:KEYPASS", "-in"])
        .arg(&key)
        .env("KEYPASS", PASS)
        .output()
        .unwrap();
    let registry = fs::read_to_string(f.path().join("signers.yaml")).unwrap();
    let public = String::from_utf8(public.stdout).unwrap();
    let b64 = public.lines().nth(1).unwrap();
    assert!(registry.contains(b64), "{public}\n{registry}");

    // keygen never overwrites a key, and refuses a short passphrase.
    f.qualify(&[
        "keygen",
        "--id",
        "x",
        "--name",
        "X",
        "--role",
        "ci",
        "--out",
        "keys/eng.pem",
    ])
    .code(2)
    .stderr_has("already exists");
    f.qualify_env(
        &[
            "keygen",
            "--id",
            "x",
            "--name",
            "X",
            "--role",
            "ci",
            "--out",
            "keys/x.pem",
        ],
        &[("QUALIFY_KEY_PASSPHRASE", "short")],
    )
    .code(2)
    .stderr_has("at least 8 characters");
    assert!(!f.path().join("keys/x.pem").exists());
}

/// The signature is checked with implementations other than ours: the PAE is rebuilt here from
/// the DSSE spec, and OpenSSL and Python's `cryptography` verify the Ed25519 signature with the
/// registry's public key.
#[test]
fn dsse_signatures_verify_with_openssl_and_python_cryptography() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    let (envelope, statement) = read_envelope(&f.envelope("executed"));
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
    let payload = base64_decode(envelope["payload"].as_str().unwrap());
    let sig = base64_decode(envelope["signatures"][0]["sig"].as_str().unwrap());
    let payload_type = "application/vnd.in-toto+json";
    let mut pae = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    pae.extend_from_slice(&payload);

    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pae.bin"), &pae).unwrap();
    fs::write(dir.path().join("sig.bin"), &sig).unwrap();
    let public = Command::new("openssl")
        .args(["pkey", "-pubout", "-passin", "env:KEYPASS", "-in"])
        .arg(f.path().join("keys/eng.pem"))
        .env("KEYPASS", PASS)
        .output()
        .unwrap();
    fs::write(dir.path().join("pub.pem"), &public.stdout).unwrap();
    let verify = |pae: &str| {
        Command::new("openssl")
            .args([
                "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", pae,
            ])
            .args(["-sigfile", "sig.bin"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let ok = verify("pae.bin");
    assert!(
        ok.status.success(),
        "openssl: {}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    // A one-byte change of the signed bytes fails the same check.
    let mut altered = pae.clone();
    let last = altered.len() - 2;
    altered[last] ^= 1;
    fs::write(dir.path().join("altered.bin"), &altered).unwrap();
    assert!(!verify("altered.bin").status.success());

    let python = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys\n\
             from cryptography.hazmat.primitives.serialization import load_pem_public_key\n\
             key = load_pem_public_key(open('pub.pem','rb').read())\n\
             key.verify(open('sig.bin','rb').read(), open('pae.bin','rb').read())\n\
             print('ok')\n",
        )
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&python.stdout).trim(),
        "ok",
        "{}",
        String::from_utf8_lossy(&python.stderr)
    );

    // The statement: every content file is a subject, and the predicate carries the manifestation.
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(f.package().join("manifest.json")).unwrap())
            .unwrap();
    let subjects: Vec<&str> = statement["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects.len(),
        manifest["files"].as_array().unwrap().len() + 1
    );
    assert!(subjects.contains(&"manifest.json") && subjects.contains(&"results.json"));
    let p = &statement["predicate"];
    assert_eq!(p["signer"]["name"], "Eve Engineer");
    assert_eq!(p["signer"]["role"], "validation-engineer");
    assert_eq!(p["meaning"], "executed");
    assert_eq!(p["package"]["id"], manifest["package_id"]);
    assert_eq!(p["key_id"], envelope["signatures"][0]["keyid"]);
    assert_eq!(p["git_commit"].as_str().unwrap().len(), 40);
    assert!(p["signed_at"].as_str().unwrap().ends_with('Z'));
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn run_sign_key_signs_executed_after_sealing() {
    let f = Fixture::with(sign_support::PASSING_FEATURE, "");
    let run = f
        .qualify(&["run", "--progress", "quiet", "--sign-key", "keys/eng.pem"])
        .code(0);
    assert!(
        run.stdout.contains("as `executed`: Eve Engineer"),
        "{}",
        run.stdout
    );
    let pkg = f.packages().pop().unwrap();
    assert!(pkg.join("signatures").read_dir().unwrap().count() == 1);
    f.qualify(&["verify", pkg.to_str().unwrap()])
        .code(0)
        .stdout_has("valid    executed");
}

#[test]
fn run_sign_key_checks_the_key_before_running() {
    let f = Fixture::with(sign_support::PASSING_FEATURE, "");
    let before = f.packages().len();
    f.qualify_env(
        &["run", "--progress", "quiet", "--sign-key", "keys/eng.pem"],
        &[("QUALIFY_KEY_PASSPHRASE", "not the passphrase")],
    )
    .code(2)
    .stderr_has("wrong passphrase");
    // A key that may not sign `executed` fails before the run too.
    f.qualify(&["run", "--progress", "quiet", "--sign-key", "keys/qa.pem"])
        .code(2)
        .stderr_has("none of which may sign this");
    assert_eq!(f.packages().len(), before, "nothing ran");
}

#[test]
fn run_sign_key_failure_after_sealing_leaves_the_package_intact() {
    // With `executed` as the only (so final) meaning, it requires every deviation closed: a run
    // that opens one cannot be signed, which is only known once the run is over.
    let f = Fixture::new();
    f.set_workflow(
        "workflow:\n  meanings:\n    - {name: executed, roles: [validation-engineer]}\n",
    );
    let before = f.packages().len();
    let run = f
        .qualify(&["run", "--progress", "quiet", "--sign-key", "keys/eng.pem"])
        .code(2);
    let text = all_output(&run);
    assert!(
        text.contains("is sealed and intact but NOT signed"),
        "{text}"
    );
    assert!(text.contains("DEV-001 is open"), "{text}");
    let packages = f.packages();
    assert_eq!(packages.len(), before + 1);
    let pkg = packages.last().unwrap();
    assert!(!pkg.join("signatures").exists());
    let trail = fs::read_to_string(pkg.join("audit/trail.jsonl")).unwrap();
    // created, deviation opened, sealed, and the refused signing (21 CFR 11.300(d)).
    assert_eq!(trail.lines().count(), 4, "{trail}");
    assert!(
        trail
            .lines()
            .last()
            .unwrap()
            .contains("\"action\":\"signing_refused\""),
        "{trail}"
    );
    f.qualify(&["verify", pkg.to_str().unwrap()])
        .code(0)
        .stdout_has("signatures: none");
}

/// Every refusal leaves the package exactly as it was.
fn unchanged(f: &Fixture, act: impl FnOnce()) {
    let snapshot = |pkg: &std::path::Path| {
        let mut files = Vec::new();
        let mut stack = vec![pkg.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push((p.clone(), fs::read(&p).unwrap()));
                }
            }
        }
        files.sort();
        files
    };
    let trail = f.package().join("audit/trail.jsonl");
    let trail_before = fs::read_to_string(&trail).unwrap();
    let without_trail = |files: Vec<(std::path::PathBuf, Vec<u8>)>| -> Vec<_> {
        files.into_iter().filter(|(p, _)| *p != trail).collect()
    };
    let before = without_trail(snapshot(&f.package()));
    act();
    assert!(
        without_trail(snapshot(&f.package())) == before,
        "a refused signing changed the package"
    );
    // Each refusal itself is recorded (21 CFR 11.300(d)): `signing_refused` entries appended.
    let trail_after = fs::read_to_string(&trail).unwrap();
    let added = trail_after
        .strip_prefix(&trail_before)
        .expect("the trail was only appended to");
    assert!(added.lines().count() >= 1, "no refusal recorded");
    for line in added.lines() {
        assert!(line.contains("\"action\":\"signing_refused\""), "{line}");
    }
}

#[test]
fn wrong_passphrase_is_refused() {
    let f = Fixture::new();
    unchanged(&f, || {
        let pkg = f.package();
        f.qualify_env(
            &[
                "sign",
                pkg.to_str().unwrap(),
                "--meaning",
                "executed",
                "--key",
                "keys/eng.pem",
            ],
            &[("QUALIFY_KEY_PASSPHRASE", "Correct horse battery staple")],
        )
        .code(2)
        .stderr_has("cannot decrypt the key keys/eng.pem: wrong passphrase");
    });
}

#[test]
fn world_readable_key_file_is_refused() {
    let f = Fixture::new();
    let key = f.path().join("keys/eng.pem");
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    unchanged(&f, || {
        f.sign("executed", "eng")
            .code(2)
            .stderr_has("keys/eng.pem can be read by other users (mode 0644)")
            .stderr_has("chmod 600");
    });
}

#[test]
fn unknown_key_is_refused() {
    let f = Fixture::new();
    // A key made without registering it.
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
    .code(0)
    .stdout_has("id: mallory");
    unchanged(&f, || {
        f.sign("executed", "mallory")
            .code(2)
            .stderr_has("unknown key: keys/mallory.pem")
            .stderr_has("is not in the signers registry");
    });
}

#[test]
fn revoked_key_is_refused() {
    let f = Fixture::new();
    let registry = f.path().join("signers.yaml");
    let text = fs::read_to_string(&registry).unwrap();
    // Revoke eng's key (the first entry) in 2021.
    let revoked = text.replacen("revoked_at: null", "revoked_at: 2021-01-01T00:00:00Z", 1);
    fs::write(&registry, revoked).unwrap();
    unchanged(&f, || {
        f.sign("executed", "eng")
            .code(2)
            .stderr_has("the key of Eve Engineer (eng) was revoked at 2021-01-01T00:00:00.000Z");
    });
}

#[test]
fn role_not_allowed_the_meaning_is_refused() {
    let f = Fixture::new();
    unchanged(&f, || {
        f.sign("executed", "lead")
            .code(2)
            .stderr_has(
                "Lee Lead (lead) holds the roles validation-lead, none of which may sign this",
            )
            .stderr_has("allowed: validation-engineer, ci");
        let pkg = f.package();
        f.qualify(&[
            "sign",
            pkg.to_str().unwrap(),
            "--meaning",
            "executed",
            "--key",
            "keys/lead.pem",
            "--role",
            "validation-lead",
        ])
        .code(2)
        .stderr_has("role `validation-lead` may not sign `executed`");
        f.sign("signed-off", "eng")
            .code(2)
            .stderr_has("meaning `signed-off` is not part of the workflow");
    });
}

#[test]
fn approval_before_review_is_refused() {
    let f = Fixture::with(sign_support::PASSING_FEATURE, "");
    f.sign("executed", "eng").code(0);
    unchanged(&f, || {
        f.sign("approved", "qa")
            .code(2)
            .stderr_has("`approved` signed before `reviewed`: the workflow order is executed → reviewed → approved");
    });
}

#[test]
fn executor_and_approver_the_same_person_is_refused() {
    let f = Fixture::with(sign_support::PASSING_FEATURE, "");
    f.keygen("sam", "Sam Both", "validation-engineer,quality-assurance");
    f.sign("executed", "sam").code(0);
    f.sign("reviewed", "lead").code(0);
    unchanged(&f, || {
        f.sign("approved", "sam")
            .code(2)
            .stderr_has("Sam Both (sam) signs `approved` but already signed `executed`")
            .stderr_has("separation of duties");
    });
}

#[test]
fn approval_with_an_open_deviation_is_refused() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    f.sign("reviewed", "lead").code(0);
    unchanged(&f, || {
        f.sign("approved", "qa")
            .code(2)
            .stderr_has("`approved` requires every deviation to be closed, but DEV-001 is open");
    });
    // Only a closer role may close it, with a non-empty disposition, once.
    f.close("DEV-001", "eng")
        .code(2)
        .stderr_has("none of which may sign this");
    f.close("DEV-009", "lead")
        .code(2)
        .stderr_has("the package has no deviation DEV-009; it has DEV-001");
    f.close("DEV-001", "lead").code(0);
    f.close("DEV-001", "lead")
        .code(2)
        .stderr_has("DEV-001 is already closed by deviations/closures/DEV-001.dsse.json");
    f.sign("approved", "qa").code(0);
}

#[test]
fn a_package_that_does_not_verify_is_not_signed() {
    let f = Fixture::new();
    fs::write(f.package().join("results.json"), b"{}").unwrap();
    f.sign("executed", "eng")
        .code(3)
        .stderr_has("does not verify, so it cannot be signed")
        .stderr_has("results.json: content changed");
    assert!(!f.package().join("signatures").exists());
}

#[test]
fn deviations_record_expected_actual_and_evidence() {
    let f = Fixture::new();
    let text = fs::read_to_string(f.package().join("deviations/deviations.json")).unwrap();
    let register: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(register["schema"], "qualify.deviations/v1");
    let d = &register["deviations"][0];
    assert_eq!(d["id"], "DEV-001");
    assert_eq!(d["scenario"]["name"], "echo deviates");
    assert_eq!(d["step"]["text"], "Then the response field \"a\" equals 2");
    assert_eq!(d["expected_vs_actual"][0]["expected"], 2);
    assert_eq!(d["expected_vs_actual"][0]["actual"], 1);
    assert_eq!(d["evidence"][0], "results.json");
    // The register is sealed content.
    let manifest = fs::read_to_string(f.package().join("manifest.json")).unwrap();
    assert!(manifest.contains("deviations/deviations.json"));
    assert_eq!(register["deviations"].as_array().unwrap().len(), 1);
}
