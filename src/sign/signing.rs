//! Signing a package: a workflow signature (`qualify sign`) or a deviation closure
//! (`qualify deviation close`), in phases with typed results:
//!
//! 1. [`prepare`]: lock the package, recover what an interrupted operation left, find the signer,
//!    verify the package → [`Prepared`];
//! 2. [`check`](super::signing_check::check): the workflow and deviation rules → [`Checked`];
//! 3. [`build`](super::signing_build::build): the audit entry, the statement and the envelope, in
//!    memory → [`Built`];
//! 4. [`commit`](super::signing_build::commit): the package transaction (src/txn) whose single
//!    commit point makes the envelope and its trail entry appear together.
//!
//! Nothing is written before the commit phase, so a refusal leaves the package untouched, and a
//! crash during it leaves the package as it was or as it should become.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::error::SignError;
use super::keys::PrivateKey;
use super::pinned_key::PinnedKeyExt;
use super::registry::{Registry, SignerEntry};
use super::signer_check::signer_for;
use super::signing_build::{build, commit, completed_by_recovery, completed_by_restore};
use super::signing_check::check;
use super::statement::Statement;
use crate::config::WorkflowConfig;
use crate::sign::FileRef;
use crate::txn::{PackageLock, discard_uncommitted, recover};
use crate::verify::{
    PackageContents, Severity, TimePolicy, TrustAnchor, VerifyOptions, WorkflowState,
    verify_package,
};
use qualify_evidence::PinnedKey;

pub use qualify_evidence::DeviationAssessment;

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
        /// Classification, impact, root cause, CAPA.
        assessment: DeviationAssessment,
    },
}

impl SignAction {
    /// The command, as the trail and the intent record name it.
    pub fn operation(&self) -> &'static str {
        match self {
            SignAction::Meaning { .. } => "sign",
            SignAction::CloseDeviation { .. } => "deviation close",
        }
    }

    /// The request in a few words (`sign reviewed`, `deviation close DEV-001`): a retry after a
    /// crash recognises its own interrupted operation by it.
    pub fn request(&self) -> String {
        match self {
            SignAction::Meaning { meaning } => format!("sign {meaning}"),
            SignAction::CloseDeviation { id, .. } => format!("deviation close {id}"),
        }
    }
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
    /// An RFC 3161 time-stamping authority's URL: its token goes into the same transaction.
    pub tsa_url: Option<&'a str>,
}

/// A signature made.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The envelope written.
    pub envelope_path: PathBuf,
    /// Its statement.
    pub statement: Statement,
    /// Whether it was made by an interrupted run of the same command and completed now.
    pub completed_after_interruption: bool,
}

/// Phase 1's result: the locked, verified package and the signer.
pub(crate) struct Prepared {
    /// Held until the commit phase is done.
    pub lock: PackageLock,
    /// The signing time, at the precision qualify records (src/utc.rs).
    pub now: DateTime<Utc>,
    /// The signer's registry entry.
    pub signer: SignerEntry,
    /// The signer's public key and registry entry, carried in the statement.
    pub pinned: PinnedKey,
    /// The role signed in.
    pub role: String,
    /// The package as read by the verification.
    pub contents: PackageContents,
    /// Workflow state after the package's signatures.
    pub state: WorkflowState,
    /// Every envelope in signing order, as the statement must list them.
    pub earlier: Vec<FileRef>,
}

/// Phase 2's result: what exactly is signed.
pub(crate) struct Checked {
    /// The meaning (`reviewed`, `deviation-closed`).
    pub meaning: String,
    /// The statement the signer puts their name to.
    pub statement_text: String,
    /// Package-relative path of the new envelope.
    pub rel_path: String,
    /// The disposition, for a closure.
    pub deviation: Option<super::statement::DeviationDisposition>,
}

/// Verifies the package, checks the rules, and signs.
pub fn sign_package(request: &SignRequest<'_>) -> Result<Signed, SignError> {
    // One changing command at a time per package; recovery runs under the same lock.
    let lock = PackageLock::acquire(request.package_dir)?;
    // The ledger is written before the package: a signing it anchors is committed, so the
    // package's uncommitted leftover of it gives way to the ledger's copy (restored below)
    // rather than being rolled back in the trail first.
    if crate::anchor::anchored_but_missing(request.package_dir, request.repo_dir.as_deref()) {
        discard_uncommitted(&lock)?;
    }
    let recovered = recover(&lock, request.action.operation())?;
    if let Some(done) = completed_by_recovery(request, recovered.as_ref())? {
        return Ok(done);
    }
    // A signature the git ledger holds but the package lacks (an interrupted signing) is written
    // back before anything else, so the workflow sees it.
    let restored = crate::anchor::restore_before_signing(&lock, request.repo_dir.as_deref())?;
    if let Some(done) = completed_by_restore(request, &restored)? {
        return Ok(done);
    }
    let prepared = prepare(request, lock)?;
    let checked = check(request, &prepared)?;
    let built = build(request, &prepared, checked)?;
    // The TSA is asked before anything is written: its failure leaves the package untouched.
    let built = super::timestamp::with_token(request.tsa_url, built)?;
    // The ledger first: it holds the whole envelope, so an interruption after it is recoverable.
    crate::anchor::anchor_envelope(
        request.repo_dir.as_deref(),
        &built.statement,
        &built.rel_path,
        built.envelope_bytes(),
        &built.plan.trail_bytes,
    )?;
    commit(prepared.lock, built)
}

/// Phase 1: the signer and role, and a verification of the package, which must pass.
fn prepare(request: &SignRequest<'_>, lock: PackageLock) -> Result<Prepared, SignError> {
    let dir = request.package_dir;
    let now = crate::utc::now();
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
            trust: &TrustAnchor::loaded(request.registry, "the signing project's registry"),
            workflow_source: "the signing project's qualify.yaml",
            time: TimePolicy::now(),
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
    let contents = match verification.contents {
        Some(contents) if errors.is_empty() => contents,
        _ => {
            return Err(SignError::PackageDoesNotVerify {
                message: format!(
                    "the package {} does not verify, so it cannot be signed:\n{}",
                    dir.display(),
                    errors.join("\n")
                ),
            });
        }
    };
    Ok(Prepared {
        lock,
        now,
        signer: signer.entry.clone(),
        pinned: PinnedKey::of(request.key, signer),
        role,
        contents,
        state: verification.state,
        earlier: verification.earlier,
    })
}
