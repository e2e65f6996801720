//! The release gate: is there verified, approved evidence for this revision that covers what the
//! change requires, and no evidence against it that nobody has disposed of?
//!
//! Phases: the revision (HEAD, clean tree) → the required scenarios (impact since the approved
//! baseline, plus what did not pass there) → every package of the revision judged on its own →
//! supersession records applied → the verdict. Every package of the revision counts: one with
//! failed scenarios or open deviations blocks the gate unless a valid signed record supersedes it.

use crate::git::DiscoverRevision;
use std::collections::BTreeSet;
use std::path::PathBuf;

use super::baseline_rerun::baseline_outcome;
use super::candidate::evaluate;
use super::finding::{GateCode, GateFinding};
use super::package_facts::{PackageFacts, store_packages};
use super::report::{CandidateReport, GATE_SCHEMA, GateReport};
use super::revision_match::RevisionMatcher;
use super::supersession::records_dir;
use crate::config::Config;
use crate::errors::Error;
use crate::git::{GitInfo, GitRevision};
use crate::impact::{assess_project, latest_approved};
use crate::plan::{Criteria, Plan, Stage};
use crate::verify::{TrustAnchor, TsaPolicy};

/// What the gate is asked.
pub struct GateOptions {
    /// Only packages of this stage (or of all stages) count, and only its scenarios are required.
    pub stage: Option<Stage>,
    /// Impact baseline; default the newest approved one.
    pub baseline: Option<String>,
    /// Where the packages are.
    pub evidence_dir: PathBuf,
}

/// The gate's findings for HEAD of the project: empty exactly when the gate passes. The entry
/// point for other commands (`qualify status`) that show what blocks the gate.
pub fn gate_findings(config: &Config, options: &GateOptions) -> Result<Vec<GateFinding>, Error> {
    Ok(gate(config, options)?.findings)
}

/// Decides. Errors are reserved for broken input (bad config, unknown explicit baseline);
/// everything about the evidence is a finding in the report.
pub fn gate(config: &Config, options: &GateOptions) -> Result<GateReport, Error> {
    let mut report = GateReport {
        schema: GATE_SCHEMA.into(),
        passed: false,
        stage: options.stage.map(|s| s.to_string()),
        commit: None,
        baseline: None,
        baseline_packages: Vec::new(),
        required_scenarios: Vec::new(),
        required_again: Vec::new(),
        findings: Vec::new(),
        candidates: Vec::new(),
        accepted: None,
    };
    let rev = match GitRevision::discover(&config.dir, Some(&options.evidence_dir)) {
        GitInfo::Revision(rev) => rev,
        GitInfo::NoRepository { reason } => {
            report.findings.push(GateFinding::new(
                GateCode::NoRepository,
                format!("no git revision to gate: {reason}"),
            ));
            return Ok(report);
        }
    };
    report.commit = Some(rev.commit.clone());
    revision_findings(&rev, options, &mut report.findings);
    let store = store_packages(&options.evidence_dir);
    let required = required_scenarios(config, options, &store, &mut report)?;
    let matcher = RevisionMatcher::new(&config.dir, &rev.commit, &rev.tree, &records_dir(config));
    let stage_label = options.stage.map(|s| s.to_string());
    let trust = TrustAnchor::explicit(&config.signers, "the project's registry");
    // The project's TSA policy (signing.require_tsa, signing.tsa_ca) holds in the gate as in verify.
    let tsa = TsaPolicy::of_project(&config.signing).map_err(Error::Usage)?;
    for p in store.iter().filter(|p| matcher.matches(p)) {
        if let (Some(want), Some(have)) = (&stage_label, &p.stage)
            && want != have
        {
            continue;
        }
        report.candidates.push(CandidateReport {
            package: p.shown(),
            package_id: p.id.clone(),
            manifest_sha256: p.manifest_sha256.clone(),
            superseded_by: None,
            findings: evaluate(config, p, &required, &trust, &tsa),
        });
    }
    super::disposition::apply_supersessions(
        config,
        trust.membership(),
        &store,
        &mut report.candidates,
    );
    super::supersession_anchor::check_anchored_supersessions(config, &mut report.candidates);
    verdict(&mut report);
    Ok(report)
}

