//! The verifying side: a package against the ledger of the repository at hand. Rollback (an
//! anchored envelope the package lacks), re-seal (a manifest digest other than the anchored
//! seal's), unanchored envelopes, anchored times that contradict the signed ones, and approval
//! tags naming another manifest or commit are errors. What cannot be checked is said, as a
//! warning and in the report's `anchor` field.

use std::path::Path;

use serde::Serialize;

use super::ledger::{LEDGER_REF, Ledger, Snapshot};
use super::record::{EnvelopeRecord, Record, SealRecord};
use super::tags::check_approval_tags;
use super::times::{check_ledger_order, contradiction};
use crate::verify::{Check, CheckedEnvelope, Finding, PackageContents};

/// What the anchor check could establish, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AnchorSummary {
    /// True when the package was checked against ledger records of it.
    pub checked: bool,
    /// The repository whose ledger was read.
    pub repository: Option<String>,
    /// The ledger's tip commit.
    pub ledger_tip: Option<String>,
    /// Records of this package in the ledger.
    pub records: usize,
    /// When not checked: exactly what could not be checked, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_checked: Option<String>,
}

const WHAT: &str =
    "rollback (removed signatures and closures), re-sealing and anchored times were NOT checked";

/// Checks the package against the ledger of the repository containing `repo_dir`.
pub fn check_anchor(
    contents: &PackageContents,
    envelopes: &[CheckedEnvelope],
    repo_dir: Option<&Path>,
) -> (AnchorSummary, Vec<Finding>) {
    let mut summary = AnchorSummary::default();
    let not_checked = |mut summary: AnchorSummary, why: String| {
        let message = format!("{WHAT}: {why}");
        summary.not_checked = Some(message.clone());
        (
            summary,
            vec![Finding::warning(Check::Anchor, LEDGER_REF, message)],
        )
    };
    let Some(dir) = repo_dir else {
        return not_checked(summary, "no repository was given (--repo DIR)".into());
    };
    let ledger = match Ledger::discover(dir) {
        Ok(l) => l,
        Err(reason) => return not_checked(summary, reason),
    };
    summary.repository = Some(ledger.location().display().to_string());
    let snapshot = match ledger.snapshot() {
        Ok(s) => s,
        Err(e) => return not_checked(summary, super::chain(&e)),
    };
    let Some(tip) = snapshot.tip else {
        return not_checked(
            summary,
            format!(
                "the repository {} has no ledger; fetch it with `git fetch origin \
                 'refs/qualify/*:refs/qualify/*'`",
                ledger.location().display()
            ),
        );
    };
    summary.ledger_tip = Some(tip.to_string());
    let mut findings: Vec<Finding> = snapshot
        .problems
        .iter()
        .map(|p| Finding::error(Check::Anchor, LEDGER_REF, p.clone()))
        .collect();
    let id = &contents.manifest.package_id;
    let mine: Vec<&Record> = snapshot
        .records
        .iter()
        .map(|(r, _)| r)
        .filter(|r| &r.common().package_id == id)
        .collect();
    summary.records = mine.len();
    if !mine
        .iter()
        .any(|r| matches!(r, Record::Sealed(_) | Record::Envelope(_)))
    {
        let (summary, mut more) = not_checked(
            summary,
            format!(
                "the ledger of {} (tip {}) has no record of package {id}: it was made without \
                 this repository, or its ledger was not fetched",
                ledger.location().display(),
                &tip.to_string()[..12]
            ),
        );
        findings.append(&mut more);
        return (summary, findings);
    }
    summary.checked = true;
    findings.extend(check_seal(contents, &mine));
    findings.extend(check_envelopes(contents, envelopes, &mine, &snapshot));
    findings.extend(check_ledger_order(&snapshot, id));
    findings.extend(check_approval_tags(ledger.repo(), contents));
    findings.extend(super::supersession::supersession_findings(
        &ledger, &snapshot, id,
    ));
    (summary, findings)
}

