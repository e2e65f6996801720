//! Steps that start adapters and send requests to process adapters.

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use serde_json::{Map, Value, json};

use super::args::{capture, json_argument};
use super::json_lines::JsonLines;
use super::last_response::LastResponse;
use super::world::QualifyWorld;
use crate::adapters::Reply;
use crate::runner::fail;

/// `the adapter "NAME" is started`
pub fn started(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let name = capture(w, &ctx, 1);
        start(w, &name).await;
    })
}

async fn start(w: &mut QualifyWorld, name: &str) -> crate::evidence::AdapterIdentity {
    w.touched(name);
    let result = w.state().adapters.start(name).await;
    match result {
        Ok(identity) => {
            w.step_record().output = Some(serde_json::to_value(&identity).unwrap_or(Value::Null));
            let state = w.state();
            if !state
                .record
                .adapters
                .iter()
                .any(|a| a.adapter == identity.adapter)
            {
                state.record.adapters.push(identity.clone());
            }
            // `${adapter.NAME.version}`, `${adapter.NAME.sha256}`: what qualify itself measured.
            let mut all = match state.vars.get("adapter") {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            all.insert(
                name.to_string(),
                serde_json::to_value(&identity).unwrap_or(Value::Null),
            );
            state.vars.set("adapter", Value::Object(all));
            identity
        }
        Err(e) => fail(e.to_string()),
    }
}

/// `the adapter "NAME" reports version "X"`
pub fn reports_version(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let name = capture(w, &ctx, 1);
        let expected = capture(w, &ctx, 2);
        let identity = start(w, &name).await;
        let actual = identity
            .version
            .clone()
            .map(Value::String)
            .unwrap_or(Value::Null);
        let passed = actual == Value::String(expected.clone());
        w.assert(
            format!("version reported by adapter \"{name}\""),
            "equals",
            Value::String(expected),
            actual,
            Vec::new(),
            passed,
        );
    })
}

/// `I send a "KIND" request to "NAME"`
pub fn send_empty(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let kind = capture(w, &ctx, 1);
        let name = capture(w, &ctx, 2);
        send(w, &name, &kind, Value::Object(Map::new())).await;
    })
}

/// `I send a "KIND" request to "NAME" with:` + doc string or table
pub fn send_with(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let kind = capture(w, &ctx, 1);
        let name = capture(w, &ctx, 2);
        let body = json_argument(w, &ctx);
        send(w, &name, &kind, body).await;
    })
}

async fn send(w: &mut QualifyWorld, name: &str, kind: &str, body: Value) {
    w.touched(name);
    w.step_record().input = Some(json!({"adapter": name, "kind": kind, "body": body.clone()}));
    let result = w.state().adapters.request(name, kind, body).await;
    match result {
        Ok(reply) => {
            w.step_record().output = Some(reply_output(&reply));
            w.state().last = Some(LastResponse::Process(reply));
        }
        Err(e) => {
            w.state().last = None;
            fail(e.to_string())
        }
    }
}

/// `I send each line of the file "FILE" as a "KIND" request to "NAME"`
///
/// Streams the file: one request per non-empty line, so memory does not grow with its size. The
/// last response becomes a summary of the whole replay.
pub fn send_file(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let file = capture(w, &ctx, 1);
        let kind = capture(w, &ctx, 2);
        let name = capture(w, &ctx, 3);
        let mut lines = JsonLines::open(w, &file);
        w.touched(&name);
        let (mut sent, mut succeeded) = (0u64, 0u64);
        let mut rejected: std::collections::BTreeMap<String, u64> = Default::default();
        for (line_no, body) in lines.by_ref() {
            let result = w.state().adapters.request(&name, &kind, body).await;
            sent += 1;
            match result {
                Ok(Reply::Result(_)) => succeeded += 1,
                Ok(Reply::Rejected { code, .. }) => *rejected.entry(code).or_default() += 1,
                Err(e) => fail(format!(
                    "{} line {line_no} (request {sent}): {e}",
                    lines.path().display()
                )),
            }
        }
        let path = lines.path().to_path_buf();
        let summary = json!({"sent": sent, "succeeded": succeeded, "rejected": rejected});
        let digest = crate::evidence::sha256_file(&path)
            .map(|(d, _)| d)
            .unwrap_or_default();
        w.step_record().input = Some(json!({
            "adapter": name, "kind": kind, "file": path.display().to_string(), "sha256": digest,
        }));
        w.step_record().output = Some(summary.clone());
        w.state().last = Some(LastResponse::Process(Reply::Result(summary)));
    })
}

/// A reply as recorded in a step's output: the result, or the rejection with its code.
fn reply_output(reply: &Reply) -> Value {
    match reply {
        Reply::Result(v) => json!({"result": v}),
        Reply::Rejected { .. } => json!({"error": reply.document()}),
    }
}
