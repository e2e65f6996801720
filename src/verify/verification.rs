//! [`verify_package`]: every check on one package, in one pass.

use std::path::{Path, PathBuf};

use super::audit_check::check_audit;
use super::contents::PackageContents;
use super::finding::{Check, Finding, Severity};
use super::git_check::check_git;
use super::key_summary::{key_summaries, refused_attempts};
use super::report::{VERIFY_SCHEMA, VerifyReport};
use super::report_summaries::{deviation_summaries, earlier_signatures, signature_summaries};
use super::sequence::signing_order;
use super::signatures::{CheckedEnvelope, check_envelopes};
use super::time_check::{TimePolicy, check_signing_times, check_trail_times};
use super::trust_anchor::TrustAnchor;
use super::workflow_check::{WorkflowState, replay};
use crate::config::WorkflowConfig;
use crate::deviation::DEVIATIONS_FILE;
use crate::sign::FileRef;

/// What a package is verified against.
pub struct VerifyOptions<'a> {
    /// What decides signer membership and revocation (never the current folder implicitly).
    pub trust: &'a TrustAnchor,
    /// The workflow rules.
    pub workflow: &'a WorkflowConfig,
    /// Where the workflow rules came from, for the report.
    pub workflow_source: &'a str,
    /// A folder inside the git repository the package's commit must belong to.
    pub repo_dir: Option<PathBuf>,
    /// The verifier's clock and the accepted skew.
    pub time: TimePolicy,
}

/// A verification: the report, and the state `sign` builds on.
#[derive(Debug)]
pub struct Verification {
    /// The report.
    pub report: VerifyReport,
    /// The package as read (absent when its manifest cannot be read).
    pub contents: Option<PackageContents>,
    /// Workflow state after replaying the valid signatures.
    pub state: WorkflowState,
    /// Every envelope in signing order, as the next signature must list them.
    pub earlier: Vec<FileRef>,
}

/// Verifies the package at `dir`: read it, check it in phases (the package itself, the
/// envelopes, their order and the workflow, the anchor), then summarise for the report.
pub fn verify_package(dir: &Path, options: &VerifyOptions<'_>) -> Verification {
    let mut report = empty_report(dir, options);
    let staging = super::pending_check::check_staging(dir);
    let contents = match PackageContents::load(dir) {
        Ok(c) => c,
        Err(finding) => {
            report.findings.extend(staging);
            report.findings.push(finding);
            return Verification {
                report,
                contents: None,
                state: WorkflowState::default(),
                earlier: Vec::new(),
            };
        }
    };
    report.package_id = contents.manifest.package_id.clone();
    report.manifest_sha256 = contents.manifest_sha256.clone();
    let mut findings: Vec<Finding> = staging.into_iter().collect();
    findings.extend(super::pending_check::check_pending(&contents));
    findings.extend(package_findings(dir, &contents));
    findings.extend(super::shard_check::check_merged(&contents));
    findings.extend(trust_findings(options.trust, &contents));
    let (envelopes, envelope_findings) = check_envelopes(&contents, options.trust, &options.time);
    findings.extend(envelope_findings);
    findings.extend(manifest_changed_after_signing(&contents, &envelopes));
    let (ordered, order_findings) = signing_order(&envelopes);
    findings.extend(order_findings);
    let (state, sequence_findings) = check_sequence(&contents, &envelopes, &ordered, options);
    findings.extend(sequence_findings);
    let (anchor, anchor_findings) =
        crate::anchor::check_anchor(&contents, &envelopes, options.repo_dir.as_deref());
    report.anchor = anchor;
    findings.extend(anchor_findings);

    let (deviations, open) = deviation_summaries(&contents, &state, &envelopes);
    report.deviations = deviations;
    findings.extend(open);
    report.signatures = signature_summaries(&ordered, &findings);
    report.keys = key_summaries(&ordered);
    report.refused_attempts = refused_attempts(&contents);
    // Envelopes that could not be read at all are reported but absent from `ordered`; the next
    // signature must not silently leave them out.
    let earlier = earlier_signatures(&ordered);
    findings.sort_by_key(|f| f.severity);
    report.verified = !findings.iter().any(|f| f.severity == Severity::Error);
    report.findings = findings;
    Verification {
        report,
        contents: Some(contents),
        state,
        earlier,
    }
}

