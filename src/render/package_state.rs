//! [`PackageState`]: the files of a package a report is made from, read once.
//!
//! Two kinds of rendition exist (see `docs/reports.md`): the one sealed inside the package, made
//! before the manifest exists and so bound to the *content digest*; and later ones, bound to the
//! manifest digest and showing the signatures, closures and audit entries added after sealing.
//! A sealed rendition reads only files that the manifest lists (or will list), so re-rendering it
//! after signing gives the same bytes.

use std::fs;
use std::path::{Path, PathBuf};

use qualify_evidence::{AuditEntry, DeviationRegister, Envelope, Statement};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::RenderError;
use super::project_record::{PROJECT_FILE, ProjectRecord};
use crate::evidence::{
    Environment, MANIFEST_FILE, Manifest, ManifestEntry, RunResults, sha256_hex,
};
use crate::git::GitInfo;

pub use qualify_evidence::layout::{
    CLOSURES_DIR, DEVIATIONS_FILE, ENVIRONMENT_FILE, GIT_FILE, IMPACT_FILE, REPORT_FILES,
    RESULTS_FILE, SIGNATURES_DIR, TRAIL_FILE,
};

/// Which rendition is being made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenditionKind {
    /// The rendition sealed inside the package: content digest, no post-sealing files.
    Sealed,
    /// A rendition of the package as it is now: manifest digest, signatures, audit trail.
    Current,
}

/// Everything a report is made from.
#[derive(Debug, Clone)]
pub struct PackageState {
    /// Which rendition.
    pub kind: RenditionKind,
    /// `results.json`.
    pub results: RunResults,
    /// `environment.json`, when readable.
    pub environment: Option<Environment>,
    /// `git.json`, when readable.
    pub git: Option<GitInfo>,
    /// `project.json`, when present (packages before it existed have none).
    pub project: Option<ProjectRecord>,
    /// Content files (not the manifest, not the report files) with their digests, by path.
    pub content: Vec<ManifestEntry>,
    /// SHA-256 over the content listing (see [`content_digest`]).
    pub content_digest: String,
    /// The manifest and its digest, for [`RenditionKind::Current`].
    pub manifest: Option<(Manifest, String)>,
    /// Signature statements (`path`, statement; `None` when it cannot be decoded), sorted by
    /// path.
    pub signatures: Vec<(String, Option<Statement>)>,
    /// The deviation register.
    pub deviations: Option<DeviationRegister>,
    /// Closure statements, as `signatures`.
    pub closures: Vec<(String, Option<Statement>)>,
    /// Audit trail entries, in order; a line that is not an entry is kept as its text.
    pub audit: Option<Vec<Result<AuditEntry, String>>>,
    /// Envelopes (signatures, closures) that are invalid on their own, with the reason: a closure
    /// among them closes nothing (see `verify::envelope_validity`).
    pub invalid: std::collections::BTreeMap<String, String>,
    /// `impact.json`.
    pub impact: Option<Value>,
    /// For each request or reply the report cuts short, the transcript line that holds it
    /// whole (see [`super::step_record::transcript_lines`]).
    pub transcript_lines: super::step_record::TranscriptLines,
}

/// SHA-256 of the lines `<sha256>  <size>  <path>\n` of every content file, sorted by path,
/// leaving out the report files. Computable from the files before sealing and from the manifest
/// after, so a sealed rendition can state it.
pub fn content_digest(entries: &[ManifestEntry]) -> String {
    let mut listing = String::new();
    for e in entries {
        listing.push_str(&format!("{}  {}  {}\n", e.sha256, e.size, e.path));
    }
    sha256_hex(listing.as_bytes())
}

