//! Sparkplug B steps on MQTT adapters: the scenario writes JSON, the wire carries protobuf.
//!
//! Publishing fills in what an edge node tracks (`seq`, `bdSeq`, timestamp, aliases; see
//! `sparkplug_b::Publisher`) unless the scenario states it. Receiving reads messages as a host
//! application does: decoded, aliases and datatypes resolved from the births seen on the broker.
//! A message on the filter that does not decode, uses an alias no birth assigned or contradicts
//! its datatype fails the step, with its bytes in the evidence.

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use serde_json::{Map, Value, json};

use super::args::{capture, docstring_text, duration, json_argument};
use super::last_response::LastResponse;
use super::world::QualifyWorld;
use crate::adapters::MqttMessage;
use crate::evidence::Mismatch;
use crate::matching::match_document;
use crate::runner::fail;

/// Hex shown in a failure message, at most (the evidence has all bytes, as base64).
const HEX_SHOWN: usize = 512;

/// `I publish a [retained ]Sparkplug message to "TOPIC" on "NAME"[ with QoS Q][:]` + optional
/// JSON doc string (none: everything filled in).
pub fn publish(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let retain = !capture(w, &ctx, 1).is_empty();
        let topic = capture(w, &ctx, 2);
        let name = capture(w, &ctx, 3);
        let qos = capture(w, &ctx, 4).parse::<u8>().unwrap_or(1);
        let doc = if ctx.step.docstring.is_some() || ctx.step.table.is_some() {
            json_argument(w, &ctx)
        } else {
            json!({})
        };
        w.touched(&name);
        w.step_record().input = Some(
            json!({"adapter": name, "topic": topic, "qos": qos, "retain": retain, "payload": doc}),
        );
        let result = w
            .state()
            .adapters
            .publish_sparkplug(&name, &topic, &doc, qos, retain)
            .await;
        match result {
            Ok((receipt, sent)) => {
                let mut out = serde_json::to_value(&receipt).unwrap_or(Value::Null);
                if let Some(map) = out.as_object_mut() {
                    map.insert("sent".into(), sent);
                }
                w.step_record().output = Some(out);
            }
            Err(e) => fail(e.to_string()),
        }
    })
}

/// `I publish each line of the file "FILE" as Sparkplug messages on "NAME"`: each line is
/// `{"topic": "...", "payload": {...}}`, published as Sparkplug with QoS 1 in order; the
/// response becomes `{"published": n}`.
pub fn publish_file(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    super::mqtt_steps::publish_lines(w, ctx, super::mqtt_steps::LineWire::Sparkplug)
}

/// `a Sparkplug message on "FILTER" from "NAME" arrives within DURATION`
pub fn arrives(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move { expect(w, &ctx, None).await })
}

/// `a Sparkplug message on "FILTER" from "NAME" arrives within DURATION matching:` + doc string
pub fn arrives_matching(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let Some(raw) = ctx.step.docstring.as_deref() else {
            fail(format!(
                "the step at line {} needs a JSON doc string under it",
                ctx.step.position.line
            ))
        };
        let text = w.interpolate_json(&docstring_text(raw));
        let expected = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => fail(format!(
                "the doc string under line {} is not valid JSON: {e}",
                ctx.step.position.line
            )),
        };
        expect(w, &ctx, Some(expected)).await
    })
}

/// The decoded message as an expectation sees it: with `"metrics": {NAME: {...}}` in the
/// expectation, the metrics are looked up by name (the first metric of that name; `name`
/// itself left out, metrics the expectation does not name ignored).
fn view(expected: &Value, decoded: &Value) -> Value {
    let Some(wanted) = expected.get("metrics").and_then(Value::as_object) else {
        return decoded.clone();
    };
    let mut by_name = Map::new();
    for metric in decoded["metrics"].as_array().into_iter().flatten() {
        let Some(name) = metric.get("name").and_then(Value::as_str) else {
            continue;
        };
        if wanted.contains_key(name) && !by_name.contains_key(name) {
            let mut fields = metric.as_object().cloned().unwrap_or_default();
            fields.remove("name");
            by_name.insert(name.to_string(), Value::Object(fields));
        }
    }
    let mut out = decoded.clone();
    if let Some(map) = out.as_object_mut() {
        map.insert("metrics".into(), Value::Object(by_name));
    }
    out
}

fn mismatches(expected: &Value, decoded: &Value) -> Vec<Mismatch> {
    match_document(expected, &view(expected, decoded))
}

fn decoded(m: &MqttMessage) -> Option<&Value> {
    m.sparkplug.as_ref().and_then(|r| r.decoded.as_ref())
}

