//! Time checks against the ledger: an anchored time far from the time it anchors, and records
//! that claim a time earlier than records the ledger holds before them.

use chrono::{DateTime, Duration, Utc};

use super::ledger::Snapshot;
use super::record::Record;
use crate::verify::{Check, Finding};

/// How far an anchored time may be from the time it anchors. The ledger is written within
/// milliseconds of the signing (before the package is), so minutes are generous; a signature
/// dated hours before or after its anchoring was not made when it claims.
pub const ANCHOR_TOLERANCE_MINUTES: i64 = 10;

/// Records of this package must not claim a time earlier than a record the ledger holds before
/// them (of any package): the ledger's order is the order things happened in.
pub(super) fn check_ledger_order(snapshot: &Snapshot, id: &str) -> Vec<Finding> {
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

/// Why an anchored time contradicts the time it anchors, if it does.
pub(super) fn contradiction(claimed: &str, anchored: &str) -> Option<String> {
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
    use crate::anchor::record::{Common, FailedAttemptRecord, RECORD_SCHEMA, SealRecord};

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
