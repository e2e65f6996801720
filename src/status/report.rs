//! [`StatusReport`]: the overview, as a compact table for people and as `qualify.status/v1` JSON.

use std::io::{self, Write};

use serde::Serialize;

/// Identifier and version of the JSON form.
pub use qualify_evidence::schema::STATUS_SCHEMA;

/// One refused signing attempt.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptSummary {
    /// When it was recorded.
    pub at: String,
    /// What was attempted.
    pub action: String,
    /// The key file given.
    pub key: String,
    /// Why it was refused.
    pub reason: String,
}

/// One package, from the store, the ledger, or both.
#[derive(Debug, Clone, Serialize)]
pub struct PackageStatus {
    /// Package id.
    pub id: String,
    /// IQ, OQ, PQ or ALL.
    pub stage: String,
    /// The commit it was made from.
    pub revision: Option<String>,
    /// `passed`, `failed` or `unknown`.
    pub result: String,
    /// Its folder in the evidence store; `None` when it is missing from the store.
    pub path: Option<String>,
    /// True when the ledger records it and the store does not have it.
    pub missing_from_store: bool,
    /// Whether it verifies (`None` when it is not in the store).
    pub verified: Option<bool>,
    /// Whether the ledger records its seal or signatures.
    pub anchored: bool,
    /// Meanings signed (valid signatures in the store; anchored ones when missing).
    pub signatures: Vec<String>,
    /// Meanings of the workflow not signed yet.
    pub pending: Vec<String>,
    /// Deviations still open (unknown when missing from the store).
    pub open_deviations: Vec<String>,
    /// The package that supersedes it, when the ledger anchors a supersession of it.
    pub superseded_by: Option<String>,
    /// The anchored supersession record's file, relative to the repository's root.
    pub supersession_record: Option<String>,
    /// Why the anchored record and its file disagree (missing or changed), when they do.
    pub supersession_problem: Option<String>,
    /// Refused signing attempts on it.
    pub failed_attempts: Vec<AttemptSummary>,
}

/// The whole overview.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// Always [`STATUS_SCHEMA`].
    pub schema: String,
    /// The evidence store read.
    pub evidence_dir: String,
    /// The repository whose ledger was read.
    pub repository: Option<String>,
    /// The ledger's tip commit.
    pub ledger_tip: Option<String>,
    /// Why the ledger could not be read, when it could not.
    pub ledger_note: Option<String>,
    /// Every package, newest first.
    pub packages: Vec<PackageStatus>,
    /// The gate's report for HEAD (`qualify.gate/…`), or why it could not be made.
    pub gate: serde_json::Value,
    /// Whether the gate passes for HEAD.
    pub gate_passed: bool,
    /// The gate's verdict and reasons as it prints them.
    #[serde(skip)]
    pub gate_text: String,
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(",")
    }
}

impl StatusReport {
    /// The compact table, the refused attempts, and the gate for HEAD.
    pub fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "evidence: {}", self.evidence_dir)?;
        match (&self.repository, &self.ledger_tip, &self.ledger_note) {
            (Some(repo), Some(tip), _) => writeln!(
                out,
                "ledger:   {} at {} of {repo}",
                crate::anchor::LEDGER_REF,
                &tip[..12.min(tip.len())]
            )?,
            (_, _, Some(note)) => writeln!(out, "ledger:   NOT READ: {note}")?,
            _ => writeln!(out, "ledger:   none")?,
        }
        writeln!(
            out,
            "{:<30} {:<5} {:<8} {:<7} {:<28} {:<20} {:<10} NOTE",
            "PACKAGE", "STAGE", "REV", "RESULT", "SIGNED", "PENDING", "OPEN DEV"
        )?;
        for p in &self.packages {
            let mut note = Vec::new();
            if p.missing_from_store {
                note.push("MISSING from the store".to_string());
            }
            if p.verified == Some(false) {
                note.push("DOES NOT VERIFY".into());
            }
            if !p.anchored {
                note.push("not anchored".into());
            }
            if let Some(by) = &p.superseded_by {
                note.push(format!("superseded by {by}"));
            }
            if p.supersession_problem.is_some() {
                note.push("SUPERSESSION RECORD MISSING or changed (qualify ledger check)".into());
            }
            if !p.failed_attempts.is_empty() {
                note.push(format!("{} refused attempt(s)", p.failed_attempts.len()));
            }
            let open = if p.missing_from_store {
                "?".to_string()
            } else {
                list(&p.open_deviations)
            };
            writeln!(
                out,
                "{:<30} {:<5} {:<8} {:<7} {:<28} {:<20} {:<10} {}",
                p.id,
                p.stage,
                p.revision
                    .as_deref()
                    .map(|r| &r[..7.min(r.len())])
                    .unwrap_or("-"),
                p.result,
                list(&p.signatures),
                list(&p.pending),
                open,
                note.join("; ")
            )?;
        }
        let attempts: Vec<_> = self
            .packages
            .iter()
            .flat_map(|p| p.failed_attempts.iter().map(move |a| (&p.id, a)))
            .collect();
        if !attempts.is_empty() {
            writeln!(out, "refused signing attempts:")?;
            for (id, a) in attempts {
                writeln!(
                    out,
                    "  {} {id} {} ({}): {}",
                    a.at,
                    a.action,
                    a.key,
                    a.reason.lines().next().unwrap_or_default()
                )?;
            }
        }
        writeln!(out, "gate for HEAD:")?;
        for line in self.gate_text.lines() {
            writeln!(out, "  {line}")?;
        }
        Ok(())
    }
}
