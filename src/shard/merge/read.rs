//! A shard package as the merge reads it: its sealed records, read with the care of `verify`
//! (regular files only, no further than the size the manifest gives them).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::MergeError;
use crate::evidence::{
    Environment, MANIFEST_FILE, Manifest, RunResults, ShardSelection, sha256_hex,
};
use crate::git::GitInfo;
use crate::verify::{MAX_METADATA_BYTES, read_regular};
use qualify_evidence::layout::{ENVIRONMENT_FILE, GIT_FILE, RESULTS_FILE};

/// One shard package.
#[derive(Debug, Clone)]
pub struct ShardPackage {
    /// The folder, as given.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The bytes of `manifest.json`.
    pub manifest_bytes: Vec<u8>,
    /// SHA-256 of `manifest.json`.
    pub manifest_sha256: String,
    /// `results.json`.
    pub results: RunResults,
    /// The bytes of `results.json`.
    pub results_bytes: Vec<u8>,
    /// `environment.json`.
    pub environment: Environment,
    /// The bytes of `environment.json`.
    pub environment_bytes: Vec<u8>,
    /// `git.json`.
    pub git: GitInfo,
    /// `results.json`'s `selection.shard`.
    pub shard: ShardSelection,
}

impl ShardPackage {
    /// Reads the package at `dir`.
    pub fn read(dir: &Path) -> Result<ShardPackage, MergeError> {
        let unreadable = |what: String| MergeError::Unreadable {
            shard: dir.to_path_buf(),
            what,
        };
        let manifest_bytes = read_regular(&dir.join(MANIFEST_FILE), MAX_METADATA_BYTES)
            .map_err(|e| unreadable(format!("{MANIFEST_FILE}: {e}")))?;
        let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
            .map_err(|e| unreadable(format!("{MANIFEST_FILE}: {e}")))?;
        let (results, results_bytes): (RunResults, _) = sealed(dir, &manifest, RESULTS_FILE)?;
        let (environment, environment_bytes) = sealed(dir, &manifest, ENVIRONMENT_FILE)?;
        let (git, _): (GitInfo, _) = sealed(dir, &manifest, GIT_FILE)?;
        let shard = results
            .selection
            .shard
            .clone()
            .ok_or_else(|| MergeError::NotAShard {
                shard: dir.to_path_buf(),
            })?;
        Ok(ShardPackage {
            dir: dir.to_path_buf(),
            manifest_sha256: sha256_hex(&manifest_bytes),
            manifest,
            manifest_bytes,
            results,
            results_bytes,
            environment,
            environment_bytes,
            git,
            shard,
        })
    }

    /// `shard 2/4 (evidence/…)`, for messages.
    pub fn index(&self) -> usize {
        self.shard.index
    }
}

/// A sealed JSON record of the package and its bytes.
fn sealed<T: DeserializeOwned>(
    dir: &Path,
    manifest: &Manifest,
    name: &str,
) -> Result<(T, Vec<u8>), MergeError> {
    let unreadable = |what: String| MergeError::Unreadable {
        shard: dir.to_path_buf(),
        what,
    };
    let entry = manifest
        .files
        .iter()
        .find(|f| f.path == name)
        .ok_or_else(|| unreadable(format!("{name} is not sealed in its manifest")))?;
    let bytes = read_regular(&dir.join(name), entry.size)
        .map_err(|e| unreadable(format!("{name}: {e}")))?;
    let value = serde_json::from_slice(&bytes).map_err(|e| unreadable(format!("{name}: {e}")))?;
    Ok((value, bytes))
}
