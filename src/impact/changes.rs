//! The change set between a baseline revision and the working tree, read with libgit2.

use std::path::Path;

use git2::{Delta, DiffFindOptions, DiffOptions, ErrorCode, Repository};
use serde::{Deserialize, Serialize};

use super::error::ImpactError;

/// How a path changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// New file.
    Added,
    /// Content or mode changed.
    Modified,
    /// Removed.
    Deleted,
    /// Moved (possibly with edits); `old_path` says from where.
    Renamed,
}

/// One changed path, relative to the project root (the folder of qualify.yaml).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Change {
    /// The path now (for deletions: the path that was deleted).
    pub path: String,
    /// How.
    pub kind: ChangeKind,
    /// For renames: the path before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
}

/// The revisions compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revisions {
    /// The baseline as given.
    pub baseline: String,
    /// Its commit id.
    pub baseline_commit: String,
    /// HEAD's commit id.
    pub head_commit: String,
    /// True when the comparison includes uncommitted changes in the working tree.
    pub includes_working_tree: bool,
}

/// Diffs `baseline`..HEAD plus staged, unstaged and untracked changes, with rename detection.
/// Paths under any of `exclude` (the evidence folder, the assessments folder) are left out. Paths are made relative to
/// `project_dir`; changes outside it keep a `../` path.
pub fn changes_since(
    project_dir: &Path,
    baseline: &str,
    exclude: &[&Path],
) -> Result<(Revisions, Vec<Change>), ImpactError> {
    let repo = Repository::discover(project_dir)
        .map_err(|e| ImpactError::Repository(crate::git::open_failure_reason(project_dir, &e)))?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| {
            ImpactError::Repository("the repository is bare: no working tree to assess".into())
        })?
        .to_path_buf();
    let base_commit = match repo
        .revparse_single(baseline)
        .and_then(|o| o.peel_to_commit())
    {
        Ok(c) => c,
        Err(e) if repo.is_shallow() && e.code() == ErrorCode::NotFound => {
            return Err(ImpactError::Shallow {
                rev: baseline.into(),
            });
        }
        Err(_) => {
            let shallow = if repo.is_shallow() {
                " (and this clone is shallow)"
            } else {
                ""
            };
            return Err(ImpactError::BaselineNotFound {
                rev: baseline.into(),
                shallow: shallow.into(),
            });
        }
    };
    let head_commit = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| ImpactError::Git(format!("cannot read HEAD: {e}")))?;
    if repo.is_shallow() && !reachable(&repo, head_commit.id(), base_commit.id()) {
        return Err(ImpactError::Shallow {
            rev: baseline.into(),
        });
    }
    let base_tree = base_commit
        .tree()
        .map_err(|e| ImpactError::Git(e.to_string()))?;
    let (mut diff, includes_working_tree) = diff_to_working_tree(&repo, &base_tree, &head_commit)
        .map_err(|e| {
        ImpactError::Git(format!(
            "cannot diff {baseline} against the working tree: {e}"
        ))
    })?;
    let mut find = DiffFindOptions::new();
    find.renames(true).for_untracked(true);
    diff.find_similar(Some(&mut find))
        .map_err(|e| ImpactError::Git(e.to_string()))?;

    let prefix = project_prefix(&workdir, project_dir);
    let excluded: Vec<String> = exclude
        .iter()
        .filter_map(|e| relative_to(&workdir, e))
        .collect();
    let mut out = Vec::new();
    for delta in diff.deltas() {
        let new = delta.new_file().path().map(path_string);
        let old = delta.old_file().path().map(path_string);
        let kind = match delta.status() {
            Delta::Added | Delta::Untracked | Delta::Copied => ChangeKind::Added,
            Delta::Deleted => ChangeKind::Deleted,
            Delta::Renamed => ChangeKind::Renamed,
            Delta::Modified | Delta::Typechange => ChangeKind::Modified,
            _ => continue,
        };
        let path = match kind {
            ChangeKind::Deleted => old.clone(),
            _ => new.clone(),
        };
        let Some(path) = path else { continue };
        if excluded
            .iter()
            .any(|ex| path == *ex || path.starts_with(&format!("{ex}/")))
        {
            continue;
        }
        let old_path = (kind == ChangeKind::Renamed).then(|| old.unwrap_or_default());
        out.push(Change {
            path: to_project(&prefix, &path),
            kind,
            old_path: old_path.map(|p| to_project(&prefix, &p)),
        });
    }
    out.sort();
    out.dedup();
    Ok((
        Revisions {
            baseline: baseline.into(),
            baseline_commit: base_commit.id().to_string(),
            head_commit: head_commit.id().to_string(),
            includes_working_tree,
        },
        out,
    ))
}

/// The diff from `base` to the working tree through the index, and whether the index or the
/// working tree differ from HEAD. Made as libgit2's `diff_tree_to_workdir_with_index` makes it
/// (tree to index, index to working tree, merged like git does), but keeping the index-to-working
/// tree half to answer the second question: asking `statuses` scanned the whole working tree a
/// second time, a fixed ~130 ms on a 20,000-file tree (issue 12).
fn diff_to_working_tree<'r>(
    repo: &'r Repository,
    base: &git2::Tree<'_>,
    head: &git2::Commit<'_>,
) -> Result<(git2::Diff<'r>, bool), git2::Error> {
    let options = || {
        let mut opts = DiffOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_typechange(true);
        opts
    };
    let index = repo.index()?;
    let mut diff = repo.diff_tree_to_index(Some(base), Some(&index), Some(&mut options()))?;
    let unstaged = repo.diff_index_to_workdir(Some(&index), Some(&mut options()))?;
    let staged_since_head =
        repo.diff_tree_to_index(Some(&head.tree()?), Some(&index), Some(&mut options()))?;
    let includes_working_tree = unstaged.deltas().len() > 0 || staged_since_head.deltas().len() > 0;
    diff.merge(&unstaged)?;
    Ok((diff, includes_working_tree))
}

/// Whether `ancestor` can be reached from `head` through the history present in the clone.
fn reachable(repo: &Repository, head: git2::Oid, ancestor: git2::Oid) -> bool {
    head == ancestor || repo.graph_descendant_of(head, ancestor).unwrap_or(false)
}

fn path_string(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The project folder relative to the working tree (`""` when they are the same).
fn project_prefix(workdir: &Path, project_dir: &Path) -> String {
    relative_to(workdir, project_dir).unwrap_or_default()
}

fn relative_to(workdir: &Path, path: &Path) -> Option<String> {
    let w = workdir.canonicalize().ok()?;
    let p = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    p.strip_prefix(&w).ok().map(path_string)
}

/// A working-tree path as seen from the project folder.
fn to_project(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return path.to_string();
    }
    match path.strip_prefix(&format!("{prefix}/")) {
        Some(rest) => rest.to_string(),
        None => {
            let depth = prefix.split('/').count();
            format!("{}{path}", "../".repeat(depth))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_project;

    #[test]
    fn paths_relative_to_a_project_in_a_subfolder() {
        assert_eq!(to_project("", "a/b.rs"), "a/b.rs");
        assert_eq!(
            to_project("qa", "qa/features/x.feature"),
            "features/x.feature"
        );
        assert_eq!(to_project("qa/sub", "src/x.rs"), "../../src/x.rs");
    }
}
