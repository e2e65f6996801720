//! [`recover`] and [`inspect`]: what an interrupted operation left in `.pending/`, and putting
//! the package into a whole state again.

use std::fs;
use std::path::Path;

use super::apply::{discard, install};
use super::error::TxnError;
use super::intent::{INTENT_FILE, Intent, PENDING_DIR, STAGED_TRAIL};
use super::lock::PackageLock;
use crate::audit::{Actor, AuditAction, AuditTrail, NewEntry, TRAIL_FILE};
use crate::evidence::{Manifest, ci_variables, sha256_file};
use crate::fsio::{TEMP_PREFIX, rename_durable, write_durable};

/// Where the trail with the `recovered` entry is staged before it replaces the trail.
const RECOVERY_TRAIL: &str = "recovery-trail.jsonl";

/// How far an interrupted operation got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingState {
    /// Its trail lines are not in the trail: the package is as it was before it.
    Uncommitted,
    /// The trail records it, but these files are not in place yet.
    CommittedIncomplete {
        /// Package-relative paths still missing or different.
        missing: Vec<String>,
    },
    /// The trail records it and every file is in place; only `.pending/` is left.
    Complete,
}

/// A leftover `.pending/` folder, as found.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The intent record, or why it cannot be read (the operation was killed before writing it).
    pub intent: Result<Intent, String>,
    /// How far it got.
    pub state: PendingState,
    /// Entries that qualify never writes there.
    pub foreign: Vec<String>,
}

impl Pending {
    /// How messages name the operation.
    pub fn describe(&self) -> String {
        match &self.intent {
            Ok(intent) => intent.describe(),
            Err(_) => "an operation killed before it described itself".into(),
        }
    }
}

/// What [`recover`] did.
#[derive(Debug, Clone)]
pub struct Recovered {
    /// The interrupted operation, when its intent could be read.
    pub intent: Option<Intent>,
    /// Whether it was completed (it had passed its commit point) rather than rolled back.
    pub completed: bool,
}

/// Reads the leftover `.pending/` of the package at `dir` against the trail's line digests,
/// without changing anything; `None` when there is none.
pub fn inspect(dir: &Path, trail_lines: &[String]) -> Option<Pending> {
    let pending = dir.join(PENDING_DIR);
    if !fs::symlink_metadata(&pending).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let intent = fs::read(pending.join(INTENT_FILE))
        .map_err(|e| format!("cannot read {INTENT_FILE}: {e}"))
        .and_then(|b| {
            serde_json::from_slice::<Intent>(&b).map_err(|e| format!("{INTENT_FILE}: {e}"))
        });
    let foreign = fs::read_dir(&pending)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !ours(name))
                .collect()
        })
        .unwrap_or_default();
    let state = match &intent {
        Ok(i) if i.committed_in(trail_lines) => {
            let missing: Vec<String> = i
                .files
                .iter()
                .filter(|f| {
                    sha256_file(&dir.join(&f.path)).map(|(d, _)| d).ok() != Some(f.sha256.clone())
                })
                .map(|f| f.path.clone())
                .collect();
            if missing.is_empty() {
                PendingState::Complete
            } else {
                PendingState::CommittedIncomplete { missing }
            }
        }
        // Without an intent nothing was committed: the intent is flushed before the trail is
        // even staged.
        _ => PendingState::Uncommitted,
    };
    Some(Pending {
        intent,
        state,
        foreign,
    })
}

