//! [`GitInfo`]: what `git.json` holds, the revision a campaign ran on or the reason there is
//! none.

use serde::{Deserialize, Serialize};

/// The git state of the project when a campaign ran, as written to `git.json`.
///
/// Serialized with a `state` tag: `{"state": "revision", "commit": ..., ...}` or
/// `{"state": "no_repository", "reason": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum GitInfo {
    /// The project is in a git repository with at least one commit.
    Revision(GitRevision),
    /// No revision can be named: not a repository, a repository git refuses to read (owned by
    /// another user), a repository without commits, or an unreadable one. `reason` says which,
    /// and what to do about it.
    NoRepository {
        /// Human-readable explanation, naming the path and the remedy.
        reason: String,
    },
}

impl GitInfo {
    /// The revision, when there is one.
    pub fn revision(&self) -> Option<&GitRevision> {
        match self {
            GitInfo::Revision(rev) => Some(rev),
            GitInfo::NoRepository { .. } => None,
        }
    }

    /// The abbreviated commit id, used in package ids.
    pub fn short_commit(&self) -> Option<&str> {
        self.revision().map(|rev| rev.short_commit.as_str())
    }

    /// Whether the evidence can be tied to a clean, committed revision. A package made from a
    /// dirty tree, or without a revision, is not releasable.
    pub fn is_clean_revision(&self) -> bool {
        self.revision().is_some_and(|rev| !rev.dirty)
    }

    /// Why a package made at this revision may not be released; empty when it may.
    pub fn release_blockers(&self) -> Vec<String> {
        match self {
            GitInfo::NoRepository { reason } => {
                vec![format!("no git revision: {reason}")]
            }
            GitInfo::Revision(rev) if rev.dirty => {
                let mut paths: Vec<&str> = rev
                    .dirty_paths
                    .iter()
                    .take(10)
                    .map(String::as_str)
                    .collect();
                if rev.dirty_paths.len() > 10 {
                    paths.push("…");
                }
                vec![format!(
                    "the working tree has uncommitted changes ({}); commit them and run again",
                    paths.join(", ")
                )]
            }
            GitInfo::Revision(_) => Vec::new(),
        }
    }
}

/// The commit checked out when a campaign ran, and the state of the working tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitRevision {
    /// Full commit id (40 hex digits).
    pub commit: String,
    /// Id of the commit's tree: identical content gives the same tree id whatever the history.
    pub tree: String,
    /// Abbreviated commit id as `git rev-parse --short` prints it (at least 7 hex digits, longer
    /// when needed to be unambiguous).
    pub short_commit: String,
    /// Checked-out branch name (`main`), `None` when HEAD is detached.
    pub branch: Option<String>,
    /// True when HEAD points at a commit rather than a branch (typical in CI checkouts).
    pub detached: bool,
    /// Tags pointing at HEAD (lightweight and annotated), sorted.
    pub tags: Vec<String>,
    /// True when the working tree differs from HEAD (see `dirty_paths`).
    pub dirty: bool,
    /// Modified, staged, deleted and untracked paths relative to the working tree root, sorted,
    /// `/` separators. Ignored files and the evidence folder are not listed.
    pub dirty_paths: Vec<String>,
    /// True for a shallow clone: history before the clone depth is missing, so impact analysis
    /// against an older baseline may be impossible.
    pub shallow: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_state_tag() {
        let none = GitInfo::NoRepository {
            reason: "not a git repository".into(),
        };
        let json = serde_json::to_value(&none).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"state": "no_repository", "reason": "not a git repository"})
        );
        assert_eq!(none.short_commit(), None);
        assert!(!none.is_clean_revision());

        let rev = GitInfo::Revision(GitRevision {
            commit: "a".repeat(40),
            tree: "b".repeat(40),
            short_commit: "aaaaaaa".into(),
            branch: Some("main".into()),
            detached: false,
            tags: vec!["v1.0".into()],
            dirty: false,
            dirty_paths: vec![],
            shallow: false,
        });
        let json = serde_json::to_value(&rev).unwrap();
        assert_eq!(json["state"], "revision");
        assert_eq!(json["branch"], "main");
        let back: GitInfo = serde_json::from_value(json).unwrap();
        assert_eq!(back, rev);
        assert_eq!(rev.short_commit(), Some("aaaaaaa"));
        assert!(rev.is_clean_revision());
    }
}
