//! The git-anchored ledger: every seal, signature, closure, supersession and refused signing
//! recorded outside the package, in the repository, at `refs/qualify/ledger` (see `docs/anchoring.md`).
//!
//! A package alone cannot prove that nothing was taken away from it: deleting the last
//! signature together with its trail line leaves a consistent package. The ledger, pushed with
//! the code, remembers what was there. `verify` with the repository at hand compares the two.

mod check;
mod error;
mod ledger;
mod merge;
mod record;
mod restore;
mod supersession;
mod tags;
mod times;
mod write;

pub use check::{AnchorSummary, check_anchor};
pub use error::AnchorError;
pub use ledger::{Appended, LEDGER_REF, Ledger, Snapshot};
pub use record::{
    Common, EnvelopeRecord, FailedAttemptRecord, RECORD_SCHEMA, Record, SealRecord,
    SupersededRecord,
};
pub use restore::{RestoreOutcome, anchored_but_missing, restore_missing};
pub use supersession::{
    AnchoredSupersession, RecordFile, anchored_supersessions, commit_supersession,
    restore_supersessions,
};
pub use times::ANCHOR_TOLERANCE_MINUTES;
pub(crate) use write::package_facts;
pub use write::{anchor_envelope, anchor_seal, note_failed_attempt};

use std::path::Path;

use crate::sign::SignError;

/// Before a signing: writes back envelopes an interrupted signing anchored but did not finish,
/// and says what could not be written back (verification then refuses the signing and says why).
/// Returns the package-relative paths written back.
pub fn restore_before_signing(
    lock: &crate::txn::PackageLock,
    repo_dir: Option<&Path>,
) -> Result<Vec<String>, SignError> {
    let outcome = restore_missing(lock, repo_dir)?;
    for path in &outcome.restored {
        eprintln!("restored {path} from the ledger {LEDGER_REF} (an interrupted signing)");
    }
    for why in &outcome.not_restorable {
        eprintln!("warning: {why}");
    }
    Ok(outcome.restored)
}

/// The gate's reason when a package could not be checked against the ledger: a release must not
/// rest on evidence whose rollback nobody could rule out.
pub fn gate_reason(anchor: &AnchorSummary) -> Option<String> {
    anchor.not_checked.as_ref().map(|why| {
        format!(
            "not checked against the git ledger ({why}); in CI fetch it with `git fetch origin \
             'refs/qualify/*:refs/qualify/*'`"
        )
    })
}

/// An error with its sources, on one line.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    out
}