/// Findings about the revision itself, which no package can fix.
fn revision_findings(rev: &GitRevision, options: &GateOptions, findings: &mut Vec<GateFinding>) {
    if rev.dirty {
        findings.push(GateFinding::new(
            GateCode::DirtyTree,
            format!(
                "the working tree has uncommitted changes ({}): the gate only passes a committed revision",
                rev.dirty_paths.join(", ")
            ),
        ));
    }
    if rev.shallow && options.baseline.is_none() {
        findings.push(GateFinding::new(
            GateCode::ShallowClone,
            "shallow clone: the approved baselines and history may be missing; fetch the full history and tags (fetch-depth: 0 / GIT_DEPTH: 0)",
        ));
    }
}

/// The scenarios of the stage the change requires: those the impact assessment selects since the
/// baseline, plus those that did not pass in the baseline's approved package. Without a baseline,
/// or when the baseline's approved package is not in the store, every scenario of the stage.
fn required_scenarios(
    config: &Config,
    options: &GateOptions,
    store: &[PackageFacts],
    report: &mut GateReport,
) -> Result<BTreeSet<String>, Error> {
    let in_stage = |s: Stage| options.stage.is_none_or(|want| want == s);
    let stage_label = options.stage.map(|s| s.to_string());
    let defaulted = options.baseline.is_none();
    let baseline = match &options.baseline {
        Some(b) => Some(b.clone()),
        None => latest_approved(&config.dir, stage_label.as_deref())
            .map_err(Error::Usage)?
            .map(|b| b.commit),
    };
    let plan = Plan::build(config, &Criteria::default())?;
    let all: BTreeSet<String> = plan
        .scenarios
        .iter()
        .filter(|s| in_stage(s.stage))
        .map(|s| s.id.clone())
        .collect();
    let Some(b) = &baseline else {
        report.required_scenarios = all.iter().cloned().collect();
        return Ok(all);
    };
    let (assessment, _) = assess_project(config, b, &options.evidence_dir)?;
    for p in &assessment.unassessed_paths {
        report.findings.push(
            GateFinding::new(
                GateCode::UnassessedPath,
                format!(
                    "changed path {p} is claimed by no component and has no signed human assessment (qualify impact --assess {p} --rationale … --key …)"
                ),
            )
            .path(p),
        );
    }
    let mut required: BTreeSet<String> = assessment
        .scenarios
        .iter()
        .filter(|s| in_stage(s.stage))
        .map(|s| s.id.clone())
        .collect();
    let commit = assessment.revisions.baseline_commit.clone();
    let outcome = baseline_outcome(&config.dir, &commit, store);
    let again: BTreeSet<String> = if defaulted && outcome.found.is_empty() {
        // The approved package cannot be inspected: nothing may be assumed to have passed.
        all.difference(&required).cloned().collect()
    } else {
        outcome
            .not_passed
            .intersection(&all)
            .filter(|id| !required.contains(*id))
            .cloned()
            .collect()
    };
    required.extend(again.iter().cloned());
    report.baseline = Some(commit);
    report.baseline_packages = outcome.found;
    report.required_again = again.into_iter().collect();
    report.required_scenarios = required.iter().cloned().collect();
    Ok(required)
}

/// Collects the findings that stop the gate and decides.
fn verdict(report: &mut GateReport) {
    let live: Vec<&CandidateReport> = report
        .candidates
        .iter()
        .filter(|c| c.superseded_by.is_none())
        .collect();
    let accepted = live.iter().find(|c| c.findings.is_empty());
    report.accepted = accepted.map(|c| c.package.clone());
    let mut findings = Vec::new();
    for c in &live {
        findings.extend(
            c.findings
                .iter()
                .filter(|f| {
                    accepted.is_none()
                        || f.code.blocks_revision()
                        || f.code == GateCode::SupersessionInvalid
                })
                .cloned(),
        );
    }
    // Superseded packages still explain an invalid or missing record about them.
    for c in report
        .candidates
        .iter()
        .filter(|c| c.superseded_by.is_some())
    {
        findings.extend(
            c.findings
                .iter()
                .filter(|f| {
                    matches!(
                        f.code,
                        GateCode::SupersessionInvalid | GateCode::SupersessionMissing
                    )
                })
                .cloned(),
        );
    }
    if live.is_empty() {
        let superseded = report.candidates.len();
        findings.push(GateFinding::new(
            GateCode::NoPackage,
            if superseded == 0 {
                "no evidence package for this revision".to_string()
            } else {
                format!(
                    "no evidence package for this revision that is not superseded ({superseded} superseded)"
                )
            },
        ));
    }
    report.findings.extend(findings);
    report.passed = report.findings.is_empty() && report.accepted.is_some();
}
