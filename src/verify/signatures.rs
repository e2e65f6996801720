//! Checks each signature envelope on its own: the Ed25519 signature with the registry's key, the
//! statement's binding to this package (id, manifest digest, subjects, commit), and the signer's
//! standing in the registry at the signing time.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::contents::{EnvelopeKind, PackageContents, StoredEnvelope};
use super::finding::{Check, Finding};
use crate::evidence::MANIFEST_FILE;
use crate::sign::{
    CLOSURE_MEANING, CLOSURE_PREDICATE_TYPE, Registry, SIGNATURE_PREDICATE_TYPE, STATEMENT_TYPE,
    Signer, Statement,
};

/// An envelope after its own checks.
#[derive(Debug, Clone)]
pub struct CheckedEnvelope {
    /// Package-relative path.
    pub path: String,
    /// SHA-256 of the envelope file.
    pub sha256: String,
    /// Its area.
    pub kind: EnvelopeKind,
    /// The statement, when the payload could be read (trusted or not).
    pub statement: Option<Statement>,
    /// The registry entry of its key, when known.
    pub signer: Option<Signer>,
    /// Whether the Ed25519 signature verified with a key of the registry.
    pub trusted: bool,
    /// The signing time, when it parses.
    pub signed_at: Option<DateTime<Utc>>,
}

/// Checks every envelope; returns them in path order with the findings.
pub fn check_envelopes(
    contents: &PackageContents,
    registry: Option<&Registry>,
) -> (Vec<CheckedEnvelope>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut checked = Vec::new();
    for stored in &contents.envelopes {
        checked.push(check_one(contents, registry, stored, &mut findings));
    }
    (checked, findings)
}

