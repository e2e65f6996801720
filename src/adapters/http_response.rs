//! What an `http` adapter got back for one request.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

/// One HTTP exchange as steps see it (secrets already redacted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpResponse {
    /// The adapter that sent the request.
    pub adapter: String,
    /// Request method.
    pub method: String,
    /// Full request URL.
    pub url: String,
    /// Status code.
    pub status: u16,
    /// Response headers (lower-case names; repeated headers joined with `, `).
    pub headers: BTreeMap<String, String>,
    /// The body as a document: its JSON if it is JSON, `null` if empty, else its text (or lowercase
    /// hex if it is not UTF-8).
    pub body: Value,
    /// From sending the request until the whole body was read, in milliseconds.
    pub elapsed_ms: f64,
}

impl HttpResponse {
    /// The body as a document.
    pub(crate) fn decode(bytes: &[u8]) -> Value {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Value::Null;
        }
        if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
            return value;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Value::String(text.to_string()),
            Err(_) => Value::String(hex::encode(bytes)),
        }
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// What a step records as its output.
    pub fn summary(&self) -> Value {
        json!({
            "status": self.status,
            "headers": self.headers,
            "body": self.body,
            "elapsed_ms": self.elapsed_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_decode_as_json_null_text_or_hex() {
        assert_eq!(HttpResponse::decode(b" {\"a\": [1]} "), json!({"a": [1]}));
        assert_eq!(HttpResponse::decode(b""), Value::Null);
        assert_eq!(
            HttpResponse::decode(b"Internal error"),
            json!("Internal error")
        );
        assert_eq!(HttpResponse::decode(&[0xff]), json!("ff"));
    }
}
