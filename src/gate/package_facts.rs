//! What the gate needs to know about a package before verifying it: its id, manifest digest,
//! revision, stage and scenario outcomes. Read with the same care as `verify` (regular files
//! only, no symlinks, bounded reads): the evidence store is not trusted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::evidence::{MANIFEST_FILE, Manifest, RunResults, sha256_hex};
use crate::git::GitInfo;
use crate::verify::{MAX_METADATA_BYTES, read_regular};
use qualify_evidence::layout::{GIT_FILE, RESULTS_FILE};

/// A package of the evidence store, as far as it can be read.
#[derive(Debug, Clone)]
pub struct PackageFacts {
    /// The package folder.
    pub dir: PathBuf,
    /// The package id of its manifest.
    pub id: String,
    /// SHA-256 of `manifest.json`.
    pub manifest_sha256: String,
    /// The commit of `git.json`.
    pub commit: Option<String>,
    /// The tree of `git.json`.
    pub tree: Option<String>,
    /// The stage it was run for (`None`: all stages).
    pub stage: Option<String>,
    /// Every scenario that ran, with its status, in the order of `results.json`.
    pub scenarios: Vec<(String, String)>,
    /// `results.json`'s `releasable`.
    pub releasable: Option<bool>,
}

impl PackageFacts {
    /// Reads the package at `dir`; `None` when it has no readable manifest (not a package).
    pub fn read(dir: &Path) -> Option<PackageFacts> {
        let manifest_bytes = read_regular(&dir.join(MANIFEST_FILE), MAX_METADATA_BYTES).ok()?;
        let manifest: Manifest = serde_json::from_slice(&manifest_bytes).ok()?;
        let git: Option<GitInfo> = sealed(dir, &manifest, GIT_FILE);
        let results: Option<RunResults> = sealed(dir, &manifest, RESULTS_FILE);
        // A trial is never evidence, even with a manifest someone added to it.
        if results.as_ref().is_some_and(|r| r.trial) {
            return None;
        }
        let revision = git.as_ref().and_then(GitInfo::revision);
        let scenarios = results
            .iter()
            .flat_map(|r| &r.features)
            .flat_map(|f| &f.scenarios)
            .map(|s| (s.id.clone(), s.status.as_str().to_string()))
            .collect();
        Some(PackageFacts {
            dir: dir.to_path_buf(),
            id: manifest.package_id.clone(),
            manifest_sha256: sha256_hex(&manifest_bytes),
            commit: revision.map(|r| r.commit.clone()),
            tree: revision.map(|r| r.tree.clone()),
            stage: results.as_ref().and_then(|r| r.selection.stage.clone()),
            scenarios,
            releasable: results.as_ref().map(|r| r.releasable),
        })
    }

    /// The folder as shown in findings.
    pub fn shown(&self) -> String {
        self.dir.display().to_string()
    }

    /// Ids of every scenario that ran.
    pub fn scenario_ids(&self) -> BTreeSet<String> {
        self.scenarios.iter().map(|(id, _)| id.clone()).collect()
    }

    /// Ids of the scenarios that ran and did not pass.
    pub fn not_passed(&self) -> BTreeSet<String> {
        self.scenarios
            .iter()
            .filter(|(_, status)| status != "passed")
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// A sealed record of the package, read no further than the size the manifest gives it; `None`
/// when it is not listed, not readable or not of its type (the gate's verify says why).
fn sealed<T: DeserializeOwned>(dir: &Path, manifest: &Manifest, name: &str) -> Option<T> {
    let entry = manifest.files.iter().find(|f| f.path == name)?;
    let bytes = read_regular(&dir.join(name), entry.size).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Every package folder under `evidence_dir` (hidden folders, such as staging folders, left out;
/// symlinks are not followed), newest first by name.
pub fn store_packages(evidence_dir: &Path) -> Vec<PackageFacts> {
    crate::evidence::package_dirs_newest_first(evidence_dir)
        .iter()
        .filter_map(|d| PackageFacts::read(d))
        .collect()
}
