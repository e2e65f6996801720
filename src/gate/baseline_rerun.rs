//! Scenarios that did not pass in the approved baseline package are required again.
//!
//! An approved package may carry failed scenarios (their deviations closed with a disposition).
//! The impact assessment only looks at what changed since that baseline, so without this rule a
//! scenario that failed at the baseline and was never touched again would never be required: the
//! approval of a failure would silently become the reference.

use std::collections::BTreeSet;
use std::path::Path;

use git2::Repository;

use super::package_facts::PackageFacts;
use crate::impact::APPROVED_PREFIX;

/// The approved packages of the baseline commit found in the store, and what did not pass in them.
#[derive(Debug, Default)]
pub struct BaselineOutcome {
    /// Ids of approved packages tagged on the baseline commit (found in the store or not).
    pub approved_ids: Vec<String>,
    /// Folders of those found in the evidence store.
    pub found: Vec<String>,
    /// Scenarios that ran in a found package and did not pass.
    pub not_passed: BTreeSet<String>,
}

/// Looks up the approved packages tagged on `baseline_commit` and their non-passed scenarios.
pub fn baseline_outcome(
    project_dir: &Path,
    baseline_commit: &str,
    store: &[PackageFacts],
) -> BaselineOutcome {
    let mut out = BaselineOutcome::default();
    let Ok(repo) = Repository::discover(project_dir) else {
        return out;
    };
    let Ok(names) = repo.tag_names(Some(&format!("{APPROVED_PREFIX}/*"))) else {
        return out;
    };
    for name in names.iter().flatten().flatten() {
        let on_baseline = repo
            .find_reference(&format!("refs/tags/{name}"))
            .and_then(|r| r.peel_to_commit())
            .is_ok_and(|c| c.id().to_string() == baseline_commit);
        // qualify/approved/<stage>/<package id>
        let Some(id) = name.rsplit('/').next().filter(|_| on_baseline) else {
            continue;
        };
        out.approved_ids.push(id.to_string());
        for p in store.iter().filter(|p| p.id == id) {
            out.found.push(p.shown());
            out.not_passed.extend(p.not_passed());
        }
    }
    out
}
