//! Assertions on the last response of a process adapter.

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};

use super::args::{capture, docstring_text, json_literal};
use super::world::QualifyWorld;
use crate::matching::{JsonPath, Tolerance, json_equals, match_document, parse_number};
use crate::runner::fail;

/// The last response as a document: the `result` or the `error` object of a rejection, an HTTP
/// body, or a matched message's payload.
fn last_document(w: &mut QualifyWorld) -> Value {
    match &w.state().last {
        Some(reply) => reply.document(),
        None => fail("there is no response yet: send a request first"),
    }
}

fn field(w: &mut QualifyWorld, path_text: &str) -> (JsonPath, Option<Value>) {
    let path = match JsonPath::parse(path_text) {
        Ok(p) => p,
        Err(e) => fail(format!("field path `{path_text}`: {e}")),
    };
    let doc = last_document(w);
    let value = path.lookup(&doc).cloned();
    (path, value)
}

fn outcome(w: &mut QualifyWorld) -> Value {
    match &w.state().last {
        Some(last) => last.outcome(),
        None => fail("there is no response yet: send a request first"),
    }
}

/// `the request succeeds`
pub fn succeeds(w: &mut QualifyWorld, _ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let actual = outcome(w);
        let passed = actual["outcome"] == "result";
        w.assert(
            "request outcome",
            "is",
            json!({"outcome": "result"}),
            actual,
            Vec::new(),
            passed,
        );
    })
}

/// `the request is rejected with reason "CODE"`
pub fn rejected(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let code = capture(w, &ctx, 1);
        let actual = outcome(w);
        let passed = actual["outcome"] == "rejected" && actual["code"] == code.as_str();
        w.assert(
            "request outcome",
            "is rejected with reason",
            json!({"outcome": "rejected", "code": code}),
            actual,
            Vec::new(),
            passed,
        );
    })
}

/// `the response field "PATH" equals VALUE`
pub fn field_equals(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let path_text = capture(w, &ctx, 1);
        let expected = json_literal(&capture(w, &ctx, 2));
        let (path, actual) = field(w, &path_text);
        let passed = actual.as_ref().is_some_and(|a| json_equals(&expected, a));
        w.assert(
            format!("response field {path}"),
            if actual.is_some() {
                "equals"
            } else {
                "equals (field absent)"
            },
            expected,
            actual.unwrap_or(Value::Null),
            Vec::new(),
            passed,
        );
    })
}

/// `the response field "PATH" is within TOL of NUMBER` (TOL may end in `%`)
pub fn field_within(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let path_text = capture(w, &ctx, 1);
        let tol_text = capture(w, &ctx, 2);
        let expected_text = capture(w, &ctx, 3);
        let tolerance = match Tolerance::parse(&tol_text) {
            Ok(t) => t,
            Err(e) => fail(e.to_string()),
        };
        let expected = match parse_number(&expected_text) {
            Ok(n) => n,
            Err(e) => fail(e.to_string()),
        };
        let expected_value = json_literal(&expected_text);
        let (path, actual) = field(w, &path_text);
        let actual_value = actual.unwrap_or(Value::Null);
        let passed = match tolerance.check_value(expected, &actual_value) {
            Ok(p) => p,
            Err(e) => {
                let message = e.to_string();
                w.assert(
                    format!("response field {path}"),
                    format!("is within {tol_text} of"),
                    expected_value,
                    actual_value,
                    Vec::new(),
                    false,
                );
                fail(message)
            }
        };
        w.assert(
            format!("response field {path}"),
            format!("is within {tol_text} of"),
            expected_value,
            actual_value,
            Vec::new(),
            passed,
        );
    })
}

/// `the response matches:` + doc string
pub fn matches(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let expected = expected_doc(w, &ctx);
        let actual = last_document(w);
        let mismatches = match_document(&expected, &actual);
        let passed = mismatches.is_empty();
        w.assert("response", "matches", expected, actual, mismatches, passed);
    })
}

/// `the response field "PATH" matches:` + doc string
pub fn field_matches(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let path_text = capture(w, &ctx, 1);
        let expected = expected_doc(w, &ctx);
        let (path, actual) = field(w, &path_text);
        let mismatches = crate::matching::match_at(&expected, actual.as_ref(), &path);
        let passed = mismatches.is_empty();
        w.assert(
            format!("response field {path}"),
            "matches",
            expected,
            actual.unwrap_or(Value::Null),
            mismatches,
            passed,
        );
    })
}

fn expected_doc(w: &mut QualifyWorld, ctx: &Context) -> Value {
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

/// `I remember the response field "PATH" as "VAR"`
pub fn remember(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let path_text = capture(w, &ctx, 1);
        let var = capture(w, &ctx, 2);
        let (path, value) = field(w, &path_text);
        let Some(value) = value else {
            fail(format!(
                "response field {path} is absent; nothing to remember as \"{var}\""
            ))
        };
        w.state().vars.set(var, value);
    })
}