/// The report before anything is known about the package but where it is and what it is
/// checked against.
fn empty_report(dir: &Path, options: &VerifyOptions<'_>) -> VerifyReport {
    let mut report = VerifyReport {
        schema: VERIFY_SCHEMA.into(),
        package: dir.display().to_string(),
        package_id: String::new(),
        manifest_sha256: String::new(),
        verified: false,
        trust: options.trust.summary(options.workflow_source),
        keys: Vec::new(),
        refused_attempts: Vec::new(),
        signatures: Vec::new(),
        deviations: Vec::new(),
        findings: Vec::new(),
        anchor: crate::anchor::AnchorSummary::default(),
    };
    report.trust.tsa = options.time.tsa.source.clone();
    report
}

/// The package on its own: its folder name, its files against the manifest, its register.
fn package_findings(dir: &Path, contents: &PackageContents) -> Vec<Finding> {
    let mut findings = Vec::new();
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    if folder.as_deref() != Some(contents.manifest.package_id.as_str()) {
        findings.push(Finding::warning(
            Check::Package,
            dir.display().to_string(),
            format!(
                "the folder is not named after the package id {}",
                contents.manifest.package_id
            ),
        ));
    }
    for problem in &contents.integrity {
        findings.push(Finding::error(
            Check::Integrity,
            problem.path(),
            problem_reason(problem),
        ));
    }
    match &contents.register {
        Err(reason) => findings.push(Finding::error(
            Check::Deviation,
            DEVIATIONS_FILE,
            reason.clone(),
        )),
        Ok(r) if r.package_id != contents.manifest.package_id => findings.push(Finding::error(
            Check::Deviation,
            DEVIATIONS_FILE,
            format!("belongs to package {}", r.package_id),
        )),
        Ok(_) => {}
    }
    findings
}

/// Valid signatures of this package that name another manifest digest: the manifest itself was
/// changed after signing (every file it lists may still match it).
fn manifest_changed_after_signing(
    contents: &PackageContents,
    envelopes: &[CheckedEnvelope],
) -> Option<Finding> {
    let m = &contents.manifest;
    let signed = envelopes
        .iter()
        .filter(|e| e.trusted)
        .filter_map(|e| e.statement.as_ref())
        .map(|s| &s.predicate.package)
        .find(|p| p.id == m.package_id && p.manifest_sha256 != contents.manifest_sha256)?;
    Some(Finding::error(
        Check::Integrity,
        crate::evidence::MANIFEST_FILE,
        format!(
            "changed after signing: the signatures name SHA-256 {}, the file now has {}",
            signed.manifest_sha256, contents.manifest_sha256
        ),
    ))
}

/// The envelopes in signing order: their times, the workflow replayed over them, the audit
/// trail that records them, the git revision and the renditions they sign.
fn check_sequence(
    contents: &PackageContents,
    envelopes: &[CheckedEnvelope],
    ordered: &[&CheckedEnvelope],
    options: &VerifyOptions<'_>,
) -> (WorkflowState, Vec<Finding>) {
    let mut findings = check_signing_times(&options.time, ordered);
    if let Ok(trail) = &contents.trail {
        let entries: Vec<_> = trail.entries().collect();
        findings.extend(check_trail_times(&options.time, &entries));
    }
    let (state, workflow_findings) =
        replay(options.workflow, contents.register.as_ref().ok(), ordered);
    findings.extend(workflow_findings);
    findings.extend(check_audit(contents, envelopes));
    findings.extend(check_git(contents, options.repo_dir.as_deref()));
    findings.extend(super::rendition_check::check_renditions(contents));
    (state, findings)
}

/// A registry that was named but cannot be used is an error; no registry at all is a warning
/// that says what was not checked.
fn trust_findings(
    trust: &TrustAnchor,
    contents: &super::contents::PackageContents,
) -> Vec<Finding> {
    if contents.envelopes.is_empty() {
        return Vec::new();
    }
    match trust {
        TrustAnchor::Unusable { source, error } => vec![Finding::error(
            Check::Signer,
            "signers registry",
            format!("{source}: {error}"),
        )],
        TrustAnchor::EmbeddedKeys { reason } => vec![Finding::warning(
            Check::Signer,
            "signers registry",
            format!(
                "no trusted registry ({reason}): each signature was checked against the public \
                 key its statement carries, but whether that key belonged to an allowed signer, \
                 with that role, and was not revoked was NOT checked; compare the fingerprints \
                 listed under `keys`, or verify with --signers REGISTRY or --repo DIR"
            ),
        )],
        TrustAnchor::Registry { .. } | TrustAnchor::Git { .. } => Vec::new(),
    }
}

fn problem_reason(problem: &crate::evidence::ManifestProblem) -> String {
    let full = problem.to_string();
    // The Display form starts with the path, which the finding names already.
    full.strip_prefix(&format!("{}: ", problem.path()))
        .map(str::to_string)
        .unwrap_or(full)
}
