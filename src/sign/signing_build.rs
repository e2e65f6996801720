//! Phases 3 and 4 of signing: the audit entry, statement and envelope built in memory, then the
//! commit — the one place where a signing changes the package.

use super::dsse::EnvelopeSigning;
use std::path::Path;

use super::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use super::error::SignError;
use super::signing::{Checked, Prepared, SignRequest, Signed};
use super::statement::{
    AuditRef, CLOSURE_PREDICATE_TYPE, PackageRef, SIGNATURE_PREDICATE_TYPE, STATEMENT_TYPE,
    SignaturePredicate, SignerRef, Statement, Subject,
};
use crate::audit::{AuditAction, NewEntry, TRAIL_FILE};
use crate::txn::{PackageLock, Plan, PlannedFile, Recovered, apply};

/// Phase 3's result: everything the commit writes.
pub(crate) struct Built {
    /// What the commit does to the package.
    pub plan: Plan,
    /// Package-relative path of the envelope.
    pub rel_path: String,
    /// The signed statement.
    pub statement: Statement,
}

impl Built {
    /// The envelope's bytes, as the commit writes them.
    pub fn envelope_bytes(&self) -> &[u8] {
        self.plan
            .files
            .first()
            .map(|f| f.bytes.as_slice())
            .unwrap_or_default()
    }
}

/// Phase 3: the trail entry (which the signature then covers), the statement and the envelope.
pub(crate) fn build(
    request: &SignRequest<'_>,
    p: &Prepared,
    c: Checked,
) -> Result<Built, SignError> {
    let signed_at = crate::utc::format(p.now);
    let (trail_bytes, audit) = trail_entry(request, p, &c, &signed_at)?;
    let audit_sha = audit.sha256.clone();
    let rel_path = c.rel_path.clone();
    let statement = statement(request, p, c, signed_at, audit);
    let payload = serde_json::to_vec(&statement)
        .map_err(|e| SignError::KeyEncoding(format!("cannot encode the statement: {e}")))?;
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &payload, request.key);
    let mut envelope_bytes = serde_json::to_vec_pretty(&envelope)
        .map_err(|e| SignError::KeyEncoding(format!("cannot encode the envelope: {e}")))?;
    envelope_bytes.push(b'\n');
    let plan = Plan {
        operation: request.action.operation().into(),
        request: request.action.request(),
        key_id: Some(request.key.key_id()),
        trail_bytes,
        trail_entries: vec![audit_sha],
        files: vec![PlannedFile {
            path: rel_path.clone(),
            bytes: envelope_bytes,
        }],
    };
    Ok(Built {
        plan,
        rel_path,
        statement,
    })
}

/// The trail with the signature's entry appended, and the reference to that entry.
fn trail_entry(
    request: &SignRequest<'_>,
    p: &Prepared,
    c: &Checked,
    signed_at: &str,
) -> Result<(Vec<u8>, AuditRef), SignError> {
    let trail = p
        .contents
        .trail
        .as_ref()
        .map_err(|e| SignError::Refused(format!("{TRAIL_FILE}: {e}")))?;
    let (entry, role) = (&p.signer, &p.role);
    let (what, why, action) = match &c.deviation {
        None => (
            format!(
                "signed as {} by {} ({}, {role})",
                c.meaning, entry.name, entry.id
            ),
            c.statement_text.clone(),
            AuditAction::Signed,
        ),
        Some(d) => (
            format!(
                "deviation {} closed by {} ({}, {role})",
                d.id, entry.name, entry.id
            ),
            d.disposition.clone(),
            AuditAction::DeviationClosed,
        ),
    };
    let (trail_bytes, chained, sha256) = trail
        .appended(
            &request.package_dir.join(TRAIL_FILE),
            NewEntry {
                at: signed_at.to_string(),
                action,
                who: crate::audit::signer_actor(&entry.id, &entry.name),
                what,
                why,
                subject: c.rel_path.clone(),
                sha256: None,
            },
        )
        .map_err(|e| SignError::Refused(e.to_string()))?;
    let audit = AuditRef {
        seq: chained.seq,
        sha256,
    };
    Ok((trail_bytes, audit))
}

