//! Request parsing and response lines.

use serde_json::{Map, Value, json};

use crate::reason::ReasonCode;
use crate::rejection::Rejection;

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u64 = 1;

/// One request line: `{"id": "7", "kind": "telemetry", "body": {...}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Echoed back in the response.
    pub id: String,
    /// What to do.
    pub kind: String,
    /// The request data (`{}` when absent).
    pub body: Value,
}

/// A request line that could not be parsed: the id, if one could be read (so that even a
/// malformed request gets an answer qualify can correlate), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MalformedRequest {
    /// The request id, or empty.
    pub id: String,
    /// Why the line is not a request.
    pub rejection: Box<Rejection>,
}

impl MalformedRequest {
    fn new(id: String, message: impl Into<String>) -> Self {
        Self {
            id,
            rejection: Box::new(Rejection::new(ReasonCode::InvalidRequest, message)),
        }
    }
}

impl Request {
    /// Parses one line.
    pub fn parse(line: &str) -> Result<Self, MalformedRequest> {
        let value: Value = serde_json::from_str(line).map_err(|err| {
            MalformedRequest::new(String::new(), format!("request is not JSON: {err}"))
        })?;
        let Value::Object(mut object) = value else {
            return Err(MalformedRequest::new(
                String::new(),
                "request is not a JSON object",
            ));
        };
        let id = match object.remove("id") {
            Some(Value::String(id)) => id,
            _ => {
                return Err(MalformedRequest::new(
                    String::new(),
                    "request has no string id",
                ));
            }
        };
        let kind = match object.remove("kind") {
            Some(Value::String(kind)) => kind,
            _ => return Err(MalformedRequest::new(id, "request has no string kind")),
        };
        let body = match object.remove("body") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(body) => body,
        };
        Ok(Self { id, kind, body })
    }
}

/// `{"id": ..., "result": ...}` as one line (no newline).
pub fn success_line(id: &str, result: Value) -> String {
    json!({"id": id, "result": result}).to_string()
}

/// `{"id": ..., "error": {...}}` as one line (no newline).
pub fn failure_line(id: &str, rejection: &Rejection) -> String {
    json!({"id": id, "error": rejection.to_json()}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_defaults_to_an_empty_object() {
        let request = Request::parse(r#"{"id":"1","kind":"flush"}"#).expect("valid");
        assert_eq!(request.body, json!({}));
        assert_eq!(request.kind, "flush");
    }

    #[test]
    fn malformed_requests_keep_the_id_when_there_is_one() {
        let malformed = Request::parse(r#"{"id":"9","kind":3}"#).expect_err("kind is not a string");
        assert_eq!(malformed.id, "9");
        assert_eq!(malformed.rejection.code, ReasonCode::InvalidRequest);
        assert!(Request::parse("not json").is_err());
        assert!(Request::parse("[1]").is_err());
    }

    #[test]
    fn response_lines_have_exactly_one_of_result_and_error() {
        let ok: Value = serde_json::from_str(&success_line("2", json!({"a": 1}))).expect("json");
        assert_eq!(ok, json!({"id": "2", "result": {"a": 1}}));
        let err: Value = serde_json::from_str(&failure_line(
            "3",
            &Rejection::new(ReasonCode::UnknownKind, "x"),
        ))
        .expect("json");
        assert_eq!(
            err,
            json!({"id": "3", "error": {"code": "unknown_kind", "message": "x"}})
        );
    }
}
