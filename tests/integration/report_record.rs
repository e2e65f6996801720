//! The complete record in both renditions (issue 13, item 1): for every step what it sent (doc
//! string, data table) and what came back (long replies cut with a pointer, never silently),
//! every comparison's expected and actual value with its differences, each scenario's
//! attachments once with size and SHA-256, a traceability matrix whose header and requirement
//! are on every page it spans, reflowed feature descriptions, and a "How to check" section whose
//! commands work.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::reports::{assert_sealed_renditions_reproduced, preflight_classpath, tool};
use crate::support::Project;

/// Rows of the outline that make URS-001's matrix row span several pages.
const OUTLINE_ROWS: usize = 70;

fn feature() -> String {
    // One object per line once printed: 60 of them make the reply longer than 40 lines.
    let readings: Vec<String> = (1..=60)
        .map(|i| format!("{{\"i\": {i}, \"v\": {}.5}}", 100 + i))
        .collect();
    let rows: String = (1..=OUTLINE_ROWS)
        .map(|n| format!("      | {n} |\n"))
        .collect();
    format!(
        r#"@OQ
Feature: Record fixture
  The fixture adapter echoes
  what it is sent.

  This second paragraph
  follows a blank line.

  Background:
    Given the adapter "sut" is started

  @URS-002
  Scenario: Echo a table and a long document
    When I send an "echo" request to "sut" with:
      | line | product  |
      | L1   | Widget-7 |
      | L2   | Gadget-9 |
    Then the response field "[1].product" equals "Gadget-9"
    When I send an "echo" request to "sut" with:
      """
      {{"batch": "B-4711", "readings": [{readings}]}}
      """
    Then the response field "batch" equals "B-4711"

  @URS-003
  Scenario: OEE below the protocol's value
    When I send an "echo" request to "sut" with:
      """
      {{"oee": 97.25, "line": "L1"}}
      """
    Then the response field "oee" equals 97.80

  @URS-003
  Scenario: Whole reply against the protocol
    When I send an "echo" request to "sut" with:
      """
      {{"oee": 97.25, "line": "L1"}}
      """
    Then the response matches:
      """
      {{"oee": 97.80, "line": "L2"}}
      """

  @URS-001
  Scenario Outline: Echo number <n>
    When I send an "echo" request to "sut" with:
      | n   |
      | <n> |
    Then the response field "n" equals <n>

    Examples:
      | n |
{rows}"#,
        readings = readings.join(", ")
    )
}

fn package() -> (Project, PathBuf) {
    let p = Project::with_fixture_adapter().file("features/record.feature", &feature());
    let run = p.qualify(&["run", "--progress", "quiet"]);
    assert_eq!(run.output.status.code(), Some(1), "{}", run.stderr);
    let pkg = p.packages().remove(0);
    (p, pkg)
}

fn pdf_text(pdf: &Path) -> String {
    let out = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

fn results(pkg: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(pkg.join("results.json")).unwrap()).unwrap()
}

