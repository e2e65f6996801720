//! Sealing the merged package: each shard's raw evidence (its attachments, and its manifest,
//! results and environment under `shards/<K>/`) copied in and checked against the shard's
//! manifest, then the merged results sealed by the same code as a run's (src/runner/seal.rs).

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use super::read::ShardPackage;
use super::results::merge_results;
use super::{MergeError, merged_attachment_path};
use crate::config::Config;
use crate::evidence::{PackageWriter, SealedPackage};
use crate::impact::ImpactAssessment;
use crate::runner::{RunRecord, seal_record};
use crate::verify::{MAX_METADATA_BYTES, open_regular, read_regular};
use qualify_evidence::layout::{
    ATTACHMENTS_DIR, ENVIRONMENT_FILE, IMPACT_FILE, MANIFEST_FILE, RESULTS_FILE,
};

/// Where each shard's own records are kept in the merged package: `shards/<K>/`.
pub const SHARDS_DIR: &str = "shards";

/// The merged package as sealed.
#[derive(Debug)]
pub struct Merged {
    /// The package.
    pub sealed: SealedPackage,
    /// Its results.
    pub results: crate::evidence::RunResults,
}

/// Seals one package of the whole campaign from the checked `shards` into `out`.
pub fn seal_merged(
    config: &Config,
    shards: &[ShardPackage],
    out: &Path,
) -> Result<Merged, MergeError> {
    let attachments = attachments_of(shards)?;
    let first = &shards[0];
    let stage = first.results.selection.stage.as_deref().unwrap_or("ALL");
    let write = |e: crate::errors::Error| MergeError::Write(Box::new(e));
    let package = PackageWriter::create(
        out,
        &format!("{stage}-merged"),
        first.git.short_commit(),
        crate::utc::now(),
    )
    .map_err(|e| write(crate::runner::CampaignError::Create(e).into()))?;
    if let Err(refused) = copy_evidence(&package, shards, &attachments) {
        // Nothing of this package is evidence yet: leave no staging folder behind.
        let _ = package.discard();
        return Err(refused);
    }
    let results = merge_results(shards, package.id());
    let impact = impact_of(first)?;
    let record = RunRecord {
        results,
        environment: first.environment.clone(),
        gherkin: super::gherkin::merged_gherkin(shards)?,
    };
    let (sealed, _) =
        seal_record(config, impact.as_ref(), package, &first.git, &record).map_err(write)?;
    Ok(Merged {
        sealed,
        results: record.results,
    })
}

/// The shards' attachments and records, copied into the package being written.
fn copy_evidence(
    package: &PackageWriter,
    shards: &[ShardPackage],
    attachments: &Attachments<'_>,
) -> Result<(), MergeError> {
    for (target, (shard, path, sha256)) in attachments {
        copy_checked(package, shard, path, target, sha256)?;
    }
    shards
        .iter()
        .try_for_each(|shard| keep_records(package, shard))
}

/// Path in the merged package → the shard holding it, its path there, and the SHA-256 its
/// manifest seals.
type Attachments<'a> = BTreeMap<String, (&'a ShardPackage, String, String)>;

/// Every sealed attachment of every shard, by its path in the merged package
/// ([`merged_attachment_path`]), with its shard, its path in the shard and its digest. Two
/// shards never hold the same scenario folder unless they ran the same scenario (refused
/// before) or a package was put together by hand: refused here too.
fn attachments_of(shards: &[ShardPackage]) -> Result<Attachments<'_>, MergeError> {
    let mut all = Attachments::new();
    for shard in shards {
        for entry in &shard.manifest.files {
            let Some(target) = merged_attachment_path(shard.index(), &entry.path) else {
                continue;
            };
            if let Some((earlier, _, _)) = all.get(&target) {
                return Err(MergeError::AttachmentCollision {
                    path: target,
                    a: earlier.index(),
                    b: shard.index(),
                });
            }
            all.insert(target, (shard, entry.path.clone(), entry.sha256.clone()));
        }
    }
    Ok(all)
}

/// Copies one attachment, refusing it when its bytes are no longer those the shard's manifest
/// sealed (changed since the shard was verified). Written as a run writes attachments, without
/// a flush per file: the seal makes the whole package durable at once (docs/performance.md).
fn copy_checked(
    package: &PackageWriter,
    shard: &ShardPackage,
    path: &str,
    target: &str,
    sha256: &str,
) -> Result<(), MergeError> {
    let unreadable = |what: String| MergeError::Unreadable {
        shard: shard.dir.clone(),
        what,
    };
    let source = crate::evidence::join_package_path(&shard.dir, path)
        .map_err(|e| unreadable(format!("{path}: {e}")))?;
    let under_attachments = crate::evidence::join_package_path(package.root(), target)
        .ok()
        .and(target.strip_prefix(&format!("{ATTACHMENTS_DIR}/")))
        .ok_or_else(|| unreadable(format!("{path}: not a path the merged package can hold")))?;
    let written = |e: io::Error| {
        MergeError::Write(Box::new(crate::errors::Error::Internal(format!(
            "{target}: {e}"
        ))))
    };
    let mut file = open_regular(&source).map_err(|e| unreadable(format!("{path}: {e}")))?;
    let mut out = package
        .attachments()
        .create(under_attachments, "application/octet-stream", path)
        .map_err(written)?;
    io::copy(&mut file, &mut out).map_err(written)?;
    let copied = out.finish().map_err(written)?;
    if copied.sha256 != sha256 {
        return Err(unreadable(format!(
            "{path} changed since the shard was verified (SHA-256 {} instead of {sha256})",
            copied.sha256
        )));
    }
    Ok(())
}

/// The shard's manifest, results and environment, byte for byte, under `shards/<K>/`: what
/// `verify` checks the merged package's provenance against.
fn keep_records(package: &PackageWriter, shard: &ShardPackage) -> Result<(), MergeError> {
    let records = [
        (MANIFEST_FILE, &shard.manifest_bytes),
        (RESULTS_FILE, &shard.results_bytes),
        (ENVIRONMENT_FILE, &shard.environment_bytes),
    ];
    for (name, bytes) in records {
        package
            .write_with(&format!("{SHARDS_DIR}/{}/{name}", shard.index()), |w| {
                w.write_all(bytes)
            })
            .map_err(|e| {
                MergeError::Write(Box::new(crate::runner::CampaignError::Write(e).into()))
            })?;
    }
    Ok(())
}

/// The impact assessment of an impact-based campaign, as shard 1 sealed it (every shard was
/// selected from the same baseline at the same commit).
fn impact_of(shard: &ShardPackage) -> Result<Option<ImpactAssessment>, MergeError> {
    let Some(entry) = shard.manifest.files.iter().find(|f| f.path == IMPACT_FILE) else {
        return Ok(None);
    };
    let unreadable = |what: String| MergeError::Unreadable {
        shard: shard.dir.clone(),
        what,
    };
    let bytes = read_regular(
        &shard.dir.join(IMPACT_FILE),
        entry.size.min(MAX_METADATA_BYTES),
    )
    .map_err(|e| unreadable(format!("{IMPACT_FILE}: {e}")))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| unreadable(format!("{IMPACT_FILE}: {e}")))
}
