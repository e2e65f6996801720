//! Which packages are "for this revision": made at HEAD's commit, or at a commit with the same
//! tree, or at a commit whose tree differs from HEAD's only inside the supersession folder.
//!
//! The last case exists because a supersession record is committed after the packages it
//! disposes of were made: committing it must not make those packages (the failed one and its
//! replacement) belong to another revision, or every supersession would orphan its evidence.
//! Records are signed statements about evidence, not part of the validated system.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use super::package_facts::PackageFacts;

/// Decides whether a package belongs to HEAD's revision.
pub struct RevisionMatcher {
    repo: Option<Repository>,
    commit: String,
    tree: String,
    /// The supersession folder relative to the repository root, `/`-separated.
    records: Option<String>,
}

impl RevisionMatcher {
    /// For HEAD (`commit`, `tree`) of the repository containing `project_dir`.
    pub fn new(project_dir: &Path, commit: &str, tree: &str, records_dir: &Path) -> Self {
        let repo = Repository::discover(project_dir).ok();
        let records = repo
            .as_ref()
            .and_then(|r| r.workdir().map(Path::to_path_buf))
            .and_then(|root| relative(&root, records_dir));
        RevisionMatcher {
            repo,
            commit: commit.to_string(),
            tree: tree.to_string(),
            records,
        }
    }

    /// Whether `p` was made at this revision.
    pub fn matches(&self, p: &PackageFacts) -> bool {
        if p.commit.as_deref() == Some(self.commit.as_str())
            || p.tree.as_deref() == Some(self.tree.as_str())
        {
            return true;
        }
        p.commit
            .as_deref()
            .is_some_and(|c| self.differs_only_in_records(c))
    }

    fn differs_only_in_records(&self, commit: &str) -> bool {
        let (Some(repo), Some(records)) = (&self.repo, &self.records) else {
            return false;
        };
        let tree_of = |id: &str| -> Option<git2::Tree<'_>> {
            repo.find_commit(Oid::from_str(id).ok()?).ok()?.tree().ok()
        };
        let (Some(theirs), Some(ours)) = (tree_of(commit), tree_of(&self.commit)) else {
            return false;
        };
        let Ok(diff) = repo.diff_tree_to_tree(Some(&theirs), Some(&ours), None) else {
            return false;
        };
        let prefix = format!("{records}/");
        let inside = |f: git2::DiffFile<'_>| {
            f.path()
                .is_none_or(|p| p.to_string_lossy().replace('\\', "/").starts_with(&prefix))
        };
        diff.deltas().count() > 0
            && diff
                .deltas()
                .all(|d| inside(d.old_file()) && inside(d.new_file()))
    }
}

fn relative(root: &Path, dir: &Path) -> Option<String> {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canon(root);
    // The folder may not exist yet: canonicalise its nearest existing ancestor.
    let mut existing: PathBuf = dir.to_path_buf();
    let mut tail = Vec::new();
    while !existing.exists() {
        tail.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?.to_path_buf();
    }
    let mut full = canon(&existing);
    full.extend(tail.into_iter().rev());
    let rel = full.strip_prefix(&root).ok()?;
    let text = rel.to_string_lossy().replace('\\', "/");
    (!text.is_empty()).then_some(text)
}
