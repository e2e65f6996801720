//! Playing edge nodes: turns the JSON a scenario author writes into the payload an edge node
//! would send, filling in what a real node tracks itself — per edge node, `seq` (0 on NBIRTH,
//! then +1 modulo 256 on every message but NDEATH), `bdSeq` (a `bdSeq` metric on NBIRTH and
//! NDEATH; the session's number, and the next number after its NDEATH), the payload
//! `timestamp`, aliases and datatypes from the births it published. Whatever the author states
//! is sent as stated and tracking continues from it, so a deliberate gap or a stale bdSeq goes on
//! the wire as written.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::catalog::Catalogs;
use crate::datatype::DataType;
use crate::error::JsonError;
use crate::payload_json::{payload_from_json, payload_to_json};
use crate::proto::Payload;
use crate::topic::{EdgeTopic, MessageType};

/// What one edge node has sent so far.
#[derive(Debug, Clone, Default)]
struct Edge {
    /// bdSeq of the current session (its NBIRTH's).
    session_bd_seq: u64,
    /// bdSeq the next NBIRTH uses unless stated.
    next_bd_seq: u64,
    /// The last `seq` sent.
    last_seq: Option<u64>,
}

/// A payload ready for the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The protobuf message.
    pub payload: Payload,
    /// Its JSON form (names as sent: a metric sent by alias shows only its alias).
    pub json: Value,
    /// What was filled in rather than stated, for the evidence (`seq 3 (tracked)`).
    pub filled: Vec<String>,
}

/// The publishing side's state, per edge node.
#[derive(Debug, Default)]
pub struct Publisher {
    edges: HashMap<String, Edge>,
    births: Catalogs,
}

impl Publisher {
    /// Prepares the author's `doc` for `topic` at `now_ms`.
    pub fn prepare(
        &mut self,
        topic: &EdgeTopic,
        doc: &Value,
        now_ms: u64,
    ) -> Result<Prepared, JsonError> {
        let mut doc = doc.as_object().cloned().ok_or_else(|| {
            JsonError::new(
                "payload",
                format!("a Sparkplug payload is a JSON object, not {doc}"),
            )
        })?;
        let kind = topic.message_type;
        let mut filled = Vec::new();
        let stated_bd_seq = take_bd_seq(&mut doc, kind)?;
        if !doc.contains_key("timestamp") {
            doc.insert("timestamp".into(), json!(now_ms));
            filled.push(format!("timestamp {now_ms} (now)"));
        }
        let edge = self.edges.entry(topic.node_key()).or_default().clone();
        let mut next = edge.clone();
        if matches!(kind, MessageType::NBirth | MessageType::NDeath) {
            let bd_seq = match stated_bd_seq {
                Some(bd) => bd,
                None => {
                    let bd = if kind == MessageType::NBirth {
                        edge.next_bd_seq
                    } else {
                        edge.session_bd_seq
                    };
                    put_bd_seq(&mut doc, bd);
                    filled.push(format!("bdSeq {bd} (tracked)"));
                    bd
                }
            };
            if kind == MessageType::NBirth {
                next.session_bd_seq = bd_seq;
                next.next_bd_seq = bd_seq;
            } else if bd_seq == edge.session_bd_seq {
                // The session ends: the node's next connection, and birth, has the next number.
                next.next_bd_seq = (bd_seq + 1) % 256;
            }
        }
        if kind.is_sequenced() {
            let seq = match doc.get("seq").map(Value::as_u64) {
                Some(Some(seq)) => seq,
                // Stated but not a number: sent as written, for payload_from_json to refuse.
                Some(None) => edge.last_seq.unwrap_or_default(),
                None => {
                    let seq = match (kind, edge.last_seq) {
                        (MessageType::NBirth, _) | (_, None) => 0,
                        (_, Some(last)) => (last + 1) % 256,
                    };
                    doc.insert("seq".into(), json!(seq));
                    filled.push(format!("seq {seq} (tracked)"));
                    seq
                }
            };
            next.last_seq = Some(seq % 256);
        }
        if matches!(
            kind,
            MessageType::NData | MessageType::DData | MessageType::DDeath
        ) {
            self.use_births(topic, &mut doc, &mut filled);
        }
        let payload = payload_from_json(&Value::Object(doc))?;
        let payload = if matches!(kind, MessageType::NData | MessageType::DData) {
            self.by_alias(topic, payload)
        } else {
            payload
        };
        if matches!(kind, MessageType::NBirth | MessageType::DBirth) {
            let _ = self.births.read(topic, &payload);
        }
        self.edges.insert(topic.node_key(), next);
        let mut problems = Vec::new();
        let json = payload_to_json(&payload, &mut problems);
        Ok(Prepared {
            payload,
            json,
            filled,
        })
    }

