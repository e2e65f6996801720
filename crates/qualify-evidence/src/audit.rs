//! [`AuditEntry`]: one line of the audit trail `audit/trail.jsonl`: who did what, when, and why.
//!
//! Each entry is one line of compact JSON. Entries are hash-chained: `prev` is the SHA-256 of
//! the previous line, and the first entry's `prev` is the SHA-256 of [`chain_seed`] (which ties
//! the trail to its package). Removing, editing or reordering a line breaks the chain.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::schema::AUDIT_CHAIN_SEED;

/// The text whose SHA-256 is the first entry's `prev`: `qualify.audit/v1 <package id>`.
pub fn chain_seed(package_id: &str) -> String {
    format!("{AUDIT_CHAIN_SEED} {package_id}")
}

/// The entries of a trail's text, one per non-empty line; the first line that is not an entry
/// is returned as its 1-based number and the JSON error. (Whether the chain holds is the
/// reader's check: each `prev` against the SHA-256 of the line before, the first against
/// [`chain_seed`].)
pub fn parse_trail(text: &str) -> Result<Vec<AuditEntry>, (usize, serde_json::Error)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| serde_json::from_str(line).map_err(|e| (i + 1, e)))
        .collect()
}

/// What happened to the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The package was started (written by `qualify run`).
    Created,
    /// A failed step opened a deviation (written by `qualify run`).
    DeviationOpened,
    /// The manifest was written and the package moved into place (written by `qualify run`).
    Sealed,
    /// A workflow signature was added (`qualify sign`).
    Signed,
    /// A deviation was closed with a signed disposition (`qualify deviation close`).
    DeviationClosed,
    /// A report was rendered from the package.
    Rendered,
    /// An interrupted operation (sign, close, render) was found and rolled back or completed by
    /// the next command (src/txn).
    Recovered,
    /// A signing or closure attempt was refused (wrong passphrase, unknown key, role, workflow):
    /// recorded with the claimed signer and the reason (21 CFR 11.300(d)).
    SigningRefused,
    /// A signature or closure anchored in the git ledger, missing from the package after an
    /// interrupted signing, was written back from the ledger (`src/anchor`).
    Restored,
}

impl AuditAction {
    /// The action as the trail spells it (`created`, `deviation_opened`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Created => "created",
            AuditAction::DeviationOpened => "deviation_opened",
            AuditAction::Sealed => "sealed",
            AuditAction::Signed => "signed",
            AuditAction::DeviationClosed => "deviation_closed",
            AuditAction::Rendered => "rendered",
            AuditAction::Recovered => "recovered",
            AuditAction::SigningRefused => "signing_refused",
            AuditAction::Restored => "restored",
        }
    }
}

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// `os-user` for what `qualify run` did, `signer` for signatures and closures.
    pub kind: String,
    /// The login name, or the signer's registry id.
    pub id: String,
    /// The login name, or the signer's printed name.
    pub name: String,
    /// The CI job, when the action ran in one (its URL, else its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_job: Option<String>,
}

impl Actor {
    /// The operating-system user running qualify, from `environment.json`'s `host.user` and CI
    /// variables.
    pub fn os_user(user: Option<&str>, ci: &BTreeMap<String, String>) -> Actor {
        let user = user.unwrap_or("unknown").to_string();
        Actor {
            kind: "os-user".into(),
            id: user.clone(),
            name: user,
            ci_job: ci_job(ci),
        }
    }

    /// A signer from the registry, signing in the CI job `ci` names (if any).
    pub fn signer(id: &str, name: &str, ci: &BTreeMap<String, String>) -> Actor {
        Actor {
            kind: "signer".into(),
            id: id.into(),
            name: name.into(),
            ci_job: ci_job(ci),
        }
    }
}

/// The CI job's URL (GitLab `CI_JOB_URL`, GitHub Actions run URL) or id (`CI_JOB_ID`).
pub fn ci_job(ci: &BTreeMap<String, String>) -> Option<String> {
    if let Some(url) = ci.get("CI_JOB_URL") {
        return Some(url.clone());
    }
    if let (Some(server), Some(repo), Some(run)) = (
        ci.get("GITHUB_SERVER_URL"),
        ci.get("GITHUB_REPOSITORY"),
        ci.get("GITHUB_RUN_ID"),
    ) {
        return Some(format!("{server}/{repo}/actions/runs/{run}"));
    }
    ci.get("CI_JOB_ID").cloned()
}

/// One entry of `audit/trail.jsonl`, written as one line of compact JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the trail, from 1.
    pub seq: u64,
    /// When, UTC, RFC 3339.
    pub at: String,
    /// What kind of event.
    pub action: AuditAction,
    /// Who.
    pub who: Actor,
    /// What happened, in words.
    pub what: String,
    /// Why: the reason, meaning or disposition.
    pub why: String,
    /// What it concerns: the package id, a file of the package, or a deviation id.
    pub subject: String,
    /// SHA-256 of the subject where it is a file known at the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// SHA-256 of the previous entry's line (without its newline); for the first entry, of
    /// `qualify.audit/v1 <package id>` (see [`chain_seed`]).
    pub prev: String,
}

/// An entry before it is chained: everything but `seq` and `prev`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// When.
    pub at: String,
    /// What kind of event.
    pub action: AuditAction,
    /// Who.
    pub who: Actor,
    /// What happened.
    pub what: String,
    /// Why.
    pub why: String,
    /// What it concerns.
    pub subject: String,
    /// Digest of the subject, if any.
    pub sha256: Option<String>,
}

impl NewEntry {
    /// The chained entry.
    pub fn chain(self, seq: u64, prev: String) -> AuditEntry {
        AuditEntry {
            seq,
            at: self.at,
            action: self.action,
            who: self.who,
            what: self.what,
            why: self.why,
            subject: self.subject,
            sha256: self.sha256,
            prev,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_as_one_compact_line() {
        let entry = NewEntry {
            at: "2026-01-01T00:00:00.000Z".into(),
            action: AuditAction::DeviationOpened,
            who: Actor::signer("jdoe", "Jane Doe", &BTreeMap::new()),
            what: "w".into(),
            why: "y".into(),
            subject: "DEV-001".into(),
            sha256: None,
        }
        .chain(2, "ab".into());
        let line = serde_json::to_string(&entry).unwrap();
        assert!(line.contains("\"action\":\"deviation_opened\""), "{line}");
        assert!(
            !line.contains("sha256") && !line.contains("ci_job"),
            "{line}"
        );
        assert_eq!(serde_json::from_str::<AuditEntry>(&line).unwrap(), entry);
        assert_eq!(chain_seed("p"), "qualify.audit/v1 p");
    }

    #[test]
    fn ci_job_prefers_urls() {
        let mut ci = BTreeMap::new();
        assert_eq!(ci_job(&ci), None);
        ci.insert("CI_JOB_ID".to_string(), "77".to_string());
        assert_eq!(ci_job(&ci).as_deref(), Some("77"));
        for (k, v) in [
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/mes"),
            ("GITHUB_RUN_ID", "9"),
        ] {
            ci.insert(k.into(), v.into());
        }
        assert_eq!(
            ci_job(&ci).as_deref(),
            Some("https://github.com/acme/mes/actions/runs/9")
        );
        ci.insert("CI_JOB_URL".into(), "https://gitlab/job/1".into());
        assert_eq!(ci_job(&ci).as_deref(), Some("https://gitlab/job/1"));
    }
}
