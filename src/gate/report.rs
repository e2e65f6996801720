//! The gate's verdict, as printed for people and as JSON (`qualify.gate/v2`) for machines.

use std::io::{self, Write};

use serde::Serialize;

use super::finding::GateFinding;

/// Identifier and version of the gate report format. v2: structured findings with codes
/// replace v1's free-text reasons.
pub use qualify_evidence::schema::GATE_SCHEMA;

/// A valid supersession record that disposes of a package.
#[derive(Debug, Clone, Serialize)]
pub struct SupersededBy {
    /// Id of the replacement package.
    pub package_id: String,
    /// The record file, relative to the project root.
    pub record: String,
    /// Who signed it: printed name (id, role).
    pub signer: String,
    /// Why.
    pub reason: String,
}

/// One package considered for the current revision.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateReport {
    /// Package folder.
    pub package: String,
    /// Package id.
    pub package_id: String,
    /// SHA-256 of its manifest.
    pub manifest_sha256: String,
    /// The record that disposes of it, when one does.
    pub superseded_by: Option<SupersededBy>,
    /// Everything that stops it from satisfying the gate; empty when it does.
    pub findings: Vec<GateFinding>,
}

/// The verdict.
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    /// Always [`GATE_SCHEMA`].
    pub schema: String,
    /// True when a package satisfies every condition and nothing blocks the revision.
    pub passed: bool,
    /// The stage asked for, if any.
    pub stage: Option<String>,
    /// HEAD's commit, when there is a repository.
    pub commit: Option<String>,
    /// The impact baseline used (a commit), or none (then every scenario is required).
    pub baseline: Option<String>,
    /// Approved packages of the baseline found in the evidence store.
    pub baseline_packages: Vec<String>,
    /// Scenario ids the change requires (including those required again).
    pub required_scenarios: Vec<String>,
    /// Required because they did not pass in the baseline package.
    pub required_again: Vec<String>,
    /// Every reason the gate does not pass; empty when it passes.
    pub findings: Vec<GateFinding>,
    /// Packages for this revision, each with its own findings.
    pub candidates: Vec<CandidateReport>,
    /// The package that satisfies the gate.
    pub accepted: Option<String>,
}

impl GateReport {
    /// Human-readable form: context, every finding, and the verdict as the very last line.
    pub fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(c) = &self.commit {
            writeln!(out, "revision: {c}")?;
        }
        match &self.baseline {
            Some(b) => writeln!(
                out,
                "impact baseline: {b} ({} scenario(s) required, {} of them again because they did not pass there)",
                self.required_scenarios.len(),
                self.required_again.len()
            )?,
            None => writeln!(
                out,
                "impact baseline: none ({} scenario(s) required: all)",
                self.required_scenarios.len()
            )?,
        }
        for c in &self.candidates {
            let state = match (&c.superseded_by, c.findings.is_empty()) {
                (Some(s), _) => format!(
                    "superseded by {} ({}, signed by {}: {})",
                    s.package_id, s.record, s.signer, s.reason
                ),
                (None, true) => "satisfies every condition".into(),
                (None, false) => format!("{} finding(s)", c.findings.len()),
            };
            writeln!(out, "package {}: {state}", c.package)?;
        }
        for f in &self.findings {
            writeln!(out, "  - {f}")?;
        }
        match &self.accepted {
            Some(pkg) if self.passed => writeln!(out, "GATE PASSED: {pkg}"),
            _ => writeln!(
                out,
                "GATE NOT SATISFIED ({} finding(s))",
                self.findings.len()
            ),
        }
    }
}
