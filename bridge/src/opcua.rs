//! OPC UA data values (`value`, `statusCode`, `sourceTimestamp`, `serverTimestamp`), as sent in an
//! `opcua` request: `{"device_id": "...", "values": {"Production/Serial": {DataValue}, ...}}`.

use serde_json::Value;

use crate::observation::{Observation, Origin, Reading};
use crate::quality::Quality;
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::timestamp::parse_time;

/// Parses an `opcua` request body into an observation.
///
/// `historical` may be set on the body (a client replaying history with HistoryRead) and applies
/// to every value.
pub fn parse_opcua(body: &Value) -> Result<Observation, Rejection> {
    let invalid = |why: String| Rejection::new(ReasonCode::InvalidMessage, why);
    let device_id = body
        .get("device_id")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| invalid("opcua: device_id missing".into()))?;
    let historical = match body.get("historical") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(invalid("opcua: historical is not a boolean".into())),
    };
    let values = body
        .get("values")
        .and_then(Value::as_object)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid("opcua: values must be a non-empty object of data values".into()))?;
    let mut readings = Vec::with_capacity(values.len());
    for (name, data_value) in values {
        let object = data_value
            .as_object()
            .ok_or_else(|| invalid(format!("opcua: {name} is not a data value")))?;
        let quality = Quality::from_opcua_json(object.get("statusCode"))
            .ok_or_else(|| invalid(format!("opcua: {name} has an unreadable statusCode")))?;
        let time = |field: &str| -> Result<Option<i64>, Rejection> {
            match object.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(ts) => parse_time(ts)
                    .map(Some)
                    .ok_or_else(|| invalid(format!("opcua: {name} {field} unreadable"))),
            }
        };
        let source_ms = time("sourceTimestamp")?;
        let reference_ms = time("serverTimestamp")?;
        if reference_ms.is_none() {
            return Err(invalid(format!(
                "opcua: {name} has no serverTimestamp, clock skew cannot be checked"
            )));
        }
        readings.push(Reading {
            name: name.clone(),
            value: object.get("value").cloned().unwrap_or(Value::Null),
            source_ms,
            reference_ms,
            historical,
            quality,
        });
    }
    Ok(Observation {
        origin: Origin::OpcUa,
        device_id: device_id.into(),
        topic: None,
        readings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_values_become_readings() {
        let observation = parse_opcua(&json!({
            "device_id": "opc/press2",
            "values": {
                "Production/Serial": {"value": "SN-9", "sourceTimestamp": "2024-03-04T06:00:00Z",
                                      "serverTimestamp": "2024-03-04T06:00:00.200Z"},
                "Production/Result": {"value": "good", "statusCode": "0x40000000",
                                      "sourceTimestamp": 1, "serverTimestamp": 2}
            }
        }))
        .expect("valid");
        assert_eq!(observation.device_id, "opc/press2");
        let serial = observation.reading("Production/Serial").expect("serial");
        assert_eq!(
            serial
                .reference_ms
                .zip(serial.source_ms)
                .map(|(r, s)| r - s),
            Some(200)
        );
        assert_eq!(
            observation.reading("Production/Result").map(|r| r.quality),
            Some(Quality::Uncertain)
        );
    }

    #[test]
    fn malformed_bodies() {
        for bad in [
            json!({"values": {"a": {"value": 1, "serverTimestamp": 1}}}),
            json!({"device_id": "d", "values": {}}),
            json!({"device_id": "d", "values": {"a": 1}}),
            json!({"device_id": "d", "values": {"a": {"value": 1, "statusCode": "Meh", "serverTimestamp": 1}}}),
            json!({"device_id": "d", "values": {"a": {"value": 1, "sourceTimestamp": 1}}}),
            json!({"device_id": "d", "historical": 1, "values": {"a": {"value": 1, "serverTimestamp": 1}}}),
        ] {
            assert_eq!(
                parse_opcua(&bad).expect_err("invalid").code,
                ReasonCode::InvalidMessage,
                "{bad}"
            );
        }
    }
}
