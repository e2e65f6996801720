//! A deliberate refusal: reason code, human message, optional machine-readable details.

use serde_json::{Map, Value, json};

use crate::reason::ReasonCode;

/// The bridge understood the request and refuses it (the protocol's `error` object).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Rejection {
    /// Machine-readable reason.
    pub code: ReasonCode,
    /// For humans.
    pub message: String,
    /// Optional structured details (e.g. the rebirth request after a sequence gap).
    pub details: Option<Value>,
}

impl Rejection {
    /// A rejection without details.
    pub fn new(code: ReasonCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: None,
        }
    }

    /// Adds structured details.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// A storage failure; the SQLite error chain becomes the message.
    pub fn storage(err: &dyn std::error::Error) -> Self {
        let mut message = err.to_string();
        let mut source = err.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::new(ReasonCode::StorageError, message)
    }

    /// The protocol's `error` object.
    pub fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code.as_str()));
        error.insert("message".into(), json!(self.message));
        if let Some(details) = &self.details {
            error.insert("details".into(), details.clone());
        }
        Value::Object(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_object_carries_details_only_when_present() {
        let plain = Rejection::new(ReasonCode::Duplicate, "seen");
        assert_eq!(
            plain.to_json(),
            json!({"code": "duplicate", "message": "seen"})
        );
        let detailed = plain.with_details(json!({"record_id": 3}));
        assert_eq!(detailed.to_json()["details"]["record_id"], json!(3));
    }
}
