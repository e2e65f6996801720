//! [`apply`]: stage, commit, install, clean — one operation on a package.

use std::path::Path;

use super::error::TxnError;
use super::intent::{INTENT_FILE, INTENT_SCHEMA, Intent, PENDING_DIR, STAGED_TRAIL, StagedFile};
use super::lock::PackageLock;
use crate::audit::TRAIL_FILE;
use crate::evidence::sha256_hex;
use crate::fsio::{create_dir_durable, rename_durable, sync_dir, write_durable};

/// One file an operation adds or replaces.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Package-relative path (`/` separators).
    pub path: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// Everything an operation changes, prepared in memory.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The command: `sign`, `deviation close`, `render`.
    pub operation: String,
    /// The request, for a retry to recognise it.
    pub request: String,
    /// The signing key, when it signs.
    pub key_id: Option<String>,
    /// The whole new trail.
    pub trail_bytes: Vec<u8>,
    /// SHA-256 of each line appended to the trail.
    pub trail_entries: Vec<String>,
    /// The files added or replaced.
    pub files: Vec<PlannedFile>,
}

/// Carries out `plan` on the locked package. The rename of the staged trail is the commit point;
/// an error or a crash before it leaves the package as it was (plus `.pending/`, which the next
/// command removes), after it the operation is recorded and the next command completes it.
pub fn apply(lock: &PackageLock, plan: Plan) -> Result<Intent, TxnError> {
    let dir = lock.dir();
    let pending = dir.join(PENDING_DIR);
    let intent = stage(&pending, plan)?;
    commit(dir, &pending)?;
    install(dir, &pending, &intent)?;
    discard(&pending)?;
    Ok(intent)
}

/// Step 4: removes `.pending/`. Deliberately not flushed: if a power cut brings the folder back,
/// the next command finds the operation complete and only removes it again, whereas a flush here
/// would be a last point where a kill leaves a finished operation without the intent record by
/// which a retry recognises it.
pub(crate) fn discard(pending: &Path) -> Result<(), TxnError> {
    match std::fs::remove_dir_all(pending) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(TxnError::io(pending)(e)),
        _ => Ok(()),
    }
}

/// Step 1: the intent, the files and the new trail into `.pending/`, all flushed.
pub(super) fn stage(pending: &Path, plan: Plan) -> Result<Intent, TxnError> {
    if pending.exists() {
        // recover() runs first under the same lock, so this is a bug or a concurrent writer
        // that ignores the lock: never overwrite what it staged.
        return Err(TxnError::Io {
            path: pending.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "another operation's staging folder is in the way",
            ),
        });
    }
    create_dir_durable(pending).map_err(TxnError::io(pending))?;
    let started_at = crate::utc::now_string();
    let pid = std::process::id();
    let intent = Intent {
        schema: INTENT_SCHEMA.into(),
        id: format!("{started_at}-{pid}"),
        operation: plan.operation,
        request: plan.request,
        key_id: plan.key_id,
        pid,
        started_at,
        trail_entries: plan.trail_entries,
        files: plan
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| StagedFile {
                path: f.path.clone(),
                staged: format!("file-{}", i + 1),
                sha256: sha256_hex(&f.bytes),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&intent).map_err(|e| TxnError::Io {
        path: pending.join(INTENT_FILE),
        source: std::io::Error::other(e),
    })?;
    json.push(b'\n');
    let write = |name: &str, bytes: &[u8]| {
        let path = pending.join(name);
        write_durable(&path, bytes).map_err(TxnError::io(&path))
    };
    write(INTENT_FILE, &json)?;
    for (staged, file) in intent.files.iter().zip(&plan.files) {
        write(&staged.staged, &file.bytes)?;
    }
    write(STAGED_TRAIL, &plan.trail_bytes)?;
    sync_dir(pending).map_err(TxnError::io(pending))?;
    Ok(intent)
}

/// Step 2, the commit point: the staged trail replaces the trail in one rename.
pub(super) fn commit(dir: &Path, pending: &Path) -> Result<(), TxnError> {
    let trail = dir.join(TRAIL_FILE);
    rename_durable(&pending.join(STAGED_TRAIL), &trail).map_err(TxnError::io(&trail))
}

/// Step 3: every staged file still in `.pending/` to its place. Also how recovery completes a
/// committed operation, so a file already in place with the recorded digest counts as done.
pub(crate) fn install(dir: &Path, pending: &Path, intent: &Intent) -> Result<(), TxnError> {
    for file in &intent.files {
        let target =
            crate::evidence::join_package_path(dir, &file.path).map_err(|reason| TxnError::Io {
                path: dir.join(&file.path),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, reason),
            })?;
        let staged = pending.join(&file.staged);
        if staged.is_file() {
            if let Some(parent) = target.parent() {
                create_dir_durable(parent).map_err(TxnError::io(parent))?;
            }
            rename_durable(&staged, &target).map_err(TxnError::io(&target))?;
        } else if crate::evidence::sha256_file(&target).map(|(d, _)| d).ok()
            != Some(file.sha256.clone())
        {
            return Err(TxnError::CannotComplete {
                operation: intent.operation.clone(),
                path: file.path.clone(),
                sha256: file.sha256.clone(),
            });
        }
    }
    Ok(())
}
