//! One package of the revision judged against the gate's conditions: every reason it cannot be
//! the accepted package, each as one structured finding.

use std::collections::BTreeSet;

use super::finding::{GateCode, GateFinding};
use super::package_facts::PackageFacts;
use crate::config::Config;
use crate::verify::{Severity, TrustAnchor, TsaPolicy, VerifyOptions, verify_package};

/// The findings of package `p` against the `required` scenarios.
pub fn evaluate(
    config: &Config,
    p: &PackageFacts,
    required: &BTreeSet<String>,
    trust: &TrustAnchor,
    tsa: &TsaPolicy,
) -> Vec<GateFinding> {
    let pkg = p.shown();
    let mut findings = Vec::new();
    let verification = verify_package(
        &p.dir,
        &VerifyOptions {
            trust,
            workflow: &config.workflow,
            workflow_source: "qualify.yaml of the project",
            repo_dir: Some(config.dir.clone()),
            time: crate::verify::TimePolicy {
                tsa: tsa.clone(),
                ..crate::verify::TimePolicy::now()
            },
        },
    );
    let report = &verification.report;
    for f in report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
    {
        findings.push(
            GateFinding::new(
                GateCode::PackageUnverified,
                format!("does not verify: {}: {}", f.subject, f.message),
            )
            .package(&pkg)
            .path(&f.subject),
        );
    }
    if let Some(reason) = crate::anchor::gate_reason(&report.anchor) {
        findings.push(GateFinding::new(GateCode::NotAnchored, reason).package(&pkg));
    }
    let signed: BTreeSet<&str> = report
        .signatures
        .iter()
        .filter(|s| s.valid && s.deviation.is_none())
        .map(|s| s.meaning.as_str())
        .collect();
    for m in config
        .workflow
        .meanings
        .iter()
        .filter(|m| !signed.contains(m.name.as_str()))
    {
        findings.push(
            GateFinding::new(
                GateCode::SignatureMissing,
                format!(
                    "not signed `{}` (no valid signature of that meaning)",
                    m.name
                ),
            )
            .package(&pkg)
            .meaning(&m.name),
        );
    }
    for d in report.deviations.iter().filter(|d| d.status != "closed") {
        findings.push(
            GateFinding::new(
                GateCode::DeviationOpen,
                format!("deviation {} is open: {}", d.id, d.summary),
            )
            .package(&pkg)
            .deviation(&d.id),
        );
    }
    if p.releasable != Some(true) {
        findings.push(
            GateFinding::new(
                GateCode::NotReleasable,
                "made from a dirty working tree or without a revision: not releasable",
            )
            .package(&pkg),
        );
    }
    findings.extend(scenario_findings(p, required));
    findings
}

/// A scenario that ran and did not pass is `scenario_failed`; a required scenario that did not
/// run is `scenario_not_covered`. Never both for one scenario.
fn scenario_findings(p: &PackageFacts, required: &BTreeSet<String>) -> Vec<GateFinding> {
    let pkg = p.shown();
    let mut findings = Vec::new();
    for (id, status) in p.scenarios.iter().filter(|(_, s)| s != "passed") {
        let why = if required.contains(id) {
            "required"
        } else {
            "not required by the change, but a failure at this revision"
        };
        findings.push(
            GateFinding::new(
                GateCode::ScenarioFailed,
                format!("scenario {id} ran and did not pass (status {status}; {why})"),
            )
            .package(&pkg)
            .scenario(id),
        );
    }
    let ran = p.scenario_ids();
    for id in required.iter().filter(|id| !ran.contains(*id)) {
        findings.push(
            GateFinding::new(
                GateCode::ScenarioNotCovered,
                format!("does not cover required scenario {id}: it did not run in this package"),
            )
            .package(&pkg)
            .scenario(id),
        );
    }
    findings
}
