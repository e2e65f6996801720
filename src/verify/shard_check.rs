//! A merged package's provenance (docs/sharding.md): for every shard its `merged_from` names,
//! the merged package keeps that shard's manifest (under `shards/<K>/`) with exactly the digest
//! recorded, and every attachment that manifest seals, unchanged (where the merge keeps it:
//! `crate::shard::merge::merged_attachment_path`); and a shard package found
//! beside the merged one (same evidence folder, named by its id) is the one that was merged.
//! The files themselves are checked against the merged manifest by the integrity check, so the
//! digests the manifest lists are the ones compared here.

use std::collections::BTreeMap;
use std::path::Path;

use super::contents::PackageContents;
use super::finding::{Check, Finding};
use super::safe_read::{MAX_METADATA_BYTES, read_regular};
use crate::evidence::{
    MANIFEST_FILE, Manifest, ManifestEntry, MergedShard, RunResults, sha256_hex,
};
use qualify_evidence::layout::RESULTS_FILE;

/// Findings about the shards of a merged package; none for a package of one run.
pub fn check_merged(contents: &PackageContents) -> Vec<Finding> {
    let sealed: BTreeMap<&str, &ManifestEntry> = contents
        .manifest
        .files
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    let Some(results) = read_sealed::<RunResults>(&contents.dir, &sealed, RESULTS_FILE) else {
        // Unreadable results are the integrity check's and the renderer's finding.
        return Vec::new();
    };
    let mut findings = Vec::new();
    for shard in &results.merged_from {
        findings.extend(check_kept(contents, &sealed, shard));
        findings.extend(check_beside(&contents.dir, shard));
    }
    findings
}

/// The shard's manifest as kept, its digest, and its attachments in the merged package.
fn check_kept(
    contents: &PackageContents,
    sealed: &BTreeMap<&str, &ManifestEntry>,
    shard: &MergedShard,
) -> Vec<Finding> {
    let kept = format!("shards/{}/{MANIFEST_FILE}", shard.index);
    let error = |subject: &str, message: String| Finding::error(Check::Shards, subject, message);
    let Some(entry) = sealed.get(kept.as_str()) else {
        return vec![error(
            &kept,
            format!(
                "merged_from names shard {} ({}), but the package does not keep its manifest",
                shard.index, shard.package_id
            ),
        )];
    };
    if entry.sha256 != shard.manifest_sha256 {
        return vec![error(
            &kept,
            format!(
                "has SHA-256 {}, but merged_from records {} for shard {} ({})",
                entry.sha256, shard.manifest_sha256, shard.index, shard.package_id
            ),
        )];
    }
    let Some(manifest) = read_sealed::<Manifest>(&contents.dir, sealed, &kept) else {
        return vec![error(&kept, "is not a readable manifest".into())];
    };
    manifest
        .files
        .iter()
        .filter_map(|f| {
            crate::shard::merge::merged_attachment_path(shard.index, &f.path).map(|at| (f, at))
        })
        .filter(|(f, at)| sealed.get(at.as_str()).is_none_or(|m| m.sha256 != f.sha256))
        .map(|(f, at)| {
            error(
                &at,
                format!(
                    "shard {} ({}) sealed this attachment as {} with SHA-256 {}; the merged \
                     package lacks it or holds other bytes",
                    shard.index, shard.package_id, f.path, f.sha256
                ),
            )
        })
        .collect()
}

/// A shard package beside the merged one must be the one merged; one that is not there is
/// only noted (shards usually stay with the CI runs that made them).
fn check_beside(dir: &Path, shard: &MergedShard) -> Option<Finding> {
    let beside = dir.parent()?.join(&shard.package_id);
    let bytes = read_regular(&beside.join(MANIFEST_FILE), MAX_METADATA_BYTES).ok()?;
    let digest = sha256_hex(&bytes);
    (digest != shard.manifest_sha256).then(|| {
        Finding::error(
            Check::Shards,
            beside.display().to_string(),
            format!(
                "shard {} beside the merged package has manifest SHA-256 {digest}, not the {} \
                 it was merged from: the shard package was changed or replaced",
                shard.index, shard.manifest_sha256
            ),
        )
    })
}

/// A sealed JSON file of the package, read no further than its manifest size.
fn read_sealed<T: serde::de::DeserializeOwned>(
    dir: &Path,
    sealed: &BTreeMap<&str, &ManifestEntry>,
    rel: &str,
) -> Option<T> {
    let entry = sealed.get(rel)?;
    let path = crate::evidence::join_package_path(dir, rel).ok()?;
    let bytes = read_regular(&path, entry.size).ok()?;
    serde_json::from_slice(&bytes).ok()
}
