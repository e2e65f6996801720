//! Signing a package: a workflow signature (`qualify sign`) or a deviation closure
//! (`qualify deviation close`). Both verify the package and check the rules first, then append
//! the audit entry and write the envelope, each atomically; a failure leaves the package as it
//! was.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{SubsecRound, Utc};

use super::atomic::{rfc3339_millis, write_atomic};
use super::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use super::error::SignError;
use super::keys::PrivateKey;
use super::registry::Registry;
use super::signer_check::signer_for;
use super::statement::{
    AuditRef, CLOSURE_MEANING, CLOSURE_PREDICATE_TYPE, DeviationDisposition, PackageRef,
    SIGNATURE_PREDICATE_TYPE, STATEMENT_TYPE, SignaturePredicate, SignerRef, Statement, Subject,
};
use super::workflow::{SignedMeaning, check_closer, check_next};
use crate::audit::{Actor, AuditAction, NewEntry, TRAIL_FILE};
use crate::config::WorkflowConfig;
use crate::deviation::closure_path;
use crate::evidence::MANIFEST_FILE;
use crate::verify::{SIGNATURES_DIR, Severity, VerifyOptions, verify_package};

/// What to sign.
#[derive(Debug, Clone)]
pub enum SignAction {
    /// A workflow meaning.
    Meaning {
        /// `executed`, `reviewed`, `approved`, ...
        meaning: String,
    },
    /// A deviation disposition.
    CloseDeviation {
        /// Deviation id.
        id: String,
        /// The disposition text.
        disposition: String,
    },
}

/// Everything a signing needs.
pub struct SignRequest<'a> {
    /// The package folder.
    pub package_dir: &'a Path,
    /// The decrypted key.
    pub key: &'a PrivateKey,
    /// The key file, named in messages.
    pub key_path: &'a Path,
    /// The signers registry.
    pub registry: &'a Registry,
    /// The workflow rules.
    pub workflow: &'a WorkflowConfig,
    /// The role to sign in; chosen from the signer's roles when `None`.
    pub role: Option<&'a str>,
    /// A folder in the git repository, for the commit check of the verification.
    pub repo_dir: Option<PathBuf>,
    /// What to sign.
    pub action: SignAction,
}

/// A signature made.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The envelope written.
    pub envelope_path: PathBuf,
    /// Its statement.
    pub statement: Statement,
}

