//! The response the `response ...` steps look at: the last answer of a process adapter, the last
//! HTTP response, or the last MQTT message an expectation matched.

use serde_json::{Value, json};

use crate::adapters::{HttpResponse, MqttMessage, Reply};

/// The last thing a scenario got back.
#[derive(Debug, Clone, PartialEq)]
pub enum LastResponse {
    /// A process adapter's reply.
    Process(Reply),
    /// An HTTP response (status below 500).
    Http(HttpResponse),
    /// A matched MQTT message.
    Message(MqttMessage),
}

impl LastResponse {
    /// The document the field and match steps assert on: a process `result` or `error` object,
    /// an HTTP body, a message payload.
    pub fn document(&self) -> Value {
        match self {
            Self::Process(reply) => reply.document(),
            Self::Http(response) => response.body.clone(),
            Self::Message(message) => message.payload.clone(),
        }
    }

    /// What `the request succeeds` and `is rejected` compare: `result` / `rejected` with the code
    /// for process replies; for HTTP, `result` on 2xx and `http_status` otherwise.
    pub fn outcome(&self) -> Value {
        match self {
            Self::Process(Reply::Result(_)) => json!({"outcome": "result"}),
            Self::Process(Reply::Rejected { code, message, .. }) => {
                json!({"outcome": "rejected", "code": code, "message": message})
            }
            Self::Http(r) if r.is_success() => json!({"outcome": "result"}),
            Self::Http(r) => json!({"outcome": "http_status", "status": r.status}),
            Self::Message(_) => json!({"outcome": "result"}),
        }
    }
}
