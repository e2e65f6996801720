//! Checks each signature envelope on its own, in phases: its shape, its key (embedded in the
//! statement, anchored in a trusted registry when there is one), its binding to this package
//! (id, manifest digest, subjects, commit), its time, and the signer's standing in the registry
//! at that time.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::contents::{EnvelopeKind, PackageContents, StoredEnvelope};
use super::finding::{Check, Finding};
use super::key_check::{ResolvedKey, resolve_key};
use super::time_check::TimePolicy;
use super::trust_anchor::TrustAnchor;
use super::tsa_check::{check_token, orphan_tokens};
use crate::evidence::MANIFEST_FILE;
use crate::sign::{
    CLOSURE_MEANING, CLOSURE_PREDICATE_TYPE, Envelope, EnvelopeSignature, SIGNATURE_PREDICATE_TYPE,
    STATEMENT_TYPE, Signer, Statement,
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
    /// The registry entry of its key, when known (self-asserted when not `anchored`).
    pub signer: Option<Signer>,
    /// Whether the Ed25519 signature verified (with the registry's key, else the embedded one).
    pub trusted: bool,
    /// Whether the signer was found in a trusted registry.
    pub anchored: bool,
    /// Whether every check of the envelope on its own passed (signature, binding, time, signer
    /// standing): only such envelopes count in the workflow and close deviations.
    pub valid: bool,
    /// The signing time, when it parses.
    pub signed_at: Option<DateTime<Utc>>,
    /// The RFC 3161 time-stamp token's line for the report, when the envelope has one.
    pub timestamp: Option<String>,
}

/// Checks every envelope; returns them in path order with the findings.
pub fn check_envelopes(
    contents: &PackageContents,
    trust: &TrustAnchor,
    time: &TimePolicy,
) -> (Vec<CheckedEnvelope>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut checked = Vec::new();
    for stored in &contents.envelopes {
        let mut sink = Sink {
            path: &stored.path,
            findings: Vec::new(),
        };
        let mut envelope = check_one(contents, trust, time, stored, &mut sink);
        envelope.valid = envelope.trusted && !sink.has_errors();
        findings.extend(sink.findings);
        checked.push(envelope);
    }
    findings.extend(orphan_tokens(contents));
    (checked, findings)
}

/// The findings of one envelope.
struct Sink<'a> {
    path: &'a str,
    findings: Vec<Finding>,
}

impl Sink<'_> {
    fn error(&mut self, check: Check, message: impl Into<String>) {
        self.findings
            .push(Finding::error(check, self.path, message));
    }
    fn warning(&mut self, check: Check, message: impl Into<String>) {
        self.findings
            .push(Finding::warning(check, self.path, message));
    }
    fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == super::finding::Severity::Error)
    }
}

fn check_one(
    contents: &PackageContents,
    trust: &TrustAnchor,
    time: &TimePolicy,
    stored: &StoredEnvelope,
    sink: &mut Sink<'_>,
) -> CheckedEnvelope {
    let mut out = CheckedEnvelope {
        path: stored.path.clone(),
        sha256: stored.sha256.clone(),
        kind: stored.kind,
        statement: None,
        signer: None,
        trusted: false,
        anchored: false,
        valid: false,
        signed_at: None,
        timestamp: None,
    };
    let Some((envelope, signature, statement)) = shape(stored, sink) else {
        if let Ok((_, statement)) = &stored.parsed {
            out.statement = Some(statement.clone());
        }
        return out;
    };
    out.statement = Some(statement.clone());
    let key = key_phase(trust, envelope, signature, statement, sink);
    out.trusted = key.trusted;
    out.anchored = key.anchored;
    out.signer = key.signer.clone();
    binding(contents, stored.kind, statement, signature, sink);
    out.signed_at = signing_time(contents, time, statement, sink);
    let token = check_token(contents, time, &stored.path, signature, out.signed_at);
    sink.findings.extend(token.findings);
    out.timestamp = token.summary;
    if let (Some(signer), Some(at)) = (&out.signer, out.signed_at) {
        standing(signer, key.head_entry.as_ref(), at, statement, sink);
    }
    if let (Some(signer), Some(gen_time)) = (&out.signer, token.gen_time) {
        standing_at_tsa_time(signer, key.head_entry.as_ref(), gen_time, sink);
    }
    out
}

/// The TSA's time is an outside clock: the key must still have been valid then, whatever time
/// the statement claims (a back-dated signature made after a revocation is caught here).
fn standing_at_tsa_time(
    signer: &Signer,
    head: Option<&Signer>,
    gen_time: DateTime<Utc>,
    sink: &mut Sink<'_>,
) {
    let at = gen_time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for (entry, whose) in [(Some(signer), ""), (head, " (registry at HEAD)")] {
        if let Some(Err(reason)) = entry.map(|e| e.validity_at(gen_time)) {
            sink.error(
                Check::Signer,
                format!("at the TSA's time {at}, which proves when it was signed: {reason}{whose}"),
            );
            return;
        }
    }
}

