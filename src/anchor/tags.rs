//! Approval tags (`qualify/approved/<stage>/<package id>`, made by `qualify sign` at the last
//! meaning) must agree with the package: their message names its manifest digest and they point
//! at its commit. A tag naming another digest means the approved content was replaced.

use git2::Repository;

use crate::impact::APPROVED_PREFIX;
use crate::verify::{Check, Finding, PackageContents};

/// Findings for every approval tag of the package that disagrees with it.
pub fn check_approval_tags(repo: &Repository, contents: &PackageContents) -> Vec<Finding> {
    let id = &contents.manifest.package_id;
    let Ok(names) = repo.tag_names(Some(&format!("{APPROVED_PREFIX}/*/{id}"))) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for name in names.iter().flatten().flatten() {
        let Ok(reference) = repo.find_reference(&format!("refs/tags/{name}")) else {
            continue;
        };
        let message = reference
            .peel_to_tag()
            .ok()
            .and_then(|t| t.message().ok().flatten().map(str::to_string))
            .unwrap_or_default();
        let named = message
            .lines()
            .find_map(|l| l.strip_prefix("manifest sha256 "))
            .map(str::trim);
        match named {
            Some(digest) if digest == contents.manifest_sha256 => {}
            Some(digest) => findings.push(Finding::error(
                Check::Anchor,
                format!("tag {name}"),
                format!(
                    "the approval tag names manifest SHA-256 {digest}, but the package's \
                     manifest.json has {}: the approved content was replaced",
                    contents.manifest_sha256
                ),
            )),
            None => findings.push(Finding::error(
                Check::Anchor,
                format!("tag {name}"),
                "the approval tag names no manifest digest (not made by qualify sign)",
            )),
        }
        let target = reference.peel_to_commit().ok().map(|c| c.id().to_string());
        if let Some(commit) = contents.git_commit()
            && target.as_deref() != Some(commit)
        {
            findings.push(Finding::error(
                Check::Anchor,
                format!("tag {name}"),
                format!(
                    "the approval tag points at {}, but the package was made from {commit}",
                    target.as_deref().unwrap_or("nothing")
                ),
            ));
        }
    }
    findings
}
