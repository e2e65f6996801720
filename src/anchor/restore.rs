//! Completing interrupted signings: an envelope the ledger anchors for this package (and this
//! manifest) but the package lacks is written back, with its audit entry when the trail does not
//! have it yet, and the restoration is recorded in the trail.
//!
//! The ledger append is the commit point of a signing (it comes before any write into the
//! package), so an envelope in the ledger is a signature that was made: completing it is the
//! only outcome consistent with the anchor.

use std::path::Path;

use crate::txn::PackageLock;

use super::error::AnchorError;
use super::ledger::{LEDGER_REF, Ledger};
use super::record::{EnvelopeRecord, Record};
use crate::audit::{Actor, AuditAction, AuditEntry, AuditTrail, NewEntry, TRAIL_FILE};
use crate::evidence::{MANIFEST_FILE, Manifest, sha256_file, sha256_hex};

/// What a restoration did.
#[derive(Debug, Clone, Default)]
pub struct RestoreOutcome {
    /// Envelopes written back (package-relative paths).
    pub restored: Vec<String>,
    /// Anchored envelopes that cannot be written back, and why.
    pub not_restorable: Vec<String>,
}

/// Restores every anchored-but-missing envelope of the locked package from the ledger of the
/// repository containing `repo_dir`. Without a repository or a ledger there is nothing to
/// restore. The caller holds the package lock (src/txn), so nothing else writes meanwhile.
pub fn restore_missing(
    lock: &PackageLock,
    repo_dir: Option<&Path>,
) -> Result<RestoreOutcome, AnchorError> {
    let package_dir = lock.dir();
    let mut outcome = RestoreOutcome::default();
    let Some((package_id, missing)) = missing_records(package_dir, repo_dir)? else {
        return Ok(outcome);
    };
    for record in &missing {
        match restore_one(lock, &package_id, record) {
            Ok(()) => outcome.restored.push(record.path.clone()),
            Err(AnchorError::NotRestorable(why)) => outcome.not_restorable.push(why),
            Err(e) => return Err(e),
        }
    }
    Ok(outcome)
}

/// Writes one envelope back: its trail entry first (when missing), then the envelope, then the
/// entry that records the restoration; each write atomic.
fn restore_one(
    lock: &PackageLock,
    package_id: &str,
    record: &EnvelopeRecord,
) -> Result<(), AnchorError> {
    let package_dir = lock.dir();
    let trail_path = package_dir.join(TRAIL_FILE);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AnchorError::PackageFile { path, source }
    };
    let refuse = |why: String| {
        AnchorError::NotRestorable(format!(
            "{} (anchored in {LEDGER_REF}) cannot be restored: {why}",
            record.path
        ))
    };
    if sha256_hex(record.envelope.as_bytes()) != record.envelope_sha256 {
        return Err(refuse(
            "the ledger record's envelope does not match its digest".into(),
        ));
    }
    let bytes = std::fs::read(&trail_path).map_err(io(&trail_path))?;
    let trail = AuditTrail::parse(package_id, &bytes);
    let seq = usize::try_from(record.audit_seq).unwrap_or(usize::MAX);
    let entry: AuditEntry = serde_json::from_str(&record.audit_line)
        .map_err(|e| refuse(format!("its audit entry does not parse: {e}")))?;
    if seq == trail.lines.len() + 1 && entry.seq == record.audit_seq && entry.prev == trail.head() {
        // Interrupted before the trail was written: the entry goes back first.
        let mut extended = bytes.clone();
        extended.extend_from_slice(record.audit_line.as_bytes());
        extended.push(b'\n');
        crate::fsio::write_atomic(&trail_path, &extended).map_err(io(&trail_path))?;
    } else if trail
        .lines
        .get(seq.wrapping_sub(1))
        .map(|l| l.text.as_str())
        != Some(&record.audit_line)
    {
        return Err(refuse(format!(
            "its audit entry {seq} is not the trail's entry {seq}, and the trail (of {} entries) \
             cannot take it: the trail moved on after the interrupted signing",
            trail.lines.len()
        )));
    }
    let envelope_path = package_dir.join(&record.path);
    if let Some(parent) = envelope_path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    crate::fsio::write_atomic(&envelope_path, record.envelope.as_bytes())
        .map_err(io(&envelope_path))?;
    let user = crate::evidence::current_user();
    let ci = crate::evidence::ci_variables(std::env::vars());
    crate::audit::append_entry_locked(
        lock,
        package_id,
        NewEntry {
            at: crate::utc::now_string(),
            action: AuditAction::Restored,
            who: Actor::os_user(user.as_deref(), &ci),
            what: format!("{} restored from the ledger {LEDGER_REF}", record.path),
            why: format!(
                "the signing ({} by {}, signed at {}) was anchored in the ledger but interrupted \
                 before the package held it",
                record.meaning, record.signer_id, record.signed_at
            ),
            subject: record.path.clone(),
            sha256: Some(record.envelope_sha256.clone()),
        },
    )
    .map_err(|e| {
        refuse(format!(
            "the restoration could not be recorded in the trail: {e}"
        ))
    })?;
    Ok(())
}

/// Whether the ledger anchors an envelope of the package that the package lacks.
pub fn anchored_but_missing(package_dir: &Path, repo_dir: Option<&Path>) -> bool {
    matches!(missing_records(package_dir, repo_dir), Ok(Some((_, m))) if !m.is_empty())
}

/// The package's id and the envelope records the ledger holds for this very package (same
/// manifest) that the package lacks, in trail order; `None` without a ledger or a manifest.
fn missing_records(
    package_dir: &Path,
    repo_dir: Option<&Path>,
) -> Result<Option<(String, Vec<EnvelopeRecord>)>, AnchorError> {
    let Some(ledger) = repo_dir.and_then(|d| Ledger::discover(d).ok()) else {
        return Ok(None);
    };
    // A package whose manifest cannot be read is verification's business, not ours.
    let Ok(manifest) = Manifest::load(package_dir) else {
        return Ok(None);
    };
    let Ok((manifest_sha256, _)) = sha256_file(&package_dir.join(MANIFEST_FILE)) else {
        return Ok(None);
    };
    let mut missing: Vec<EnvelopeRecord> = ledger
        .snapshot()?
        .records
        .into_iter()
        .filter_map(|(r, _)| match r {
            Record::Envelope(e) => Some(e),
            _ => None,
        })
        .filter(|e| {
            e.common.package_id == manifest.package_id
                && e.manifest_sha256 == manifest_sha256
                && !package_dir.join(&e.path).exists()
        })
        .collect();
    missing.sort_by_key(|e| e.audit_seq);
    Ok(Some((manifest.package_id, missing)))
}