    /// Gives metrics stated without a type the datatype of their birth.
    fn use_births(
        &self,
        topic: &EdgeTopic,
        doc: &mut Map<String, Value>,
        filled: &mut Vec<String>,
    ) {
        let Some(catalog) = self.births.node(&topic.node_key()) else {
            return;
        };
        let Some(Value::Array(metrics)) = doc.get_mut("metrics") else {
            return;
        };
        for m in metrics.iter_mut().filter_map(Value::as_object_mut) {
            if m.contains_key("type") {
                continue;
            }
            let born = match (
                m.get("name").and_then(Value::as_str),
                m.get("alias").and_then(Value::as_u64),
            ) {
                (Some(name), _) => catalog.by_name(topic.device.as_deref(), name),
                (None, Some(alias)) => catalog.by_alias(alias),
                _ => None,
            };
            if let Some(dt) = born.and_then(|b| b.datatype).and_then(DataType::from_code) {
                m.insert("type".into(), json!(dt.name()));
                filled.push(format!(
                    "type {dt} of {} (birth)",
                    born.map_or("", |b| b.name.as_str())
                ));
            }
        }
    }

    /// Sends a metric the birth gave an alias by its alias alone, as edge nodes do.
    fn by_alias(&self, topic: &EdgeTopic, mut payload: Payload) -> Payload {
        let Some(catalog) = self.births.node(&topic.node_key()) else {
            return payload;
        };
        for m in &mut payload.metrics {
            if m.alias.is_some() {
                continue;
            }
            if let Some(alias) = m
                .name
                .as_deref()
                .and_then(|n| catalog.by_name(topic.device.as_deref(), n))
                .and_then(|b| b.alias)
            {
                m.alias = Some(alias);
                m.name = None;
            }
        }
        payload
    }
}

/// The `bdSeq` the author stated: the payload-level shorthand `"bdSeq": n` (moved into a metric
/// here) or a metric named `bdSeq`.
fn take_bd_seq(doc: &mut Map<String, Value>, kind: MessageType) -> Result<Option<u64>, JsonError> {
    if let Some(v) = doc.remove("bdSeq") {
        if !matches!(kind, MessageType::NBirth | MessageType::NDeath) {
            return Err(JsonError::new(
                "bdSeq",
                "only NBIRTH and NDEATH carry a bdSeq",
            ));
        }
        let bd = v
            .as_u64()
            .ok_or_else(|| JsonError::new("bdSeq", format!("{v} is not an unsigned integer")))?;
        put_bd_seq(doc, bd);
        return Ok(Some(bd));
    }
    let metric = doc.get("metrics").and_then(Value::as_array).and_then(|ms| {
        ms.iter()
            .find(|m| m.get("name").and_then(Value::as_str) == Some("bdSeq"))
    });
    match metric.map(|m| m.get("value").and_then(Value::as_u64)) {
        None => Ok(None),
        Some(Some(bd)) => Ok(Some(bd)),
        // A second bdSeq would be added otherwise: say what is wrong with the stated one.
        Some(None) => Err(JsonError::new(
            "metrics",
            "the bdSeq metric needs an unsigned integer value",
        )),
    }
}

fn put_bd_seq(doc: &mut Map<String, Value>, bd: u64) {
    let metric = json!({"name": "bdSeq", "type": "UInt64", "value": bd});
    match doc.get_mut("metrics") {
        Some(Value::Array(ms)) => ms.insert(0, metric),
        // Not an array: left for payload_from_json to refuse with its path.
        Some(_) => {}
        None => {
            doc.insert("metrics".into(), json!([metric]));
        }
    }
}
