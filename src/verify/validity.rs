//! [`envelope_validity`]: which signatures and closures of a package are invalid on their own
//! (bad signature, unknown or revoked key, impossible time), for a report rendition. A report
//! must not show a closure as closing its deviation when `verify` would call it invalid.
//!
//! The trust anchor is the registry committed in the repository holding the package (membership
//! at its commit, revocations at HEAD), else the keys embedded in the statements. Renditions
//! are checked by `verify` by rendering again, so this runs only the envelope checks, never the
//! rendition check.

use std::collections::BTreeMap;
use std::path::Path;

use super::contents::PackageContents;
use super::finding::Severity;
use super::git_registry::read_git_trust;
use super::signatures::check_envelopes;
use super::time_check::TimePolicy;
use super::trust_anchor::TrustAnchor;

/// Path of each invalid envelope → the first reason.
pub fn envelope_validity(dir: &Path) -> BTreeMap<String, String> {
    let Ok(contents) = PackageContents::load(dir) else {
        return BTreeMap::new();
    };
    let anchor = contents
        .git_commit()
        .and_then(|commit| read_git_trust(dir, commit, &[dir.to_path_buf()]).ok())
        .map(|t| t.anchor)
        .unwrap_or_else(|| TrustAnchor::EmbeddedKeys {
            reason: "no repository with the package's commit".into(),
        });
    let (envelopes, findings) = check_envelopes(&contents, &anchor, &TimePolicy::now());
    let mut invalid = BTreeMap::new();
    for e in envelopes.iter().filter(|e| !e.valid) {
        let reason = findings
            .iter()
            .find(|f| f.severity == Severity::Error && f.subject == e.path)
            .map(|f| f.message.clone())
            .unwrap_or_else(|| "the signature does not verify".into());
        invalid.insert(e.path.clone(), reason);
    }
    invalid
}