/// Names qualify writes into `.pending/`.
fn ours(name: &str) -> bool {
    matches!(name, INTENT_FILE | STAGED_TRAIL | RECOVERY_TRAIL)
        || name.starts_with(TEMP_PREFIX)
        || name
            .strip_prefix("file-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes the leftover `.pending/` of an operation that did not reach the package's commit
/// point, without recording anything: for a signing whose record the git ledger already holds
/// (the ledger is written first), whose restoration from the ledger then records it instead.
/// Returns whether there was such a leftover; one past its commit point is left to [`recover`].
pub fn discard_uncommitted(lock: &PackageLock) -> Result<bool, TxnError> {
    let dir = lock.dir();
    let pending_dir = dir.join(PENDING_DIR);
    if fs::symlink_metadata(&pending_dir).is_err() {
        return Ok(false);
    }
    let manifest = Manifest::load(dir).map_err(|e| TxnError::Io {
        path: dir.join(crate::evidence::MANIFEST_FILE),
        source: std::io::Error::other(e.to_string()),
    })?;
    let lines: Vec<String> = AuditTrail::read(dir, &manifest.package_id)?
        .iter()
        .flat_map(|t| t.lines.iter().map(|l| l.sha256.clone()))
        .collect();
    match inspect(dir, &lines) {
        Some(p) if p.foreign.is_empty() && p.state == PendingState::Uncommitted => {
            discard(&pending_dir)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Puts the locked package into a whole state again when an interrupted operation left
/// `.pending/`: completes it when the trail records it, else rolls it back; records what it did
/// in the trail (once, even when recovery itself is interrupted and repeated); removes
/// `.pending/`. `command` names the command that recovers, for the trail.
pub fn recover(lock: &PackageLock, command: &str) -> Result<Option<Recovered>, TxnError> {
    let dir = lock.dir();
    let pending_dir = dir.join(PENDING_DIR);
    if fs::symlink_metadata(&pending_dir).is_err() {
        return Ok(None);
    }
    let manifest = Manifest::load(dir).map_err(|e| TxnError::Io {
        path: dir.join(crate::evidence::MANIFEST_FILE),
        source: std::io::Error::other(e.to_string()),
    })?;
    let trail = AuditTrail::read(dir, &manifest.package_id)?;
    let lines: Vec<String> = trail
        .iter()
        .flat_map(|t| t.lines.iter().map(|l| l.sha256.clone()))
        .collect();
    let Some(pending) = inspect(dir, &lines) else {
        return Ok(None);
    };
    if let Some(name) = pending.foreign.first() {
        return Err(TxnError::Foreign {
            path: pending_dir,
            name: name.clone(),
        });
    }
    let intent = pending.intent.as_ref().ok();
    let completed = pending.state != PendingState::Uncommitted;
    if let (PendingState::CommittedIncomplete { .. }, Some(intent)) = (&pending.state, intent) {
        install(dir, &pending_dir, intent)?;
    }
    if let Some(trail) = trail {
        let id = intent
            .map(|i| i.id.clone())
            .unwrap_or_else(|| PENDING_DIR.into());
        let recorded = trail
            .entries()
            .any(|(_, e)| e.action == AuditAction::Recovered && e.subject == id);
        if !recorded {
            let entry = recovered_entry(&pending, completed, id, command);
            let path = dir.join(TRAIL_FILE);
            let (bytes, _, _) = trail.appended(&path, entry)?;
            let staged = pending_dir.join(RECOVERY_TRAIL);
            write_durable(&staged, &bytes).map_err(TxnError::io(&staged))?;
            rename_durable(&staged, &path).map_err(TxnError::io(&path))?;
        }
    }
    discard(&pending_dir)?;
    Ok(Some(Recovered {
        intent: intent.cloned(),
        completed,
    }))
}

/// The trail entry saying what recovery found and did.
fn recovered_entry(pending: &Pending, completed: bool, id: String, command: &str) -> NewEntry {
    let what = if completed {
        format!(
            "{} was interrupted after its commit point; recovery moved its files into place",
            pending.describe()
        )
    } else {
        format!(
            "{} was interrupted before its commit point; recovery rolled it back, the package is \
             as it was before it",
            pending.describe()
        )
    };
    let ci = ci_variables(std::env::vars());
    NewEntry {
        at: crate::utc::now_string(),
        action: AuditAction::Recovered,
        who: Actor::os_user(crate::evidence::current_user().as_deref(), &ci),
        what,
        why: format!("found {PENDING_DIR}/ at the start of `qualify {command}`"),
        subject: id,
        sha256: None,
    }
}
