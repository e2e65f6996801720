//! [`GateFinding`]: one reason the gate does not pass, with a stable code for machines.
//!
//! The codes are a documented interface (docs/change-control.md, "Gate findings"): CI jobs and
//! `qualify status` branch on them, so a code is never reused for another meaning. Each finding
//! names what it concerns in its own field (package, scenario, meaning, deviation, path) and says
//! it once: a scenario that ran and failed is `scenario_failed`, never also `scenario_not_covered`.

use std::fmt;

use serde::Serialize;

/// What kind of reason a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateCode {
    /// The project is not in a git repository (or it cannot be opened).
    NoRepository,
    /// The working tree has uncommitted changes.
    DirtyTree,
    /// A shallow clone: approved baselines and history may be missing.
    ShallowClone,
    /// A changed path no component claims has no valid signed human assessment.
    UnassessedPath,
    /// No package in the evidence store is for this revision.
    NoPackage,
    /// A package for this revision does not verify (`qualify verify` reports an error).
    PackageUnverified,
    /// A package lacks a valid signature of a workflow meaning.
    SignatureMissing,
    /// A package has an open deviation.
    DeviationOpen,
    /// A scenario ran in a package and did not pass.
    ScenarioFailed,
    /// A required scenario did not run in a package.
    ScenarioNotCovered,
    /// A package was made from a dirty tree or without a revision.
    NotReleasable,
    /// A package could not be checked against the git ledger (no ledger, not fetched).
    NotAnchored,
    /// A supersession record cannot be read or does not verify; it disposes of nothing.
    SupersessionInvalid,
    /// The git ledger anchors a supersession of the package whose record file is missing from
    /// the work tree or holds other bytes: the supersession neither counts nor vanishes silently.
    SupersessionMissing,
}

impl GateCode {
    /// Whether a package with this finding blocks the gate for its whole revision (unless a valid
    /// supersession record disposes of the package), rather than merely not being acceptable.
    /// A failed run or an open deviation is evidence against the revision; a package that does
    /// not verify may be hiding one.
    pub fn blocks_revision(self) -> bool {
        matches!(
            self,
            GateCode::PackageUnverified
                | GateCode::DeviationOpen
                | GateCode::ScenarioFailed
                | GateCode::SupersessionMissing
        )
    }

    /// The code as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            GateCode::NoRepository => "no_repository",
            GateCode::DirtyTree => "dirty_tree",
            GateCode::ShallowClone => "shallow_clone",
            GateCode::UnassessedPath => "unassessed_path",
            GateCode::NoPackage => "no_package",
            GateCode::PackageUnverified => "package_unverified",
            GateCode::SignatureMissing => "signature_missing",
            GateCode::DeviationOpen => "deviation_open",
            GateCode::ScenarioFailed => "scenario_failed",
            GateCode::ScenarioNotCovered => "scenario_not_covered",
            GateCode::NotReleasable => "not_releasable",
            GateCode::NotAnchored => "not_anchored",
            GateCode::SupersessionInvalid => "supersession_invalid",
            GateCode::SupersessionMissing => "supersession_missing",
        }
    }
}

/// One reason the gate does not pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateFinding {
    /// What kind of reason.
    pub code: GateCode,
    /// The package folder concerned, when it concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The scenario id concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The workflow meaning concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
    /// The deviation id concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deviation: Option<String>,
    /// The file or changed path concerned (a package file, a record, a repository path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What is wrong and what to do, in words.
    pub message: String,
}

impl GateFinding {
    /// A finding with only a code and a message.
    pub fn new(code: GateCode, message: impl Into<String>) -> Self {
        GateFinding {
            code,
            package: None,
            scenario: None,
            meaning: None,
            deviation: None,
            path: None,
            message: message.into(),
        }
    }

    /// Names the package.
    pub fn package(mut self, package: impl Into<String>) -> Self {
        self.package = Some(package.into());
        self
    }

    /// Names the scenario.
    pub fn scenario(mut self, scenario: impl Into<String>) -> Self {
        self.scenario = Some(scenario.into());
        self
    }

    /// Names the meaning.
    pub fn meaning(mut self, meaning: impl Into<String>) -> Self {
        self.meaning = Some(meaning.into());
        self
    }

    /// Names the deviation.
    pub fn deviation(mut self, deviation: impl Into<String>) -> Self {
        self.deviation = Some(deviation.into());
        self
    }

    /// Names the file or path.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
}

impl fmt::Display for GateFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.code.as_str())?;
        if let Some(p) = &self.package {
            write!(f, " package {p}:")?;
        }
        write!(f, " {}", self.message)
    }
}
