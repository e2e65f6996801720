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

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(doc: Value) -> Vec<u8> {
        sparkplug_b::encode_json(&doc).expect("encodes")
    }

    #[test]
    fn messages_read_as_a_host_reads_them() {
        let mut reader = Reader::default();
        assert_eq!(reader.read("plant/line1", b"{}"), None);
        let birth = encode(json!({"timestamp": 1, "seq": 0, "metrics": [
            {"name": "Temp", "alias": 7, "type": "Float", "value": 20.5}]}));
        let read = reader
            .read("spBv1.0/G/NBIRTH/e1", &birth)
            .expect("sparkplug");
        assert!(read.is_sound(), "{read:?}");
        let data = encode(
            json!({"timestamp": 2, "seq": 1, "metrics": [{"alias": 7, "type": "Float", "value": 21.5}]}),
        );
        let read = reader.read("spBv1.0/G/NDATA/e1", &data).expect("sparkplug");
        assert_eq!(read.decoded.expect("decoded")["metrics"][0]["name"], "Temp");
        let unknown = encode(
            json!({"timestamp": 3, "seq": 2, "metrics": [{"alias": 8, "type": "Float", "value": 1.0}]}),
        );
        let read = reader
            .read("spBv1.0/G/NDATA/e1", &unknown)
            .expect("sparkplug");
        assert!(!read.is_sound());
        assert_eq!(
            read.problems,
            ["metrics[0]: alias 8 is not in the birth certificate of G/e1"]
        );
    }

    #[test]
    fn json_garbage_and_bad_state_are_not_sound() {
        let mut reader = Reader::default();
        for (topic, bytes) in [
            ("spBv1.0/G/NDATA/e1", &br#"{"timestamp": 1}"#[..]),
            ("spBv1.0/G/NDATA/e1", b"\x0a\xff"),
            ("spBv1.0/G/NDATA", b"\x08\x01"),
            ("spBv1.0/STATE/h1", b"ONLINE"),
        ] {
            let read = reader.read(topic, bytes).expect("in the namespace");
            assert!(!read.is_sound(), "{topic} {bytes:?}");
            assert!(read.decoded.is_none());
        }
        let state = reader
            .read("spBv1.0/STATE/h1", br#"{"online": false, "timestamp": 9}"#)
            .expect("state");
        assert_eq!(
            state.decoded,
            Some(json!({"online": false, "timestamp": 9}))
        );
    }

    #[test]
    fn outgoing_messages_are_protobuf_or_state_json() {
        let mut publisher = Publisher::default();
        let out =
            outgoing("b", &mut publisher, "spBv1.0/G/NBIRTH/e1", &json!({}), 5).expect("NBIRTH");
        let payload = sparkplug_b::decode(&out.bytes).expect("protobuf");
        assert_eq!((payload.seq, payload.timestamp), (Some(0), Some(5)));
        assert_eq!(out.detail["filled_in"].as_array().map(Vec::len), Some(3));
        let state = outgoing(
            "b",
            &mut publisher,
            "spBv1.0/STATE/h",
            &json!({"online": true}),
            6,
        )
        .expect("STATE");
        assert_eq!(state.bytes, br#"{"online":true,"timestamp":6}"#.to_vec());
        for (topic, doc) in [
            ("plant/x", json!({})),
            ("spBv1.0/STATE/h", json!({"online": "yes"})),
            (
                "spBv1.0/G/NDATA/e1",
                json!({"metrics": [{"name": "a", "type": "Int8", "value": 999}]}),
            ),
        ] {
            let err = outgoing("b", &mut publisher, topic, &doc, 7)
                .err()
                .expect("refused");
            assert_eq!(err.code(), "invalid_request", "{topic}");
        }
    }
}
