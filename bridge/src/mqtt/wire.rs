//! Sparkplug B on the wire in MQTT mode: protobuf payloads read as a host application reads them
//! (aliases and datatypes resolved from the births seen, in arrival order) into the JSON shape
//! the pipeline takes, and the bridge's rebirth requests written as protobuf NCMDs.

use base64::Engine as _;
use serde_json::{Value, json};
use sparkplug_b::{Catalogs, Topic};

use crate::reason::ReasonCode;
use crate::rejection::Rejection;

/// The births seen on the broker since the bridge connected.
#[derive(Debug, Default)]
pub struct SparkplugWire {
    catalogs: Catalogs,
}

impl SparkplugWire {
    /// Reads the payload `bytes` received on `topic` into the pipeline's JSON shape. A payload
    /// that is not Sparkplug B protobuf, or whose metrics the births do not explain (an alias
    /// never assigned, a datatype that contradicts the birth or the value), is refused as
    /// `invalid_message`; for the latter the refusal asks for a rebirth.
    pub fn read(&mut self, topic: &str, bytes: &[u8]) -> Result<Value, Rejection> {
        let refuse = |why: String, extra: Value| {
            let mut details =
                json!({"payload_base64": base64(bytes), "payload_bytes": bytes.len()});
            if let (Some(d), Value::Object(more)) = (details.as_object_mut(), extra) {
                d.extend(more);
            }
            Rejection::new(ReasonCode::InvalidMessage, why).with_details(details)
        };
        if serde_json::from_slice::<Value>(bytes).is_ok() {
            return Err(refuse(
                "the payload is JSON, not a Sparkplug B protobuf payload".into(),
                json!({}),
            ));
        }
        let payload = sparkplug_b::decode(bytes).map_err(|e| refuse(e.to_string(), json!({})))?;
        // A topic outside the namespace's shape is left for the pipeline to refuse with its
        // own message; only a well-formed edge topic has births to consult.
        let (resolved, mut problems) = match Topic::parse(topic) {
            Ok(Topic::Edge(edge)) => self.catalogs.read(&edge, &payload),
            _ => (payload, Vec::new()),
        };
        let json = sparkplug_b::payload_to_json(&resolved, &mut problems);
        if problems.is_empty() {
            return Ok(json);
        }
        let rebirth = crate::sparkplug::Topic::parse(topic)
            .map(|t| crate::sparkplug::rebirth_request(&t))
            .unwrap_or(Value::Null);
        Err(refuse(
            format!("metrics the births do not explain: {}", problems.join("; ")),
            json!({"problems": problems, "decoded": json, "rebirth": rebirth}),
        ))
    }
}

/// A command payload (`{"metrics": [...], "timestamp": ...}`) as protobuf.
pub fn encode_command(payload: &Value) -> Result<Vec<u8>, String> {
    sparkplug_b::encode_json(payload).map_err(|e| e.to_string())
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(doc: Value) -> Vec<u8> {
        sparkplug_b::encode_json(&doc).expect("encodes")
    }

    #[test]
    fn births_explain_aliases_and_datatypes() {
        let mut reader = SparkplugWire::default();
        let birth = wire(json!({"timestamp": 1, "seq": 0, "metrics": [
            {"name": "bdSeq", "type": "UInt64", "value": 0},
            {"name": "Process/Temperature", "alias": 3, "type": "Double", "value": 60.0}]}));
        let read = reader
            .read("spBv1.0/L/NBIRTH/e", &birth)
            .expect("birth reads");
        assert_eq!(read["metrics"][0]["value"], 0);
        let data = wire(
            json!({"timestamp": 2, "seq": 1, "metrics": [{"alias": 3, "type": "Double", "value": 61.5, "is_historical": true}]}),
        );
        let read = reader
            .read("spBv1.0/L/DDATA/e/d", &data)
            .expect("data reads");
        assert_eq!(read["metrics"][0]["name"], "Process/Temperature");
        assert_eq!(read["metrics"][0]["is_historical"], true);
        let unknown = wire(
            json!({"timestamp": 3, "seq": 2, "metrics": [{"alias": 4, "type": "Double", "value": 1.0}]}),
        );
        let refused = reader
            .read("spBv1.0/L/DDATA/e/d", &unknown)
            .expect_err("unknown alias");
        assert_eq!(refused.code, ReasonCode::InvalidMessage);
        let details = refused.details.expect("details");
        assert_eq!(details["rebirth"]["topic"], "spBv1.0/L/NCMD/e");
        assert!(details["payload_base64"].is_string());
    }

    #[test]
    fn json_and_garbage_are_invalid_messages() {
        let mut reader = SparkplugWire::default();
        for bytes in [
            &br#"{"timestamp": 1, "seq": 0}"#[..],
            b"\x0a\xff",
            b"\"text\"",
        ] {
            let refused = reader
                .read("spBv1.0/L/DDATA/e/d", bytes)
                .expect_err("refused");
            assert_eq!(refused.code, ReasonCode::InvalidMessage);
        }
    }

    /// Bytes encoded by Eclipse Tahu's JavaScript codec (npm sparkplug-payload 1.0.3, through
    /// tests/interop/sparkplug-js/tahu.js): an NBIRTH with bdSeq 3 and an aliased metric, a
    /// DBIRTH, and a historical DDATA that names its metric only by alias and carries a
    /// Quality property. The bridge reads them with the meaning Tahu gave them.
    #[test]
    fn payloads_encoded_by_eclipse_tahu_read_with_their_meaning() {
        let nbirth = "0880deb0c0e031120b0a0562645365712008580312180a1050726f64756374696f6e2f436f756e741005200458001800";
        let dbirth = "0880deb0c0e03112190a1150726f64756374696f6e2f53657269616c1006200c7a001801";
        let ddata = "08e8e5b0c0e0311228100618f08fb0c0e031200c28014a100a075175616c6974791205080318c0017a07534e2d303030311802";
        let bytes = |h: &str| hex::decode(h).expect("hex");
        let mut reader = SparkplugWire::default();
        let birth = reader
            .read("spBv1.0/Line1/NBIRTH/edge1", &bytes(nbirth))
            .expect("NBIRTH");
        let parsed = crate::sparkplug::Payload::parse(&birth).expect("the pipeline reads it");
        assert_eq!((parsed.seq, parsed.bd_seq), (Some(0), Some(3)));
        reader
            .read("spBv1.0/Line1/DBIRTH/edge1/press1", &bytes(dbirth))
            .expect("DBIRTH");
        let data = reader
            .read("spBv1.0/Line1/DDATA/edge1/press1", &bytes(ddata))
            .expect("DDATA");
        let parsed = crate::sparkplug::Payload::parse(&data).expect("the pipeline reads it");
        assert_eq!(parsed.seq, Some(2));
        let metric = &parsed.metrics[0];
        assert_eq!(metric.name, "Production/Serial", "alias 6 from the DBIRTH");
        assert_eq!(metric.value, json!("SN-0001"));
        assert_eq!(metric.timestamp, Some(1709531990000));
        assert!(metric.is_historical);
        assert_eq!(metric.quality, Some(192));
    }

    #[test]
    fn rebirth_commands_encode_as_protobuf() {
        let bytes = encode_command(&json!({"timestamp": 5, "metrics": [
            {"name": "Node Control/Rebirth", "type": "Boolean", "value": true}]}))
        .expect("encodes");
        let (decoded, problems) = sparkplug_b::decode_to_json(&bytes).expect("decodes");
        assert!(problems.is_empty());
        assert_eq!(decoded["metrics"][0]["value"], true);
    }
}
