//! Supersession records in the ledger. `qualify supersede` writes a signed record file into the
//! project's supersessions folder (committed with the code) and a `superseded` ledger record
//! holding that file's exact bytes. The ledger append is the commit point, as for signatures
//! (src/anchor/write.rs): a supersede killed after it leaves a record that the next `supersede`
//! or `qualify recover PKG` writes back; killed before it, nothing exists.
//!
//! Reading compares the two: an anchored record whose file is missing from the work tree (removed,
//! never committed, not in this clone) or holds other bytes is reported by `verify`, `ledger
//! check`, `status` and the gate (`supersession_missing`): a supersession, once anchored, neither
//! disappears silently nor keeps counting without its reviewed file.

use std::path::{Path, PathBuf};

use super::error::AnchorError;
use super::ledger::{LEDGER_REF, Ledger, Snapshot};
use super::record::{Common, Record, SupersededRecord};
use super::restore::RestoreOutcome;
use crate::evidence::sha256_hex;
use crate::gate::SupersessionPredicate;
use crate::sign::SignError;

/// What the work tree holds at an anchored record's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordFile {
    /// The file, with the anchored bytes.
    Present,
    /// No file there.
    Missing,
    /// A file with other bytes (their SHA-256).
    Differs(String),
    /// The repository has no work tree to look in (bare): nothing to compare.
    NoWorkTree,
}

/// An anchored supersession and the state of its record file.
#[derive(Debug, Clone)]
pub struct AnchoredSupersession {
    /// The ledger record.
    pub record: SupersededRecord,
    /// The record file's absolute path in the work tree.
    pub file: PathBuf,
    /// What is there.
    pub state: RecordFile,
}

impl AnchoredSupersession {
    /// Why the anchored record and its file disagree, when they do.
    pub fn problem(&self) -> Option<String> {
        let r = &self.record;
        let what = format!(
            "the ledger anchors the supersession of {} (manifest SHA-256 {}) by {}, signed by {} \
             (key {}) at {}, in {} (SHA-256 {})",
            r.common.package_id,
            short(&r.manifest_sha256),
            r.superseded_by,
            r.signer_id,
            short(&r.key_id),
            r.signed_at,
            r.path,
            r.envelope_sha256
        );
        match &self.state {
            RecordFile::Present | RecordFile::NoWorkTree => None,
            RecordFile::Missing => Some(format!(
                "supersession record missing: {what}, but the file is not there (removed, not \
                 committed, or not in this clone); `qualify recover <superseded package>` writes \
                 it back from the ledger, then commit it"
            )),
            RecordFile::Differs(sha) => Some(format!(
                "supersession record changed: {what}, but the file there has SHA-256 {sha}: it was \
                 replaced after it was anchored (restore it with `git checkout`, or remove it and \
                 run `qualify recover <superseded package>`)"
            )),
        }
    }
}

fn short(s: &str) -> &str {
    &s[..s.len().min(16)]
}

/// Every `superseded` record of the ledger with the state of its file in the work tree.
pub fn anchored_supersessions(ledger: &Ledger, snapshot: &Snapshot) -> Vec<AnchoredSupersession> {
    let workdir = ledger.repo().workdir().map(Path::to_path_buf);
    snapshot
        .records
        .iter()
        .filter_map(|(r, _)| match r {
            Record::Superseded(s) => Some(s.clone()),
            _ => None,
        })
        .map(|record| {
            let (file, state) = match &workdir {
                None => (PathBuf::from(&record.path), RecordFile::NoWorkTree),
                Some(dir) => {
                    let file = dir.join(&record.path);
                    let state = file_state(&file, &record.envelope_sha256);
                    (file, state)
                }
            };
            AnchoredSupersession {
                record,
                file,
                state,
            }
        })
        .collect()
}

fn file_state(file: &Path, anchored_sha256: &str) -> RecordFile {
    // A symlink or special file is read as "other content": the record is a regular file.
    match crate::verify::read_regular(file, crate::verify::MAX_ENVELOPE_BYTES) {
        Ok(bytes) if sha256_hex(&bytes) == anchored_sha256 => RecordFile::Present,
        Ok(bytes) => RecordFile::Differs(sha256_hex(&bytes)),
        Err(_) if std::fs::symlink_metadata(file).is_err() => RecordFile::Missing,
        Err(e) => RecordFile::Differs(format!("unknown ({e})")),
    }
}

