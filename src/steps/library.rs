//! The step library: every step's pattern and handler, registered for Given, When and Then alike.
//! docs/steps.md is the user-facing description; keep the two in step.

use cucumber::step::{Collection, Context};
use futures::future::LocalBoxFuture;
use regex::Regex;

use super::world::QualifyWorld;
use super::{
    adapter_steps as a, file_steps as f, http_steps as h, mqtt_steps as m, response_steps as r,
    sparkplug_steps as sp, sql_steps as s,
};

type Handler = cucumber::Step<QualifyWorld>;

/// Wraps a handler so that the step's line is known to the World before it runs.
macro_rules! handler {
    ($f:path) => {{
        fn h(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
            w.begin_step(ctx.step.position.line);
            $f(w, ctx)
        }
        h as Handler
    }};
}

/// The pattern of a duration in step text: a number and a unit (`500 ms`, `2 s`, `1.5 seconds`);
/// two capture groups.
macro_rules! duration {
    () => {
        r"(\d+(?:\.\d+)?) ?(ms|milliseconds?|s|seconds?)"
    };
}

/// The pattern of a quoted PATH in step text (one capture group, without the quotes). Quotes
/// may appear inside brackets, so that the documented form for keys with dots, spaces or quotes
/// (`"["temp °C"].max"`, `"["say \"hi\""]"`) is written as it is documented; outside brackets a
/// quote ends the path, as for every other quoted argument.
macro_rules! path {
    () => {
        r#""((?:[^"\[]|\[(?:"(?:[^"\\]|\\.)*"|[^\]"])*\])+)""#
    };
}

