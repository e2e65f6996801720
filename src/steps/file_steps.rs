//! Steps on files (installation qualification).

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use serde_json::Value;

use super::args::capture;
use super::world::QualifyWorld;
use crate::evidence::sha256_file;

/// `the file "FILE" has SHA-256 "HEX"` (FILE relative to the project folder)
pub fn has_sha256(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let file = capture(w, &ctx, 1);
        let expected = capture(w, &ctx, 2).to_ascii_lowercase();
        let path = w.ctx.config.dir.join(&file);
        let actual = match sha256_file(&path) {
            Ok((digest, _)) => Value::String(digest),
            Err(e) => Value::String(format!("<cannot read {}: {e}>", path.display())),
        };
        let passed = actual == Value::String(expected.clone());
        w.assert(
            format!("SHA-256 of {file}"),
            "equals",
            Value::String(expected),
            actual,
            Vec::new(),
            passed,
        );
    })
}