impl PackageState {
    /// Reads the package at `dir` for a rendition of `kind`. For [`RenditionKind::Sealed`] on a
    /// package that is not sealed yet, the content is listed from the files on disk.
    pub fn read(dir: &Path, kind: RenditionKind) -> Result<PackageState, RenderError> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let manifest = if manifest_path.is_file() {
            let m = Manifest::load(&manifest_path).map_err(|e| RenderError::Invalid {
                path: manifest_path.clone(),
                message: super::error::chain(&e),
            })?;
            let bytes = fs::read(&manifest_path).map_err(|source| RenderError::Read {
                path: manifest_path.clone(),
                source,
            })?;
            Some((m, sha256_hex(&bytes)))
        } else {
            None
        };
        let mut content: Vec<ManifestEntry> = match &manifest {
            Some((m, _)) => m.files.clone(),
            None => list_files(dir)?,
        };
        content.retain(|e| !REPORT_FILES.contains(&e.path.as_str()));
        let listed = |p: &str| content.iter().any(|e| e.path == p);
        let sealed_only = kind == RenditionKind::Sealed;
        let wanted = |p: &str| !sealed_only || listed(p);

        let results: RunResults = read_json(dir, RESULTS_FILE)?;
        let environment = read_json(dir, ENVIRONMENT_FILE).ok();
        let git = read_json(dir, GIT_FILE).ok();
        let project = read_json(dir, PROJECT_FILE).ok();
        let deviations = if wanted(DEVIATIONS_FILE) {
            read_json(dir, DEVIATIONS_FILE).ok()
        } else {
            None
        };
        let impact = if wanted(IMPACT_FILE) {
            read_json(dir, IMPACT_FILE).ok()
        } else {
            None
        };
        let (signatures, closures, audit) = if sealed_only {
            (Vec::new(), Vec::new(), None)
        } else {
            let audit = fs::read_to_string(dir.join(TRAIL_FILE)).ok().map(|t| {
                t.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| serde_json::from_str(l).map_err(|_| l.to_string()))
                    .collect()
            });
            (
                envelopes(dir, SIGNATURES_DIR),
                envelopes(dir, CLOSURES_DIR),
                audit,
            )
        };
        let transcript_lines = super::step_record::transcript_lines(dir, &results);
        Ok(PackageState {
            transcript_lines,
            kind,
            content_digest: content_digest(&content),
            results,
            environment,
            git,
            project,
            content,
            manifest: if sealed_only { None } else { manifest },
            signatures,
            deviations,
            closures,
            audit,
            impact,
            invalid: if sealed_only {
                Default::default()
            } else {
                crate::verify::envelope_validity(dir)
            },
        })
    }

    /// SHA-256 of a content file, when listed.
    pub fn digest_of(&self, path: &str) -> Option<&str> {
        self.content
            .iter()
            .find(|e| e.path == path)
            .map(|e| e.sha256.as_str())
    }
}

fn read_json<T: DeserializeOwned>(dir: &Path, rel: &str) -> Result<T, RenderError> {
    let path = dir.join(rel);
    let bytes = fs::read(&path).map_err(|source| RenderError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| RenderError::Invalid {
        path,
        message: e.to_string(),
    })
}

/// Statements of the DSSE envelopes in `rel` (`*.json`), sorted by file name. An envelope that
/// cannot be decoded is shown as such rather than hidden.
fn envelopes(dir: &Path, rel: &str) -> Vec<(String, Option<Statement>)> {
    let Ok(read) = fs::read_dir(dir.join(rel)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = format!("{rel}/{name}");
            let statement = fs::read(dir.join(&path))
                .ok()
                .and_then(|b| serde_json::from_slice::<Envelope>(&b).ok())
                .and_then(|env| env.payload_bytes().ok())
                .and_then(|bytes| serde_json::from_slice::<Statement>(&bytes).ok());
            (path, statement)
        })
        .collect()
}

/// Every regular file below `dir`, relative, sorted, with digests; leaves out the manifest.
fn list_files(dir: &Path) -> Result<Vec<ManifestEntry>, RenderError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let read = fs::read_dir(&folder).map_err(|source| RenderError::Read {
            path: folder.clone(),
            source,
        })?;
        for entry in read {
            let entry = entry.map_err(|source| RenderError::Read {
                path: folder.clone(),
                source,
            })?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|source| RenderError::Read {
                path: path.clone(),
                source,
            })?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let rel = path
                    .strip_prefix(dir)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                if rel == MANIFEST_FILE {
                    continue;
                }
                let (sha256, size) =
                    crate::evidence::sha256_file(&path).map_err(|source| RenderError::Read {
                        path: path.clone(),
                        source,
                    })?;
                out.push(ManifestEntry {
                    path: rel,
                    sha256,
                    size,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    Ok(out)
}
