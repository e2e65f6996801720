//! Payloads between protobuf and JSON: `{"timestamp": 1709532000000, "seq": 1, "uuid": "...",
//! "body": "<base64>", "metrics": [...]}` (metrics in crate::metric_json).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use crate::error::JsonError;
use crate::json_util::{object, only_keys};
use crate::metric_json::{metric_from_json, metric_to_json};
use crate::proto::Payload;

/// The JSON form of a payload; what does not read as its datatype is listed in `problems` (each
/// naming where) and shown as the raw field's value or null.
pub fn payload_to_json(p: &Payload, problems: &mut Vec<String>) -> Value {
    let mut out = Map::new();
    if let Some(t) = p.timestamp {
        out.insert("timestamp".into(), json!(t));
    }
    if let Some(s) = p.seq {
        out.insert("seq".into(), json!(s));
    }
    if let Some(u) = &p.uuid {
        out.insert("uuid".into(), json!(u));
    }
    if let Some(b) = &p.body {
        out.insert("body".into(), json!(BASE64.encode(b)));
    }
    let metrics = p
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| metric_to_json(m, 0, problems, &format!("metrics[{i}]")));
    out.insert("metrics".into(), Value::Array(metrics.collect()));
    Value::Object(out)
}

/// A payload from its JSON form.
pub fn payload_from_json(value: &Value) -> Result<Payload, JsonError> {
    let o = object(value, "a Sparkplug payload").map_err(|e| e.within("payload"))?;
    only_keys(o, &["timestamp", "seq", "uuid", "body", "metrics"])?;
    let number = |k: &str| match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| JsonError::new(k, format!("{v} is not an unsigned integer"))),
    };
    let uuid = match o.get("uuid") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_str()
                .ok_or_else(|| JsonError::new("uuid", "must be a string"))?
                .to_string(),
        ),
    };
    let body = match o.get("body") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_str()
                .and_then(|s| BASE64.decode(s).ok())
                .ok_or_else(|| JsonError::new("body", "must be base64 text"))?,
        ),
    };
    let metrics = match o.get("metrics") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, m)| metric_from_json(m, 0).map_err(|e| e.within(&format!("metrics[{i}]"))))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(JsonError::new("metrics", "must be an array of metrics")),
    };
    Ok(Payload {
        timestamp: number("timestamp")?,
        metrics,
        seq: number("seq")?,
        uuid,
        body,
    })
}
