//! What the bridge publishes in MQTT mode: decisions and rebirth requests.

use serde_json::{Map, Value, json};

use crate::rejection::Rejection;

/// The topic every decision is published on.
pub const DECISIONS_TOPIC: &str = "qualify-bridge/decisions";

/// Whether a message on `topic` is telemetry for the pipeline: anything under `spBv1.0/` except
/// host commands (`NCMD`, `DCMD`) and host `STATE`, which a host application publishes, not
/// ingests (the bridge's own rebirth requests among them).
pub fn is_telemetry_topic(topic: &str) -> bool {
    let mut levels = topic.split('/');
    if levels.next() != Some("spBv1.0") {
        return false;
    }
    !matches!(
        (levels.next(), levels.next()),
        (Some("STATE"), _) | (_, Some("NCMD" | "DCMD"))
    )
}

/// The decision about one message: `{"topic", "seq", "accepted", ...}` with the result's fields
/// when accepted, or `code`, `message` and `details` when refused.
pub fn decision(topic: &str, payload: &Value, outcome: &Result<Value, Rejection>) -> Value {
    let mut out = Map::new();
    out.insert("topic".into(), Value::String(topic.to_string()));
    out.insert(
        "seq".into(),
        payload.get("seq").cloned().unwrap_or(Value::Null),
    );
    match outcome {
        Ok(result) => {
            if let Value::Object(fields) = result {
                for (k, v) in fields {
                    out.insert(k.clone(), v.clone());
                }
            }
            out.insert("accepted".into(), Value::Bool(true));
        }
        Err(rejection) => {
            out.insert("accepted".into(), Value::Bool(false));
            if let Value::Object(fields) = rejection.to_json() {
                for (k, v) in fields {
                    out.insert(k, v);
                }
            }
        }
    }
    Value::Object(out)
}

/// The rebirth request a refusal asks for (`details.rebirth`), stamped with `now_ms`: topic and
/// payload to publish.
pub fn rebirth_message(rejection: &Rejection, now_ms: i64) -> Option<(String, Value)> {
    let rebirth = rejection.details.as_ref()?.get("rebirth")?;
    let topic = rebirth.get("topic")?.as_str()?.to_string();
    let mut payload = rebirth.get("payload")?.clone();
    if let Value::Object(map) = &mut payload {
        map.insert("timestamp".into(), json!(now_ms));
    }
    Some((topic, payload))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::ReasonCode;

    #[test]
    fn telemetry_topics() {
        assert!(is_telemetry_topic("spBv1.0/Line1/DDATA/edge1/press1"));
        assert!(is_telemetry_topic("spBv1.0/Line1/NBIRTH/edge1"));
        assert!(!is_telemetry_topic("spBv1.0/Line1/NCMD/edge1"));
        assert!(!is_telemetry_topic("spBv1.0/Line1/DCMD/edge1/press1"));
        assert!(!is_telemetry_topic("spBv1.0/STATE/host1"));
        assert!(!is_telemetry_topic("qualify-bridge/decisions"));
    }

    #[test]
    fn decisions_flatten_results_and_rejections() {
        let payload = json!({"seq": 4});
        let ok = decision(
            "t",
            &payload,
            &Ok(json!({"accepted": true, "seq": 4, "pending": 0})),
        );
        assert_eq!(
            ok,
            json!({"topic": "t", "seq": 4, "accepted": true, "pending": 0})
        );
        let refused = Rejection::new(ReasonCode::Duplicate, "again").with_details(
            json!({"rebirth": {"topic": "spBv1.0/L/NCMD/e", "payload": {"metrics": []}}}),
        );
        let no = decision("t", &payload, &Err(refused.clone()));
        assert_eq!(no["accepted"], false);
        assert_eq!(no["code"], "duplicate");
        assert_eq!(no["seq"], 4);
        let (topic, body) = rebirth_message(&refused, 42).expect("rebirth");
        assert_eq!(topic, "spBv1.0/L/NCMD/e");
        assert_eq!(body, json!({"metrics": [], "timestamp": 42}));
    }
}
