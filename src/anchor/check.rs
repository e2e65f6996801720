//! The verifying side: a package against the ledger of the repository at hand. Rollback (an
//! anchored envelope the package lacks), re-seal (a manifest digest other than the anchored
//! seal's), unanchored envelopes, anchored times that contradict the signed ones, and approval
//! tags naming another manifest or commit are errors. What cannot be checked is said, as a
//! warning and in the report's `anchor` field.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::ledger::{LEDGER_REF, Ledger, Snapshot};
use super::record::{EnvelopeRecord, Record, SealRecord};
use super::tags::check_approval_tags;
use crate::verify::{Check, CheckedEnvelope, Finding, PackageContents};

/// How far an anchored time may be from the time it anchors. The ledger is written within
/// milliseconds of the signing (before the package is), so minutes are generous; a signature
/// dated hours before or after its anchoring was not made when it claims.
pub const ANCHOR_TOLERANCE_MINUTES: i64 = 10;

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

/// Records of this package must not claim a time earlier than a record the ledger holds before
/// them (of any package): the ledger's order is the order things happened in.
fn check_ledger_order(snapshot: &Snapshot, id: &str) -> Vec<Finding> {
    let parse = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let tolerance = Duration::minutes(ANCHOR_TOLERANCE_MINUTES);
    let mut latest: Option<(DateTime<Utc>, String)> = None;
    let mut findings = Vec::new();
    for (record, _) in &snapshot.records {
        let claimed = match record {
            Record::Envelope(e) => Some((e.signed_at.as_str(), e.path.as_str())),
            Record::Sealed(s) => Some((s.sealed_at.as_str(), crate::evidence::MANIFEST_FILE)),
            _ => None,
        };
        if let (Some((at, subject)), Some((before, summary))) = (claimed, &latest)
            && record.common().package_id == id
            && parse(at).is_some_and(|t| t + tolerance < *before)
        {
            findings.push(Finding::error(
                Check::Anchor,
                subject,
                format!(
                    "claims the time {at}, but the ledger anchored it after `{summary}` \
                     (anchored at {}): the time was moved back",
                    before.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                ),
            ));
        }
        if let Some(t) = parse(&record.common().recorded_at)
            && latest.as_ref().is_none_or(|(l, _)| t > *l)
        {
            latest = Some((t, record.summary()));
        }
    }
    findings
}

fn describe(record: &EnvelopeRecord) -> String {
    match &record.deviation {
        Some(d) => format!("the closure of {d}"),
        None => format!("the `{}` signature", record.meaning),
    }
}

/// Why an anchored time contradicts the time it anchors, if it does.
fn contradiction(claimed: &str, anchored: &str) -> Option<String> {
    let parse = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let (Some(claimed_t), Some(anchored_t)) = (parse(claimed), parse(anchored)) else {
        return Some(format!(
            "the anchored time {anchored:?} or the claimed time {claimed:?} is not an RFC 3339 time"
        ));
    };
    let tolerance = Duration::minutes(ANCHOR_TOLERANCE_MINUTES);
    if anchored_t + tolerance < claimed_t {
        Some(format!(
            "the ledger anchored it at {anchored}, before that time: the time was moved forward"
        ))
    } else if anchored_t > claimed_t + tolerance {
        Some(format!(
            "the ledger anchored it only at {anchored}, more than {ANCHOR_TOLERANCE_MINUTES} \
             minutes later: the time was moved back (back-dated)"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anchor::record::{Common, FailedAttemptRecord, RECORD_SCHEMA};

    fn common(package: &str, at: &str) -> Common {
        Common {
            schema: RECORD_SCHEMA.into(),
            package_id: package.into(),
            recorded_at: at.into(),
            recorded_by: "test".into(),
        }
    }

    fn seal(package: &str, sealed_at: &str, recorded_at: &str) -> Record {
        Record::Sealed(SealRecord {
            common: common(package, recorded_at),
            stage: "OQ".into(),
            commit: None,
            manifest_sha256: "m".into(),
            sealed_at: sealed_at.into(),
            result: "passed".into(),
        })
    }

    #[test]
    fn a_record_placed_after_later_ones_contradicts_the_ledger_order() {
        let later = Record::FailedAttempt(FailedAttemptRecord {
            common: common("other", "2026-06-01T12:00:00.000Z"),
            action: "sign --meaning approved".into(),
            claimed_key: "k.pem".into(),
            reason: "wrong passphrase".into(),
        });
        let snapshot = Snapshot {
            tip: None,
            records: vec![
                (later, git2::Oid::ZERO_SHA1),
                (
                    seal("p", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01.000Z"),
                    git2::Oid::ZERO_SHA1,
                ),
            ],
            problems: Vec::new(),
        };
        let findings = check_ledger_order(&snapshot, "p");
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].message.contains("the time was moved back"));
        // In the right order there is nothing to say; another package's records are not judged.
        let mut ordered = snapshot.clone();
        ordered.records.reverse();
        assert!(check_ledger_order(&ordered, "p").is_empty());
        assert!(check_ledger_order(&snapshot, "other").is_empty());
    }

    #[test]
    fn anchored_times_far_from_the_claimed_ones_are_contradictions() {
        assert!(contradiction("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.050Z").is_none());
        let late = contradiction("2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z").unwrap();
        assert!(late.contains("back-dated"), "{late}");
        let early = contradiction("2026-01-02T00:00:00.000Z", "2026-01-01T00:00:00.000Z").unwrap();
        assert!(early.contains("moved forward"), "{early}");
        assert!(contradiction("yesterday", "2026-01-01T00:00:00.000Z").is_some());
    }
}
