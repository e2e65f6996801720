//! [`Ledger`]: the append-only chain of ledger commits at [`LEDGER_REF`], written with libgit2
//! without touching the work tree, the index or HEAD.
//!
//! Each ledger commit adds exactly one record file, `packages/<package id>/<record>.json`, to its
//! parent's tree. Appends are compare-and-swap updates of the reference, retried when another
//! writer got there first, so concurrent appends never lose a record. Reading takes the union of
//! every file any ledger commit ever added, and reports commits that removed or changed a record:
//! a fast-forward commit that deletes a record hides nothing. Diverged ledgers of two clones are
//! joined by `merge` (src/anchor/merge.rs).

use std::path::{Path, PathBuf};

use git2::{Commit, ErrorCode, ObjectType, Oid, Repository, Tree};

use super::error::AnchorError;
use super::record::Record;

/// The reference holding the ledger.
pub const LEDGER_REF: &str = "refs/qualify/ledger";
/// Folder of the per-package records inside the ledger tree.
const PACKAGES: &str = "packages";
/// Compare-and-swap attempts before giving up.
pub(super) const MAX_ATTEMPTS: u32 = 50;

/// The ledger of one repository.
pub struct Ledger {
    repo: Repository,
}

/// The outcome of an append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// A new ledger commit.
    New(Oid),
    /// The same record was already in the ledger (appending is idempotent).
    AlreadyThere,
}

/// Everything the ledger holds.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The ledger's tip, `None` when the reference does not exist.
    pub tip: Option<Oid>,
    /// Every record any ledger commit added, oldest first, with the commit that added it.
    pub records: Vec<(Record, Oid)>,
    /// Commits that removed or rewrote a record, and records that cannot be read.
    pub problems: Vec<String>,
}

impl Ledger {
    /// The ledger of the repository containing `dir`; `Err` says why there is none.
    pub fn discover(dir: &Path) -> Result<Ledger, String> {
        Repository::discover(dir)
            .map(|repo| Ledger { repo })
            .map_err(|e| crate::git::open_failure_reason(dir, &e))
    }

    /// Where the repository is (its work tree, else its git folder).
    pub fn location(&self) -> PathBuf {
        self.repo
            .workdir()
            .unwrap_or_else(|| self.repo.path())
            .to_path_buf()
    }