/// Unescapes what tera escapes in HTML text.
fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn both_renditions_show_inputs_replies_expected_and_actual_values() {
    let (_p, pkg) = package();
    let html = unescape(&std::fs::read_to_string(pkg.join("report.html")).unwrap());
    let text = pdf_text(&pkg.join("report.pdf"));
    // What results.json holds: the doc string's 97.80 is parsed as a JSON number, so 97.8.
    let r = results(&pkg);
    let oee = &r["features"][0]["scenarios"][1]["steps"][2]["assertions"][0];
    assert_eq!(oee["expected"].to_string(), "97.8", "{oee}");
    for (name, doc) in [("HTML", &html), ("PDF", &text)] {
        for needle in [
            // The data table, cell by cell, and the doc string's body.
            "Widget-7",
            "Gadget-9",
            "B-4711",
            "\"batch\": \"B-4711\"",
            "101.5",
            // The reply, cut after 40 lines with a pointer to the whole of it.
            "more lines not shown",
            "`output` of the step at line",
            // Expected and actual, and the difference lines.
            "97.8",
            "97.25",
            "difference at $.oee",
            "difference at $.line",
            "\"L2\"",
            // Reflowed description.
            "The fixture adapter echoes what it is sent.",
        ] {
            assert!(doc.contains(needle), "the {name} lacks {needle:?}");
        }
        // 60 readings, cut after 40 lines: the last ones are not shown, the pointer counts them.
        assert!(!doc.contains("160.5"), "the {name} shows the cut part");
    }
    // The pointer names the transcript line that carries the whole reply.
    let transcript = r["features"][0]["scenarios"][0]["steps"][3]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap().to_string())
        .find(|p| p.ends_with(".jsonl"))
        .unwrap();
    let lines = std::fs::read_to_string(pkg.join(&transcript)).unwrap();
    let reply_line = lines
        .lines()
        .position(|l| l.contains("\"dir\":\"received\"") && l.contains("B-4711"))
        .unwrap()
        + 1;
    let pointer = format!(
        "`output` of the step at line 19 of scenario features/record.feature:13 in results.json, and {transcript}, line {reply_line}"
    );
    assert!(html.contains(&pointer), "the HTML lacks {pointer:?}");
    assert!(
        html.contains("<th>line</th><th>product</th>"),
        "the data table's header is not a table header"
    );
    assert!(html.contains("<td class=\"mono\">Widget-7</td>"));
    // The protocol's value as written stays in the step's own text.
    assert!(
        html.contains("equals 97.80</strong>"),
        "the step text lost 97.80"
    );
    assert!(text.contains("97.80"), "the PDF lost the step text's 97.80");
    // A comparison's doc string is printed as the protocol has it: 97.80 stays 97.80.
    let written = r#"{"oee": 97.80, "line": "L2"}"#;
    assert!(
        html.contains(written),
        "the HTML lacks the doc string as written"
    );
    assert!(
        text.contains(written),
        "the PDF lacks the doc string as written:\n{text}"
    );
    assert!(html.contains("As written:") && text.contains("As written:"));
    assert!(text.contains("| L2 | Gadget-9 |"), "{text}");
}

