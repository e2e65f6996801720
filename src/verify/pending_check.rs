//! What an interrupted command left: a staging folder of `qualify run` (never a package), and
//! `.pending/` of an interrupted sign, close or render (src/txn). Read only: verify never
//! changes a package; the next changing command recovers it.

use std::path::Path;

use super::contents::PackageContents;
use super::finding::{Check, Finding};
use crate::evidence::STAGING_PREFIX;
use crate::txn::{PENDING_DIR, PendingState, inspect};

/// An error when `dir` is the staging folder of a `qualify run` that never sealed it: however
/// complete its content looks, it was never moved into place, so it is not a package.
pub fn check_staging(dir: &Path) -> Option<Finding> {
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let rest = name.strip_prefix(STAGING_PREFIX)?;
    let pid = rest
        .rsplit_once('-')
        .map(|(_, pid)| pid)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    Some(Finding::error(
        Check::Package,
        dir.display().to_string(),
        format!(
            "this is the staging folder of a `qualify run`{} that never sealed it (killed or \
             failed before the final rename): it is not an evidence package and cannot be signed; \
             keep it for diagnosis or delete it, and run the campaign again",
            pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
        ),
    ))
}

/// Findings about a leftover `.pending/`: a warning when the package is whole (the interrupted
/// operation never reached its commit point, or it completed), an error when the trail records an
/// operation whose files are not all in place.
pub fn check_pending(contents: &PackageContents) -> Vec<Finding> {
    let lines: Vec<String> = contents
        .trail
        .iter()
        .flat_map(|t| t.lines.iter().map(|l| l.sha256.clone()))
        .collect();
    let Some(pending) = inspect(&contents.dir, &lines) else {
        return Vec::new();
    };
    let subject = format!("{PENDING_DIR}/");
    let next = "the next `qualify sign`, `qualify deviation close` or `qualify render` of this \
                package";
    let mut findings: Vec<Finding> = pending
        .foreign
        .iter()
        .map(|name| {
            Finding::error(
                Check::Integrity,
                format!("{PENDING_DIR}/{name}"),
                "added: qualify never writes such a file into .pending/".to_string(),
            )
        })
        .collect();
    findings.push(match &pending.state {
        PendingState::Uncommitted => Finding::warning(
            Check::Package,
            subject,
            format!(
                "{} was interrupted before its commit point: the package is as it was before it; \
                 {next} removes the leftover and records that in the audit trail",
                pending.describe()
            ),
        ),
        PendingState::Complete => Finding::warning(
            Check::Package,
            subject,
            format!(
                "{} completed but did not remove its staging folder; {next} removes it",
                pending.describe()
            ),
        ),
        PendingState::CommittedIncomplete { missing } => Finding::error(
            Check::Package,
            subject,
            format!(
                "{} was interrupted after its commit point: the audit trail records it, but {} \
                 {} not in place yet, so the package is incomplete; {next} completes it",
                pending.describe(),
                missing.join(", "),
                if missing.len() == 1 { "is" } else { "are" }
            ),
        ),
    });
    findings
}
