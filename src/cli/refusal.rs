//! Records refused signing attempts in the package's audit trail (see
//! `sign::record_failed_attempt`), then returns the refusal unchanged.

use std::path::Path;

use chrono::Utc;

use crate::errors::Error;
use crate::sign::{FailedAttempt, PrivateKey, Registry, SignError, record_failed_attempt};

/// The attempt being made, as far as it is known.
pub struct Attempt<'a> {
    /// The package.
    pub package: &'a Path,
    /// The key file given.
    pub key_path: &'a Path,
    /// The decrypted key, once it is.
    pub key: Option<&'a PrivateKey>,
    /// The registry, to name the key's holder.
    pub registry: Option<&'a Registry>,
    /// `sign as approved`, `close DEV-001`.
    pub attempted: String,
}

/// Passes `result` through; a refusal (not an I/O failure) is recorded first.
pub fn recorded<T>(attempt: &Attempt<'_>, result: Result<T, Error>) -> Result<T, Error> {
    let Err(Error::Sign(e)) = &result else {
        return result;
    };
    let refused = matches!(
        e,
        SignError::WrongPassphrase { .. }
            | SignError::KeyFileExposed { .. }
            | SignError::Refused(_)
            | SignError::PackageDoesNotVerify { .. }
    );
    if !refused {
        return result;
    }
    let key_id = attempt.key.map(PrivateKey::key_id);
    let signer = key_id
        .as_deref()
        .and_then(|id| attempt.registry?.by_key_id(id))
        .map(|s| (s.entry.id.clone(), s.entry.name.clone()));
    let record = record_failed_attempt(&FailedAttempt {
        package_dir: attempt.package,
        key_path: attempt.key_path,
        key_id,
        signer,
        attempted: attempt.attempted.clone(),
        reason: first_line(&e.to_string()),
        at: Utc::now(),
    });
    if let Err(why) = record {
        eprintln!("warning: the refused attempt could not be recorded in the audit trail: {why}");
    }
    result
}

/// The refusal's first line (a package that does not verify lists every finding after it).
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}
