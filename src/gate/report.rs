//! The gate's verdict, as printed for people and as JSON (`qualify.gate/v1`) for machines.

use std::io::{self, Write};

use serde::Serialize;

/// Identifier and version of the gate report format.
pub const GATE_SCHEMA: &str = "qualify.gate/v1";

/// One package considered for the current revision, and what is wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateReport {
    /// Package folder.
    pub package: String,
    /// Everything that stops it from satisfying the gate; empty when it does.
    pub reasons: Vec<String>,
}

/// The verdict.
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    /// Always [`GATE_SCHEMA`].
    pub schema: String,
    /// True when a package satisfies every condition.
    pub passed: bool,
    /// The stage asked for, if any.
    pub stage: Option<String>,
    /// HEAD's commit, when there is a repository.
    pub commit: Option<String>,
    /// The impact baseline used (a commit), or none (then every scenario is required).
    pub baseline: Option<String>,
    /// Scenario ids the change requires.
    pub required_scenarios: Vec<String>,
    /// Reasons that no package can fix (dirty tree, unassessed paths, no repository).
    pub reasons: Vec<String>,
    /// Packages for this revision, each with its own reasons.
    pub candidates: Vec<CandidateReport>,
    /// The package that satisfies the gate.
    pub accepted: Option<String>,
}

impl GateReport {
    /// Human-readable form: the verdict, then every reason.
    pub fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        match &self.accepted {
            Some(pkg) if self.passed => writeln!(out, "GATE PASSED: {pkg}")?,
            _ => writeln!(out, "GATE NOT SATISFIED")?,
        }
        if let Some(c) = &self.commit {
            writeln!(out, "  revision: {c}")?;
        }
        match &self.baseline {
            Some(b) => writeln!(
                out,
                "  impact baseline: {b} ({} scenario(s) required)",
                self.required_scenarios.len()
            )?,
            None => writeln!(
                out,
                "  impact baseline: none ({} scenario(s) required: all)",
                self.required_scenarios.len()
            )?,
        }
        for r in &self.reasons {
            writeln!(out, "  - {r}")?;
        }
        if self.candidates.is_empty() && !self.passed {
            writeln!(out, "  - no evidence package for this revision")?;
        }
        for c in &self.candidates {
            if c.reasons.is_empty() {
                continue;
            }
            writeln!(out, "  package {}:", c.package)?;
            for r in &c.reasons {
                writeln!(out, "    - {r}")?;
            }
        }
        Ok(())
    }
}
