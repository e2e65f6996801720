//! The record of one step as the report shows it: what it sent (the doc string or data table as
//! the request body), what came back, every comparison with its expected and actual value, and
//! the files backing the scenario, each listed once.
//!
//! Values print as results.json holds them (JSON numbers are not reformatted beyond what JSON
//! itself keeps: `97.80` in a doc string is parsed as a JSON number and recorded as `97.8`).
//! Long texts are cut after [`MAX_LINES`] lines with a pointer to where the rest is, never
//! shortened silently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::model::{AttachmentRow, CheckRow, StepRow, TextBlock, field, json_text, status_word};
use crate::evidence::{RunResults, ScenarioResult, StepResult};

/// Where the whole text of a cut request or reply is in an adapter's transcript: by
/// ([`key`] of scenario, step and field), the transcript's path and its 1-based line.
pub type TranscriptLines = BTreeMap<String, (String, usize)>;

/// The key of a step's `field` (`input.body` or `output`) in [`TranscriptLines`].
fn key(scenario: &ScenarioResult, step: &StepResult, field: &str) -> String {
    format!("{}\u{0}{}\u{0}{field}", scenario.id, step.line)
}

/// Lines of a request or reply shown before it is cut.
pub const MAX_LINES: usize = 40;

/// Where a value lives in results.json, for the pointer after a cut text.
struct Place<'a> {
    scenario: &'a ScenarioResult,
    step: &'a StepResult,
    transcripts: &'a TranscriptLines,
}

impl Place<'_> {
    fn pointer(&self, field: &str, more: usize) -> String {
        let mut s = format!(
            "… {more} more lines not shown: the whole text is `{field}` of the step at line {} of scenario {} in results.json",
            self.step.line, self.scenario.id
        );
        if let Some((path, line)) = self.transcripts.get(&key(self.scenario, self.step, field)) {
            s.push_str(&format!(", and {path}, line {line}"));
            return s;
        }
        // The adapters' transcripts hold every request and reply; logs do not.
        let files: Vec<&str> = self
            .step
            .attachments
            .iter()
            .map(|a| a.path.as_str())
            .filter(|p| p.ends_with(".jsonl"))
            .collect();
        if !files.is_empty() {
            s.push_str(&format!(", and in the transcript {}", files.join(", ")));
        }
        s
    }
}

/// Characters a line of printed JSON may take before its members go on lines of their own.
const WIDTH: usize = 80;

/// A JSON value as text: strings as they are, anything else as [`json_lines`] prints it.
fn pretty(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => json_lines(other),
    }
}

/// JSON printed for reading: a value that fits on a line of [`WIDTH`] characters (with its
/// indentation) stays on one line, a larger object or array has one member per line, a long list
/// of numbers, strings or booleans fills lines. Scalars print exactly as results.json holds them.
pub(super) fn json_lines(v: &Value) -> String {
    let mut lines = Vec::new();
    put(v, 0, String::new(), "", &mut lines);
    lines.join("\n")
}