fn check_one(
    contents: &PackageContents,
    registry: Option<&Registry>,
    stored: &StoredEnvelope,
    findings: &mut Vec<Finding>,
) -> CheckedEnvelope {
    let path = stored.path.clone();
    let mut error = |check, message: String| findings.push(Finding::error(check, &path, message));
    let mut out = CheckedEnvelope {
        path: stored.path.clone(),
        sha256: stored.sha256.clone(),
        kind: stored.kind,
        statement: None,
        signer: None,
        trusted: false,
        signed_at: None,
    };
    let (envelope, statement) = match &stored.parsed {
        Ok(parsed) => parsed,
        Err(reason) => {
            error(
                Check::Signature,
                format!("not a valid signature envelope: {reason}"),
            );
            return out;
        }
    };
    out.statement = Some(statement.clone());
    let p = &statement.predicate;

    // The cryptographic signature, with the key the registry holds for its key id.
    let [signature] = envelope.signatures.as_slice() else {
        error(
            Check::Signature,
            format!(
                "holds {} signatures; a qualify envelope holds exactly one",
                envelope.signatures.len()
            ),
        );
        return out;
    };
    match registry.and_then(|r| r.by_key_id(&signature.keyid)) {
        None => error(
            Check::Signer,
            format!(
                "unknown key {}: no signer of the registry{} holds it (signature claims {} ({}))",
                signature.keyid,
                registry
                    .map(|r| format!(" {}", r.path.display()))
                    .unwrap_or_default(),
                p.signer.name,
                p.signer.id
            ),
        ),
        Some(signer) => {
            out.signer = Some(signer.clone());
            match envelope.verify(signature, &signer.public_key) {
                Ok(()) => out.trusted = true,
                Err(reason) => error(
                    Check::Signature,
                    format!(
                        "bad signature by key {} ({}): {reason}; the envelope was altered after \
                         signing",
                        signature.keyid, signer.entry.id
                    ),
                ),
            }
        }
    }

    // The statement's shape and its binding to this package.
    if statement.statement_type != STATEMENT_TYPE {
        error(
            Check::Signature,
            format!(
                "_type is {:?}, not {STATEMENT_TYPE:?}",
                statement.statement_type
            ),
        );
    }
    let (expected_type, closure) = match stored.kind {
        EnvelopeKind::Signature => (SIGNATURE_PREDICATE_TYPE, false),
        EnvelopeKind::Closure => (CLOSURE_PREDICATE_TYPE, true),
    };
    if statement.predicate_type != expected_type {
        error(
            Check::Signature,
            format!(
                "predicateType is {:?}; envelopes in this folder carry {expected_type:?}",
                statement.predicate_type
            ),
        );
    }
    if closure != (p.meaning == CLOSURE_MEANING) || closure != p.deviation.is_some() {
        error(
            Check::Signature,
            format!(
                "meaning `{}` does not belong in this folder (deviation closures are in \
                 deviations/closures/, workflow signatures in signatures/)",
                p.meaning
            ),
        );
    }
    let m = &contents.manifest;
    let bound =
        p.package.id == m.package_id && p.package.manifest_sha256 == contents.manifest_sha256;
    if !bound {
        error(
            Check::Signature,
            format!(
                "signs package {} (manifest SHA-256 {}), not this package {} (manifest SHA-256 \
                 {}): the envelope was copied from another package, or the manifest changed",
                p.package.id, p.package.manifest_sha256, m.package_id, contents.manifest_sha256
            ),
        );
    }
    // A statement about another package differs in every subject: the line above says it all.
    if bound {
        for problem in subject_problems(contents, statement) {
            error(Check::Signature, problem);
        }
    }
    if p.key_id != signature.keyid {
        error(
            Check::Signature,
            format!(
                "the predicate names key {} but the envelope is signed with key {}",
                p.key_id, signature.keyid
            ),
        );
    }
    if bound && p.git_commit.as_deref() != contents.git_commit() {
        error(
            Check::Signature,
            format!(
                "signs commit {} but the package's git.json records {}",
                p.git_commit.as_deref().unwrap_or("none"),
                contents.git_commit().unwrap_or("none")
            ),
        );
    }
    match crate::utc::parse(&p.signed_at) {
        Err(e) => error(Check::Signature, format!("signing time: {e}")),
        Ok(t) => {
            out.signed_at = Some(t);
            if let Ok(sealed) = crate::utc::parse(&m.sealed_at)
                && t < sealed
            {
                error(
                    Check::Signature,
                    format!(
                        "signed at {} (UTC), before the package was sealed at {}",
                        p.signed_at, m.sealed_at
                    ),
                );
            }
        }
    }

    // The signer's standing in the registry.
    if let (Some(signer), Some(at)) = (&out.signer, out.signed_at) {
        let e = &signer.entry;
        if p.signer.id != e.id {
            error(
                Check::Signer,
                format!(
                    "names signer id `{}` but key {} belongs to `{}`",
                    p.signer.id, signer.key_id, e.id
                ),
            );
        }
        if p.signer.name != e.name {
            error(
                Check::Signer,
                format!(
                    "printed name {:?} differs from the registry's {:?} for key {}",
                    p.signer.name, e.name, signer.key_id
                ),
            );
        }
        if !e.roles.contains(&p.signer.role) {
            error(
                Check::Signer,
                format!(
                    "{} ({}) signed as `{}`, a role the registry does not give them (roles: {})",
                    e.name,
                    e.id,
                    p.signer.role,
                    e.roles.join(", ")
                ),
            );
        }
        if let Err(reason) = signer.validity_at(at) {
            error(Check::Signer, reason);
        }
    }
    out
}

/// Differences between a statement's subjects and the sealed content (the manifest's files and
/// the manifest itself).
fn subject_problems(contents: &PackageContents, statement: &Statement) -> Vec<String> {
    let mut sealed: BTreeMap<&str, &str> = contents
        .manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.sha256.as_str()))
        .collect();
    sealed.insert(MANIFEST_FILE, &contents.manifest_sha256);
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    for subject in &statement.subject {
        let digest = subject.digest.get("sha256").map(String::as_str);
        if seen.insert(subject.name.as_str(), ()).is_some() {
            problems.push(format!("subject {} is listed twice", subject.name));
            continue;
        }
        match (sealed.get(subject.name.as_str()), digest) {
            (None, _) => problems.push(format!(
                "subject {} is not a file of this package",
                subject.name
            )),
            (Some(_), None) => {
                problems.push(format!("subject {} has no sha256 digest", subject.name))
            }
            (Some(expected), Some(actual)) if expected != &actual => problems.push(format!(
                "subject {} has SHA-256 {actual}, but the package's is {expected}",
                subject.name
            )),
            _ => {}
        }
    }
    for path in sealed.keys() {
        if !seen.contains_key(path) {
            problems.push(format!("{path} is not among the signed subjects"));
        }
    }
    problems
}
