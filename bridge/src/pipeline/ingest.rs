//! Entry points: `telemetry` (Sparkplug) and `opcua` requests. Every refusal is quarantined.

use serde_json::{Value, json};

use crate::bridge::Bridge;
use crate::observation::{Observation, Origin, Reading};
use crate::opcua::parse_opcua;
use crate::quality::Quality;
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::sparkplug::{MessageType, Payload, Topic};
use crate::store::QuarantineEntry;
use crate::timestamp::{EpochMs, now_ms};

impl Bridge {
    /// `telemetry {topic, payload}`: one Sparkplug message.
    pub fn telemetry(&mut self, body: &Value) -> Result<Value, Rejection> {
        let received_ms = now_ms();
        let result = self.sparkplug(body, received_ms);
        self.quarantine_on_error(result, Origin::Sparkplug, body, received_ms)
    }

    /// `opcua {device_id, values}`: OPC UA data values from one device.
    pub fn opcua(&mut self, body: &Value) -> Result<Value, Rejection> {
        let received_ms = now_ms();
        let result = parse_opcua(body).and_then(|observation| {
            let mut response = self.admit(&observation, received_ms)?;
            if let Some(object) = response.as_object_mut() {
                object.insert("type".into(), json!("opcua"));
            }
            Ok(response)
        });
        self.quarantine_on_error(result, Origin::OpcUa, body, received_ms)
    }

    fn sparkplug(&mut self, body: &Value, received_ms: EpochMs) -> Result<Value, Rejection> {
        let topic_text = body.get("topic").and_then(Value::as_str).ok_or_else(|| {
            Rejection::new(ReasonCode::InvalidMessage, "telemetry needs a topic string")
        })?;
        let topic = Topic::parse(topic_text)?;
        let payload = Payload::parse(body.get("payload").unwrap_or(&Value::Null))?;
        let kind = topic.message_type.as_str();
        match topic.message_type {
            MessageType::NBirth => {
                self.sessions.birth(&topic, payload.seq, payload.bd_seq)?;
                self.log(
                    "info",
                    "nbirth",
                    &format!("{} bdSeq {}", topic.node_key(), payload.bd_seq.unwrap_or(0)),
                );
                Ok(
                    json!({"accepted": true, "type": kind, "node": topic.node_key(), "bd_seq": payload.bd_seq}),
                )
            }
            MessageType::NDeath => {
                self.sessions.death(&topic, payload.bd_seq)?;
                self.log(
                    "info",
                    "ndeath",
                    &format!("{} bdSeq {}", topic.node_key(), payload.bd_seq.unwrap_or(0)),
                );
                Ok(
                    json!({"accepted": true, "type": kind, "node": topic.node_key(), "bd_seq": payload.bd_seq}),
                )
            }
            MessageType::DBirth | MessageType::DDeath => {
                self.sessions.advance(&topic, payload.seq)?;
                let mapping = self.mapping_of(&topic.device_id())?;
                Ok(json!({
                    "accepted": true, "type": kind, "device_id": topic.device_id(),
                    "work_center": mapping.work_center, "seq": payload.seq,
                }))
            }
            MessageType::NData | MessageType::DData => {
                self.sessions.advance(&topic, payload.seq)?;
                let observation = observation(&topic, topic_text, &payload);
                let mut response = self.admit(&observation, received_ms)?;
                if let Some(object) = response.as_object_mut() {
                    object.insert("type".into(), json!(kind));
                    object.insert("seq".into(), json!(payload.seq));
                }
                Ok(response)
            }
        }
    }

    pub(super) fn quarantine_on_error(
        &mut self,
        result: Result<Value, Rejection>,
        origin: Origin,
        body: &Value,
        received_ms: EpochMs,
    ) -> Result<Value, Rejection> {
        let Err(rejection) = result else {
            return result;
        };
        if rejection.code == ReasonCode::SequenceGap {
            self.log("warn", "sequence_gap", &rejection.message);
        }
        let topic = body.get("topic").and_then(Value::as_str).map(String::from);
        let device_id = match origin {
            Origin::Sparkplug => topic
                .as_deref()
                .and_then(|t| Topic::parse(t).ok())
                .map(|t| t.device_id()),
            Origin::OpcUa => body
                .get("device_id")
                .and_then(Value::as_str)
                .map(String::from),
        };
        let entry = QuarantineEntry {
            received_ms,
            reason_code: rejection.code.as_str().into(),
            origin,
            device_id,
            topic,
            reason: rejection.message.clone(),
            message: body.to_string(),
            details: rejection.details.as_ref().map(Value::to_string),
        };
        match self.store.quarantine(&entry) {
            Ok(_) => Err(rejection),
            Err(err) => {
                eprintln!("quarantine write failed for {}: {err}", rejection.code);
                Err(Rejection::storage(&err)
                    .with_details(json!({"refused_with": rejection.to_json()})))
            }
        }
    }
}

/// A Sparkplug data message as readings. A metric without its own timestamp was sampled at the
/// payload time; `bdSeq` is session bookkeeping, not data.
fn observation(topic: &Topic, topic_text: &str, payload: &Payload) -> Observation {
    let readings = payload
        .metrics
        .iter()
        .filter(|m| m.name != "bdSeq")
        .map(|m| Reading {
            name: m.name.clone(),
            value: m.value.clone(),
            source_ms: Some(m.timestamp.unwrap_or(payload.timestamp)),
            reference_ms: Some(payload.timestamp),
            historical: m.is_historical,
            quality: Quality::from_sparkplug(m.quality),
        })
        .collect();
    Observation {
        origin: Origin::Sparkplug,
        device_id: topic.device_id(),
        topic: Some(topic_text.into()),
        readings,
    }
}
