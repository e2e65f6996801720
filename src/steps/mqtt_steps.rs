//! Steps on MQTT adapters: publishing JSON payloads and expecting (or not) messages on topics.
//!
//! Expectations consume the messages they match: each message satisfies at most one expectation,
//! so a scenario that publishes ten readings can expect ten results in turn.

use std::time::Duration;

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};

use super::args::{capture, docstring_text, duration, json_argument};
use super::json_lines::JsonLines;
use super::last_response::LastResponse;
use super::world::QualifyWorld;
use crate::adapters::MqttMessage;
use crate::evidence::Mismatch;
use crate::matching::match_document;
use crate::runner::fail;

/// How many messages a step's record lists.
const LISTED: usize = 20;

fn within_text(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

fn summaries(messages: &[MqttMessage]) -> Value {
    Value::Array(
        messages
            .iter()
            .take(LISTED)
            .map(MqttMessage::summary)
            .collect(),
    )
}

/// `I publish [a retained message ]to "TOPIC" on "NAME"[ with QoS Q]:` + doc string or table
pub fn publish(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let retain = !capture(w, &ctx, 1).is_empty();
        let topic = capture(w, &ctx, 2);
        let name = capture(w, &ctx, 3);
        let qos_text = capture(w, &ctx, 4);
        let qos = qos_text.parse::<u8>().unwrap_or(1);
        let payload = json_argument(w, &ctx);
        w.touched(&name);
        w.step_record().input = Some(
            json!({"adapter": name, "topic": topic, "qos": qos, "retain": retain, "payload": payload}),
        );
        let result = w
            .state()
            .adapters
            .publish(&name, &topic, &payload, qos, retain)
            .await;
        match result {
            Ok(receipt) => {
                w.step_record().output = Some(serde_json::to_value(&receipt).unwrap_or(Value::Null))
            }
            Err(e) => fail(e.to_string()),
        }
    })
}

/// `I subscribe to "FILTER" on "NAME"`
pub fn subscribe(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let filter = capture(w, &ctx, 1);
        let name = capture(w, &ctx, 2);
        w.touched(&name);
        w.step_record().input = Some(json!({"adapter": name, "filter": filter}));
        let result = w.state().adapters.subscribe(&name, &filter).await;
        if let Err(e) = result {
            fail(e.to_string())
        }
    })
}

/// `a message on "FILTER" from "NAME" arrives within DURATION`
pub fn arrives(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        expect(w, &ctx, None).await;
    })
}

/// `a message on "FILTER" from "NAME" arrives within DURATION matching:` + doc string
pub fn arrives_matching(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let expected = expected_document(w, &ctx);
        expect(w, &ctx, Some(expected)).await;
    })
}

/// The JSON doc string under the step, variables interpolated.
fn expected_document(w: &mut QualifyWorld, ctx: &Context) -> Value {
    let Some(raw) = ctx.step.docstring.as_deref() else {
        fail(format!(
            "the step at line {} needs a JSON doc string under it",
            ctx.step.position.line
        ))
    };
    let text = w.interpolate_json(&docstring_text(raw));
    match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => fail(format!(
            "the doc string under line {} is not valid JSON: {e}",
            ctx.step.position.line
        )),
    }
}

async fn expect(w: &mut QualifyWorld, ctx: &Context, expected: Option<Value>) {
    let filter = capture(w, ctx, 1);
    let name = capture(w, ctx, 2);
    let within = duration(w, ctx, 3);
    w.touched(&name);
    w.step_record().input = Some(json!({
        "adapter": name, "filter": filter, "within_ms": within.as_millis() as u64,
    }));
    let accept = |m: &MqttMessage| {
        expected
            .as_ref()
            .is_none_or(|doc| match_document(doc, &m.payload).is_empty())
    };
    let result = w
        .state()
        .adapters
        .expect_message(&name, &filter, within, &accept)
        .await;
    let subject = format!("message on \"{filter}\" from \"{name}\"");
    let comparison = match &expected {
        Some(_) => format!("arrives within {} matching", within_text(within)),
        None => format!("arrives within {}", within_text(within)),
    };
    let expected_value = expected.clone().unwrap_or(json!("#present"));
    match result {
        Ok(Ok(message)) => {
            w.step_record().output = Some(message.summary());
            w.assert(
                subject,
                comparison,
                expected_value,
                message.payload.clone(),
                Vec::new(),
                true,
            );
            w.state().last = Some(LastResponse::Message(message));
        }
        Ok(Err(candidates)) => {
            // Show the candidate that came closest, with its mismatches, so the failure says why.
            let closest: Option<(&MqttMessage, Vec<Mismatch>)> =
                expected.as_ref().and_then(|doc| {
                    candidates
                        .iter()
                        .map(|m| (m, match_document(doc, &m.payload)))
                        .min_by_key(|(_, mismatches)| mismatches.len())
                });
            let note = if candidates.is_empty() {
                "no message arrived on the topic".to_string()
            } else {
                format!(
                    "{} message(s) on the topic did not match; closest shown",
                    candidates.len()
                )
            };
            w.step_record().output = Some(json!({"unmatched": summaries(&candidates)}));
            let (actual, mismatches) = match closest {
                Some((m, mismatches)) => (m.payload.clone(), mismatches),
                None => (Value::Null, Vec::new()),
            };
            w.assert(
                format!("{subject} ({note})"),
                comparison,
                expected_value,
                actual,
                mismatches,
                false,
            );
        }
        Err(e) => fail(e.to_string()),
    }
}

