//! Sparkplug B on the mqtt adapter: what arrives on `spBv1.0/...` is read as a host application
//! reads it (protobuf decoded, aliases and datatypes resolved from the births this connection
//! has seen, in arrival order; STATE as its JSON), and what a scenario publishes as Sparkplug is
//! turned from the author's JSON into protobuf with `seq`, `bdSeq` and aliases filled in per edge
//! node (see `sparkplug_b::Publisher`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Serialize;
use serde_json::{Value, json};
use sparkplug_b::{Catalogs, Publisher, StateMessage, Topic};

use super::AdapterError;

/// How a message on a Sparkplug topic read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SparkplugReading {
    /// The payload in the JSON form (`None`: it did not decode).
    pub decoded: Option<Value>,
    /// What is wrong: the decode error, unknown aliases, datatypes that contradict the value or
    /// the birth. Empty for a sound message.
    pub problems: Vec<String>,
}

impl SparkplugReading {
    /// Whether a Sparkplug step may pass on it.
    pub fn is_sound(&self) -> bool {
        self.decoded.is_some() && self.problems.is_empty()
    }
}

/// Births seen by one connection, for reading what arrives.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    catalogs: Catalogs,
}

impl Reader {
    /// Reads `bytes` received on `topic`; `None` when the topic is not in the Sparkplug B
    /// namespace.
    pub(crate) fn read(&mut self, topic: &str, bytes: &[u8]) -> Option<SparkplugReading> {
        if !topic.starts_with("spBv1.0/") {
            return None;
        }
        Some(match Topic::parse(topic) {
            Err(problem) => SparkplugReading {
                decoded: None,
                problems: vec![problem],
            },
            Ok(Topic::State { .. }) => match StateMessage::parse(bytes) {
                Ok(state) => SparkplugReading {
                    decoded: Some(state.to_json()),
                    problems: Vec::new(),
                },
                Err(problem) => SparkplugReading {
                    decoded: None,
                    problems: vec![problem],
                },
            },
            // JSON is never a Sparkplug B payload, even where its bytes happen to parse as
            // protobuf: it is shown as JSON, and as what it is not.
            Ok(Topic::Edge(_)) if serde_json::from_slice::<Value>(bytes).is_ok() => {
                SparkplugReading {
                    decoded: None,
                    problems: vec![format!(
                        "the payload is JSON ({} bytes), not a Sparkplug B protobuf payload",
                        bytes.len()
                    )],
                }
            }
            Ok(Topic::Edge(edge)) => match sparkplug_b::decode(bytes) {
                Ok(payload) => {
                    let (resolved, mut problems) = self.catalogs.read(&edge, &payload);
                    let json = sparkplug_b::payload_to_json(&resolved, &mut problems);
                    SparkplugReading {
                        decoded: Some(json),
                        problems,
                    }
                }
                Err(e) => SparkplugReading {
                    decoded: None,
                    problems: vec![e.to_string()],
                },
            },
        })
    }
}

/// What publishing a Sparkplug message puts on the wire and in the evidence.
pub(crate) struct Outgoing {
    /// The payload bytes.
    pub bytes: Vec<u8>,
    /// The transcript's `published` event: topic, QoS and retain are added by the caller.
    pub detail: Value,
    /// The JSON form of what was sent (with what was filled in).
    pub sent: Value,
}

/// Prepares the author's `doc` for `topic` (protobuf for an edge node's topic, JSON for STATE).
pub(crate) fn outgoing(
    adapter: &str,
    publisher: &mut Publisher,
    topic: &str,
    doc: &Value,
    now_ms: u64,
) -> Result<Outgoing, AdapterError> {
    let invalid = |problem: String| AdapterError::InvalidRequest {
        adapter: adapter.to_string(),
        problem,
    };
    match Topic::parse(topic).map_err(|e| invalid(format!("not a Sparkplug topic: {e}")))? {
        Topic::State { .. } => {
            let mut doc = doc.clone();
            if let Some(o) = doc.as_object_mut() {
                o.entry("timestamp").or_insert(json!(now_ms));
            }
            let state = StateMessage::from_json(&doc).map_err(invalid)?;
            let text = state.to_json().to_string();
            Ok(Outgoing {
                detail: json!({ "sparkplug": "STATE", "payload_text": text }),
                sent: state.to_json(),
                bytes: text.into_bytes(),
            })
        }
        Topic::Edge(edge) => {
            let prepared = publisher
                .prepare(&edge, doc, now_ms)
                .map_err(|e| invalid(format!("the Sparkplug payload at {e}")))?;
            let bytes = sparkplug_b::encode(&prepared.payload);
            Ok(Outgoing {
                detail: json!({
                    "sparkplug": edge.message_type.as_str(),
                    "payload_base64": BASE64.encode(&bytes),
                    "decoded": prepared.json,
                    "filled_in": prepared.filled,
                }),
                sent: prepared.json,
                bytes,
            })
        }
    }
}

/// The payload bytes as evidence keeps them.
pub(crate) fn base64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}