async fn expect(w: &mut QualifyWorld, ctx: &Context, expected: Option<Value>) {
    let filter = capture(w, ctx, 1);
    let name = capture(w, ctx, 2);
    let within = duration(w, ctx, 3);
    w.touched(&name);
    w.step_record().input = Some(json!({
        "adapter": name, "filter": filter, "within_ms": within.as_millis() as u64,
        "matching": expected,
    }));
    if !filter.starts_with("spBv1.0/") {
        fail(format!(
            "a Sparkplug step needs a topic filter in the Sparkplug B namespace (spBv1.0/...), not \"{filter}\""
        ))
    }
    // A defective message is taken too, so that the step fails on it rather than waiting past it.
    let accept = |m: &MqttMessage| match &m.sparkplug {
        None => false,
        Some(r) if !r.is_sound() => true,
        Some(r) => match (&expected, &r.decoded) {
            (None, _) => true,
            (Some(doc), Some(actual)) => mismatches(doc, actual).is_empty(),
            (Some(_), None) => false,
        },
    };
    let result = w
        .state()
        .adapters
        .expect_message(&name, &filter, within, &accept)
        .await;
    let subject = format!("Sparkplug message on \"{filter}\" from \"{name}\"");
    let within_text = format!("{} ms", within.as_millis());
    let comparison = match &expected {
        Some(_) => format!("arrives within {within_text} matching"),
        None => format!("arrives within {within_text}"),
    };
    let expected_value = expected.clone().unwrap_or(json!("#present"));
    match result {
        Ok(Ok(message)) => {
            w.step_record().output = Some(message.summary());
            if let Some(reading) = message.sparkplug.as_ref().filter(|r| !r.is_sound()) {
                fail(defect(&message, &reading.problems));
            }
            let actual = decoded(&message).cloned().unwrap_or(Value::Null);
            w.assert(
                subject,
                comparison,
                expected_value,
                actual,
                Vec::new(),
                true,
            );
            w.state().last = Some(LastResponse::Message(message));
        }
        Ok(Err(candidates)) => {
            let closest = expected.as_ref().and_then(|doc| {
                candidates
                    .iter()
                    .filter_map(|m| decoded(m).map(|d| (d, mismatches(doc, d))))
                    .min_by_key(|(_, found)| found.len())
            });
            let sparkplug = candidates.iter().filter(|m| m.sparkplug.is_some()).count();
            let note = match sparkplug {
                0 => "no Sparkplug message arrived on the topic".to_string(),
                n => format!("{n} Sparkplug message(s) on the topic did not match; closest shown"),
            };
            let listed: Vec<Value> = candidates
                .iter()
                .take(20)
                .map(MqttMessage::summary)
                .collect();
            w.step_record().output = Some(json!({"unmatched": listed}));
            let (actual, found) = match closest {
                Some((d, found)) => (view(expected.as_ref().unwrap_or(&Value::Null), d), found),
                None => (Value::Null, Vec::new()),
            };
            w.assert(
                format!("{subject} ({note})"),
                comparison,
                expected_value,
                actual,
                found,
                false,
            );
        }
        Err(e) => fail(e.to_string()),
    }
}

/// The failure message for a message that is not sound Sparkplug: what is wrong and its bytes.
fn defect(message: &MqttMessage, problems: &[String]) -> String {
    let hex = hex::encode(&message.raw[..message.raw.len().min(HEX_SHOWN)]);
    let more = if message.raw.len() > HEX_SHOWN {
        format!(
            " ... ({} bytes in all; the evidence has them as base64)",
            message.raw.len()
        )
    } else {
        String::new()
    };
    format!(
        "the Sparkplug message on \"{}\" (arrival {}, QoS {}, retain {}, received {}) is not sound: {}; payload bytes (hex): {hex}{more}",
        message.topic,
        message.seq,
        message.qos,
        message.retain,
        message.received_at,
        problems.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_by_name_pick_the_named_metrics_only() {
        let decoded = json!({"timestamp": 1, "metrics": [
            {"name": "bdSeq", "type": "UInt64", "value": 0},
            {"name": "Temp", "alias": 7, "type": "Float", "value": 21.5},
            {"name": "Temp", "alias": 7, "type": "Float", "value": 22.5}]});
        let expected = json!({"timestamp": "#number", "metrics": {"Temp": {"alias": 7, "type": "Float", "value": 21.5}}});
        assert!(mismatches(&expected, &decoded).is_empty());
        let wrong_type = json!({"timestamp": 1, "metrics": {"Temp": {"alias": 7, "type": "Double", "value": 21.5}}});
        assert_eq!(mismatches(&wrong_type, &decoded).len(), 1);
        let missing = json!({"timestamp": 1, "metrics": {"Pressure": {"#rest": "#ignore"}}});
        assert_eq!(mismatches(&missing, &decoded).len(), 1);
        let as_array = json!({"timestamp": 1, "metrics": "#array"});
        assert!(mismatches(&as_array, &decoded).is_empty());
    }
}
