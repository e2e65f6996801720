//! [`PackageContents`]: a package read for verification: the manifest and its digest, the
//! integrity problems, the sealed records (deviations, git, environment), the audit trail and the
//! signature envelopes that live outside the manifest.

use crate::evidence::VerifyManifest;
use qualify_evidence::layout::{ENVIRONMENT_FILE, GIT_FILE};
use std::path::{Path, PathBuf};

use super::finding::{Check, Finding};
use super::safe_read::{MAX_ENVELOPE_BYTES, MAX_METADATA_BYTES, read_regular};
use crate::audit::{AuditTrail, TRAIL_FILE};
use crate::deviation::{CLOSURES_DIR, DEVIATIONS_FILE, DeviationRegister};
use crate::evidence::{
    Environment, MANIFEST_FILE, MANIFEST_SCHEMA, Manifest, ManifestProblem, sha256_hex,
};
use crate::git::GitInfo;
use crate::sign::{Envelope, Statement};

pub use qualify_evidence::layout::SIGNATURES_DIR;

/// Which area an envelope was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeKind {
    /// `signatures/`: a workflow signature.
    Signature,
    /// `deviations/closures/`: a signed deviation disposition.
    Closure,
}

/// An envelope file of the package.
#[derive(Debug, Clone)]
pub struct StoredEnvelope {
    /// Package-relative path.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Its area.
    pub kind: EnvelopeKind,
    /// The envelope and its statement, or why they cannot be read.
    pub parsed: Result<(Envelope, Statement), String>,
}

/// A package as read from disk.
#[derive(Debug)]
pub struct PackageContents {
    /// The package folder.
    pub dir: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// SHA-256 of `manifest.json`.
    pub manifest_sha256: String,
    /// Differences between the manifest and the files (the unsealed areas left out).
    pub integrity: Vec<ManifestProblem>,
    /// The deviation register, or why it cannot be read.
    pub register: Result<DeviationRegister, String>,
    /// `git.json`, or why it cannot be read.
    pub git: Result<GitInfo, String>,
    /// `environment.json`, or why it cannot be read.
    pub environment: Result<Environment, String>,
    /// The audit trail, or why it cannot be read.
    pub trail: Result<AuditTrail, String>,
    /// Envelopes in `signatures/` and `deviations/closures/`, sorted by path.
    pub envelopes: Vec<StoredEnvelope>,
    /// RFC 3161 time-stamp tokens beside the envelopes (package-relative paths), checked with
    /// their envelope (tsa_check).
    pub tokens: Vec<String>,
    /// Everything found in `renditions/` (files, folders, links; or `renditions` itself when it
    /// is not a folder), checked by the renditions check.
    pub renditions: Vec<String>,
}

/// Where a file not listed in the manifest may legitimately live, and how it is checked.
fn unsealed_area(path: &str) -> Option<Option<EnvelopeKind>> {
    if path == TRAIL_FILE {
        Some(None)
    } else if path.starts_with(&format!("{SIGNATURES_DIR}/")) {
        Some(Some(EnvelopeKind::Signature))
    } else if path.starts_with(&format!("{CLOSURES_DIR}/")) {
        Some(Some(EnvelopeKind::Closure))
    } else {
        None
    }
}

