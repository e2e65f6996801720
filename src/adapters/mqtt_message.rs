//! A message received from an MQTT broker, as steps see it and evidence records it.

use serde::Serialize;
use serde_json::{Value, json};

use super::mqtt_sparkplug::{SparkplugReading, base64};

/// One received message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MqttMessage {
    /// Order of arrival within the scenario's connection, from 1.
    pub seq: u64,
    /// The topic it was published to.
    pub topic: String,
    /// QoS it was delivered with (0, 1 or 2).
    pub qos: u8,
    /// Whether the broker delivered it as a retained message.
    pub retain: bool,
    /// UTC time it was received (RFC 3339, microseconds).
    pub received_at: String,
    /// The payload as a document: on a Sparkplug B topic its decoded JSON form; otherwise its
    /// JSON if it is JSON, else its text, else lowercase hex.
    pub payload: Value,
    /// The payload bytes as received.
    #[serde(skip)]
    pub raw: Vec<u8>,
    /// On a Sparkplug B topic (`spBv1.0/...`): how it read as Sparkplug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sparkplug: Option<SparkplugReading>,
}

impl MqttMessage {
    /// The payload as the document steps match, and how it was read (`json`, `text`, `hex`).
    pub(crate) fn decode(bytes: &[u8]) -> (Value, &'static str) {
        if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
            return (value, "json");
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => (Value::String(text.to_string()), "text"),
            Err(_) => (Value::String(hex::encode(bytes)), "hex"),
        }
    }

    /// What a step records about the message; for a Sparkplug message also its raw bytes
    /// (base64) and what was wrong with it.
    pub fn summary(&self) -> Value {
        let mut summary = json!({
            "seq": self.seq,
            "topic": self.topic,
            "qos": self.qos,
            "retain": self.retain,
            "received_at": self.received_at,
            "payload": self.payload,
        });
        if let (Some(reading), Some(map)) = (&self.sparkplug, summary.as_object_mut()) {
            map.insert("payload_base64".into(), Value::String(base64(&self.raw)));
            map.insert("sparkplug_problems".into(), json!(reading.problems));
        }
        summary
    }
}

/// What publishing a message resulted in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishReceipt {
    /// The packet id (0 for QoS 0).
    pub pkid: u16,
    /// How the broker acknowledged it: `puback` (QoS 1), `pubcomp` (QoS 2) or `sent` (QoS 0, no
    /// acknowledgement exists).
    pub ack: &'static str,
    /// From handing the message over until the acknowledgement, in milliseconds.
    pub elapsed_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_decode_as_json_text_or_hex() {
        assert_eq!(MqttMessage::decode(b"{\"a\":1}"), (json!({"a": 1}), "json"));
        assert_eq!(MqttMessage::decode(b"hello"), (json!("hello"), "text"));
        assert_eq!(MqttMessage::decode(&[0xff, 0x00]), (json!("ff00"), "hex"));
    }
}
