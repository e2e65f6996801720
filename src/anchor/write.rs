//! The writing side: what `run`, `sign`, `deviation close` record in the ledger. Each function is
//! called by one line from the command it serves.

use std::path::Path;

use super::error::AnchorError;
use super::ledger::{Appended, LEDGER_REF, Ledger};
use super::record::{Common, EnvelopeRecord, FailedAttemptRecord, Record, SealRecord};
use crate::evidence::{MANIFEST_FILE, Manifest, sha256_hex};
use crate::sign::{SignError, Statement};

/// Records the seal of the package just made at `package_dir`, in the repository containing
/// `project_dir`. Never fails the run: the package is sealed and intact either way; the outcome
/// is printed, a missing anchor said plainly.
pub fn anchor_seal(project_dir: &Path, package_dir: &Path) {
    let ledger = match Ledger::discover(project_dir) {
        Ok(l) => l,
        Err(reason) => {
            eprintln!("note: the seal is NOT anchored (no git repository): {reason}");
            return;
        }
    };
    match seal_record(package_dir).and_then(|r| ledger.append(&r)) {
        Ok(outcome) => crate::outln!(
            "anchored: seal in {LEDGER_REF} of {}{}; publish it with `git push origin 'refs/qualify/*'`",
            ledger.location().display(),
            if outcome == Appended::AlreadyThere {
                " (already there)"
            } else {
                ""
            }
        ),
        Err(e) => eprintln!(
            "warning: the seal of {} is NOT anchored in {LEDGER_REF}: {}",
            package_dir.display(),
            crate::anchor::chain(&e)
        ),
    }
}

fn seal_record(package_dir: &Path) -> Result<Record, AnchorError> {
    let manifest =
        Manifest::load(package_dir).map_err(|source| AnchorError::Manifest { source })?;
    let path = package_dir.join(MANIFEST_FILE);
    let bytes = std::fs::read(&path).map_err(|source| AnchorError::PackageFile { path, source })?;
    let (stage, result, commit) = package_facts(package_dir);
    Ok(Record::Sealed(SealRecord {
        common: Common::now(&manifest.package_id),
        stage,
        commit,
        manifest_sha256: sha256_hex(&bytes),
        sealed_at: manifest.sealed_at,
        result,
    }))
}

/// Stage, result and commit of a package, from its results.json and git.json.
pub(crate) fn package_facts(package_dir: &Path) -> (String, String, Option<String>) {
    let read = |name: &str| -> serde_json::Value {
        std::fs::read(package_dir.join(name))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let results = read("results.json");
    let stage = results["selection"]["stage"]
        .as_str()
        .unwrap_or("ALL")
        .to_string();
    let failed = results["summary"]["scenarios_failed"].as_u64().unwrap_or(0);
    let result = if results.is_null() {
        "unknown"
    } else if failed == 0 {
        "passed"
    } else {
        "failed"
    };
    let commit = read("git.json")["commit"].as_str().map(str::to_string);
    (stage, result.to_string(), commit)
}

/// Anchors a signature or closure BEFORE it is written into the package: from here on the
/// signing is committed, and an interruption leaves an envelope that the next command restores.
/// `trail_bytes` is the whole new trail, whose last line is the envelope's audit entry. Without a
/// repository the signing goes on unanchored, and says so.
pub fn anchor_envelope(
    repo_dir: Option<&Path>,
    statement: &Statement,
    rel_path: &str,
    envelope_bytes: &[u8],
    trail_bytes: &[u8],
) -> Result<(), SignError> {
    let Some(dir) = repo_dir else {
        eprintln!("note: this signature is NOT anchored: no git repository was given");
        return Ok(());
    };
    let ledger = match Ledger::discover(dir) {
        Ok(l) => l,
        Err(reason) => {
            eprintln!("note: this signature is NOT anchored (no git repository): {reason}");
            return Ok(());
        }
    };
    let p = &statement.predicate;
    let audit_line = String::from_utf8_lossy(trail_bytes)
        .trim_end_matches('\n')
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .to_string();
    let record = Record::Envelope(EnvelopeRecord {
        common: Common::now(&p.package.id),
        path: rel_path.to_string(),
        envelope_sha256: sha256_hex(envelope_bytes),
        envelope: String::from_utf8_lossy(envelope_bytes).into_owned(),
        manifest_sha256: p.package.manifest_sha256.clone(),
        meaning: p.meaning.clone(),
        deviation: p.deviation.as_ref().map(|d| d.id.clone()),
        signer_id: p.signer.id.clone(),
        key_id: p.key_id.clone(),
        signed_at: p.signed_at.clone(),
        audit_seq: p.audit_entry.seq,
        audit_line,
    });
    ledger.append(&record).map_err(SignError::from)?;
    crate::outln!(
        "anchored: {} in {LEDGER_REF} of {}; publish it with `git push origin 'refs/qualify/*'`",
        rel_path,
        ledger.location().display()
    );
    Ok(())
}

/// Records a refused signing in the ledger (21 CFR 11.300(d)), when `outcome` is one: a wrong
/// passphrase, an exposed key file, an unknown or revoked key, a role or workflow refusal, a
/// package that does not verify. Other failures (I/O, usage) are not attempts to sign.
pub fn note_failed_attempt<T>(
    repo_dir: &Path,
    package: &Path,
    key: &Path,
    action: &str,
    outcome: &Result<T, crate::errors::Error>,
) {
    use crate::errors::Error;
    let Err(Error::Sign(error)) = outcome else {
        return;
    };
    if !matches!(
        error,
        SignError::WrongPassphrase { .. }
            | SignError::KeyFileExposed { .. }
            | SignError::Refused(_)
            | SignError::PackageDoesNotVerify { .. }
    ) {
        return;
    }
    let Ok(ledger) = Ledger::discover(repo_dir) else {
        return;
    };
    let package_id = Manifest::load(package)
        .map(|m| m.package_id)
        .unwrap_or_else(|_| {
            package
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let record = Record::FailedAttempt(FailedAttemptRecord {
        common: Common::now(&package_id),
        action: action.to_string(),
        claimed_key: key.display().to_string(),
        reason: error.to_string(),
    });
    match ledger.append(&record) {
        Ok(_) => eprintln!("the refused attempt is recorded in {LEDGER_REF}"),
        Err(e) => eprintln!(
            "warning: the refused attempt could not be recorded in {LEDGER_REF}: {}",
            crate::anchor::chain(&e)
        ),
    }
}
