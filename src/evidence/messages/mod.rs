//! `messages.ndjson`: the run as Cucumber Messages (github.com/cucumber/messages), the
//! interchange every current Cucumber tool reads: one JSON envelope per line, in the order a
//! Cucumber implementation emits them: `meta`; per feature file its `source`, `gherkinDocument`
//! and the `pickle`s that ran; the step library's `stepDefinition`s; `testRunStarted`; a
//! `testCase` per pickle; per scenario `testCaseStarted`, per step `testStepStarted`, its
//! attachments (as `externalAttachment`s naming the package file) and `testStepFinished`, then
//! `testCaseFinished`; `testRunFinished`.
//!
//! The Gherkin half (documents and pickles) is what [`crate::gherkin`] parsed, so it matches
//! the official parser; the run half comes from the results, joined to the pickles by the
//! scenario id (`file:line` of the scenario or Examples row) and by step lines. Ids of the run
//! half are derived from positions (`tc-3`, `ts-3-1`, …), so the same results give the same
//! bytes. Validated in tests against the JSON schema of npm `@cucumber/messages` and read by
//! `@cucumber/html-formatter` and `@cucumber/junit-xml-formatter`
//! (tests/integration/cucumber_messages.rs).

mod index;
mod run;
mod time;

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::evidence::RunResults;
use crate::gherkin::ParsedFeature;

/// The version of the Cucumber Messages protocol these messages follow: the `@cucumber/messages`
/// release whose schema the tests validate them against (tests/interop/cucumber-js).
pub const PROTOCOL_VERSION: &str = "34.2.1";

/// One feature file of the campaign: its project-relative path, its text and what the parser
/// made of it.
pub struct FeatureSource<'a> {
    /// Project-relative path, as in results.json (`features/oq/oee.feature`).
    pub uri: &'a str,
    /// The file's text.
    pub source: &'a str,
    /// Its document and pickles (ids unique across the campaign).
    pub parsed: &'a ParsedFeature,
}

/// Writes the messages of the run `results`, whose feature files are `features`, to `out`.
pub fn write_messages(
    features: &[FeatureSource<'_>],
    results: &RunResults,
    out: &mut dyn Write,
) -> io::Result<()> {
    let index = index::Index::new(features, results);
    let mut emit = |envelope: Value| -> io::Result<()> {
        serde_json::to_writer(&mut *out, &envelope).map_err(io::Error::other)?;
        out.write_all(b"\n")
    };
    emit(json!({ "meta": meta(results) }))?;
    for f in features {
        emit(json!({ "source": {
            "uri": f.uri,
            "data": f.source,
            "mediaType": "text/x.cucumber.gherkin+plain",
        }}))?;
        emit(json!({ "gherkinDocument": f.parsed.document }))?;
        for pickle in f.parsed.pickles.iter().filter(|p| index.ran(p)) {
            emit(json!({ "pickle": pickle }))?;
        }
    }
    run::write_run(&index, results, &mut emit)
}

/// The `meta` message: the tool and where it ran (no host names: those are in environment.json).
fn meta(results: &RunResults) -> Value {
    json!({
        "protocolVersion": PROTOCOL_VERSION,
        "implementation": { "name": results.tool.name, "version": results.tool.version },
        "runtime": { "name": "rust" },
        "os": { "name": std::env::consts::OS },
        "cpu": { "name": std::env::consts::ARCH },
    })
}
