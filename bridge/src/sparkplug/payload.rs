//! The JSON shape of a Sparkplug B payload.

use serde_json::Value;

use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::timestamp::{EpochMs, parse_time};

/// One metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Metric name (`Production/Serial`).
    pub name: String,
    /// Per-metric source timestamp, if the edge sent one.
    pub timestamp: Option<EpochMs>,
    /// The value as sent.
    pub value: Value,
    /// True when the edge replays stored data (store-and-forward).
    pub is_historical: bool,
    /// Sparkplug `Quality` property (OPC DA style: 192 good), if present.
    pub quality: Option<i64>,
}

/// A Sparkplug payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// When the edge published the message (ms UTC). Required.
    pub timestamp: EpochMs,
    /// 0..=255, wrapping. Absent only on NDEATH.
    pub seq: Option<u8>,
    /// Birth/death sequence, from the payload field or the `bdSeq` metric.
    pub bd_seq: Option<u64>,
    /// Metrics in the order sent.
    pub metrics: Vec<Metric>,
}

impl Payload {
    /// Parses and checks the payload.
    pub fn parse(value: &Value) -> Result<Self, Rejection> {
        let invalid = |why: String| Rejection::new(ReasonCode::InvalidMessage, why);
        let object = value
            .as_object()
            .ok_or_else(|| invalid("payload is not an object".into()))?;
        let timestamp = object
            .get("timestamp")
            .and_then(parse_time)
            .ok_or_else(|| invalid("payload timestamp missing or not ms UTC".into()))?;
        let seq = match object.get("seq") {
            None | Some(Value::Null) => None,
            Some(seq) => Some(
                seq.as_u64()
                    .and_then(|s| u8::try_from(s).ok())
                    .ok_or_else(|| invalid(format!("seq {seq} is not in 0..255")))?,
            ),
        };
        let metrics = match object.get("metrics") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                items.iter().map(parse_metric).collect::<Result<_, _>>()?
            }
            Some(_) => return Err(invalid("metrics is not an array".into())),
        };
        let bd_seq = match object.get("bdSeq") {
            Some(v) => Some(
                v.as_u64()
                    .ok_or_else(|| invalid("bdSeq is not an unsigned integer".into()))?,
            ),
            None => metrics
                .iter()
                .find(|m: &&Metric| m.name == "bdSeq")
                .map(|m| m.value.as_u64())
                .map(|v| v.ok_or_else(|| invalid("bdSeq metric is not an unsigned integer".into())))
                .transpose()?,
        };
        Ok(Self {
            timestamp,
            seq,
            bd_seq,
            metrics,
        })
    }
}

fn parse_metric(value: &Value) -> Result<Metric, Rejection> {
    let invalid =
        |why: &str| Rejection::new(ReasonCode::InvalidMessage, format!("metric {value}: {why}"));
    let object = value.as_object().ok_or_else(|| invalid("not an object"))?;
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid("no name"))?;
    let timestamp = match object.get("timestamp") {
        None | Some(Value::Null) => None,
        Some(ts) => Some(parse_time(ts).ok_or_else(|| invalid("timestamp is not ms UTC"))?),
    };
    let is_historical = match object.get("is_historical") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(invalid("is_historical is not a boolean")),
    };
    let quality = match object.get("properties").and_then(|p| p.get("Quality")) {
        None | Some(Value::Null) => None,
        Some(q) => Some(
            q.get("value")
                .unwrap_or(q)
                .as_i64()
                .ok_or_else(|| invalid("Quality is not an integer"))?,
        ),
    };
    Ok(Metric {
        name: name.into(),
        timestamp,
        value: object.get("value").cloned().unwrap_or(Value::Null),
        is_historical,
        quality,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn full_payload() {
        let payload = Payload::parse(&json!({
            "timestamp": 1000, "seq": 255,
            "metrics": [
                {"name": "bdSeq", "value": 3},
                {"name": "Production/Serial", "timestamp": 990, "value": "SN-1", "is_historical": true,
                 "properties": {"Quality": {"type": "Int32", "value": 192}}}
            ]
        }))
        .expect("valid");
        assert_eq!(payload.seq, Some(255));
        assert_eq!(payload.bd_seq, Some(3));
        assert_eq!(payload.metrics[1].timestamp, Some(990));
        assert!(payload.metrics[1].is_historical);
        assert_eq!(payload.metrics[1].quality, Some(192));
    }

    #[test]
    fn payload_level_bdseq_and_missing_seq() {
        let payload = Payload::parse(&json!({"timestamp": 5, "bdSeq": 7})).expect("valid");
        assert_eq!(
            (payload.seq, payload.bd_seq, payload.metrics.len()),
            (None, Some(7), 0)
        );
    }

    #[test]
    fn malformed_payloads() {
        for bad in [
            json!({"seq": 1}),
            json!({"timestamp": "soon", "seq": 1}),
            json!({"timestamp": 1, "seq": 256}),
            json!({"timestamp": 1, "seq": -1}),
            json!({"timestamp": 1, "metrics": {}}),
            json!({"timestamp": 1, "metrics": [{"value": 1}]}),
            json!({"timestamp": 1, "metrics": [{"name": "a", "is_historical": "yes"}]}),
            json!([1]),
        ] {
            assert_eq!(
                Payload::parse(&bad).expect_err("invalid").code,
                ReasonCode::InvalidMessage,
                "{bad}"
            );
        }
    }
}