/// Anchors the signed supersession record `envelope` (the commit point), then writes it as the
/// new file `file`. Outside a git repository the record is written unanchored, and says so. A
/// ledger that cannot be written fails the supersede with nothing written.
pub fn commit_supersession(
    project_dir: &Path,
    file: &Path,
    envelope: &[u8],
    p: &SupersessionPredicate,
) -> Result<(), SignError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SignError::Package { path, source }
    };
    let dir = file.parent().unwrap_or(project_dir);
    crate::fsio::create_dir_durable(dir).map_err(io(dir))?;
    match Ledger::discover(project_dir) {
        Err(reason) => {
            eprintln!("note: this supersession is NOT anchored (no git repository): {reason}")
        }
        Ok(ledger) => {
            let record = Record::Superseded(SupersededRecord {
                common: Common::now(&p.superseded.id),
                manifest_sha256: p.superseded.manifest_sha256.clone(),
                superseded_by: p.replacement.id.clone(),
                replacement_manifest_sha256: p.replacement.manifest_sha256.clone(),
                signer_id: p.signer_id.clone(),
                role: p.role.clone(),
                key_id: p.key_id.clone(),
                reason_sha256: sha256_hex(p.reason.as_bytes()),
                signed_at: p.signed_at.clone(),
                path: repo_relative(&ledger, file),
                envelope_sha256: sha256_hex(envelope),
                envelope: String::from_utf8_lossy(envelope).into_owned(),
            });
            ledger.append(&record)?;
            crate::outln!(
                "anchored: supersession of {} in {LEDGER_REF} of {}; publish it with `git push \
                 origin 'refs/qualify/*'`",
                p.superseded.id,
                ledger.location().display()
            );
        }
    }
    crate::fsio::write_new(file, envelope, 0o666).map_err(io(file))
}

/// `file` relative to the repository's work tree (`/` separators); absolute when outside it.
fn repo_relative(ledger: &Ledger, file: &Path) -> String {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let parent = file.parent().map(canonical).unwrap_or_default();
    let full = match file.file_name() {
        Some(name) => parent.join(name),
        None => file.to_path_buf(),
    };
    let relative = ledger
        .repo()
        .workdir()
        .map(canonical)
        .and_then(|w| full.strip_prefix(w).ok().map(Path::to_path_buf));
    relative
        .unwrap_or(full)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Writes back the anchored supersession records (of `package_id`, or all) whose file is missing
/// from the work tree of the repository containing `repo_dir`. A file with other bytes is never
/// overwritten: it is reported as not restorable.
pub fn restore_supersessions(
    repo_dir: &Path,
    package_id: Option<&str>,
) -> Result<RestoreOutcome, AnchorError> {
    let mut outcome = RestoreOutcome::default();
    let Ok(ledger) = Ledger::discover(repo_dir) else {
        return Ok(outcome);
    };
    let snapshot = ledger.snapshot()?;
    let anchored: Vec<AnchoredSupersession> = anchored_supersessions(&ledger, &snapshot)
        .into_iter()
        .filter(|a| package_id.is_none_or(|id| a.record.common.package_id == id))
        .collect();
    for dir in anchored.iter().filter_map(|a| a.file.parent()) {
        remove_stale_temp_files(dir);
    }
    for a in anchored {
        match &a.state {
            RecordFile::Present | RecordFile::NoWorkTree => {}
            RecordFile::Differs(_) => outcome
                .not_restorable
                .extend(a.problem().map(|p| format!("{}: {p}", a.record.path))),
            RecordFile::Missing => {
                let bytes = a.record.envelope.as_bytes();
                if sha256_hex(bytes) != a.record.envelope_sha256 {
                    outcome.not_restorable.push(format!(
                        "{}: the ledger record's bytes do not match its digest",
                        a.record.path
                    ));
                    continue;
                }
                let io = |path: &Path| {
                    let path = path.to_path_buf();
                    move |source| AnchorError::PackageFile { path, source }
                };
                if let Some(dir) = a.file.parent() {
                    crate::fsio::create_dir_durable(dir).map_err(io(dir))?;
                }
                crate::fsio::write_new(&a.file, bytes, 0o666).map_err(io(&a.file))?;
                outcome.restored.push(a.record.path.clone());
            }
        }
    }
    Ok(outcome)
}

/// `verify`'s findings about the package's anchored supersessions: a record file missing or
/// changed is an error (subject: the record's path); an intact one is said as a warning, so that
/// the report shows the package is disposed of.
pub(super) fn supersession_findings(
    ledger: &Ledger,
    snapshot: &Snapshot,
    package_id: &str,
) -> Vec<crate::verify::Finding> {
    use crate::verify::{Check, Finding};
    anchored_supersessions(ledger, snapshot)
        .into_iter()
        .filter(|a| a.record.common.package_id == package_id)
        .map(|a| match a.problem() {
            Some(problem) => Finding::error(Check::Anchor, &a.record.path, problem),
            None => Finding::warning(
                Check::Anchor,
                &a.record.path,
                format!(
                    "superseded by {} (record anchored in {LEDGER_REF}, signed by {} at {})",
                    a.record.superseded_by, a.record.signer_id, a.record.signed_at
                ),
            ),
        })
        .collect()
}

/// Removes the `.tmp-<pid>-…` files of writers that were killed (their pid is gone) from `dir`:
/// a supersede killed while writing its record leaves one, which would make the tree dirty.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(crate::fsio::TEMP_PREFIX)
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !crate::fsio::pid_alive(pid)
        {
            // Best effort: a file that cannot be removed is left for the user to see.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