/// `no message on "FILTER" from "NAME" arrives within DURATION`
pub fn none_arrives(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let filter = capture(w, &ctx, 1);
        let name = capture(w, &ctx, 2);
        let within = duration(w, &ctx, 3);
        w.touched(&name);
        w.step_record().input = Some(json!({
            "adapter": name, "filter": filter, "within_ms": within.as_millis() as u64,
        }));
        let result = w
            .state()
            .adapters
            .collect_messages(&name, &filter, within, &|_| true, &|n| n > 0)
            .await;
        let messages = match result {
            Ok(m) => m,
            Err(e) => fail(e.to_string()),
        };
        let actual = summaries(&messages);
        w.step_record().output = Some(json!({"received": actual.clone()}));
        let passed = messages.is_empty();
        w.assert(
            format!("messages on \"{filter}\" from \"{name}\""),
            format!("are none within {}", within_text(within)),
            json!([]),
            actual,
            Vec::new(),
            passed,
        );
    })
}

/// `exactly|at least|at most N messages on "FILTER" from "NAME" arrive within DURATION`
pub fn count(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        count_messages(w, &ctx, None).await;
    })
}

/// `exactly|at least|at most N messages on "FILTER" from "NAME" arrive within DURATION
/// matching:` + doc string: only messages whose payload matches count (and are consumed).
pub fn count_matching(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let expected = expected_document(w, &ctx);
        count_messages(w, &ctx, Some(expected)).await;
    })
}

async fn count_messages(w: &mut QualifyWorld, ctx: &Context, expected: Option<Value>) {
    let bound = capture(w, ctx, 1);
    let n_text = capture(w, ctx, 2);
    let Ok(n) = n_text.parse::<usize>() else {
        fail(format!("`{n_text}` is not a message count"))
    };
    let filter = capture(w, ctx, 3);
    let name = capture(w, ctx, 4);
    let within = duration(w, ctx, 5);
    w.touched(&name);
    w.step_record().input = Some(json!({
        "adapter": name, "filter": filter, "within_ms": within.as_millis() as u64,
        "matching": expected,
    }));
    // Stop as soon as the outcome is certain: enough for "at least", too many otherwise.
    let enough = |got: usize| match bound.as_str() {
        "at least" => got >= n,
        _ => got > n,
    };
    let accept = |m: &MqttMessage| {
        expected
            .as_ref()
            .is_none_or(|doc| match_document(doc, &m.payload).is_empty())
    };
    let result = w
        .state()
        .adapters
        .collect_messages(&name, &filter, within, &accept, &enough)
        .await;
    let messages = match result {
        Ok(m) => m,
        Err(e) => fail(e.to_string()),
    };
    let got = messages.len();
    w.step_record().output = Some(json!({"count": got, "first": summaries(&messages)}));
    let passed = match bound.as_str() {
        "exactly" => got == n,
        "at least" => got >= n,
        _ => got <= n,
    };
    let what = if expected.is_some() {
        "matching messages"
    } else {
        "messages"
    };
    w.assert(
        format!("number of {what} on \"{filter}\" from \"{name}\""),
        format!("is {bound} (within {})", within_text(within)),
        json!(n),
        json!(got),
        Vec::new(),
        passed,
    );
}

/// `I publish each line of the file "FILE" on "NAME"`: each line is
/// `{"topic": "...", "payload": ...}`, published with QoS 1 in order; the response becomes
/// `{"published": n}`.
pub fn publish_file(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    publish_lines(w, ctx, LineWire::Json)
}

/// How [`publish_lines`] puts a line's payload on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineWire {
    /// The payload as JSON text.
    Json,
    /// The payload's JSON form encoded as a Sparkplug B protobuf payload.
    Sparkplug,
}

/// Publishes each line of the file (capture 1) on the adapter (capture 2), QoS 1, in order; the
/// file's path and digest are the step's input and `{"published": n}` its response. Shared by
/// the plain and the Sparkplug step, which differ only in how a payload is encoded.
pub(crate) fn publish_lines(
    w: &mut QualifyWorld,
    ctx: Context,
    wire: LineWire,
) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let file = capture(w, &ctx, 1);
        let name = capture(w, &ctx, 2);
        let mut lines = JsonLines::open(w, &file);
        w.touched(&name);
        let shape = match wire {
            LineWire::Json => "{\"topic\": \"...\", \"payload\": ...}",
            LineWire::Sparkplug => "{\"topic\": \"...\", \"payload\": {...}}",
        };
        let mut published = 0u64;
        for (line_no, message) in lines.by_ref() {
            let (Some(topic), Some(payload)) = (
                message.get("topic").and_then(Value::as_str),
                message.get("payload"),
            ) else {
                fail(format!(
                    "{} line {line_no}: expected {shape}",
                    lines.path().display()
                ))
            };
            let adapters = &mut w.state().adapters;
            let result = match wire {
                LineWire::Json => adapters
                    .publish(&name, topic, payload, 1, false)
                    .await
                    .map(drop),
                LineWire::Sparkplug => adapters
                    .publish_sparkplug(&name, topic, payload, 1, false)
                    .await
                    .map(drop),
            };
            if let Err(e) = result {
                fail(format!("{} line {line_no}: {e}", lines.path().display()))
            }
            published += 1;
        }
        let path = lines.path().to_path_buf();
        let digest = crate::evidence::sha256_file(&path)
            .map(|(d, _)| d)
            .unwrap_or_default();
        w.step_record().input = Some(json!({
            "adapter": name, "file": path.display().to_string(), "sha256": digest,
        }));
        let summary = json!({"published": published});
        w.step_record().output = Some(summary.clone());
        w.state().last = Some(LastResponse::Process(crate::adapters::Reply::Result(
            summary,
        )));
    })
}
