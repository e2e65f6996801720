//! [`VerifyReport`]: the outcome of `qualify verify`, for people and for machines.

use std::io::{self, Write};

use serde::Serialize;

use super::finding::{Finding, Severity};
use super::key_summary::{KeySummary, RefusedAttempt, write_trust};
use super::trust_anchor::TrustSummary;

/// Identifier and version of the JSON report.
pub use qualify_evidence::schema::VERIFY_SCHEMA;

/// A signature as the report lists it (its Part 11 manifestation).
#[derive(Debug, Clone, Serialize)]
pub struct SignatureSummary {
    /// Envelope path.
    pub path: String,
    /// Meaning (`executed`, ..., or `deviation-closed`).
    pub meaning: String,
    /// Printed name.
    pub name: String,
    /// Registry id.
    pub signer_id: String,
    /// Role signed in.
    pub role: String,
    /// UTC time of signing.
    pub signed_at: String,
    /// Key id.
    pub key_id: String,
    /// Whether the signature is valid: the Ed25519 signature verified, and no check (signer,
    /// revocation, time, workflow) found an error about it. An invalid closure closes nothing.
    pub valid: bool,
    /// Whether the signer was checked against a trusted registry (not only the embedded key).
    pub anchored: bool,
    /// For closures, the deviation closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deviation: Option<String>,
    /// The RFC 3161 time-stamp: the TSA's time, the token and whether it was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

/// A deviation and whether it is closed.
#[derive(Debug, Clone, Serialize)]
pub struct DeviationSummary {
    /// Deviation id.
    pub id: String,
    /// `open` or `closed`.
    pub status: String,
    /// One-line description.
    pub summary: String,
    /// The closure envelope, when closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    /// What that closure signed: the disposition, classification, impact, root cause and CAPA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure: Option<crate::sign::DeviationDisposition>,
}

/// The whole outcome.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Always [`VERIFY_SCHEMA`].
    pub schema: String,
    /// The package folder as given.
    pub package: String,
    /// The package id from the manifest (empty when the manifest is unreadable).
    pub package_id: String,
    /// SHA-256 of `manifest.json` (empty when unreadable).
    pub manifest_sha256: String,
    /// True when there is no error finding.
    pub verified: bool,
    /// What signer membership and the workflow were checked against.
    pub trust: TrustSummary,
    /// The signing keys with their fingerprints.
    pub keys: Vec<KeySummary>,
    /// Refused signing attempts recorded in the audit trail.
    pub refused_attempts: Vec<RefusedAttempt>,
    /// Signatures in signing order.
    pub signatures: Vec<SignatureSummary>,
    /// Deviations in register order.
    pub deviations: Vec<DeviationSummary>,
    /// Findings, errors first.
    pub findings: Vec<Finding>,
    /// What the git ledger could establish (or exactly what it could not).
    pub anchor: crate::anchor::AnchorSummary,
}

impl VerifyReport {
    /// Number of error findings.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// Writes the report for people: identity and trust, signatures, deviations, anchor,
    /// findings, verdict.
    pub fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "package   {} ({})", self.package_id, self.package)?;
        writeln!(out, "manifest  sha256 {}", self.manifest_sha256)?;
        write_trust(out, &self.trust, &self.keys, &self.refused_attempts)?;
        self.write_signatures(out)?;
        if !self.deviations.is_empty() {
            writeln!(out, "deviations:")?;
            for d in &self.deviations {
                writeln!(out, "  {:<6} {}", d.status, d.summary)?;
            }
        }
        match (&self.anchor.repository, &self.anchor.ledger_tip) {
            (Some(repo), Some(tip)) => writeln!(
                out,
                "anchor    {} record(s) in {} at {tip} of {repo}",
                self.anchor.records,
                crate::anchor::LEDGER_REF
            )?,
            _ => writeln!(out, "anchor    NOT CHECKED (see the warning below)")?,
        }
        for f in &self.findings {
            writeln!(out, "{f}")?;
        }
        self.write_verdict(out)
    }

    fn write_signatures(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.signatures.is_empty() {
            return writeln!(out, "signatures: none");
        }
        writeln!(out, "signatures:")?;
        for s in &self.signatures {
            let what = match &s.deviation {
                Some(d) => format!("closed {d}"),
                None => s.meaning.clone(),
            };
            writeln!(
                out,
                "  {:<8} {:<18} {} ({}, {}) at {}  {}",
                if s.valid { "valid" } else { "INVALID" },
                what,
                s.name,
                s.signer_id,
                s.role,
                s.signed_at,
                s.path
            )?;
            if let Some(timestamp) = &s.timestamp {
                writeln!(out, "           {timestamp}")?;
            }
        }
        Ok(())
    }

    fn write_verdict(&self, out: &mut dyn Write) -> io::Result<()> {
        let warnings = self.findings.len() - self.errors();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if self.verified && !self.trust.anchored && !self.keys.is_empty() {
            writeln!(
                out,
                "VERIFIED against the keys embedded in the package only: {} ({} warning{}); \
                 signer membership and revocation were NOT checked against a trusted registry",
                self.package_id,
                warnings,
                plural(warnings)
            )
        } else if self.verified {
            let unchecked = if self.anchor.checked {
                ""
            } else {
                " WITHOUT ANCHOR CHECK"
            };
            writeln!(
                out,
                "VERIFIED{unchecked}: {} ({} warning{})",
                self.package_id,
                warnings,
                plural(warnings)
            )
        } else {
            writeln!(
                out,
                "VERIFICATION FAILED: {} error{}, {} warning{}",
                self.errors(),
                plural(self.errors()),
                warnings,
                plural(warnings)
            )
        }
    }
}