/// Each scenario's files, once each, in order: (path, sha256, size).
fn files_of(sc: &serde_json::Value) -> Vec<(String, String, u64)> {
    let mut files = Vec::new();
    for st in sc["steps"].as_array().unwrap() {
        for a in st["attachments"].as_array().unwrap() {
            let f = (
                a["path"].as_str().unwrap().to_string(),
                a["sha256"].as_str().unwrap().to_string(),
                a["size"].as_u64().unwrap(),
            );
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    files
}

#[test]
fn attachments_are_listed_once_per_scenario_with_their_digest() {
    let (_p, pkg) = package();
    let html = unescape(&std::fs::read_to_string(pkg.join("report.html")).unwrap());
    let text = pdf_text(&pkg.join("report.pdf"));
    let r = results(&pkg);
    let scenarios = r["features"][0]["scenarios"].as_array().unwrap();
    let all: Vec<Vec<(String, String, u64)>> = scenarios.iter().map(files_of).collect();
    // Several steps use the same transcript: listed per step, it would repeat.
    let steps_with_files = scenarios[0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|st| !st["attachments"].as_array().unwrap().is_empty())
        .count();
    assert!(steps_with_files >= 3, "{}", scenarios[0]);
    for (path, sha, size) in all.iter().take(3).flatten() {
        // The full digest is only in the scenarios' attachment lists: as many times as
        // scenarios have a file with that content (an empty log is the same everywhere).
        let expected = all
            .iter()
            .filter(|files| files.iter().any(|f| &f.1 == sha))
            .count();
        assert_eq!(
            html.matches(sha.as_str()).count(),
            expected,
            "{path} in the HTML"
        );
        assert_eq!(
            text.matches(sha.as_str()).count(),
            expected,
            "{path} in the PDF"
        );
        let link = format!("<a href=\"{path}\">{path}</a>");
        assert_eq!(html.matches(&link).count(), 1, "no single link to {path}");
        let row = &html[html.find(&link).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(&format!("<td>{size}</td>")), "{row}");
        assert!(row.contains(sha.as_str()), "{row}");
        assert!(pkg.join(path).is_file(), "the link {path} leads nowhere");
    }
}

#[test]
fn the_matrix_repeats_its_header_and_requirement_on_every_page() {
    let (_p, pkg) = package();
    let text = pdf_text(&pkg.join("report.pdf"));
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let start = pages
        .iter()
        .position(|p| p.contains("5. Requirement traceability matrix"))
        .expect("no matrix");
    let end = pages
        .iter()
        .position(|p| p.contains("6. Scenarios"))
        .expect("no scenarios section");
    assert!(
        end >= start + 2,
        "the matrix should span at least 3 pages here ({start}..={end})"
    );
    for (i, page) in pages.iter().enumerate().take(end).skip(start + 1) {
        assert!(
            page.contains("Requirement") && page.contains("Scenarios; evidence"),
            "page {} of the matrix lacks the header:\n{page}",
            i + 1
        );
        assert!(
            page.contains("URS-001"),
            "page {} continues URS-001 without naming it:\n{page}",
            i + 1
        );
    }
}

#[test]
fn how_to_check_gives_commands_that_work() {
    let (_p, pkg) = package();
    let html = unescape(&std::fs::read_to_string(pkg.join("report.html")).unwrap());
    let text = pdf_text(&pkg.join("report.pdf"));
    let id = pkg.file_name().unwrap().to_string_lossy().into_owned();
    let section = &html[html.find("How to check this report").unwrap()..];
    let first = section.find("<li>").unwrap();
    assert!(
        section[first..].starts_with(&format!(
            "<li>With qualify: run `qualify verify evidence/{id}`"
        )),
        "{section}"
    );
    assert!(!section.contains("sha256sum -c` over"), "{section}");
    assert!(section.contains("DSSEv1"), "{section}");
    assert!(section.contains("openssl pkeyutl -verify"), "{section}");
    for needle in [
        "qualify verify evidence/",
        "DSSEv1",
        "openssl pkeyutl -verify",
    ] {
        assert!(text.contains(needle), "the PDF lacks {needle:?}");
    }
    // The two manifest one-liners, taken from the report, pass on the package and fail once a
    // file is changed.
    let python = backticked(section, "python3 -c 'import hashlib");
    let jq = backticked(section, "jq -r");
    let sh = |cmd: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(&pkg)
            .output()
            .unwrap()
    };
    for cmd in [&python, &jq] {
        let out = sh(cmd);
        assert!(
            out.status.success(),
            "{cmd}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(pkg.join("results.json"), b"{}").unwrap();
    for cmd in [&python, &jq] {
        let out = sh(cmd);
        assert!(!out.status.success(), "{cmd} passes a changed results.json");
        assert!(String::from_utf8_lossy(&out.stdout).contains("results.json"));
    }
}

/// The command between backticks that starts with `start`.
fn backticked(text: &str, start: &str) -> String {
    let from = text
        .find(&format!("`{start}"))
        .unwrap_or_else(|| panic!("no `{start}…` in {text}"))
        + 1;
    let len = text[from..].find('`').unwrap();
    text[from..from + len].to_string()
}

#[test]
fn the_record_is_reproducible_pdfa_and_verifies() {
    let (p, pkg) = package();
    let pdf = pkg.join("report.pdf");
    let cp = preflight_classpath();
    let preflight = tool(
        "java",
        &[
            "-cp",
            &cp,
            "org.apache.pdfbox.preflight.Validator_A1b",
            pdf.to_str().unwrap(),
        ],
    );
    let out = String::from_utf8_lossy(&preflight.stdout).into_owned();
    assert!(
        preflight.status.success() && out.contains("is a valid PDF/A-1b file"),
        "PDFBox Preflight rejects the report:\n{out}"
    );
    assert_sealed_renditions_reproduced(&p, &pkg, &p.path().join("again"));
    let run = p.qualify(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(
        run.output.status.code(),
        Some(0),
        "{}{}",
        run.stdout,
        run.stderr
    );
}
