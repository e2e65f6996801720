//! Refused signing attempts (wrong passphrase, unknown key, key not in the registry, wrong role,
//! workflow order) are recorded in the package's audit trail with the claimed signer or key, the
//! reason and the time: 21 CFR 11.300(d) asks that attempted unauthorized use be detected and
//! reported. `verify` lists them. [`record_failed_attempt`] is the one entry point, so that other
//! records (such as a git ledger) can be kept from the same call site.

use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::audit::{Actor, AuditAction, AuditEntry, NewEntry, TrailError, append_entry};
use crate::evidence::{MANIFEST_FILE, Manifest, ci_variables, current_user};

/// A signing or closure attempt that was refused.
#[derive(Debug, Clone)]
pub struct FailedAttempt<'a> {
    /// The package it was aimed at.
    pub package_dir: &'a Path,
    /// The key file given.
    pub key_path: &'a Path,
    /// The key id, when the key could be decrypted.
    pub key_id: Option<String>,
    /// The registry id and printed name of the key's holder, when the registry knows the key.
    pub signer: Option<(String, String)>,
    /// What was attempted: `sign as approved`, `close DEV-001`.
    pub attempted: String,
    /// Why it was refused.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Why a refused attempt could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The package's manifest cannot be read (not a sealed package).
    #[error("cannot read the manifest of {}: {message}", path.display())]
    Manifest {
        /// The package.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The trail cannot be locked, read or appended to.
    #[error(transparent)]
    Trail(#[from] TrailError),
}

/// Appends a `signing_refused` entry to the package's trail, as a package transaction under the
/// package lock that signing takes ([`append_entry`] takes it, so it must not be held here). The subject names the claimed key: its id, else the key file and the SHA-256
/// of its (encrypted) bytes, since a key that cannot be decrypted has no known id.
pub fn record_failed_attempt(attempt: &FailedAttempt<'_>) -> Result<AuditEntry, RecordError> {
    let dir = attempt.package_dir;
    let manifest_path = dir.join(MANIFEST_FILE);
    let manifest_err = |message: String| RecordError::Manifest {
        path: dir.to_path_buf(),
        message,
    };
    let manifest = Manifest::load(&manifest_path).map_err(|e| manifest_err(e.to_string()))?;
    let ci = ci_variables(std::env::vars());
    let who = match &attempt.signer {
        Some((id, name)) => Actor {
            kind: "claimed-signer".into(),
            ..crate::audit::signer_actor(id, name)
        },
        None => Actor::os_user(current_user().as_deref(), &ci),
    };
    let subject = match &attempt.key_id {
        Some(id) => format!("key {id}"),
        None => format!(
            "key file {} (SHA-256 {})",
            attempt.key_path.display(),
            fs::read(attempt.key_path)
                .map(|b| crate::evidence::sha256_hex(&b))
                .unwrap_or_else(|_| "unreadable".into())
        ),
    };
    let entry = append_entry(
        dir,
        &manifest.package_id,
        NewEntry {
            at: crate::utc::format(attempt.at),
            action: AuditAction::SigningRefused,
            who,
            what: format!("refused: {}", attempt.attempted),
            why: attempt.reason.clone(),
            subject,
            sha256: None,
        },
    )?;
    Ok(entry)
}
