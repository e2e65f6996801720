//! The release gate: is there verified, approved evidence for this revision that covers what the
//! change requires?

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::report::{CandidateReport, GATE_SCHEMA, GateReport};
use crate::config::Config;
use crate::errors::Error;
use crate::git::{GitInfo, GitRevision};
use crate::impact::{assess_project, latest_approved};
use crate::plan::{Criteria, Plan, Stage};
use crate::sign::Registry;
use crate::verify::{VerifyOptions, verify_package};

/// What the gate is asked.
pub struct GateOptions {
    /// Only packages of this stage (or of all stages) count, and only its scenarios are required.
    pub stage: Option<Stage>,
    /// Impact baseline; default the newest approved one.
    pub baseline: Option<String>,
    /// Where the packages are.
    pub evidence_dir: PathBuf,
}

/// Decides. Errors are reserved for broken input (bad config, unknown explicit baseline);
/// everything about the evidence is a reason in the report.
pub fn gate(config: &Config, options: &GateOptions) -> Result<GateReport, Error> {
    let mut report = GateReport {
        schema: GATE_SCHEMA.into(),
        passed: false,
        stage: options.stage.map(|s| s.to_string()),
        commit: None,
        baseline: None,
        required_scenarios: Vec::new(),
        reasons: Vec::new(),
        candidates: Vec::new(),
        accepted: None,
    };
    let rev = match GitRevision::discover(&config.dir, Some(&options.evidence_dir)) {
        GitInfo::Revision(rev) => rev,
        GitInfo::NoRepository { reason } => {
            report
                .reasons
                .push(format!("no git revision to gate: {reason}"));
            return Ok(report);
        }
    };
    report.commit = Some(rev.commit.clone());
    if rev.dirty {
        report.reasons.push(format!(
            "the working tree has uncommitted changes ({}): the gate only passes a committed revision",
            rev.dirty_paths.join(", ")
        ));
    }
    if rev.shallow && options.baseline.is_none() {
        report.reasons.push(
            "shallow clone: the approved baselines and history may be missing; fetch the full history and tags (fetch-depth: 0 / GIT_DEPTH: 0)".into(),
        );
    }

    let stage_label = options.stage.map(|s| s.to_string());
    let baseline = match &options.baseline {
        Some(b) => Some(b.clone()),
        None => latest_approved(&config.dir, stage_label.as_deref())
            .map_err(Error::Usage)?
            .map(|b| b.commit),
    };
    let in_stage = |s: Stage| options.stage.is_none_or(|want| want == s);
    let required: BTreeSet<String> = match &baseline {
        Some(b) => {
            let (assessment, _) = assess_project(config, b, &options.evidence_dir)?;
            for p in &assessment.unassessed_paths {
                report.reasons.push(format!(
                    "changed path {p} is claimed by no component and has no signed human assessment (qualify impact --assess {p} --rationale … --key …)"
                ));
            }
            assessment
                .scenarios
                .iter()
                .filter(|s| in_stage(s.stage))
                .map(|s| s.id.clone())
                .collect()
        }
        None => {
            let plan = Plan::build(config, &Criteria::default())?;
            plan.scenarios
                .iter()
                .filter(|s| in_stage(s.stage))
                .map(|s| s.id.clone())
                .collect()
        }
    };
    report.baseline = baseline;
    report.required_scenarios = required.iter().cloned().collect();

    let registry = Registry::load(&config.signers);
    for dir in packages(&options.evidence_dir) {
        let Some(git) = read_json(&dir, "git.json") else {
            continue;
        };
        let same =
            git["commit"].as_str() == Some(&rev.commit) || git["tree"].as_str() == Some(&rev.tree);
        if !same {
            continue;
        }
        let results = read_json(&dir, "results.json").unwrap_or(Value::Null);
        let pkg_stage = results["selection"]["stage"].as_str();
        if let (Some(want), Some(have)) = (&stage_label, pkg_stage)
            && want != have
        {
            continue;
        }
        let reasons = candidate_reasons(config, &dir, &results, &required, &registry);
        let passed = reasons.is_empty();
        report.candidates.push(CandidateReport {
            package: dir.display().to_string(),
            reasons,
        });
        if passed && report.accepted.is_none() {
            report.accepted = Some(dir.display().to_string());
        }
    }
    report.passed = report.reasons.is_empty() && report.accepted.is_some();
    Ok(report)
}

fn candidate_reasons(
    config: &Config,
    dir: &Path,
    results: &Value,
    required: &BTreeSet<String>,
    registry: &Result<Registry, crate::sign::SignError>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let verification = verify_package(
        dir,
        &VerifyOptions {
            registry: registry.as_ref(),
            workflow: &config.workflow,
            repo_dir: Some(config.dir.clone()),
        },
    );
    let report = &verification.report;
    for f in report
        .findings
        .iter()
        .filter(|f| f.severity == crate::verify::Severity::Error)
    {
        reasons.push(format!("does not verify: {}: {}", f.subject, f.message));
    }
    reasons.extend(crate::anchor::gate_reason(&report.anchor));
    let signed: BTreeSet<&str> = report
        .signatures
        .iter()
        .filter(|s| s.valid && s.deviation.is_none())
        .map(|s| s.meaning.as_str())
        .collect();
    for m in &config.workflow.meanings {
        if !signed.contains(m.name.as_str()) {
            reasons.push(format!("not signed `{}`", m.name));
        }
    }
    for d in report.deviations.iter().filter(|d| d.status != "closed") {
        reasons.push(format!("deviation {} is open: {}", d.id, d.summary));
    }
    if results["releasable"] == Value::Bool(false) {
        reasons.push("made from a dirty working tree or without a revision: not releasable".into());
    }
    let mut passed = BTreeSet::new();
    for f in results["features"].as_array().into_iter().flatten() {
        for s in f["scenarios"].as_array().into_iter().flatten() {
            let id = s["id"].as_str().unwrap_or_default();
            if s["status"] == "passed" {
                passed.insert(id.to_string());
            } else {
                reasons.push(format!("scenario {id} did not pass"));
            }
        }
    }
    let missing: Vec<&String> = required.iter().filter(|id| !passed.contains(*id)).collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(10).map(|s| s.as_str()).collect();
        reasons.push(format!(
            "does not cover {} required scenario(s): {}{}",
            missing.len(),
            shown.join(", "),
            if missing.len() > 10 { ", …" } else { "" }
        ));
    }
    reasons
}

/// Sealed package folders under `evidence_dir`, newest first.
fn packages(evidence_dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(evidence_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_dir()
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.reverse();
    out
}

fn read_json(dir: &Path, name: &str) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).ok()?).ok()
}