fn check_seal(contents: &PackageContents, mine: &[&Record]) -> Vec<Finding> {
    let seals: Vec<&SealRecord> = mine
        .iter()
        .filter_map(|r| match r {
            Record::Sealed(s) => Some(s),
            _ => None,
        })
        .collect();
    let mut findings = Vec::new();
    let now = &contents.manifest_sha256;
    for seal in seals.iter().filter(|s| &s.manifest_sha256 != now) {
        findings.push(Finding::error(
            Check::Anchor,
            crate::evidence::MANIFEST_FILE,
            format!(
                "re-sealed: the ledger anchors the seal of this package with manifest SHA-256 {} \
                 (sealed at {}, anchored at {}), but manifest.json now has SHA-256 {now}: the \
                 content was changed and sealed again",
                seal.manifest_sha256, seal.sealed_at, seal.common.recorded_at
            ),
        ));
    }
    for seal in seals.iter().filter(|s| &s.manifest_sha256 == now) {
        if let Some(why) = contradiction(&seal.sealed_at, &seal.common.recorded_at) {
            findings.push(Finding::error(
                Check::Anchor,
                crate::evidence::MANIFEST_FILE,
                format!("sealed at {}, but {why}", seal.sealed_at),
            ));
        }
    }
    if seals.is_empty() {
        findings.push(Finding::warning(
            Check::Anchor,
            crate::evidence::MANIFEST_FILE,
            "the seal itself is not anchored (the run was not in this repository); its \
             signatures are",
        ));
    }
    findings
}

fn check_envelopes(
    contents: &PackageContents,
    envelopes: &[CheckedEnvelope],
    mine: &[&Record],
    snapshot: &Snapshot,
) -> Vec<Finding> {
    let anchored: Vec<&EnvelopeRecord> = mine
        .iter()
        .filter_map(|r| match r {
            Record::Envelope(e) => Some(e),
            _ => None,
        })
        .collect();
    let mut findings = Vec::new();
    for record in &anchored {
        let held = envelopes
            .iter()
            .find(|e| e.sha256 == record.envelope_sha256);
        match held {
            None => findings.push(Finding::error(
                Check::Anchor,
                &record.path,
                format!(
                    "rolled back: the ledger anchors {} by {} (key {}, signed at {}, envelope \
                     SHA-256 {}), but the package does not hold it: a signature or closure was \
                     removed.{}",
                    describe(record),
                    record.signer_id,
                    &record.key_id[..record.key_id.len().min(16)],
                    record.signed_at,
                    record.envelope_sha256,
                    if record.manifest_sha256 == contents.manifest_sha256 {
                        " If a signing was interrupted, `qualify recover PKG` writes it back."
                    } else {
                        " It signed another manifest, so it cannot be restored here."
                    }
                ),
            )),
            Some(_) => {
                if let Some(why) = contradiction(&record.signed_at, &record.common.recorded_at) {
                    findings.push(Finding::error(
                        Check::Anchor,
                        &record.path,
                        format!("signed at {}, but {why}", record.signed_at),
                    ));
                }
            }
        }
    }
    for envelope in envelopes {
        if anchored
            .iter()
            .any(|r| r.envelope_sha256 == envelope.sha256)
        {
            continue;
        }
        let elsewhere = snapshot
            .records
            .iter()
            .any(|(r, _)| matches!(r, Record::Envelope(e) if e.envelope_sha256 == envelope.sha256));
        findings.push(Finding::error(
            Check::Anchor,
            &envelope.path,
            if elsewhere {
                "the ledger anchors this envelope for another package: it was copied here".into()
            } else {
                format!(
                    "not anchored: the ledger has no record of this envelope (SHA-256 {}), \
                     although it has this package's; it was made without this repository or \
                     put into the package by hand. If it was signed in another clone, push \
                     that clone's ledger (`git push origin 'refs/qualify/*'`) and fetch it here",
                    envelope.sha256
                )
            },
        ));
    }
    findings
}

fn describe(record: &EnvelopeRecord) -> String {
    match &record.deviation {
        Some(d) => format!("the closure of {d}"),
        None => format!("the `{}` signature", record.meaning),
    }
}
