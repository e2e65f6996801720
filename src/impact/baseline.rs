//! Approved baselines, recorded as git tags so that they survive a fresh clone.
//!
//! When a package receives the last signature of the workflow (the approval), qualify tags the
//! package's commit `qualify/approved/<stage>/<package id>` (an annotated tag whose message names
//! the manifest digest). `qualify impact` and `qualify gate` without `--baseline` compare with
//! the newest such tag of the stage (or of an all-stage package) that is an ancestor of HEAD.
//! Push the tags with `git push origin 'refs/tags/qualify/*'`; CI fetches them with the history.

use std::path::Path;

use git2::{ObjectType, Oid, Repository};

/// Tag namespace of approved packages.
pub const APPROVED_PREFIX: &str = "qualify/approved";

/// An approved baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedBaseline {
    /// The tag name.
    pub tag: String,
    /// The tagged commit.
    pub commit: String,
}

/// Tags `commit` as the approved baseline of `stage_label` for `package_id`. Returns the tag name.
pub fn tag_approved(
    project_dir: &Path,
    stage_label: &str,
    package_id: &str,
    commit: &str,
    message: &str,
) -> Result<String, String> {
    let repo = Repository::discover(project_dir)
        .map_err(|e| crate::git::open_failure_reason(project_dir, &e))?;
    let oid = Oid::from_str(commit).map_err(|e| format!("commit {commit}: {e}"))?;
    let object = repo
        .find_object(oid, Some(ObjectType::Commit))
        .map_err(|_| format!("the repository has no commit {commit}"))?;
    let name = format!("{APPROVED_PREFIX}/{stage_label}/{package_id}");
    let tagger = repo
        .signature()
        .or_else(|_| git2::Signature::now("qualify", "qualify@localhost"))
        .map_err(|e| e.to_string())?;
    repo.tag(&name, &object, &tagger, message, false)
        .map_err(|e| format!("cannot create tag {name}: {e}"))?;
    Ok(name)
}

/// The newest approved baseline for `stage` (`None`: any stage) that HEAD strictly descends from.
/// A tag on HEAD itself is not a baseline for HEAD: the change under assessment is the one since
/// the previous approval.
pub fn latest_approved(
    project_dir: &Path,
    stage: Option<&str>,
) -> Result<Option<ApprovedBaseline>, String> {
    newest_approved(project_dir, stage, false)
}

/// The newest approved baseline for `stage` on HEAD itself or one of its ancestors: what the
/// work in progress is compared with by `qualify impact`. Right after an approval, HEAD carries
/// the tag, and the change to assess is the one in the working tree since that approval.
pub fn latest_approved_at_or_before_head(
    project_dir: &Path,
    stage: Option<&str>,
) -> Result<Option<ApprovedBaseline>, String> {
    newest_approved(project_dir, stage, true)
}

fn newest_approved(
    project_dir: &Path,
    stage: Option<&str>,
    include_head: bool,
) -> Result<Option<ApprovedBaseline>, String> {
    let repo = Repository::discover(project_dir)
        .map_err(|e| crate::git::open_failure_reason(project_dir, &e))?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| format!("cannot read HEAD: {e}"))?;
    let names = repo
        .tag_names(Some(&format!("{APPROVED_PREFIX}/*")))
        .map_err(|e| e.to_string())?;
    let mut best: Option<(i64, ApprovedBaseline)> = None;
    for name in names.iter().filter_map(|n| n.ok().flatten()) {
        let mut parts = name
            .trim_start_matches(&format!("{APPROVED_PREFIX}/"))
            .splitn(2, '/');
        let tag_stage = parts.next().unwrap_or_default();
        if let Some(s) = stage
            && tag_stage != s
            && tag_stage != "ALL"
        {
            continue;
        }
        let Ok(commit) = repo
            .find_reference(&format!("refs/tags/{name}"))
            .and_then(|r| r.peel_to_commit())
        else {
            continue;
        };
        // libgit2 does not count a commit as its own descendant: a tag on HEAD is skipped.
        let descends = (include_head && commit.id() == head.id())
            || repo
                .graph_descendant_of(head.id(), commit.id())
                .unwrap_or(false);
        if !descends {
            continue;
        }
        let time = commit.time().seconds();
        if best
            .as_ref()
            .is_none_or(|(t, b)| time > *t || (time == *t && name > b.tag.as_str()))
        {
            best = Some((
                time,
                ApprovedBaseline {
                    tag: name.to_string(),
                    commit: commit.id().to_string(),
                },
            ));
        }
    }
    Ok(best.map(|(_, b)| b))
}
