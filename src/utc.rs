//! The one time format of qualify: every timestamp qualify writes (manifests, results, the audit
//! trail, signatures, deviations, transcripts, the signers registry) is UTC, RFC 3339, with
//! exactly [`FRACTION_DIGITS`] fraction digits and a `Z`: `2025-06-30T22:15:09.418Z`.
//!
//! One precision everywhere makes times comparable as text and keeps signed times exact: a time
//! is truncated to milliseconds *before* it is used, so the value signed, the value recorded in the
//! trail and the value compared by `verify` are the same instant. Readers accept any RFC 3339
//! time (packages written before this module used whole seconds in the manifest and microseconds
//! in transcripts), so older packages still verify.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};

/// Fraction digits of every timestamp qualify writes (milliseconds).
pub const FRACTION_DIGITS: u16 = 3;

/// The current time, truncated to the precision qualify writes.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(FRACTION_DIGITS)
}

/// `t` in the one format: RFC 3339, UTC, milliseconds, `Z`.
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The current time in the one format.
pub fn now_string() -> String {
    format(now())
}

/// `t` as the compact stamp of package ids: `YYYYMMDDTHHMMSSZ` (whole seconds; ids sort by time).
pub fn id_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Why a time could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{text:?} is not an RFC 3339 time (such as 2025-06-30T22:15:09.418Z)")]
pub struct TimeError {
    /// The text as given.
    pub text: String,
    /// The parser's reason.
    #[source]
    pub source: chrono::ParseError,
}

/// Reads an RFC 3339 time at any precision and offset, as UTC.
pub fn parse(text: &str) -> Result<DateTime<Utc>, TimeError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|source| TimeError {
            text: text.to_string(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn one_format_and_every_precision_read() {
        let t = Utc.with_ymd_and_hms(2025, 6, 30, 22, 15, 9).unwrap();
        assert_eq!(format(t), "2025-06-30T22:15:09.000Z");
        assert_eq!(id_stamp(t), "20250630T221509Z");
        for old in [
            "2025-06-30T22:15:09Z",
            "2025-06-30T22:15:09.000Z",
            "2025-06-30T22:15:09.000000Z",
            "2025-06-30T23:15:09+01:00",
        ] {
            assert_eq!(parse(old).unwrap(), t, "{old}");
        }
        let micro = parse("2025-06-30T22:15:09.123456Z").unwrap();
        assert_eq!(format(micro), "2025-06-30T22:15:09.123Z");
        let err = parse("30/06/2025").unwrap_err();
        assert!(err.to_string().contains("not an RFC 3339 time"), "{err}");
        let n = now();
        assert_eq!(n.timestamp_subsec_nanos() % 1_000_000, 0);
        assert_eq!(parse(&format(n)).unwrap(), n);
    }
}
