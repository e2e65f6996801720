//! `qualify verify` rejects every kind of tampering with a signed package, naming what and where.
//! Packages are made by the real `qualify run` and signed by the real `qualify sign`; then the
//! test changes them as an attacker or an accident would.

use crate::sign_support;
use std::fs;
use std::path::{Path, PathBuf};

use crate::sign_support::{Fixture, commit_all, copy_dir, edit_statement, read_envelope, rejected};
use serde_json::Value;

/// Every file of a package, relative paths.
fn files(pkg: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![pkg.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(pkg).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

/// A fully signed package (executed, reviewed, DEV-001 closed, approved).
fn signed() -> Fixture {
    let f = Fixture::new();
    f.sign_all();
    f.verify().code(0);
    f
}

#[test]
fn a_byte_changed_in_any_file_is_detected_and_named() {
    let f = signed();
    let pkg = f.package();
    let pristine = f.path().join("pristine");
    copy_dir(&pkg, &pristine);
    let all = files(&pkg);
    assert!(all.len() >= 14, "{all:?}");
    for rel in &all {
        // Start each case from the untouched package.
        fs::remove_dir_all(&pkg).unwrap();
        copy_dir(&pristine, &pkg);
        let path = pkg.join(rel);
        let mut bytes = fs::read(&path).unwrap();
        // A byte inside a JSON string or text: a digit or letter changed keeps most files
        // parseable, which is the harder case for verify.
        match bytes
            .iter()
            .enumerate()
            .skip(bytes.len() / 2)
            .find(|(_, b)| b.is_ascii_alphanumeric())
            .map(|(i, _)| i)
        {
            Some(i) => bytes[i] = if bytes[i] == b'a' { b'b' } else { b'a' },
            // An empty log: the smallest change is one byte more.
            None => bytes.push(b'a'),
        }
        fs::write(&path, &bytes).unwrap();
        let run = f.verify();
        rejected(run, &[rel.as_str()]);
    }
}

#[test]
fn a_truncated_file_is_detected() {
    let f = signed();
    let path = f.package().join("results.json");
    let len = fs::metadata(&path).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    rejected(
        f.verify(),
        &["ERROR: results.json: content changed (manifest SHA-256"],
    );
}

#[test]
fn a_deleted_file_is_detected() {
    let f = signed();
    fs::remove_file(f.package().join("junit.xml")).unwrap();
    rejected(
        f.verify(),
        &["ERROR: junit.xml: listed in the manifest but missing"],
    );

    let f = signed();
    fs::remove_file(f.package().join("audit/trail.jsonl")).unwrap();
    rejected(
        f.verify(),
        &["ERROR: audit/trail.jsonl: missing: the package has no audit trail"],
    );

    // Deleting the review signature: the approval was made after it.
    let f = signed();
    let review = f.envelope("reviewed");
    fs::remove_file(&review).unwrap();
    rejected(
        f.verify(),
        &[
            "signatures/03-approved-qa.dsse.json: was made after signatures/02-reviewed-lead.dsse.json, which is no longer in the package",
            "records signatures/02-reviewed-lead.dsse.json (Signed), which is not in the package",
        ],
    );
}

#[test]
fn an_added_file_is_detected() {
    let f = signed();
    fs::write(f.package().join("notes.txt"), "added later").unwrap();
    rejected(
        f.verify(),
        &["ERROR: notes.txt: not listed in the manifest"],
    );

    let f = signed();
    fs::create_dir_all(f.package().join("attachments/extra")).unwrap();
    fs::write(f.package().join("attachments/extra/x.log"), "x").unwrap();
    rejected(
        f.verify(),
        &["ERROR: attachments/extra/x.log: not listed in the manifest"],
    );

    // Something that is not an envelope in the signatures folder.
    let f = signed();
    fs::write(f.package().join("signatures/04-extra.dsse.json"), "{}").unwrap();
    rejected(
        f.verify(),
        &["ERROR: signatures/04-extra.dsse.json: not a valid signature envelope"],
    );
}

#[test]
fn a_signature_copied_from_another_package_is_detected() {
    let f = Fixture::new();
    let first = f.package();
    // A second package of the same project, signed `executed` by the same engineer.
    let second = f.run_campaign();
    assert_ne!(first, second);
    f.qualify(&[
        "sign",
        second.to_str().unwrap(),
        "--meaning",
        "executed",
        "--key",
        "keys/eng.pem",
    ])
    .code(0);
    let copied = fs::read_dir(second.join("signatures"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let name = copied.file_name().unwrap().to_owned();
    fs::create_dir_all(first.join("signatures")).unwrap();
    fs::copy(&copied, first.join("signatures").join(&name)).unwrap();
    let second_id = second.file_name().unwrap().to_string_lossy().into_owned();
    let first_id = first.file_name().unwrap().to_string_lossy().into_owned();
    rejected(
        f.qualify(&["verify", first.to_str().unwrap()]),
        &[
            &format!("signatures/{}", name.to_string_lossy()),
            &format!("signs package {second_id}"),
            &format!("not this package {first_id}"),
            "copied from another package",
        ],
    );
}

#[test]
fn meaning_name_or_time_edited_inside_a_signature_is_detected() {
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit); 3] = [
        ("meaning", |s| s["predicate"]["meaning"] = "approved".into()),
        ("name", |s| {
            s["predicate"]["signer"]["name"] = "Someone Else".into()
        }),
        ("time", |s| {
            s["predicate"]["signed_at"] = "2030-01-01T00:00:00.000Z".into()
        }),
    ];
    for (what, edit) in cases {
        let f = signed();
        let envelope = f.envelope("executed");
        edit_statement(&envelope, edit);
        let run = f.verify();
        let text = sign_support::all_output(&run);
        assert!(
            text.contains("ERROR: signatures/01-executed-eng.dsse.json: bad signature by key"),
            "{what}: {text}"
        );
        rejected(run, &["the envelope was altered after signing"]);
    }
}

#[test]
fn an_unknown_key_is_detected() {
    let f = signed();
    // The registry no longer holds the reviewer's key.
    let registry = f.path().join("signers.yaml");
    let text = fs::read_to_string(&registry).unwrap();
    let start = text.find("  - id: lead").unwrap();
    let end = text[start + 1..]
        .find("  - id:")
        .map(|e| e + start + 1)
        .unwrap();
    fs::write(&registry, format!("{}{}", &text[..start], &text[end..])).unwrap();
    // The working tree's registry counts only when named explicitly.
    rejected(
        f.verify_with(&["--signers", "signers.yaml"]),
        &[
            "ERROR: signatures/02-reviewed-lead.dsse.json: unknown key",
            "signature claims Lee Lead (lead)",
        ],
    );
}

#[test]
fn a_key_revoked_before_it_signed_is_detected() {
    let f = signed();
    // Revocation recorded afterwards, effective from 2021 (a compromised key).
    let registry = f.path().join("signers.yaml");
    let text = fs::read_to_string(&registry).unwrap();
    let start = text.find("  - id: qa").unwrap();
    let (head, tail) = text.split_at(start);
    let tail = tail.replacen("revoked_at: null", "revoked_at: 2021-01-01T00:00:00Z", 1);
    fs::write(&registry, format!("{head}{tail}")).unwrap();
    // Committed: the registry at HEAD carries the revocation.
    commit_all(f.path());
    rejected(
        f.verify(),
        &[
            "ERROR: signatures/03-approved-qa.dsse.json: the key of Quinn Assurance (qa) was revoked at 2021-01-01T00:00:00.000Z, before the signing time",
        ],
    );
}

#[test]
fn a_role_not_allowed_the_meaning_is_detected() {
    // Signed under a workflow that let the lead execute; verified under the default.
    let f = Fixture::with(
        sign_support::PASSING_FEATURE,
        "workflow:\n  meanings:\n    - {name: executed, roles: [validation-lead]}\n    - {name: reviewed, roles: [validation-lead]}\n    - {name: approved, roles: [quality-assurance]}\n  distinct_signers: false\n",
    );
    f.sign("executed", "lead").code(0);
    f.set_workflow("");
    rejected(
        f.verify_with(&["--config", "qualify.yaml"]),
        &[
            "ERROR: signatures/01-executed-lead.dsse.json: role `validation-lead` may not sign `executed`; the workflow allows validation-engineer, ci",
        ],
    );
}

#[test]
fn approval_before_review_is_detected() {
    let f = Fixture::with(
        sign_support::PASSING_FEATURE,
        "workflow:\n  meanings:\n    - {name: executed, roles: [validation-engineer]}\n    - {name: approved, roles: [quality-assurance]}\n",
    );
    f.sign("executed", "eng").code(0);
    f.sign("approved", "qa").code(0);
    f.set_workflow("");
    rejected(
        f.verify_with(&["--config", "qualify.yaml"]),
        &["ERROR: signatures/02-approved-qa.dsse.json: `approved` signed before `reviewed`"],
    );
}

#[test]
fn executor_and_approver_the_same_person_is_detected() {
    let f = Fixture::with(
        sign_support::PASSING_FEATURE,
        "workflow:\n  distinct_signers: false\n",
    );
    f.keygen("sam", "Sam Both", "validation-engineer,quality-assurance");
    f.sign("executed", "sam").code(0);
    f.sign("reviewed", "lead").code(0);
    f.sign("approved", "sam").code(0);
    f.set_workflow("");
    rejected(
        f.verify_with(&["--config", "qualify.yaml"]),
        &[
            "ERROR: signatures/03-approved-sam.dsse.json: Sam Both (sam) signs `approved` but already signed `executed`",
        ],
    );
}

#[test]
fn approval_with_an_open_deviation_is_detected() {
    let f = Fixture::with(
        sign_support::FEATURE,
        "workflow:\n  meanings:\n    - {name: executed, roles: [validation-engineer]}\n    - {name: reviewed, roles: [validation-lead]}\n    - {name: approved, roles: [quality-assurance], requires_closed_deviations: false}\n",
    );
    f.sign("executed", "eng").code(0);
    f.sign("reviewed", "lead").code(0);
    f.sign("approved", "qa").code(0);
    f.set_workflow("");
    rejected(
        f.verify_with(&["--config", "qualify.yaml"]),
        &[
            "ERROR: signatures/03-approved-qa.dsse.json: `approved` requires every deviation to be closed, but DEV-001 is open",
            "WARNING: DEV-001: open:",
        ],
    );

    // Removing the closure of a closed deviation reopens it under an existing approval.
    let f = signed();
    fs::remove_file(f.package().join("deviations/closures/DEV-001.dsse.json")).unwrap();
    rejected(
        f.verify(),
        &["`approved` requires every deviation to be closed, but DEV-001 is open"],
    );
}

fn trail_lines(f: &Fixture) -> (PathBuf, Vec<String>) {
    let path = f.package().join("audit/trail.jsonl");
    let text = fs::read_to_string(&path).unwrap();
    (path, text.lines().map(String::from).collect())
}

fn write_lines(path: &Path, lines: &[String]) {
    fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

#[test]
fn an_audit_entry_removed_is_detected() {
    // The sealing entry (line 3) removed.
    let f = signed();
    let (path, mut lines) = trail_lines(&f);
    lines.remove(2);
    write_lines(&path, &lines);
    rejected(
        f.verify(),
        &[
            "ERROR: audit/trail.jsonl: entry at line 3: entry numbered 4 stands at position 3",
            "no entry records the sealing of the package",
        ],
    );
    // The last entry (the approval's) removed.
    let f = signed();
    let (path, mut lines) = trail_lines(&f);
    lines.pop();
    write_lines(&path, &lines);
    rejected(
        f.verify(),
        &["signatures/03-approved-qa.dsse.json names audit entry 7, which the trail does not have"],
    );
}

#[test]
fn an_audit_entry_edited_is_detected() {
    let f = signed();
    let (path, mut lines) = trail_lines(&f);
    lines[0] = lines[0].replace("\"why\":\"qualify run", "\"why\":\"routine run");
    write_lines(&path, &lines);
    rejected(
        f.verify(),
        &[
            "ERROR: audit/trail.jsonl: entry at line 2: prev",
            "the previous entry was edited, removed or reordered",
        ],
    );
    // The last entry edited: its signature covers it.
    let f = signed();
    let (path, mut lines) = trail_lines(&f);
    let last = lines.len() - 1;
    lines[last] = lines[last].replace("Quinn Assurance", "Quinn Assurance-Smith");
    write_lines(&path, &lines);
    rejected(
        f.verify(),
        &["entry at line 7 was changed after signatures/03-approved-qa.dsse.json covered it"],
    );
}

#[test]
fn an_audit_entry_reordered_is_detected() {
    let f = signed();
    let (path, mut lines) = trail_lines(&f);
    lines.swap(3, 4);
    write_lines(&path, &lines);
    rejected(
        f.verify(),
        &[
            "ERROR: audit/trail.jsonl: entry at line 4: entry numbered 5 stands at position 4",
            "ERROR: audit/trail.jsonl: entry at line 5: entry numbered 4 stands at position 5",
        ],
    );
}

#[test]
fn a_commit_the_repository_does_not_have_is_detected() {
    let f = signed();
    // The same package verified inside another repository, which lacks the commit.
    let other = tempfile::tempdir().unwrap();
    fs::write(other.path().join("README"), "other project").unwrap();
    commit_all(other.path());
    copy_dir(&f.path().join("keys"), &other.path().join("keys"));
    fs::copy(
        f.path().join("signers.yaml"),
        other.path().join("signers.yaml"),
    )
    .unwrap();
    let pkg = f.package();
    let commit = read_envelope(&f.envelope("executed")).1["predicate"]["git_commit"]
        .as_str()
        .unwrap()
        .to_string();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_qualify"))
        .args(["verify", pkg.to_str().unwrap()])
        .current_dir(other.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_eq!(run.status.code(), Some(3), "{text}");
    assert!(
        text.contains(&format!(
            "ERROR: git.json: commit {commit} is not in the repository at"
        )),
        "{text}"
    );

    // No repository at hand: a warning, the package still verifies.
    let bare = tempfile::tempdir().unwrap();
    fs::copy(
        f.path().join("signers.yaml"),
        bare.path().join("signers.yaml"),
    )
    .unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_qualify"))
        .args(["verify", pkg.to_str().unwrap()])
        .current_dir(bare.path())
        .env("GIT_CEILING_DIRECTORIES", bare.path().parent().unwrap())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_eq!(run.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "WARNING: git.json: commit {commit} could not be checked"
        )),
        "{text}"
    );
}
