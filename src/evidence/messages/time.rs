//! Times in the shapes of Cucumber Messages: `Timestamp` and `Duration`, `{seconds, nanos}`.

use serde_json::{Value, json};

/// The `Timestamp` of an RFC 3339 time of results.json; `fallback` when it is absent or not a
/// time (a scenario the runner lost has none).
pub(super) fn timestamp(rfc3339: Option<&str>, fallback: &str) -> Value {
    let parsed = rfc3339
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .or_else(|| chrono::DateTime::parse_from_rfc3339(fallback).ok());
    match parsed {
        Some(t) => json!({ "seconds": t.timestamp(), "nanos": t.timestamp_subsec_nanos() }),
        None => json!({ "seconds": 0, "nanos": 0 }),
    }
}

/// The `Duration` of `ms` milliseconds.
pub(super) fn duration(ms: u64) -> Value {
    json!({ "seconds": ms / 1000, "nanos": (ms % 1000) * 1_000_000 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_split_into_seconds_and_nanos() {
        let t = timestamp(Some("2026-01-01T00:00:01.250Z"), "");
        assert_eq!(
            t,
            json!({"seconds": 1_767_225_601_i64, "nanos": 250_000_000})
        );
        let fallback = timestamp(None, "1970-01-01T00:00:02Z");
        assert_eq!(fallback, json!({"seconds": 2, "nanos": 0}));
        assert_eq!(duration(1_500), json!({"seconds": 1, "nanos": 500_000_000}));
    }
}