/// Verifies the package, checks the rules, and signs.
pub fn sign_package(request: &SignRequest<'_>) -> Result<Signed, SignError> {
    let dir = request.package_dir;
    let pkg_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SignError::Package { path, source }
    };
    // One signing at a time per package: an exclusive lock on the manifest, released on drop.
    let manifest_path = dir.join(MANIFEST_FILE);
    let lock = fs::File::open(&manifest_path).map_err(pkg_err(&manifest_path))?;
    lock.lock().map_err(pkg_err(&manifest_path))?;
    crate::anchor::restore_before_signing(dir, request.repo_dir.as_deref())?;

    let now = Utc::now().trunc_subsecs(3);
    let (signer, role) = signer_for(
        request.registry,
        request.key,
        request.key_path,
        request.workflow,
        &request.action,
        request.role,
        now,
    )?;
    let verification = verify_package(
        dir,
        &VerifyOptions {
            registry: Ok(request.registry),
            workflow: request.workflow,
            repo_dir: request.repo_dir.clone(),
        },
    );
    let errors: Vec<String> = verification
        .report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.to_string())
        .collect();
    let Some(contents) = verification.contents.as_ref().filter(|_| errors.is_empty()) else {
        return Err(SignError::PackageDoesNotVerify {
            message: format!(
                "the package {} does not verify, so it cannot be signed:\n{}",
                dir.display(),
                errors.join("\n")
            ),
        });
    };
    let state = &verification.state;
    let entry = &signer.entry;
    let (meaning, statement_text, rel_path, violations, deviation) = match &request.action {
        SignAction::Meaning { meaning } => {
            let next = SignedMeaning {
                meaning: meaning.clone(),
                signer_id: entry.id.clone(),
                signer_name: entry.name.clone(),
                role: role.clone(),
            };
            let violations = check_next(
                request.workflow,
                &state.signed,
                &next,
                &entry.roles,
                &state.open,
            );
            let rel = format!(
                "{SIGNATURES_DIR}/{:02}-{meaning}-{}.dsse.json",
                state.signed.len() + 1,
                entry.id
            );
            (
                meaning.clone(),
                request.workflow.statement(meaning),
                rel,
                violations,
                None,
            )
        }
        SignAction::CloseDeviation { id, disposition } => {
            let violations = check_closer(request.workflow, &role, &entry.roles);
            let register = contents.register.as_ref().map_err(|e| {
                SignError::Refused(format!("the package's deviation register: {e}"))
            })?;
            if register.get(id).is_none() {
                return Err(SignError::Refused(format!(
                    "the package has no deviation {id}; it has {}",
                    if register.deviations.is_empty() {
                        "none".to_string()
                    } else {
                        register
                            .deviations
                            .iter()
                            .map(|d| d.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )));
            }
            if let Some(by) = state.closed.get(id) {
                return Err(SignError::Refused(format!(
                    "{id} is already closed by {by}"
                )));
            }
            if disposition.trim().is_empty() {
                return Err(SignError::Refused(
                    "the disposition is empty; say what was decided and why".into(),
                ));
            }
            (
                CLOSURE_MEANING.to_string(),
                format!("I close deviation {id} with the disposition recorded here."),
                closure_path(id),
                violations,
                Some(DeviationDisposition {
                    id: id.clone(),
                    disposition: disposition.clone(),
                }),
            )
        }
    };
    if !violations.is_empty() {
        return Err(SignError::Refused(format!(
            "refused by the workflow:\n{}",
            violations
                .iter()
                .map(|v| format!("  {}", v.message))
                .collect::<Vec<_>>()
                .join("\n")
        )));
    }
    let envelope_path = dir.join(&rel_path);
    if envelope_path.exists() {
        return Err(SignError::Refused(format!(
            "{} already exists",
            envelope_path.display()
        )));
    }

    // The audit entry first: the signature then covers it.
    let trail = contents
        .trail
        .as_ref()
        .map_err(|e| SignError::Refused(format!("{TRAIL_FILE}: {e}")))?;
    let trail_path = dir.join(TRAIL_FILE);
    let signed_at = rfc3339_millis(now);
    let (what, why, action) = match &deviation {
        None => (
            format!(
                "signed as {meaning} by {} ({}, {role})",
                entry.name, entry.id
            ),
            statement_text.clone(),
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
    let (trail_bytes, audit_entry, audit_sha) = trail
        .appended(
            &trail_path,
            NewEntry {
                at: signed_at.clone(),
                action,
                who: Actor::signer(&entry.id, &entry.name),
                what,
                why,
                subject: rel_path.clone(),
                sha256: None,
            },
        )
        .map_err(|e| SignError::Refused(e.to_string()))?;

    let statement = Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject: Subject::of_package(&contents.manifest, &contents.manifest_sha256),
        predicate_type: if deviation.is_some() {
            CLOSURE_PREDICATE_TYPE
        } else {
            SIGNATURE_PREDICATE_TYPE
        }
        .into(),
        predicate: SignaturePredicate {
            signer: SignerRef {
                id: entry.id.clone(),
                name: entry.name.clone(),
                role: role.clone(),
            },
            meaning,
            statement: statement_text,
            signed_at,
            key_id: request.key.key_id(),
            package: PackageRef {
                id: contents.manifest.package_id.clone(),
                manifest_sha256: contents.manifest_sha256.clone(),
            },
            git_commit: contents.git_commit().map(str::to_string),
            earlier_signatures: verification.earlier.clone(),
            audit_entry: AuditRef {
                seq: audit_entry.seq,
                sha256: audit_sha,
            },
            deviation,
        },
    };
    let payload = serde_json::to_vec(&statement)
        .map_err(|e| SignError::KeyEncoding(format!("cannot encode the statement: {e}")))?;
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &payload, request.key);
    let mut envelope_bytes = serde_json::to_vec_pretty(&envelope)
        .map_err(|e| SignError::KeyEncoding(format!("cannot encode the envelope: {e}")))?;
    envelope_bytes.push(b'\n');

    crate::anchor::anchor_envelope(
        request.repo_dir.as_deref(),
        &statement,
        &rel_path,
        &envelope_bytes,
        &trail_bytes,
    )?;
    write_both(&trail_path, &trail_bytes, &envelope_path, &envelope_bytes)?;
    drop(lock);
    Ok(Signed {
        envelope_path,
        statement,
    })
}

/// Appends the trail, then writes the envelope, each atomically. If the envelope cannot be
/// written, the previous trail is put back so that the package stays as it was.
fn write_both(
    trail_path: &Path,
    trail_bytes: &[u8],
    envelope_path: &Path,
    envelope_bytes: &[u8],
) -> Result<(), SignError> {
    let pkg_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SignError::Package { path, source }
    };
    let old_trail = fs::read(trail_path).map_err(pkg_err(trail_path))?;
    write_atomic(trail_path, trail_bytes).map_err(pkg_err(trail_path))?;
    let written = envelope_path
        .parent()
        .map(fs::create_dir_all)
        .unwrap_or(Ok(()))
        .and_then(|()| write_atomic(envelope_path, envelope_bytes));
    if let Err(source) = written {
        let _ = write_atomic(trail_path, &old_trail);
        let _ = fs::remove_file(envelope_path);
        return Err(SignError::Package {
            path: envelope_path.to_path_buf(),
            source,
        });
    }
    Ok(())
}
