//! The git link: the commit a package names must exist in the repository at hand.

use qualify_evidence::layout::GIT_FILE;
use std::path::Path;

use git2::{Oid, Repository};

use super::contents::PackageContents;
use super::finding::{Check, Finding};
use crate::git::GitInfo;

/// Checks `git.json` against the repository containing `repo_dir` (when given).
pub fn check_git(contents: &PackageContents, repo_dir: Option<&Path>) -> Vec<Finding> {
    let info = match &contents.git {
        Ok(info) => info,
        Err(reason) => return vec![Finding::error(Check::Git, GIT_FILE, reason.clone())],
    };
    let rev = match info {
        GitInfo::Revision(rev) => rev,
        GitInfo::NoRepository { reason } => {
            return vec![Finding::warning(
                Check::Git,
                GIT_FILE,
                format!("the package names no git revision, so it is not releasable: {reason}"),
            )];
        }
    };
    let mut findings = Vec::new();
    if rev.dirty {
        findings.push(Finding::warning(
            Check::Git,
            GIT_FILE,
            format!(
                "made from a working tree with uncommitted changes ({}), so it is not releasable",
                rev.dirty_paths.join(", ")
            ),
        ));
    }
    let Some(dir) = repo_dir else {
        findings.push(no_repo(&rev.commit, "no repository was given"));
        return findings;
    };
    let repo = match Repository::discover(dir) {
        Ok(repo) => repo,
        Err(e) => {
            findings.push(no_repo(
                &rev.commit,
                &format!(
                    "{} is not in a git repository ({})",
                    dir.display(),
                    e.message()
                ),
            ));
            return findings;
        }
    };
    let found = Oid::from_str(&rev.commit)
        .ok()
        .and_then(|oid| repo.find_commit(oid).ok());
    if found.is_none() {
        let location = repo
            .workdir()
            .unwrap_or_else(|| repo.path())
            .display()
            .to_string();
        findings.push(Finding::error(
            Check::Git,
            GIT_FILE,
            format!(
                "commit {} is not in the repository at {location}: the package was not made \
                 from this repository's history (or the commit was discarded)",
                rev.commit
            ),
        ));
    }
    findings
}

fn no_repo(commit: &str, why: &str) -> Finding {
    Finding::warning(
        Check::Git,
        GIT_FILE,
        format!("commit {commit} could not be checked: {why}"),
    )
}
