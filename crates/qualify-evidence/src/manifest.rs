//! [`Manifest`]: `manifest.json`, the list of every sealed file of a package with its SHA-256
//! and size.
//!
//! The manifest is the package's table of contents and its identity: the SHA-256 of the
//! manifest's bytes names the package's exact content. Schema id [`MANIFEST_SCHEMA`]. Every file
//! of the package except `manifest.json` itself and what is written after sealing (audit trail,
//! signatures, closures, renditions; see [`crate::layout`]) is listed, sorted by path.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::layout::MANIFEST_FILE;
use crate::schema::MANIFEST_SCHEMA;

/// The content of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// The package id (also the package folder's name).
    pub package_id: String,
    /// UTC time the package was started (RFC 3339, `Z`, milliseconds; whole seconds in older packages); the
    /// same instant as in the id, with milliseconds.
    pub created_at: String,
    /// UTC time the package was sealed (RFC 3339, `Z`, milliseconds; whole seconds in older packages).
    pub sealed_at: String,
    /// Every file of the package except `manifest.json`, sorted by path.
    pub files: Vec<ManifestEntry>,
}

/// One file listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Path relative to the package root, `/` separators.
    pub path: String,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// Why a manifest could not be loaded.
#[derive(Debug, Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read the manifest {path}")]
    Read {
        /// The manifest file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The file is not a manifest.
    #[error("{path} is not a valid manifest")]
    Parse {
        /// The manifest file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A manifest of a format this version does not know.
    #[error("{path} has schema {found:?}; this version of qualify reads {MANIFEST_SCHEMA:?}")]
    UnsupportedSchema {
        /// The manifest file.
        path: PathBuf,
        /// The schema found.
        found: String,
    },
}

impl Manifest {
    /// Reads a manifest. `path` is the `manifest.json` file or the package folder holding it.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let file = if path.is_dir() {
            path.join(MANIFEST_FILE)
        } else {
            path.to_path_buf()
        };
        let bytes = fs::read(&file).map_err(|source| ManifestError::Read {
            path: file.clone(),
            source,
        })?;
        Manifest::parse(&file, &bytes)
    }

    /// Parses manifest bytes as [`Manifest::load`] does; `file` names the manifest in errors.
    /// The entry point the fuzz target `manifest` drives.
    pub fn parse(file: &Path, bytes: &[u8]) -> Result<Manifest, ManifestError> {
        let manifest: Manifest =
            serde_json::from_slice(bytes).map_err(|source| ManifestError::Parse {
                path: file.to_path_buf(),
                source,
            })?;
        if manifest.schema != MANIFEST_SCHEMA {
            return Err(ManifestError::UnsupportedSchema {
                path: file.to_path_buf(),
                found: manifest.schema,
            });
        }
        Ok(manifest)
    }
}
