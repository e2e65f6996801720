//! [`Finding`]: one thing `verify` found, naming the file or signature and the reason.

use std::fmt;

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The package fails verification.
    Error,
    /// Worth knowing; the package still verifies (open deviations, no repository at hand, ...).
    Warning,
}

/// Which check produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Files against the manifest: changed, missing, added.
    Integrity,
    /// A signature envelope: cryptography, subjects, binding to the package.
    Signature,
    /// The signer: unknown key, revoked key, name or role not in the registry.
    Signer,
    /// Workflow rules: order, roles, separation of duties, approval with open deviations.
    Workflow,
    /// The audit trail: hash chain and agreement with what it records.
    Audit,
    /// Deviations: the register, closures, open deviations.
    Deviation,
    /// The git commit of the package.
    Git,
    /// The package as a whole (manifest unreadable, renamed folder, ...).
    Package,
    /// The report renditions against the content they render.
    Rendition,
    /// Recorded times: in the future, or out of order (back-dated).
    Time,
    /// The package against the git ledger (`refs/qualify/ledger`): rollback, re-seal, times.
    Anchor,
    /// A merged package (`qualify merge`) against the shard packages it names in
    /// `merged_from`: their kept manifests and attachments, and the shard packages beside it.
    Shards,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The check.
    pub check: Check,
    /// The file, signature, audit entry or deviation concerned (package-relative path or id).
    pub subject: String,
    /// What is wrong, and where.
    pub message: String,
}

impl Finding {
    /// An error.
    pub fn error(check: Check, subject: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            check,
            subject: subject.into(),
            message: message.into(),
        }
    }

    /// A warning.
    pub fn warning(check: Check, subject: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            check,
            subject: subject.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
        };
        write!(f, "{level}: {}: {}", self.subject, self.message)
    }
}
