//! Steps on HTTP adapters: requests with JSON bodies, status, headers and response time. The body
//! of the response is the document the `response field` and `response matches` steps look at.

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};

use super::args::{capture, duration, json_argument};
use super::last_response::LastResponse;
use super::world::QualifyWorld;
use crate::adapters::HttpResponse;
use crate::runner::fail;

/// `I send a METHOD request to "PATH" on "NAME"`
pub fn send_empty(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let method = capture(w, &ctx, 1);
        let path = capture(w, &ctx, 2);
        let name = capture(w, &ctx, 3);
        send(w, &name, &method, &path, None).await;
    })
}

/// `I send a METHOD request to "PATH" on "NAME" with:` + doc string or table
pub fn send_with(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let method = capture(w, &ctx, 1);
        let path = capture(w, &ctx, 2);
        let name = capture(w, &ctx, 3);
        let body = json_argument(w, &ctx);
        send(w, &name, &method, &path, Some(body)).await;
    })
}

async fn send(w: &mut QualifyWorld, name: &str, method: &str, path: &str, body: Option<Value>) {
    w.touched(name);
    w.step_record().input =
        Some(json!({"adapter": name, "method": method, "path": path, "body": body}));
    w.state().last = None;
    let result = w
        .state()
        .adapters
        .http(name, method, path, body.as_ref())
        .await;
    match result {
        Ok(response) => {
            w.step_record().output = Some(response.summary());
            w.state().last = Some(LastResponse::Http(response));
        }
        Err(e) => fail(e.to_string()),
    }
}

/// The last HTTP response; the step is backed by that adapter's transcript.
fn last_http(w: &mut QualifyWorld) -> HttpResponse {
    let response = match &w.state().last {
        Some(LastResponse::Http(r)) => r.clone(),
        Some(_) => fail("the last response is not an HTTP response: send an HTTP request first"),
        None => fail("there is no HTTP response yet: send an HTTP request first"),
    };
    w.touched(&response.adapter);
    response
}

/// `the response status is CODE`
pub fn status(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let expected_text = capture(w, &ctx, 1);
        let Ok(expected) = expected_text.parse::<u16>() else {
            fail(format!("`{expected_text}` is not an HTTP status code"))
        };
        let response = last_http(w);
        w.assert(
            format!("status of {} {}", response.method, response.url),
            "equals",
            json!(expected),
            json!(response.status),
            Vec::new(),
            response.status == expected,
        );
    })
}

/// `the response header "NAME" equals "VALUE"`
pub fn header(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let header = capture(w, &ctx, 1).to_ascii_lowercase();
        let expected = capture(w, &ctx, 2);
        let response = last_http(w);
        let actual = response.headers.get(&header).cloned();
        let passed = actual.as_deref() == Some(expected.as_str());
        w.assert(
            format!("header {header} of {} {}", response.method, response.url),
            if actual.is_some() {
                "equals"
            } else {
                "equals (header absent)"
            },
            json!(expected),
            actual.map(Value::String).unwrap_or(Value::Null),
            Vec::new(),
            passed,
        );
    })
}

/// `the response time is under DURATION`
pub fn time_under(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let bound = duration(w, &ctx, 1);
        let response = last_http(w);
        let bound_ms = bound.as_secs_f64() * 1000.0;
        w.assert(
            format!("response time of {} {} (ms)", response.method, response.url),
            "is under",
            json!(bound_ms),
            json!(response.elapsed_ms),
            Vec::new(),
            response.elapsed_ms < bound_ms,
        );
    })
}