/// The in-toto statement: the package's files as subjects, the signer, the meaning, the time,
/// the earlier signatures and the audit entry.
fn statement(
    request: &SignRequest<'_>,
    p: &Prepared,
    c: Checked,
    signed_at: String,
    audit_entry: AuditRef,
) -> Statement {
    let contents = &p.contents;
    Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject: Subject::of_package(&contents.manifest, &contents.manifest_sha256),
        predicate_type: match c.deviation {
            Some(_) => CLOSURE_PREDICATE_TYPE,
            None => SIGNATURE_PREDICATE_TYPE,
        }
        .into(),
        predicate: SignaturePredicate {
            signer: SignerRef {
                id: p.signer.id.clone(),
                name: p.signer.name.clone(),
                role: p.role.clone(),
            },
            meaning: c.meaning,
            statement: c.statement_text,
            signed_at,
            key_id: request.key.key_id(),
            package: PackageRef {
                id: contents.manifest.package_id.clone(),
                manifest_sha256: contents.manifest_sha256.clone(),
            },
            git_commit: contents.git_commit().map(str::to_string),
            earlier_signatures: p.earlier.clone(),
            audit_entry,
            deviation: c.deviation,
            signer_key: Some(p.pinned.clone()),
        },
    }
}

/// Phase 4, the commit: the envelope and its trail entry go into the package as one
/// transaction (src/txn). The rename of the new trail is the commit point.
pub(crate) fn commit(lock: PackageLock, built: Built) -> Result<Signed, SignError> {
    let envelope_path = lock.dir().join(&built.rel_path);
    apply(&lock, built.plan)?;
    drop(lock);
    Ok(Signed {
        envelope_path,
        statement: built.statement,
        completed_after_interruption: false,
    })
}

/// When the git ledger just gave back the envelope of an interrupted run of this very request
/// (same meaning or deviation, same key), that signature exists now: a retry reports it instead
/// of being refused as a duplicate.
pub(crate) fn completed_by_restore(
    request: &SignRequest<'_>,
    restored: &[String],
) -> Result<Option<Signed>, SignError> {
    let key_id = request.key.key_id();
    for rel in restored {
        let envelope_path = request.package_dir.join(rel);
        let statement = read_statement(&envelope_path)?;
        let p = &statement.predicate;
        let same = match &request.action {
            super::signing::SignAction::Meaning { meaning } => {
                p.deviation.is_none() && &p.meaning == meaning
            }
            super::signing::SignAction::CloseDeviation { id, .. } => {
                p.deviation.as_ref().is_some_and(|d| &d.id == id)
            }
        };
        if same && p.key_id == key_id {
            return Ok(Some(Signed {
                envelope_path,
                statement,
                completed_after_interruption: true,
            }));
        }
    }
    Ok(None)
}

/// When recovery just completed an interrupted run of this very request (same command, same
/// key), the signature exists now: a retry reports it instead of being refused as a duplicate.
pub(crate) fn completed_by_recovery(
    request: &SignRequest<'_>,
    recovered: Option<&Recovered>,
) -> Result<Option<Signed>, SignError> {
    let Some(intent) = recovered
        .filter(|r| r.completed)
        .and_then(|r| r.intent.as_ref())
    else {
        return Ok(None);
    };
    if intent.request != request.action.request()
        || intent.key_id.as_deref() != Some(request.key.key_id().as_str())
    {
        return Ok(None);
    }
    let Some(file) = intent.files.first() else {
        return Ok(None);
    };
    let envelope_path = request.package_dir.join(&file.path);
    let statement = read_statement(&envelope_path)?;
    Ok(Some(Signed {
        envelope_path,
        statement,
        completed_after_interruption: true,
    }))
}

pub(crate) fn read_statement(path: &Path) -> Result<Statement, SignError> {
    let invalid = |e: String| SignError::Package {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    };
    let bytes = std::fs::read(path).map_err(|source| SignError::Package {
        path: path.to_path_buf(),
        source,
    })?;
    let envelope: Envelope = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    let payload = envelope.payload_bytes().map_err(invalid)?;
    serde_json::from_slice(&payload).map_err(|e| invalid(e.to_string()))
}