    /// The repository.
    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    pub(super) fn tip_commit(&self) -> Result<Option<Commit<'_>>, AnchorError> {
        match self.repo.find_reference(LEDGER_REF) {
            Ok(r) => r
                .peel_to_commit()
                .map(Some)
                .map_err(AnchorError::git(&self.repo, format!("read {LEDGER_REF}"))),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(AnchorError::git(&self.repo, format!("read {LEDGER_REF}"))(
                e,
            )),
        }
    }

    /// Appends `record` unless the ledger already holds it.
    pub fn append(&self, record: &Record) -> Result<Appended, AnchorError> {
        let id = safe_component(&record.common().package_id);
        let name = record.file_name();
        let bytes = record.to_bytes();
        let git = |what: &str| AnchorError::git(&self.repo, what.to_string());
        let blob = self.repo.blob(&bytes).map_err(git("write a record blob"))?;
        let signature = self
            .repo
            .signature()
            .or_else(|_| git2::Signature::now("qualify", "qualify@localhost"))
            .map_err(git("make a commit signature"))?;
        let message = format!("qualify ledger: {}\n", record.summary());
        let _writer = self.writer_lock()?;
        for attempt in 1..=MAX_ATTEMPTS {
            let tip = self.tip_commit()?;
            let tree = tip
                .as_ref()
                .map(Commit::tree)
                .transpose()
                .map_err(git("read the ledger tree"))?;
            if let Some(tree) = &tree
                && tree
                    .get_path(Path::new(&format!("{PACKAGES}/{id}/{name}")))
                    .is_ok()
            {
                return Ok(Appended::AlreadyThere);
            }
            let new_tree = self
                .insert(tree.as_ref(), &[PACKAGES, &id, &name], blob)
                .map_err(git("build the ledger tree"))?;
            let new_tree = self
                .repo
                .find_tree(new_tree)
                .map_err(git("read the new tree"))?;
            let parents: Vec<&Commit> = tip.iter().collect();
            let commit = self
                .repo
                .commit(None, &signature, &signature, &message, &new_tree, &parents)
                .map_err(git("write a ledger commit"))?;
            let updated = self.swap(commit, tip.as_ref().map(Commit::id), &message);
            match updated {
                Ok(_) => return Ok(Appended::New(commit)),
                // Another writer moved the ledger (or holds its lock): read it again and retry.
                Err(e)
                    if matches!(
                        e.code(),
                        ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked
                    ) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(
                        u64::from(attempt) * 3 + u64::from(std::process::id() % 7),
                    ));
                }
                Err(e) => return Err(git(&format!("update {LEDGER_REF}"))(e)),
            }
        }
        Err(AnchorError::Contended {
            reference: LEDGER_REF.into(),
            attempts: MAX_ATTEMPTS,
        })
    }

    /// Serialises qualify's ledger writers with an advisory lock on `<git dir>/qualify-ledger.lock`
    /// (released by the kernel when a writer dies). Under it, a reference lock file
    /// `refs/qualify/ledger.lock` can only be the leftover of a writer killed mid-update: git
    /// never removes it by itself, and every later signing would be refused; it is removed.
    fn writer_lock(&self) -> Result<std::fs::File, AnchorError> {
        let io = |what: &str, path: &Path, source: std::io::Error| AnchorError::Git {
            repo: self.repo.path().to_path_buf(),
            what: format!("{what} {}", path.display()),
            source: git2::Error::from_str(&source.to_string()),
        };
        let path = self.repo.path().join("qualify-ledger.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io("open", &path, e))?;
        file.lock().map_err(|e| io("lock", &path, e))?;
        let stale = self.repo.path().join(format!("{LEDGER_REF}.lock"));
        if std::fs::symlink_metadata(&stale).is_ok() {
            std::fs::remove_file(&stale).map_err(|e| io("remove the stale", &stale, e))?;
            eprintln!(
                "note: removed {}, left by a ledger update that was interrupted",
                stale.display()
            );
        }
        Ok(file)
    }

    /// Moves the ledger to `target` only if it still is at `expected` (`None`: does not exist).
    /// Both cases are checked by libgit2 under the reference's lock; creating with `force =
    /// false` instead would check existence before taking the lock, and two first appends could
    /// both succeed, one overwriting the other.
    pub(super) fn swap(
        &self,
        target: Oid,
        expected: Option<Oid>,
        message: &str,
    ) -> Result<git2::Reference<'_>, git2::Error> {
        let expected = expected.unwrap_or(Oid::ZERO_SHA1);
        self.repo
            .reference_matching(LEDGER_REF, target, true, expected, message)
    }

    /// Writes `base` with `blob` at `path` (creating sub-trees); returns the new tree.
    pub(super) fn insert(
        &self,
        base: Option<&Tree>,
        path: &[&str],
        blob: Oid,
    ) -> Result<Oid, git2::Error> {
        let mut builder = self.repo.treebuilder(base)?;
        match path {
            [] => return Err(git2::Error::from_str("empty ledger path")),
            [file] => {
                builder.insert(file, blob, 0o100644)?;
            }
            [dir, rest @ ..] => {
                let sub = base
                    .and_then(|t| t.get_name(dir))
                    .and_then(|e| e.to_object(&self.repo).ok())
                    .and_then(|o| o.into_tree().ok());
                let sub = self.insert(sub.as_ref(), rest, blob)?;
                builder.insert(dir, sub, 0o040000)?;
            }
        }
        builder.write()
    }

    /// Reads the whole ledger: the union of the records every commit added.
    pub fn snapshot(&self) -> Result<Snapshot, AnchorError> {
        let git = |what: &str| AnchorError::git(&self.repo, what.to_string());
        let Some(tip) = self.tip_commit()? else {
            return Ok(Snapshot::default());
        };
        let mut walk = self.repo.revwalk().map_err(git("walk the ledger"))?;
        walk.push(tip.id()).map_err(git("walk the ledger"))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
            .map_err(git("walk the ledger"))?;
        let mut snapshot = Snapshot {
            tip: Some(tip.id()),
            ..Snapshot::default()
        };
        // A merge of two ledgers re-adds (relative to its first parent) what the other side
        // added: each record counts once.
        let mut seen = std::collections::HashSet::new();
        for oid in walk {
            let oid = oid.map_err(git("walk the ledger"))?;
            let commit = self
                .repo
                .find_commit(oid)
                .map_err(git("read a ledger commit"))?;
            self.read_commit(&commit, &mut snapshot, &mut seen)?;
        }
        Ok(snapshot)
    }

    /// Adds the records `commit` added; reports anything else it did.
    fn read_commit(
        &self,
        commit: &Commit,
        snapshot: &mut Snapshot,
        seen: &mut std::collections::HashSet<String>,
    ) -> Result<(), AnchorError> {
        let git = |what: &str| AnchorError::git(&self.repo, what.to_string());
        let tree = commit.tree().map_err(git("read a ledger tree"))?;
        let parent = match commit.parent_count() {
            0 => None,
            _ => Some(
                commit
                    .parent(0)
                    .and_then(|p| p.tree())
                    .map_err(git("read a ledger parent"))?,
            ),
        };
        let diff = self
            .repo
            .diff_tree_to_tree(parent.as_ref(), Some(&tree), None)
            .map_err(git("compare ledger commits"))?;
        let short = commit.id().to_string()[..12].to_string();
        for delta in diff.deltas() {
            let path = delta
                .new_file()
                .path()
                .or_else(|| delta.old_file().path())
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            if delta.status() == git2::Delta::Added && !seen.insert(path.clone()) {
                continue;
            }
            if delta.status() != git2::Delta::Added {
                snapshot.problems.push(format!(
                    "ledger commit {short} {} the record {path}: the ledger is append-only, so \
                     it was rewritten by hand (the record still counts)",
                    match delta.status() {
                        git2::Delta::Deleted => "deletes",
                        _ => "changes",
                    }
                ));
                continue;
            }
            let blob = self
                .repo
                .find_object(delta.new_file().id(), Some(ObjectType::Blob))
                .and_then(|o| o.peel_to_blob())
                .map_err(git("read a ledger record"))?;
            match serde_json::from_slice::<Record>(blob.content()) {
                Ok(record) => snapshot.records.push((record, commit.id())),
                Err(e) => snapshot.problems.push(
                    AnchorError::BadRecord {
                        path,
                        commit: short.clone(),
                        reason: e.to_string(),
                    }
                    .to_string(),
                ),
            }
        }
        Ok(())
    }
}

