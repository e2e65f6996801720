//! Step arguments: capture groups, doc strings and data tables turned into values.

use cucumber::step::Context;
use serde_json::Value;

use super::world::QualifyWorld;
use crate::matching::table_to_json;
use crate::runner::fail;

/// Capture group `i` (1-based) of the step's regex, with `${...}` replaced.
pub fn capture(w: &mut QualifyWorld, ctx: &Context, i: usize) -> String {
    let raw = ctx
        .matches
        .get(i)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    w.interpolate(&raw)
}

/// The doc string with its common indentation stripped.
///
/// The parser (crate::gherkin) already keeps a typed doc string's type (`"""json`) out of the
/// content and removes the delimiter's indentation, as the official one does; lines indented
/// deeper than the delimiter keep the extra, which JSON does not mind but the common part is
/// removed so the text reads as written.
pub fn docstring_text(raw: &str) -> String {
    let lines: Vec<&str> = raw.lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The step's argument as JSON: a doc string (JSON) or a data table.
pub fn json_argument(w: &mut QualifyWorld, ctx: &Context) -> Value {
    if let Some(doc) = ctx.step.docstring.as_deref() {
        let text = w.interpolate_json(&docstring_text(doc));
        return match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => fail(format!(
                "the doc string under line {} is not valid JSON: {e} (at its line {}, column {})",
                ctx.step.position.line,
                e.line(),
                e.column()
            )),
        };
    }
    if let Some(table) = ctx.step.table.as_ref() {
        let rows = interpolated_rows(w, &table.rows);
        return match table_to_json(&rows) {
            Ok(v) => v,
            Err(e) => fail(format!(
                "the table under line {}: {e}",
                ctx.step.position.line
            )),
        };
    }
    fail(format!(
        "the step at line {} needs a doc string (JSON) or a data table under it",
        ctx.step.position.line
    ))
}

/// The step's data table, cells interpolated; fails if there is none.
pub fn table_rows(w: &mut QualifyWorld, ctx: &Context) -> Vec<Vec<String>> {
    match ctx.step.table.as_ref() {
        Some(t) => interpolated_rows(w, &t.rows),
        None => fail(format!(
            "the step at line {} needs a data table under it (header row of column names first)",
            ctx.step.position.line
        )),
    }
}

fn interpolated_rows(w: &mut QualifyWorld, rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| w.interpolate(c)).collect())
        .collect()
}

/// Parses a VALUE written in a step (`"text"`, `42`, `true`, ...) as JSON.
pub fn json_literal(text: &str) -> Value {
    match serde_json::from_str(text.trim()) {
        Ok(v) => v,
        Err(_) => fail(format!(
            "`{text}` is not a JSON value; write strings in double quotes (\"ok\"), numbers and true/false/null bare"
        )),
    }
}

/// A duration from a number and a unit (`500 ms`, `2 s`, `1.5 seconds`); at most a day, so a
/// typo cannot hang a campaign for years.
pub fn parse_duration(number: &str, unit: &str) -> Result<std::time::Duration, String> {
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{number}` is not a number"))?;
    let seconds = if unit.starts_with("ms") || unit.starts_with("milli") {
        value / 1000.0
    } else {
        value
    };
    if !seconds.is_finite() || !(0.0..=86_400.0).contains(&seconds) {
        return Err(format!(
            "{number} {unit} is not a duration between 0 and 24 hours"
        ));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// Captures `i` (number) and `i + 1` (unit) as a duration; fails the step on nonsense.
pub fn duration(w: &mut QualifyWorld, ctx: &Context, i: usize) -> std::time::Duration {
    let number = capture(w, ctx, i);
    let unit = capture(w, ctx, i + 1);
    match parse_duration(&number, &unit) {
        Ok(d) => d,
        Err(e) => fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::{docstring_text, parse_duration};
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500", "ms"), Ok(Duration::from_millis(500)));
        assert_eq!(
            parse_duration("1.5", "seconds"),
            Ok(Duration::from_millis(1500))
        );
        assert_eq!(parse_duration("2", "s"), Ok(Duration::from_secs(2)));
        assert!(parse_duration("100000", "s").is_err());
    }

    #[test]
    fn strips_common_indent_and_keeps_every_line() {
        let raw = "      {\"a\": 1,\n        \"b\": 2}\n";
        assert_eq!(docstring_text(raw), "{\"a\": 1,\n  \"b\": 2}");
        assert_eq!(docstring_text("json\n{}"), "json\n{}");
    }

    #[test]
    fn keeps_plain_json() {
        assert_eq!(docstring_text("{\"a\": 1}"), "{\"a\": 1}");
        assert_eq!(docstring_text("42"), "42");
    }
}