/// `{"a": 1, "b": [2, 3]}`: JSON on one line, with a space after `:` and `,`.
fn one_line(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), one_line(v)))
                .collect();
            format!("{{{}}}", members.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(one_line).collect();
            format!("[{}]", items.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

/// Pushes the lines of `v` at `indent`, the first one starting with `prefix` (a member's key)
/// and the last one ending with `suffix` (a comma).
fn put(v: &Value, indent: usize, prefix: String, suffix: &str, lines: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    let flat = one_line(v);
    if indent + prefix.len() + flat.len() + suffix.len() <= WIDTH {
        lines.push(format!("{pad}{prefix}{flat}{suffix}"));
        return;
    }
    match v {
        Value::Object(map) => {
            lines.push(format!("{pad}{prefix}{{"));
            let last = map.len().saturating_sub(1);
            for (i, (k, member)) in map.iter().enumerate() {
                let key = format!("{}: ", Value::String(k.clone()));
                put(
                    member,
                    indent + 2,
                    key,
                    if i < last { "," } else { "" },
                    lines,
                );
            }
            lines.push(format!("{pad}}}{suffix}"));
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            lines.push(format!("{pad}{prefix}["));
            let inner = " ".repeat(indent + 2);
            let mut line = String::new();
            for (i, item) in items.iter().enumerate() {
                let text = format!("{}{}", item, if i + 1 < items.len() { "," } else { "" });
                if !line.is_empty() && inner.len() + line.len() + 1 + text.len() > WIDTH {
                    lines.push(format!("{inner}{}", std::mem::take(&mut line)));
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&text);
            }
            if !line.is_empty() {
                lines.push(format!("{inner}{line}"));
            }
            lines.push(format!("{pad}]{suffix}"));
        }
        Value::Array(items) => {
            lines.push(format!("{pad}{prefix}["));
            let last = items.len().saturating_sub(1);
            for (i, item) in items.iter().enumerate() {
                put(
                    item,
                    indent + 2,
                    String::new(),
                    if i < last { "," } else { "" },
                    lines,
                );
            }
            lines.push(format!("{pad}]{suffix}"));
        }
        // A scalar longer than a line (a long string) stays whole; the layout wraps it.
        _ => lines.push(format!("{pad}{prefix}{flat}{suffix}")),
    }
}

/// `text` cut after [`MAX_LINES`] lines, with a pointer to the whole of it.
fn block(text: &str, place: &Place, field: &str) -> TextBlock {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_LINES {
        return TextBlock {
            text: text.trim_end().to_string(),
            cut: String::new(),
        };
    }
    TextBlock {
        text: lines[..MAX_LINES].join("\n"),
        cut: place.pointer(field, lines.len() - MAX_LINES),
    }
}

/// The step's data table (`| a | b |` rows) and doc string (between its delimiters, with its
/// media type) as written in the protocol, cut like any long text.
fn as_written(st: &StepResult, place: &Place<'_>) -> TextBlock {
    let mut parts = Vec::new();
    if let Some(t) = &st.data_table {
        let rows: Vec<String> = t
            .rows
            .iter()
            .map(|r| format!("| {} |", r.join(" | ")))
            .collect();
        parts.push(rows.join("\n"));
    }
    if let Some(d) = &st.doc_string {
        let media = d.media_type.as_deref().unwrap_or("");
        parts.push(format!("\"\"\"{media}\n{}\n\"\"\"", d.content));
    }
    if parts.is_empty() {
        return TextBlock::default();
    }
    block(&parts.join("\n"), place, "doc_string / data_table")
}

/// Adapter, kind and any other fact of `input` besides its body (`file`, `sha256`).
fn input_summary(input: &Value) -> String {
    match input {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| k.as_str() != "body")
            .map(|(k, v)| format!("{k} {}", json_text(v).trim_matches('"')))
            .collect::<Vec<_>>()
            .join(", "),
        other => json_text(other),
    }
}

/// A body that is a list of flat objects with the same keys (what a data table of several rows
/// becomes) as rows of cells, the header first.
fn as_table(body: &Value) -> Vec<Vec<String>> {
    let Some(rows) = body.as_array() else {
        return Vec::new();
    };
    let Some(Value::Object(first)) = rows.first() else {
        return Vec::new();
    };
    let header: Vec<String> = first.keys().cloned().collect();
    let flat = |v: &Value| !v.is_object() && !v.is_array();
    let mut table = vec![header.clone()];
    for row in rows {
        let Value::Object(map) = row else {
            return Vec::new();
        };
        let keys: Vec<&String> = map.keys().collect();
        if keys.len() != header.len() || keys.iter().zip(&header).any(|(a, b)| *a != b) {
            return Vec::new();
        }
        if !map.values().all(flat) {
            return Vec::new();
        }
        table.push(
            map.values()
                .map(|v| json_text(v).trim_matches('"').to_string())
                .collect(),
        );
    }
    table
}

fn checks(st: &StepResult) -> Vec<CheckRow> {
    let mut checks = Vec::new();
    for a in &st.assertions {
        checks.push(CheckRow {
            check: format!("{} {}", a.subject, a.comparison),
            expected: json_text(&a.expected),
            actual: json_text(&a.actual),
            result: if a.passed { "PASS" } else { "FAIL" }.into(),
        });
        for m in &a.mismatches {
            checks.push(CheckRow {
                check: format!("  difference at {}: {}", m.path, m.reason),
                expected: json_text(&m.expected),
                actual: json_text(&m.actual),
                result: "FAIL".into(),
            });
        }
    }
    checks
}

/// One step of `scenario` as the report shows it.
pub(super) fn step_row(
    scenario: &ScenarioResult,
    st: &StepResult,
    transcripts: &TranscriptLines,
) -> StepRow {
    let place = Place {
        scenario,
        step: st,
        transcripts,
    };
    let (status, class) = status_word(st.status);
    let body = st.input.as_ref().and_then(|i| i.get("body"));
    let input_table = body.map(as_table).unwrap_or_default();
    let input = match body {
        Some(b) if input_table.is_empty() => block(&pretty(b), &place, "input.body"),
        _ => TextBlock::default(),
    };
    let written = match body {
        None => as_written(st, &place),
        Some(_) => TextBlock::default(),
    };
    StepRow {
        written,
        text: format!("{}{}", st.keyword, st.text),
        status: status.into(),
        status_class: class.into(),
        line: st.line,
        input_summary: st.input.as_ref().map(input_summary).unwrap_or_default(),
        input,
        input_table,
        output: st
            .output
            .as_ref()
            .map(|o| block(&pretty(o), &place, "output"))
            .unwrap_or_default(),
        checks: checks(st),
        error: st.error.clone().unwrap_or_default(),
        attachments: st
            .attachments
            .iter()
            .map(|a| field(&a.path, a.sha256.clone()))
            .collect(),
    }
}

/// For every request body and reply longer than the report shows, the line of the step's
/// transcript (`…/ADAPTER.jsonl`, one JSON object per line: `dir` `sent` or `received`, `line`
/// the raw protocol line) that carries it: a sent line whose `body`, or a received line whose
/// `result` or `error`, equals it. Only transcripts of cut texts are read; an unreadable or
/// unmatched one gives no line (the pointer then names results.json and the file).
pub(super) fn transcript_lines(dir: &Path, results: &RunResults) -> TranscriptLines {
    let mut found = TranscriptLines::new();
    for sc in results.features.iter().flat_map(|f| &f.scenarios) {
        for st in &sc.steps {
            let body = st.input.as_ref().and_then(|i| i.get("body"));
            let wanted = [
                ("input.body", "sent", body),
                ("output", "received", st.output.as_ref()),
            ];
            for (field, dir_word, value) in wanted {
                let Some(value) = value.filter(|v| pretty(v).lines().count() > MAX_LINES) else {
                    continue;
                };
                let hit = st
                    .attachments
                    .iter()
                    .filter(|a| a.path.ends_with(".jsonl"))
                    .find_map(|a| {
                        Some((
                            a.path.clone(),
                            find_line(&dir.join(&a.path), dir_word, value)?,
                        ))
                    });
                if let Some(hit) = hit {
                    found.insert(key(sc, st, field), hit);
                }
            }
        }
    }
    found
}

/// The 1-based line of `transcript` sent or received (`dir_word`) that carries `value`.
fn find_line(transcript: &Path, dir_word: &str, value: &Value) -> Option<usize> {
    let text = std::fs::read_to_string(transcript).ok()?;
    text.lines().enumerate().find_map(|(i, line)| {
        let entry: Value = serde_json::from_str(line).ok()?;
        if entry.get("dir")?.as_str()? != dir_word {
            return None;
        }
        let message: Value = serde_json::from_str(entry.get("line")?.as_str()?).ok()?;
        let carried = match dir_word {
            "sent" => message.get("body").cloned(),
            // A reply is recorded as `{"result": …}` or `{"error": …}`.
            _ => Some(Value::Object(
                message
                    .as_object()?
                    .iter()
                    .filter(|(k, _)| k.as_str() == "result" || k.as_str() == "error")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )),
        };
        (carried.as_ref() == Some(value)).then_some(i + 1)
    })
}

/// Every file backing the scenario's steps, once, in the order the steps first use them.
pub(super) fn scenario_attachments(sc: &ScenarioResult) -> Vec<AttachmentRow> {
    let mut seen = BTreeSet::new();
    sc.steps
        .iter()
        .flat_map(|st| &st.attachments)
        .filter(|a| seen.insert(a.path.clone()))
        .map(|a| AttachmentRow {
            path: a.path.clone(),
            sha256: a.sha256.clone(),
            size: a.size,
            media_type: a.media_type.clone(),
            description: a.description.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_keep_short_values_on_one_line_and_numbers_as_recorded() {
        let v: Value = serde_json::from_str(
            r#"{"oee": 97.8, "ok": true, "line": "L1", "n": 1e3, "list": [1, 2]}"#,
        )
        .unwrap();
        assert_eq!(
            json_lines(&v),
            r#"{"oee": 97.8, "ok": true, "line": "L1", "n": 1000.0, "list": [1, 2]}"#
        );
        let readings: Vec<String> = (0..40).map(|i| format!("{}.5", 100 + i)).collect();
        let v: Value = serde_json::from_str(&format!(
            r#"{{"batch": "B-4711", "nested": {{"a": [{{"x": 1}}]}}, "readings": [{}]}}"#,
            readings.join(", ")
        ))
        .unwrap();
        let text = json_lines(&v);
        assert!(text.lines().all(|l| l.len() <= WIDTH), "{text}");
        assert!(text.starts_with("{\n  \"batch\": \"B-4711\",\n  \"nested\": {\"a\": [{\"x\": 1}]},\n  \"readings\": [\n    100.5, 101.5,"), "{text}");
        assert!(text.ends_with("139.5\n  ]\n}"), "{text}");
        // Nothing lost: the text parses back to the same value.
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }
}
