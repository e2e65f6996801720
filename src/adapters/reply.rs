//! What adapters answer: protocol replies and SQL rows.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::evidence::AttachmentRef;

/// The answer of a process adapter to one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The request succeeded; the `result` member.
    Result(Value),
    /// The adapter refused the request on purpose; the `error` member.
    Rejected {
        /// Machine-readable reason (`missing_context`, `unknown_kind`, ...).
        code: String,
        /// Explanation for humans.
        message: String,
        /// Optional extra data.
        details: Option<Value>,
    },
}

impl Reply {
    /// The document steps assert on: the `result` of a success, or the `error` object
    /// (`code`, `message`, and `details` when present) of a rejection.
    pub fn document(&self) -> Value {
        match self {
            Self::Result(value) => value.clone(),
            Self::Rejected {
                code,
                message,
                details,
            } => {
                let mut error = Map::new();
                error.insert("code".into(), Value::String(code.clone()));
                error.insert("message".into(), Value::String(message.clone()));
                if let Some(details) = details {
                    error.insert("details".into(), details.clone());
                }
                Value::Object(error)
            }
        }
    }

    /// The rejection code, if the request was rejected.
    pub fn rejection_code(&self) -> Option<&str> {
        match self {
            Self::Result(_) => None,
            Self::Rejected { code, .. } => Some(code),
        }
    }
}

/// The rows a SQL query returned.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueryRows {
    /// Column names, in the order of the query.
    pub columns: Vec<String>,
    /// One entry per row, one value per column: `null`, a number, or a string (text as is,
    /// blobs as lowercase hex).
    pub rows: Vec<Vec<Value>>,
}

/// What closing down a scenario's adapters (or the registry's long-lived processes) left behind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FinishReport {
    /// Every evidence file written, closed, with its digest and size.
    pub attachments: Vec<AttachmentRef>,
    /// Things that went wrong while closing that do not fail a step but belong in the record
    /// (an adapter that had to be killed, an evidence file that could not be closed, ...).
    pub problems: Vec<String>,
}