/// The envelope parses and holds exactly one signature.
fn shape<'e>(
    stored: &'e StoredEnvelope,
    sink: &mut Sink<'_>,
) -> Option<(&'e Envelope, &'e EnvelopeSignature, &'e Statement)> {
    let (envelope, statement) = match &stored.parsed {
        Ok(parsed) => parsed,
        Err(reason) => {
            sink.error(
                Check::Signature,
                format!("not a valid signature envelope: {reason}"),
            );
            return None;
        }
    };
    let [signature] = envelope.signatures.as_slice() else {
        sink.error(
            Check::Signature,
            format!(
                "holds {} signatures; a qualify envelope holds exactly one",
                envelope.signatures.len()
            ),
        );
        return None;
    };
    Some((envelope, signature, statement))
}

/// The cryptographic signature, with the key the trust anchor (or the statement) gives.
fn key_phase(
    trust: &TrustAnchor,
    envelope: &Envelope,
    signature: &EnvelopeSignature,
    statement: &Statement,
    sink: &mut Sink<'_>,
) -> ResolvedKey {
    let key = resolve_key(trust, envelope, signature, statement);
    for (about_signer, message) in &key.errors {
        let check = if *about_signer {
            Check::Signer
        } else {
            Check::Signature
        };
        sink.error(check, message.clone());
    }
    for message in &key.warnings {
        sink.warning(Check::Signer, message.clone());
    }
    key
}

/// The statement's shape and its binding to this package.
fn binding(
    contents: &PackageContents,
    kind: EnvelopeKind,
    statement: &Statement,
    signature: &EnvelopeSignature,
    sink: &mut Sink<'_>,
) {
    let p = &statement.predicate;
    if statement.statement_type != STATEMENT_TYPE {
        sink.error(
            Check::Signature,
            format!(
                "_type is {:?}, not {STATEMENT_TYPE:?}",
                statement.statement_type
            ),
        );
    }
    let (expected_type, closure) = match kind {
        EnvelopeKind::Signature => (SIGNATURE_PREDICATE_TYPE, false),
        EnvelopeKind::Closure => (CLOSURE_PREDICATE_TYPE, true),
    };
    if statement.predicate_type != expected_type {
        sink.error(
            Check::Signature,
            format!(
                "predicateType is {:?}; envelopes in this folder carry {expected_type:?}",
                statement.predicate_type
            ),
        );
    }
    if closure != (p.meaning == CLOSURE_MEANING) || closure != p.deviation.is_some() {
        sink.error(
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
        sink.error(
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
            sink.error(Check::Signature, problem);
        }
    }
    if p.key_id != signature.keyid {
        sink.error(
            Check::Signature,
            format!(
                "the predicate names key {} but the envelope is signed with key {}",
                p.key_id, signature.keyid
            ),
        );
    }
    if bound && p.git_commit.as_deref() != contents.git_commit() {
        sink.error(
            Check::Signature,
            format!(
                "signs commit {} but the package's git.json records {}",
                p.git_commit.as_deref().unwrap_or("none"),
                contents.git_commit().unwrap_or("none")
            ),
        );
    }
}

/// The signing time: RFC 3339, not before sealing, not in the future.
fn signing_time(
    contents: &PackageContents,
    time: &TimePolicy,
    statement: &Statement,
    sink: &mut Sink<'_>,
) -> Option<DateTime<Utc>> {
    let p = &statement.predicate;
    let m = &contents.manifest;
    let t = match crate::utc::parse(&p.signed_at) {
        Err(e) => {
            sink.error(
                Check::Signature,
                format!(
                    "signing time {:?} is not an RFC 3339 time: {e}",
                    p.signed_at
                ),
            );
            return None;
        }
        Ok(t) => t,
    };
    if let Ok(sealed) = crate::utc::parse(&m.sealed_at)
        && t < sealed
    {
        sink.error(
            Check::Time,
            format!(
                "signed at {} (UTC), before the package was sealed at {}",
                p.signed_at, m.sealed_at
            ),
        );
    }
    if let Some(reason) = time.future(t) {
        sink.error(Check::Time, format!("signing time {reason}"));
    }
    Some(t)
}

/// The signer's standing in the registry at the signing time (and HEAD's revocations).
fn standing(
    signer: &Signer,
    head: Option<&Signer>,
    at: DateTime<Utc>,
    statement: &Statement,
    sink: &mut Sink<'_>,
) {
    let p = &statement.predicate;
    let e = &signer.entry;
    if p.signer.id != e.id {
        sink.error(
            Check::Signer,
            format!(
                "names signer id `{}` but key {} belongs to `{}`",
                p.signer.id, signer.key_id, e.id
            ),
        );
    }
    if p.signer.name != e.name {
        sink.error(
            Check::Signer,
            format!(
                "printed name {:?} differs from the registry's {:?} for key {}",
                p.signer.name, e.name, signer.key_id
            ),
        );
    }
    if !e.roles.contains(&p.signer.role) {
        sink.error(
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
        sink.error(Check::Signer, reason);
    } else if let Some(head) = head
        && let Err(reason) = head.validity_at(at)
    {
        sink.error(Check::Signer, format!("{reason} (registry at HEAD)"));
    }
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
