//! Timestamps: milliseconds since the Unix epoch (UTC) inside, RFC 3339 with milliseconds outside.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type EpochMs = i64;

/// `2024-03-04T06:00:00.000Z`, or the raw number when it is out of chrono's range.
pub fn iso_from_ms(ms: EpochMs) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(time) => time.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => ms.to_string(),
    }
}

/// Reads a timestamp given as integer milliseconds or as an RFC 3339 string.
/// Floats, negative numbers and unparsable strings are refused (`None`): a timestamp that has to
/// be guessed is no evidence.
pub fn parse_time(value: &Value) -> Option<EpochMs> {
    match value {
        Value::Number(n) => n.as_i64().filter(|ms| *ms >= 0),
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp_millis()),
        _ => None,
    }
}

/// The wall clock now, in epoch milliseconds.
pub fn now_ms() -> EpochMs {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integer_and_rfc3339_forms_agree() {
        let ms = 1_709_532_000_000;
        assert_eq!(iso_from_ms(ms), "2024-03-04T06:00:00.000Z");
        assert_eq!(parse_time(&json!(ms)), Some(ms));
        assert_eq!(parse_time(&json!("2024-03-04T06:00:00Z")), Some(ms));
        assert_eq!(
            parse_time(&json!("2024-03-04T07:00:00.250+01:00")),
            Some(ms + 250)
        );
    }

    #[test]
    fn guesses_are_refused() {
        assert_eq!(parse_time(&json!(1.5)), None);
        assert_eq!(parse_time(&json!(-1)), None);
        assert_eq!(parse_time(&json!("yesterday")), None);
        assert_eq!(parse_time(&json!(null)), None);
    }
}
