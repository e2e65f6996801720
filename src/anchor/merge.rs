//! Joining two ledgers that diverged (two clones appended, the second push was refused): the
//! union of both trees in a merge commit, or a fast-forward when one holds the other. Reading
//! counts each record once, so a merge re-adding the other side's records changes nothing.

use std::path::Path;

use git2::{Commit, ErrorCode, ObjectType, Oid};

use super::error::AnchorError;
use super::ledger::{Appended, LEDGER_REF, Ledger, MAX_ATTEMPTS};

impl Ledger {
    /// Merges another ledger (a fetched one, e.g. `refs/qualify/incoming`) into this one: the
    /// union of both trees, in a commit whose parents are both tips; a fast-forward when one
    /// contains the other. Compare-and-swap and retry, as for appends.
    pub fn merge(&self, other_ref: &str) -> Result<Appended, AnchorError> {
        let git = |what: &str| AnchorError::git(self.repo(), what.to_string());
        let other = self
            .repo()
            .revparse_single(other_ref)
            .and_then(|o| o.peel_to_commit())
            .map_err(git(&format!("read {other_ref}")))?;
        let message = format!("qualify ledger: merge {other_ref}\n");
        for attempt in 1..=MAX_ATTEMPTS {
            let tip = self.tip_commit()?;
            let contains = |a: Oid, b: Oid| {
                self.repo()
                    .graph_descendant_of(a, b)
                    .map_err(git("compare ledgers"))
            };
            let (target, expected) = match &tip {
                None => (other.id(), None),
                Some(t) if t.id() == other.id() || contains(t.id(), other.id())? => {
                    return Ok(Appended::AlreadyThere);
                }
                Some(t) if contains(other.id(), t.id())? => (other.id(), Some(t.id())),
                Some(t) => (self.union_commit(t, &other, &message)?, Some(t.id())),
            };
            let updated = self.swap(target, expected, &message);
            match updated {
                Ok(_) => return Ok(Appended::New(target)),
                Err(e)
                    if matches!(
                        e.code(),
                        ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked
                    ) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(u64::from(attempt) * 3));
                }
                Err(e) => return Err(git(&format!("update {LEDGER_REF}"))(e)),
            }
        }
        Err(AnchorError::Contended {
            reference: LEDGER_REF.into(),
            attempts: MAX_ATTEMPTS,
        })
    }

    /// A merge commit of `ours` and `theirs` whose tree holds every record of both.
    fn union_commit(
        &self,
        ours: &Commit,
        theirs: &Commit,
        message: &str,
    ) -> Result<Oid, AnchorError> {
        let git = |what: &str| AnchorError::git(self.repo(), what.to_string());
        let mut tree = ours.tree().map_err(git("read the ledger tree"))?;
        let their_tree = theirs.tree().map_err(git("read the other ledger"))?;
        let mut files = Vec::new();
        their_tree
            .walk(git2::TreeWalkMode::PreOrder, |root, entry| {
                if entry.kind() == Some(ObjectType::Blob) {
                    files.push((
                        format!("{root}{}", entry.name().unwrap_or_default()),
                        entry.id(),
                    ));
                }
                git2::TreeWalkResult::Ok
            })
            .map_err(git("read the other ledger"))?;
        for (path, blob) in files {
            if tree.get_path(Path::new(&path)).is_ok() {
                continue;
            }
            let parts: Vec<&str> = path.split('/').collect();
            let new = self
                .insert(Some(&tree), &parts, blob)
                .map_err(git("build the merged tree"))?;
            tree = self
                .repo()
                .find_tree(new)
                .map_err(git("build the merged tree"))?;
        }
        let signature = self
            .repo()
            .signature()
            .or_else(|_| git2::Signature::now("qualify", "qualify@localhost"))
            .map_err(git("make a commit signature"))?;
        self.repo()
            .commit(
                None,
                &signature,
                &signature,
                message,
                &tree,
                &[ours, theirs],
            )
            .map_err(git("write the merge commit"))
    }
}

#[cfg(test)]
mod tests {
    use git2::Repository;

    use super::*;
    use crate::anchor::ledger::tests::attempt;
    use crate::anchor::record::Record;

    #[test]
    fn diverged_ledgers_merge_into_their_union() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let ledger = Ledger::discover(dir.path()).unwrap();
        ledger.append(&attempt("p", "common")).unwrap();
        let base = repo.refname_to_id(LEDGER_REF).unwrap();
        ledger.append(&attempt("p", "ours")).unwrap();
        let ours = repo.refname_to_id(LEDGER_REF).unwrap();
        // Another clone's ledger: the common record plus its own.
        repo.reference(LEDGER_REF, base, true, "rewind for the test")
            .unwrap();
        ledger.append(&attempt("p", "theirs")).unwrap();
        let theirs = repo.refname_to_id(LEDGER_REF).unwrap();
        repo.reference("refs/qualify/incoming", theirs, true, "fetched")
            .unwrap();
        repo.reference(LEDGER_REF, ours, true, "back to ours")
            .unwrap();
        assert!(matches!(
            ledger.merge("refs/qualify/incoming").unwrap(),
            Appended::New(_)
        ));
        let snapshot = ledger.snapshot().unwrap();
        let mut actions: Vec<String> = snapshot
            .records
            .iter()
            .map(|(r, _)| match r {
                Record::FailedAttempt(a) => a.action.clone(),
                _ => String::new(),
            })
            .collect();
        actions.sort();
        assert_eq!(actions, ["common", "ours", "theirs"]);
        assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
        assert_eq!(
            ledger.merge("refs/qualify/incoming").unwrap(),
            Appended::AlreadyThere
        );
    }
}