impl PackageContents {
    /// Reads the package at `dir`. Fails only when the manifest itself cannot be read, since
    /// nothing can be verified without it.
    pub fn load(dir: &Path) -> Result<PackageContents, Finding> {
        let (manifest, manifest_sha256) = load_manifest(dir)?;
        let mut integrity = Vec::new();
        let mut envelopes = Vec::new();
        let mut tokens = Vec::new();
        let mut renditions = Vec::new();
        let mut trail_present = false;
        let renditions_prefix = format!("{}/", crate::render::RENDITIONS_DIR);
        for problem in manifest.verify_files(dir) {
            let ManifestProblem::Added { path } = &problem else {
                integrity.push(problem);
                continue;
            };
            if path.starts_with(&format!("{}/", crate::txn::PENDING_DIR)) {
                // An interrupted operation's staging area, judged by pending_check.
                continue;
            }
            if path.starts_with(&renditions_prefix) || path == crate::render::RENDITIONS_DIR {
                // Derived renditions: integrity-checked against the audit trail and rendered
                // again (rendition_check).
                renditions.push(path.clone());
                continue;
            }
            match unsealed_area(path) {
                None => integrity.push(problem),
                Some(None) => trail_present = true,
                Some(Some(_)) if crate::tsa::is_token_path(path) => tokens.push(path.clone()),
                Some(Some(kind)) => envelopes.push(read_envelope(dir, path, kind)),
            }
        }
        let trail = if trail_present {
            read_regular(&dir.join(TRAIL_FILE), MAX_METADATA_BYTES)
                .map(|bytes| AuditTrail::parse(&manifest.package_id, &bytes))
                .map_err(|e| e.to_string())
        } else {
            Err("missing: the package has no audit trail".into())
        };
        // A sealed record is read no further than the size the manifest gives it.
        let sealed = |rel: &str| -> Result<Vec<u8>, String> {
            let entry = manifest
                .files
                .iter()
                .find(|f| f.path == rel)
                .ok_or("not in the manifest")?;
            read_regular(&dir.join(rel), entry.size).map_err(|e| e.to_string())
        };
        let register = sealed(DEVIATIONS_FILE).and_then(|b| DeviationRegister::parse(&b));
        let git = sealed(GIT_FILE).and_then(|b| {
            serde_json::from_slice::<GitInfo>(&b).map_err(|e| format!("not a git record: {e}"))
        });
        let environment = sealed(ENVIRONMENT_FILE).and_then(|b| {
            serde_json::from_slice::<Environment>(&b)
                .map_err(|e| format!("not an environment record: {e}"))
        });
        Ok(PackageContents {
            dir: dir.to_path_buf(),
            manifest,
            manifest_sha256,
            integrity,
            register,
            git,
            environment,
            trail,
            envelopes,
            tokens,
            renditions,
        })
    }

    /// The commit of `git.json`, when there is one.
    pub fn git_commit(&self) -> Option<&str> {
        self.git
            .as_ref()
            .ok()
            .and_then(|g| g.revision())
            .map(|r| r.commit.as_str())
    }
}

/// Reads `manifest.json` once (a regular file, not a link, at most [`MAX_METADATA_BYTES`]) and
/// takes its digest from the same bytes that are parsed.
fn load_manifest(dir: &Path) -> Result<(Manifest, String), Finding> {
    let fail = |m: String| Finding::error(Check::Package, MANIFEST_FILE, m);
    let bytes = read_regular(&dir.join(MANIFEST_FILE), MAX_METADATA_BYTES)
        .map_err(|e| fail(e.to_string()))?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| fail(format!("not a manifest: {e}")))?;
    if manifest.schema != MANIFEST_SCHEMA {
        return Err(fail(format!(
            "schema {:?}; this version of qualify reads {MANIFEST_SCHEMA:?}",
            manifest.schema
        )));
    }
    Ok((manifest, sha256_hex(&bytes)))
}

fn read_envelope(dir: &Path, path: &str, kind: EnvelopeKind) -> StoredEnvelope {
    let parsed = read_regular(&dir.join(path), MAX_ENVELOPE_BYTES).map_err(|e| e.to_string());
    let sha256 = match &parsed {
        Ok(bytes) => crate::evidence::sha256_hex(bytes),
        Err(_) => String::new(),
    };
    let parsed = parsed.and_then(|bytes| parse_envelope(&bytes));
    StoredEnvelope {
        path: path.to_string(),
        sha256,
        kind,
        parsed,
    }
}

/// Parses the bytes of an envelope file: a DSSE envelope of an in-toto payload whose statement is
/// a qualify signature statement. Nothing is trusted yet (the signature is checked later). The
/// entry point the fuzz targets `envelope` and `statement` drive.
pub fn parse_envelope(bytes: &[u8]) -> Result<(Envelope, Statement), String> {
    let envelope: Envelope =
        serde_json::from_slice(bytes).map_err(|e| format!("not a DSSE envelope: {e}"))?;
    if envelope.payload_type != crate::sign::IN_TOTO_PAYLOAD_TYPE {
        return Err(format!(
            "payloadType is {:?}, expected {:?}",
            envelope.payload_type,
            crate::sign::IN_TOTO_PAYLOAD_TYPE
        ));
    }
    let payload = envelope.payload_bytes()?;
    let statement: Statement = serde_json::from_slice(&payload)
        .map_err(|e| format!("the payload is not a qualify signature statement: {e}"))?;
    Ok((envelope, statement))
}
