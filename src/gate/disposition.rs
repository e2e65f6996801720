//! Applying supersession records to the packages of a revision: a record disposes of a package
//! only when it verifies, names the package's current manifest digest, and its replacement is in
//! the evidence store, unchanged, and ran the same scenarios or more.

use super::finding::{GateCode, GateFinding};
use super::package_facts::PackageFacts;
use super::report::{CandidateReport, SupersededBy};
use super::supersession::{self, Supersession, uncovered};
use crate::config::Config;
use crate::sign::Registry;

/// Marks the candidates that a valid record supersedes; explains records about a candidate that
/// do not count.
pub fn apply_supersessions(
    config: &Config,
    registry: Option<&Registry>,
    store: &[PackageFacts],
    candidates: &mut [CandidateReport],
) {
    let (valid, invalid) = supersession::load(config, registry);
    for c in candidates.iter_mut() {
        let invalid_finding = |path: &str, why: String| {
            GateFinding::new(
                GateCode::SupersessionInvalid,
                format!("supersession record {path} does not count: {why}"),
            )
            .package(&c.package)
            .path(path)
        };
        let mut problems = Vec::new();
        // Records are named <package id>-<digest>.dsse.json; one that cannot be read at all is
        // attributed by its name.
        for (file, why) in &invalid {
            let name = file.rsplit('/').next().unwrap_or(file);
            if name.starts_with(&format!("{}-", c.package_id)) {
                problems.push(invalid_finding(file, why.clone()));
            }
        }
        for record in valid
            .iter()
            .filter(|r| r.predicate.superseded.id == c.package_id)
        {
            match check_record(record, c, store) {
                Ok(by) if c.superseded_by.is_none() => c.superseded_by = Some(by),
                Ok(_) => {}
                Err(why) => problems.push(invalid_finding(&record.file, why)),
            }
        }
        c.findings.extend(problems);
    }
}

fn check_record(
    record: &Supersession,
    c: &CandidateReport,
    store: &[PackageFacts],
) -> Result<SupersededBy, String> {
    let p = &record.predicate;
    if p.superseded.manifest_sha256 != c.manifest_sha256 {
        return Err(format!(
            "it names manifest SHA-256 {} of {}, but the package now has {}",
            p.superseded.manifest_sha256, c.package_id, c.manifest_sha256
        ));
    }
    let replacement = store
        .iter()
        .find(|s| s.id == p.replacement.id)
        .ok_or_else(|| {
            format!(
                "its replacement {} is not in the evidence store",
                p.replacement.id
            )
        })?;
    if replacement.manifest_sha256 != p.replacement.manifest_sha256 {
        return Err(format!(
            "its replacement {} was changed: the record names manifest SHA-256 {}, the package has {}",
            p.replacement.id, p.replacement.manifest_sha256, replacement.manifest_sha256
        ));
    }
    let old: Vec<String> = store
        .iter()
        .find(|s| s.id == c.package_id)
        .map(|s| s.scenario_ids().into_iter().collect())
        .unwrap_or_default();
    let new: Vec<String> = replacement.scenario_ids().into_iter().collect();
    let missing = uncovered(&old, &new);
    if !missing.is_empty() {
        return Err(format!(
            "its replacement {} does not cover {}",
            p.replacement.id,
            missing.join(", ")
        ));
    }
    Ok(SupersededBy {
        package_id: p.replacement.id.clone(),
        record: record.file.clone(),
        signer: format!("{} ({}, {})", p.signer_name, p.signer_id, p.role),
        reason: p.reason.clone(),
    })
}