/// A package id as a path component of the ledger tree (ids are already of this form; anything
/// else is mapped rather than trusted).
fn safe_component(id: &str) -> String {
    let ok = !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        id.to_string()
    } else {
        format!("_{}", crate::evidence::sha256_hex(id.as_bytes()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::anchor::record::{Common, FailedAttemptRecord, RECORD_SCHEMA};

    pub(crate) fn attempt(package: &str, action: &str) -> Record {
        Record::FailedAttempt(FailedAttemptRecord {
            common: Common {
                schema: RECORD_SCHEMA.into(),
                package_id: package.into(),
                recorded_at: "2025-01-01T00:00:00.000Z".into(),
                recorded_by: "test".into(),
            },
            action: action.into(),
            claimed_key: "k.pem".into(),
            reason: "wrong passphrase".into(),
        })
    }

    #[test]
    fn appends_are_idempotent_and_leave_head_and_index_alone() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let ledger = Ledger::discover(dir.path()).unwrap();
        assert!(ledger.snapshot().unwrap().tip.is_none());
        let first = ledger.append(&attempt("p1", "a")).unwrap();
        assert!(matches!(first, Appended::New(_)));
        assert_eq!(
            ledger.append(&attempt("p1", "a")).unwrap(),
            Appended::AlreadyThere
        );
        ledger.append(&attempt("p2", "b")).unwrap();
        let snapshot = ledger.snapshot().unwrap();
        assert_eq!(snapshot.records.len(), 2);
        assert!(snapshot.problems.is_empty());
        // HEAD is still unborn and the index empty: nothing but the ledger ref moved.
        assert!(repo.head().is_err());
        assert_eq!(repo.index().unwrap().len(), 0);
    }

    #[test]
    fn concurrent_appenders_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        Repository::init(dir.path()).unwrap();
        let threads: Vec<_> = (0..6)
            .map(|t| {
                let path = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    let ledger = Ledger::discover(&path).unwrap();
                    for i in 0..5 {
                        ledger.append(&attempt("p", &format!("{t}-{i}"))).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let ledger = Ledger::discover(dir.path()).unwrap();
        let snapshot = ledger.snapshot().unwrap();
        assert_eq!(snapshot.records.len(), 30, "{:?}", snapshot.problems);
    }

    #[test]
    fn a_commit_that_deletes_a_record_is_reported_and_hides_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let ledger = Ledger::discover(dir.path()).unwrap();
        ledger.append(&attempt("p", "a")).unwrap();
        let tip = repo
            .find_reference(LEDGER_REF)
            .unwrap()
            .peel_to_commit()
            .unwrap();
        let empty = repo.treebuilder(None).unwrap().write().unwrap();
        let empty = repo.find_tree(empty).unwrap();
        let sig = git2::Signature::now("x", "x@x").unwrap();
        let rewritten = repo
            .commit(None, &sig, &sig, "drop", &empty, &[&tip])
            .unwrap();
        repo.reference(LEDGER_REF, rewritten, true, "drop").unwrap();
        let snapshot = ledger.snapshot().unwrap();
        assert_eq!(snapshot.records.len(), 1);
        assert_eq!(snapshot.problems.len(), 1);
        assert!(
            snapshot.problems[0].contains("deletes the record"),
            "{:?}",
            snapshot.problems
        );
    }
}