/// (pattern, handler) for every step.
fn table() -> Vec<(&'static str, Handler)> {
    vec![
        (
            r#"^the adapter "([^"]+)" is started$"#,
            handler!(a::started),
        ),
        (
            r#"^the adapter "([^"]+)" reports version "([^"]*)"$"#,
            handler!(a::reports_version),
        ),
        (
            r#"^I send an? "([^"]+)" request to "([^"]+)"$"#,
            handler!(a::send_empty),
        ),
        (
            r#"^I send an? "([^"]+)" request to "([^"]+)" with:$"#,
            handler!(a::send_with),
        ),
        (
            r#"^I send each line of the file "([^"]+)" as an? "([^"]+)" request to "([^"]+)"$"#,
            handler!(a::send_file),
        ),
        (r#"^the request succeeds$"#, handler!(r::succeeds)),
        (
            r#"^the request is rejected with reason "([^"]+)"$"#,
            handler!(r::rejected),
        ),
        (
            concat!(r#"^the response field "#, path!(), r#" equals (.+)$"#),
            handler!(r::field_equals),
        ),
        (
            concat!(
                r#"^the response field "#,
                path!(),
                r#" is within ([0-9.eE+-]+%?) of (.+)$"#
            ),
            handler!(r::field_within),
        ),
        (r#"^the response matches:$"#, handler!(r::matches)),
        (
            concat!(r#"^the response field "#, path!(), r#" matches:$"#),
            handler!(r::field_matches),
        ),
        (
            concat!(
                r#"^I remember the response field "#,
                path!(),
                r#" as "([^"]+)"$"#
            ),
            handler!(r::remember),
        ),
        (
            r#"^the table "([^"]+)" on "([^"]+)" contains:$"#,
            handler!(s::insert),
        ),
        (
            r#"^the query "(.+)" on "([^"]+)" returns:$"#,
            handler!(s::returns),
        ),
        (
            r#"^the query "(.+)" on "([^"]+)" returns no rows$"#,
            handler!(s::returns_none),
        ),
        (
            r#"^the query "(.+)" on "([^"]+)" returns (\d+) rows?$"#,
            handler!(s::returns_count),
        ),
        (
            r#"^the file "([^"]+)" has SHA-256 "([^"]+)"$"#,
            handler!(f::has_sha256),
        ),
        (
            r#"^I publish (a retained message )?to "([^"]+)" on "([^"]+)"(?: with QoS ([0-2]))?:$"#,
            handler!(m::publish),
        ),
        (
            r#"^I subscribe to "([^"]+)" on "([^"]+)"$"#,
            handler!(m::subscribe),
        ),
        (
            concat!(
                r#"^a message on "([^"]+)" from "([^"]+)" arrives within "#,
                duration!(),
                "$"
            ),
            handler!(m::arrives),
        ),
        (
            concat!(
                r#"^a message on "([^"]+)" from "([^"]+)" arrives within "#,
                duration!(),
                " matching:$"
            ),
            handler!(m::arrives_matching),
        ),
        (
            concat!(
                r#"^no message on "([^"]+)" from "([^"]+)" arrives within "#,
                duration!(),
                "$"
            ),
            handler!(m::none_arrives),
        ),
        (
            concat!(
                r#"^(exactly|at least|at most) (\d+) messages? on "([^"]+)" from "([^"]+)" arrives? within "#,
                duration!(),
                "$"
            ),
            handler!(m::count),
        ),
        (
            concat!(
                r#"^(exactly|at least|at most) (\d+) messages? on "([^"]+)" from "([^"]+)" arrives? within "#,
                duration!(),
                " matching:$"
            ),
            handler!(m::count_matching),
        ),
        (
            r#"^I publish each line of the file "([^"]+)" on "([^"]+)"$"#,
            handler!(m::publish_file),
        ),
        (
            r#"^I publish a (retained )?Sparkplug message to "([^"]+)" on "([^"]+)"(?: with QoS ([0-2]))?:?$"#,
            handler!(sp::publish),
        ),
        (
            r#"^I publish each line of the file "([^"]+)" as Sparkplug messages on "([^"]+)"$"#,
            handler!(sp::publish_file),
        ),
        (
            concat!(
                r#"^a Sparkplug message on "([^"]+)" from "([^"]+)" arrives within "#,
                duration!(),
                "$"
            ),
            handler!(sp::arrives),
        ),
        (
            concat!(
                r#"^a Sparkplug message on "([^"]+)" from "([^"]+)" arrives within "#,
                duration!(),
                " matching:$"
            ),
            handler!(sp::arrives_matching),
        ),
        (
            r#"^I send an? (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) request to "([^"]+)" on "([^"]+)"$"#,
            handler!(h::send_empty),
        ),
        (
            r#"^I send an? (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) request to "([^"]+)" on "([^"]+)" with:$"#,
            handler!(h::send_with),
        ),
        (r#"^the response status is (\d{3})$"#, handler!(h::status)),
        (
            r#"^the response header "([^"]+)" equals "([^"]*)"$"#,
            handler!(h::header),
        ),
        (
            concat!(r#"^the response time is under "#, duration!(), "$"),
            handler!(h::time_under),
        ),
    ]
}

/// Every step pattern, compiled, in library order (what `qualify list` checks step text against).
pub fn patterns() -> Vec<Regex> {
    table()
        .into_iter()
        .filter_map(|(pattern, _)| Regex::new(pattern).ok())
        .collect()
}

/// The collection of all steps, each under Given, When and Then.
pub fn collection() -> Collection<QualifyWorld> {
    let mut c = Collection::new();
    for (pattern, handler) in table() {
        // The patterns are literals checked by the unit test below.
        let Ok(re) = Regex::new(pattern) else {
            continue;
        };
        c = c
            .given(None, re.clone(), handler)
            .when(None, re.clone(), handler)
            .then(None, re, handler);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_no_two_overlap_on_examples() {
        let examples = [
            "the adapter \"bridge\" is started",
            "the adapter \"bridge\" reports version \"0.1.0\"",
            "I send a \"config\" request to \"bridge\"",
            "I send a \"telemetry\" request to \"bridge\" with:",
            "I send each line of the file \"shift.jsonl\" as a \"telemetry\" request to \"bridge\"",
            "the request succeeds",
            "the request is rejected with reason \"missing_context\"",
            "the response field \"a.b\" equals \"x\"",
            "the response field \"[\"temp °C\"]\" equals 21.5",
            "the response field \"[\"a.b\"].c[0]\" is within 1% of 3",
            "the response field \"[\"say \\\"hi\\\"\"]\" matches:",
            "I remember the response field \"[\"temp °C\"]\" as \"t\"",
            "the response field \"oee\" is within 0.01 of 74.79",
            "the response field \"oee\" is within 0.5% of 74.79",
            "the response matches:",
            "the response field \"record\" matches:",
            "I remember the response field \"expected\" as \"exp\"",
            "the table \"job_orders\" on \"mes\" contains:",
            "the query \"SELECT 1\" on \"mes\" returns:",
            "the query \"SELECT 1\" on \"mes\" returns no rows",
            "the query \"SELECT 1\" on \"mes\" returns 3 rows",
            "the file \"x\" has SHA-256 \"abc\"",
            "I publish to \"spBv1.0/L1/DDATA/e1/p1\" on \"broker\":",
            "I publish a retained message to \"a/b\" on \"broker\" with QoS 2:",
            "I subscribe to \"qualify/#\" on \"broker\"",
            "a message on \"a/+\" from \"broker\" arrives within 2 s",
            "a message on \"a/+\" from \"broker\" arrives within 500 ms matching:",
            "no message on \"a/#\" from \"broker\" arrives within 1.5 seconds",
            "exactly 3 messages on \"a/#\" from \"broker\" arrive within 2 s",
            "at least 1 message on \"a/#\" from \"broker\" arrives within 2 s",
            "at most 0 messages on \"a/#\" from \"broker\" arrive within 100 ms",
            "exactly 255 messages on \"d\" from \"broker\" arrive within 30 s matching:",
            "I publish each line of the file \"seq.jsonl\" on \"broker\"",
            "I publish a Sparkplug message to \"spBv1.0/L1/NBIRTH/e1\" on \"broker\":",
            "I publish a retained Sparkplug message to \"spBv1.0/STATE/h\" on \"broker\" with QoS 1:",
            "I publish a Sparkplug message to \"spBv1.0/L1/NDEATH/e1\" on \"broker\"",
            "I publish each line of the file \"s.jsonl\" as Sparkplug messages on \"broker\"",
            "a Sparkplug message on \"spBv1.0/+/NCMD/#\" from \"broker\" arrives within 2 s",
            "a Sparkplug message on \"spBv1.0/+/NCMD/#\" from \"broker\" arrives within 2 s matching:",
            "I send a GET request to \"/orders/1\" on \"mes\"",
            "I send a POST request to \"/orders\" on \"mes\" with:",
            "the response status is 201",
            "the response header \"content-type\" equals \"application/json\"",
            "the response time is under 500 ms",
        ];
        let res: Vec<Regex> = table()
            .iter()
            .map(|(p, _)| Regex::new(p).unwrap())
            .collect();
        for (step, path) in [
            (
                "the response field \"[\"temp °C\"]\" equals 21.5",
                "[\"temp °C\"]",
            ),
            ("the response field \"a\" equals \"x\"", "a"),
            ("the response field \"[\"a]b\"].c\" matches:", "[\"a]b\"].c"),
        ] {
            let captured = res
                .iter()
                .find_map(|r| r.captures(step))
                .and_then(|c| c.get(1).map(|m| m.as_str().to_string()));
            assert_eq!(captured.as_deref(), Some(path), "{step}");
        }
        for e in examples {
            let n = res.iter().filter(|r| r.is_match(e)).count();
            assert_eq!(n, 1, "{e} matches {n} patterns");
        }
    }
}
