//! JUnit XML rendition of [`RunResults`], for CI systems that display test reports.
//!
//! Valid against the JUnit schema of Jenkins' xUnit plugin (junit-10.xsd, the Ant/Surefire format
//! Jenkins, GitLab and junitparser read; vendored in tests/fixtures/schemas/junit). One
//! `<testsuite>` per feature, one `<testcase>` per executed scenario (classname = feature path).
//! A failed or undefined scenario carries a `<failure>` with the failing step's error and the
//! expected and actual values of its failed comparisons; a skipped scenario carries
//! `<skipped/>`. The schema allows `<properties>` only on a suite, so the feature's facts are
//! properties of its suite and a scenario's (id, stage, requirements, tags) head its
//! `<system-out>`, before the step log. Output depends only on the results, so it is
//! byte-for-byte reproducible.

use std::io::{self, Write};

use super::step_failure::{failure_text, first_line};
use qualify_evidence::results::{FeatureResult, RunResults, ScenarioResult, Status};

/// Writes `results` as JUnit XML to `out`.
pub fn write_junit(results: &RunResults, mut out: impl Write) -> io::Result<()> {
    let all: Vec<&ScenarioResult> = results.features.iter().flat_map(|f| &f.scenarios).collect();
    let counts = Counts::of(all.iter().copied());
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="qualify" tests="{}" failures="{}" errors="0" time="{}">"#,
        counts.tests,
        counts.failures,
        seconds(counts.millis)
    )?;
    for feature in &results.features {
        write_suite(&mut out, results, feature)?;
    }
    writeln!(out, "</testsuites>")
}

fn write_suite(
    out: &mut impl Write,
    results: &RunResults,
    feature: &FeatureResult,
) -> io::Result<()> {
    let counts = Counts::of(feature.scenarios.iter());
    writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}" time="{}">"#,
        attr(&feature.name),
        counts.tests,
        counts.failures,
        counts.skipped,
        seconds(counts.millis)
    )?;
    writeln!(out, "    <properties>")?;
    property(out, 6, "path", &feature.path)?;
    property(out, 6, "sha256", &feature.sha256)?;
    property(out, 6, "package_id", &results.package_id)?;
    if let Some(line) = feature.line {
        property(out, 6, "line", &line.to_string())?;
    }
    let tags: Vec<String> = feature
        .tags
        .iter()
        .map(|t| format!("@{}", t.name))
        .collect();
    if !tags.is_empty() {
        property(out, 6, "tags", &tags.join(" "))?;
    }
    writeln!(out, "    </properties>")?;
    for scenario in &feature.scenarios {
        write_case(out, feature, scenario)?;
    }
    writeln!(out, "  </testsuite>")
}

fn write_case(
    out: &mut impl Write,
    feature: &FeatureResult,
    scenario: &ScenarioResult,
) -> io::Result<()> {
    writeln!(
        out,
        r#"    <testcase classname="{}" name="{}" time="{}">"#,
        attr(&feature.path),
        attr(&scenario.name),
        seconds(scenario.duration_ms)
    )?;

    match scenario.status {
        Status::Passed => {}
        Status::Skipped => writeln!(out, r#"      <skipped message="not executed"/>"#)?,
        Status::Failed | Status::Undefined => {
            let kind = if scenario.status == Status::Failed {
                "failed"
            } else {
                "undefined"
            };
            let details: Vec<String> = scenario
                .steps
                .iter()
                .filter_map(|step| {
                    let text = failure_text(step)?;
                    Some(format!(
                        "Step: {}{} (line {})\n{text}",
                        step.keyword, step.text, step.line
                    ))
                })
                .collect();
            let message = scenario
                .steps
                .iter()
                .find_map(failure_text)
                .map(|t| first_line(&t).to_string())
                .unwrap_or_else(|| format!("scenario {kind}"));
            writeln!(
                out,
                r#"      <failure type="{kind}" message="{}">{}</failure>"#,
                attr(&message),
                text(&details.join("\n\n"))
            )?;
        }
    }

    // What <properties> would carry if the schema allowed them on a test case.
    let tags: Vec<String> = scenario.tags.iter().map(|t| format!("@{t}")).collect();
    let mut log = vec![
        format!("id: {}", scenario.id),
        format!("stage: {}", scenario.stage),
        format!("requirements: {}", scenario.requirements.join(",")),
        format!("tags: {}", tags.join(" ")),
        String::new(),
    ];
    log.extend(scenario.steps.iter().map(|s| {
        format!(
            "{:<9} {}{} (line {})",
            s.status.as_str(),
            s.keyword,
            s.text,
            s.line
        )
    }));
    writeln!(
        out,
        "      <system-out>{}</system-out>",
        text(&log.join("\n"))
    )?;
    writeln!(out, "    </testcase>")
}

fn property(out: &mut impl Write, indent: usize, name: &str, value: &str) -> io::Result<()> {
    writeln!(
        out,
        r#"{:indent$}<property name="{}" value="{}"/>"#,
        "",
        attr(name),
        attr(value)
    )
}

/// Scenario counts of a suite.
struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
    millis: u64,
}

impl Counts {
    fn of<'a>(scenarios: impl Iterator<Item = &'a ScenarioResult>) -> Counts {
        let mut counts = Counts {
            tests: 0,
            failures: 0,
            skipped: 0,
            millis: 0,
        };
        for scenario in scenarios {
            counts.tests += 1;
            counts.millis = counts.millis.saturating_add(scenario.duration_ms);
            match scenario.status {
                Status::Passed => {}
                Status::Failed | Status::Undefined => counts.failures += 1,
                Status::Skipped => counts.skipped += 1,
            }
        }
        counts
    }
}

/// Milliseconds as seconds with three decimals.
fn seconds(millis: u64) -> String {
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// Escapes element text.
fn text(value: &str) -> String {
    escape(value, false)
}

/// Escapes an attribute value (also quotes and white space, which parsers would normalise).
fn attr(value: &str) -> String {
    escape(value, true)
}

fn escape(value: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            // XML 1.0 cannot carry these at all, not even as character references: show them as
            // visible escapes so the text stays readable and the document stays well-formed.
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:04X}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(text(r#"a<b>&"c"'d'"#), r#"a&lt;b&gt;&amp;"c"'d'"#);
        assert_eq!(
            attr("x=\"1\" 'y'\nz\tw"),
            "x=&quot;1&quot; &apos;y&apos;&#10;z&#9;w"
        );
        assert_eq!(text("bell\u{7}\r\nend"), "bell\\u{0007}&#13;\nend");
        assert_eq!(text("é ✓"), "é ✓");
    }

    #[test]
    fn formats_seconds() {
        assert_eq!(seconds(0), "0.000");
        assert_eq!(seconds(1234), "1.234");
        assert_eq!(seconds(60_005), "60.005");
    }
}
