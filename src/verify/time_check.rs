//! Trusted time, as far as the package itself can tell: no time in the future beyond a stated
//! clock skew, and no time before the one it follows (the audit trail is appended in order, and
//! each signature follows the ones it lists as earlier). A key's validity window is checked in
//! the signature's own checks, against the time checked here.
//!
//! What this cannot detect: a signature back-dated into the gap between the last genuine entry
//! and a key's revocation. Only an outside clock closes that gap (the git anchor, or an RFC 3161
//! time-stamp token, checked in tsa_check.rs); docs/threat-model.md says so.

use chrono::{DateTime, Duration, Utc};

use super::finding::{Check, Finding};
use super::signatures::CheckedEnvelope;
use crate::audit::{AuditEntry, TRAIL_FILE, TrailLine};

/// Default tolerance for clocks that run ahead: 5 minutes.
pub const DEFAULT_MAX_SKEW_SECONDS: i64 = 300;

/// The verifier's clock and how far ahead a recorded time may be.
#[derive(Debug, Clone)]
pub struct TimePolicy {
    /// Now, by the verifier's clock.
    pub now: DateTime<Utc>,
    /// The largest accepted lead of a recorded time over `now`.
    pub max_skew: Duration,
    /// Time-stamping authorities: the trusted CA and whether tokens are required.
    pub tsa: super::tsa_check::TsaPolicy,
}

impl TimePolicy {
    /// Now, with the default skew.
    pub fn now() -> TimePolicy {
        TimePolicy::with_skew_seconds(DEFAULT_MAX_SKEW_SECONDS)
    }

    /// Now, with `seconds` of tolerated skew.
    pub fn with_skew_seconds(seconds: i64) -> TimePolicy {
        TimePolicy {
            now: Utc::now(),
            max_skew: Duration::seconds(seconds.max(0)),
            tsa: Default::default(),
        }
    }

    /// An error message when `at` lies beyond now plus the skew.
    pub fn future(&self, at: DateTime<Utc>) -> Option<String> {
        (at > self.now + self.max_skew).then(|| {
            format!(
                "{} is in the future: the verifier's clock says {}, and at most {} s of clock \
                 skew is accepted (--max-clock-skew)",
                at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                self.now
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                self.max_skew.num_seconds()
            )
        })
    }
}

/// Every trail entry: not in the future, not before the entry it follows.
pub fn check_trail_times(
    policy: &TimePolicy,
    entries: &[(&TrailLine, &AuditEntry)],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut previous: Option<(usize, DateTime<Utc>)> = None;
    for (line, entry) in entries {
        let Ok(at) = DateTime::parse_from_rfc3339(&entry.at).map(|t| t.with_timezone(&Utc)) else {
            findings.push(Finding::error(
                Check::Time,
                TRAIL_FILE,
                format!(
                    "entry at line {}: time {:?} is not RFC 3339",
                    line.line, entry.at
                ),
            ));
            continue;
        };
        if let Some(reason) = policy.future(at) {
            findings.push(Finding::error(
                Check::Time,
                TRAIL_FILE,
                format!("entry at line {} ({:?}): {reason}", line.line, entry.action),
            ));
        }
        if let Some((prev_line, prev_at)) = previous
            && at < prev_at
        {
            findings.push(Finding::error(
                Check::Time,
                TRAIL_FILE,
                format!(
                    "entry at line {} ({:?}, {}) is dated before the previous entry at line \
                     {prev_line} ({}): the trail is appended in order, so this time was changed \
                     (back-dated)",
                    line.line,
                    entry.action,
                    entry.at,
                    prev_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                ),
            ));
        }
        previous = Some((line.line, at.max(previous.map(|p| p.1).unwrap_or(at))));
    }
    findings
}

/// Each signature in signing order: not in the future, not before the one it follows.
pub fn check_signing_times(policy: &TimePolicy, ordered: &[&CheckedEnvelope]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut previous: Option<(&str, DateTime<Utc>)> = None;
    for envelope in ordered {
        let Some(at) = envelope.signed_at else {
            continue;
        };
        if let Some(reason) = policy.future(at) {
            findings.push(Finding::error(
                Check::Time,
                &envelope.path,
                format!("signing time {reason}"),
            ));
        }
        if let Some((path, prev_at)) = previous
            && at < prev_at
        {
            findings.push(Finding::error(
                Check::Time,
                &envelope.path,
                format!(
                    "signed at {}, before {path} ({}) which it lists as an earlier signature: \
                     the time was changed (back-dated)",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    prev_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                ),
            ));
        }
        previous = Some((&envelope.path, at));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_future_starts_after_the_skew() {
        let policy = TimePolicy::with_skew_seconds(300);
        assert!(policy.future(policy.now + Duration::seconds(299)).is_none());
        let msg = policy.future(policy.now + Duration::seconds(301)).unwrap();
        assert!(msg.contains("is in the future"), "{msg}");
        assert!(msg.contains("at most 300 s"), "{msg}");
        let strict = TimePolicy::with_skew_seconds(-5);
        assert_eq!(strict.max_skew, Duration::zero());
    }
}
