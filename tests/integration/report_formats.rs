//! junit.xml and cucumber.json of a real package against the standards and the tools that read
//! them: junit.xml validates with `xmllint --schema` against Jenkins' JUnit schema
//! (tests/fixtures/schemas/junit/junit-10.xsd) and PyPI junitparser reads the counts results.json
//! has; cucumber.json validates against cucumber/cucumber-json-schema's cucumber-ruby definition
//! (python-jsonschema), meets the cucumber-jvm one everywhere but the tag shape the two flavours
//! define incompatibly, carries doc strings, data tables, tags and lines where the feature file
//! has them with unique ids, and cucumber-html-reporter (npm) renders it.
//!
//! The validators are installed, pinned, by scripts/install-test-deps; a missing one fails the
//! test saying so rather than skipping it.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::Project;

const FEATURE: &str = r#"@OQ @formats
Feature: Report formats
  Every report carries what the protocol says.

  Background:
    Given the adapter "sut" is started

  # The doc string scenario.
  @URS-001 @smoke
  Scenario: Addition from a doc string
    When I send an "add" request to "sut" with:
      """json
      {"a": 20,
        "b": 22}
      """
    Then the response field "sum" equals 42

  @URS-001
  Scenario: Addition
    When I send an "add" request to "sut" with:
      | a  | b  |
      | 20 | 22 |
    Then the response field "sum" equals 42

  @URS-002
  Scenario: Addition
    When I send an "add" request to "sut" with:
      | a    | b   |
      | 4000 | 321 |
    Then the response field "sum" equals 98765

  @URS-002
  Scenario Outline: Adding <a> and <b>
    When I send an "add" request to "sut" with:
      | a   | b   |
      | <a> | <b> |
    Then the response field "sum" equals <sum>

    @rows
    Examples: small numbers
      | a | b | sum |
      | 1 | 2 | 3   |
      | 2 | 2 | 4   |

  @URS-001
  Scenario: A step nobody defined
    When the operator countersigns the batch record
    Then the response matches:
      """
      {"sum":
        42}
      """
"#;

const FEATURE_PATH: &str = "features/formats.feature";

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A package of the campaign above (one failing scenario, one undefined step).
fn package() -> (Project, PathBuf) {
    let p = Project::with_fixture_adapter().file(FEATURE_PATH, FEATURE);
    p.qualify(&["run", "--progress", "quiet"]).code(1);
    let pkgs = p.packages();
    assert_eq!(pkgs.len(), 1, "{pkgs:?}");
    let pkg = pkgs[0].clone();
    (p, pkg)
}

/// Runs an external validator; a missing one fails with what to install.
fn run_tool(program: &str, args: &[&str]) -> Output {
    Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("{program} is needed by this test and cannot be run ({e}): run scripts/install-test-deps")
    })
}

fn checked(program: &str, args: &[&str]) -> String {
    let out = run_tool(program, args);
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// python3 tests/interop/report_formats.py ARGS, parsed.
fn report_formats_py(args: &[&str]) -> Value {
    let script = repo_path("tests/interop/report_formats.py");
    let mut all = vec![script.to_str().unwrap()];
    all.extend_from_slice(args);
    serde_json::from_str(&checked("python3", &all)).unwrap()
}

fn schema(rel: &str) -> String {
    repo_path("tests/fixtures/schemas")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn cucumber(pkg: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(pkg.join("cucumber.json")).unwrap()).unwrap()
}

/// The 1-based line of the feature text that contains `needle` after line `after`.
fn line_of(needle: &str, after: usize) -> usize {
    FEATURE
        .lines()
        .enumerate()
        .skip(after)
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the feature"))
}

fn feature_line(n: u64) -> &'static str {
    FEATURE.lines().nth(n as usize - 1).unwrap_or("")
}

#[test]
fn junit_xml_is_valid_against_jenkins_junit_schema_and_junitparser_reads_the_results_counts() {
    let (project, pkg) = package();
    let junit = pkg.join("junit.xml");
    let out = run_tool(
        "xmllint",
        &[
            "--noout",
            "--schema",
            &schema("junit/junit-10.xsd"),
            junit.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "junit.xml does not validate against junit-10.xsd:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let results = project.results();
    let scenarios: Vec<&Value> = results["features"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["scenarios"].as_array().unwrap())
        .collect();
    let count = |statuses: &[&str]| {
        scenarios
            .iter()
            .filter(|s| statuses.contains(&s["status"].as_str().unwrap()))
            .count()
    };
    let expected = serde_json::json!({
        "tests": scenarios.len(),
        "failures": count(&["failed", "undefined"]),
        "errors": 0,
        "skipped": count(&["skipped"]),
    });
    assert_eq!(expected["tests"], 6);
    assert_eq!(expected["failures"], 2);
    assert_eq!(
        expected["failures"], results["summary"]["scenarios_failed"],
        "results.json disagrees with itself"
    );
    let read = report_formats_py(&["junit", junit.to_str().unwrap()]);
    assert_eq!(read["suites"], 1);
    assert_eq!(read["attributes"], expected, "suite attributes: {read}");
    assert_eq!(read["cases"], expected, "test case results: {read}");
    assert!(
        read["names"]
            .as_array()
            .unwrap()
            .contains(&Value::from("Adding 2 and 2")),
        "{read}"
    );

    // What <properties> on a test case used to carry is still there, where the schema allows.
    let xml = fs::read_to_string(&junit).unwrap();
    let root = xml.lines().find(|l| l.starts_with("<testsuites")).unwrap();
    assert!(!root.contains("skipped="), "{root}");
    assert!(xml.contains(&format!(
        "<property name=\"package_id\" value=\"{}\"/>",
        pkg.file_name().unwrap().to_string_lossy()
    )));
    assert!(xml.contains("<property name=\"tags\" value=\"@OQ @formats\"/>"));
    let id = format!(
        "id: {FEATURE_PATH}:{}",
        line_of("Scenario: A step nobody", 0)
    );
    assert!(xml.contains(&id), "{id} missing:\n{xml}");
    assert!(xml.contains("requirements: URS-001\ntags: @OQ @URS-001 @formats @smoke"));
}

#[test]
fn cucumber_json_is_valid_cucumber_ruby_json_with_doc_strings_tables_tags_lines_and_unique_ids() {
    let (_project, pkg) = package();
    let file = pkg.join("cucumber.json");
    let errors = report_formats_py(&[
        "jsonschema",
        &schema("cucumber-json/cucumber-ruby.json"),
        file.to_str().unwrap(),
    ]);
    assert_eq!(errors, serde_json::json!([]), "cucumber-ruby schema");

    let doc = cucumber(&pkg);
    let feature = &doc[0];
    assert_eq!(feature["uri"], FEATURE_PATH);
    assert_eq!(feature["line"], line_of("Feature: Report formats", 0));
    assert_eq!(feature["keyword"], "Feature");
    assert_eq!(
        feature["tags"],
        serde_json::json!([{"name": "@OQ", "line": 1}, {"name": "@formats", "line": 1}])
    );

    let elements = feature["elements"].as_array().unwrap();
    let scenarios: Vec<&Value> = elements
        .iter()
        .filter(|e| e["type"] == "scenario")
        .collect();
    assert_eq!(scenarios.len(), 6);
    let backgrounds: Vec<&Value> = elements
        .iter()
        .filter(|e| e["type"] == "background")
        .collect();
    assert_eq!(backgrounds.len(), 6);
    assert!(
        backgrounds
            .iter()
            .all(|b| b["line"] == line_of("Background:", 0) && b["keyword"] == "Background")
    );

    // Ids: unique, cucumber-ruby's shape; the two scenarios named "Addition" differ.
    let ids: Vec<&str> = scenarios
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    let unique: HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert!(ids.contains(&"report-formats;addition"), "{ids:?}");
    let second = line_of("| 4000 | 321 |", 0) - 3;
    assert_eq!(feature_line(second as u64).trim(), "Scenario: Addition");
    assert!(
        ids.contains(&format!("report-formats;addition;;{second}").as_str()),
        "{ids:?}"
    );
    let row1 = line_of("| 1 | 2 | 3   |", 0);
    let row2 = line_of("| 2 | 2 | 4   |", 0);
    for (row, name) in [(row1, "adding-1-and-2"), (row2, "adding-2-and-2")] {
        let id = format!("report-formats;{name};small-numbers;{row}");
        assert!(ids.contains(&id.as_str()), "{id} not in {ids:?}");
    }

    // Every tag of a scenario, inherited ones included, with the line it is written on.
    for s in &scenarios {
        for tag in s["tags"].as_array().unwrap() {
            let written = feature_line(tag["line"].as_u64().unwrap());
            let name = tag["name"].as_str().unwrap();
            assert!(
                written.split_whitespace().any(|t| t == name),
                "{name} is not on line {}: {written:?}",
                tag["line"]
            );
        }
    }
    let doc_scenario = scenarios
        .iter()
        .find(|s| s["name"] == "Addition from a doc string")
        .unwrap();
    let names: Vec<&str> = doc_scenario["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["@OQ", "@formats", "@URS-001", "@smoke"]);
    let row = scenarios
        .iter()
        .find(|s| s["name"] == "Adding 1 and 2")
        .unwrap();
    assert!(
        row["tags"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"name": "@rows", "line": line_of("@rows", 0)}))
    );
    assert_eq!(row["line"], row1);
    assert_eq!(row["keyword"], "Scenario Outline");

    // Steps: lines of the file, doc string and data table as written, results.
    for element in elements {
        for step in element["steps"].as_array().unwrap() {
            let line = step["line"].as_u64().unwrap();
            let keyword = step["keyword"].as_str().unwrap().trim();
            assert!(
                feature_line(line).trim_start().starts_with(keyword),
                "step line {line}: {:?}",
                feature_line(line)
            );
            assert_eq!(step["match"]["location"], format!("{FEATURE_PATH}:{line}"));
        }
    }
    let send = &doc_scenario["steps"][0];
    assert_eq!(
        send["doc_string"],
        serde_json::json!({
            "value": "{\"a\": 20,\n  \"b\": 22}",
            "content_type": "json",
            "line": line_of("\"\"\"json", 0),
        })
    );
    assert_eq!(send["result"]["status"], "passed");
    let table_scenario = scenarios
        .iter()
        .find(|s| s["id"] == "report-formats;addition")
        .unwrap();
    assert_eq!(
        table_scenario["steps"][0]["rows"],
        serde_json::json!([{"cells": ["a", "b"]}, {"cells": ["20", "22"]}])
    );
    let row2_steps = &scenarios
        .iter()
        .find(|s| s["name"] == "Adding 2 and 2")
        .unwrap()["steps"];
    assert_eq!(
        row2_steps[0]["rows"],
        serde_json::json!([{"cells": ["a", "b"]}, {"cells": ["2", "2"]}]),
        "outline placeholders are substituted in tables"
    );

    let failing = scenarios
        .iter()
        .find(|s| s["id"].as_str().unwrap().ends_with(&format!(";;{second}")))
        .unwrap();
    let then = &failing["steps"][1]["result"];
    assert_eq!(then["status"], "failed");
    assert!(
        then["error_message"].as_str().unwrap().contains("98765"),
        "{then}"
    );
    let undefined = scenarios
        .iter()
        .find(|s| s["name"] == "A step nobody defined")
        .unwrap();
    assert_eq!(undefined["steps"][0]["result"]["status"], "undefined");
    assert_eq!(undefined["steps"][1]["result"]["status"], "skipped");
    assert_eq!(
        undefined["steps"][1]["doc_string"],
        serde_json::json!({"value": "{\"sum\":\n  42}", "line": line_of("{\"sum\":", 0) - 1}),
        "a doc string without media type keeps its relative indentation"
    );
}

#[test]
fn cucumber_jvm_json_meets_cucumber_jvm_and_cucumber_json_differs_only_in_the_tag_shape() {
    let (_project, pkg) = package();
    let file = pkg.join("cucumber.json");
    let errors = report_formats_py(&[
        "jsonschema",
        &schema("cucumber-json/cucumber-jvm.json"),
        file.to_str().unwrap(),
    ]);
    let errors = errors.as_array().unwrap();
    // cucumber-jvm's tags are {name, type, location} on a feature and {name} alone on a
    // scenario; cucumber-ruby's are {name, line} on both, and each definition forbids the other's
    // fields. So a tagged report can meet only one: every violation must be a tag's.
    let not_tags: Vec<&Value> = errors
        .iter()
        .filter(|e| {
            let path = e["path"].as_str().unwrap();
            !path
                .split('/')
                .collect::<Vec<_>>()
                .windows(2)
                .any(|w| w[0] == "tags" && w[1].parse::<usize>().is_ok())
        })
        .collect();
    assert!(
        not_tags.is_empty(),
        "cucumber-jvm violations besides tags: {not_tags:?}"
    );

    // cucumber-jvm.json, the same report with its tags in cucumber-jvm's shape, meets the jvm
    // definition whole.
    let jvm = pkg.join("cucumber-jvm.json");
    let errors = report_formats_py(&[
        "jsonschema",
        &schema("cucumber-json/cucumber-jvm.json"),
        jvm.to_str().unwrap(),
    ]);
    assert_eq!(errors, serde_json::json!([]), "cucumber-jvm schema");
    let doc: Value = serde_json::from_slice(&fs::read(&jvm).unwrap()).unwrap();
    let tag = &doc[0]["tags"][0];
    assert_eq!(tag["type"], "Tag", "{doc:#}");
    assert!(tag["location"]["line"].as_u64().unwrap() >= 1, "{tag}");
}

#[test]
fn cucumber_json_renders_with_cucumber_html_reporter() {
    let (project, pkg) = package();
    let dir = repo_path("tests/interop/cucumber-report");
    assert!(
        dir.join("node_modules/cucumber-html-reporter").is_dir(),
        "cucumber-html-reporter is not installed in {}: run scripts/install-test-deps",
        dir.display()
    );
    let html = project.path().join("cucumber-report.html");
    checked(
        "node",
        &[
            dir.join("render.js").to_str().unwrap(),
            pkg.join("cucumber.json").to_str().unwrap(),
            html.to_str().unwrap(),
        ],
    );
    let page = fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("Addition from a doc string"),
        "scenario name missing"
    );
    // The reporter writes the doc string under its step, HTML-escaped.
    let doc = "{\"a\": 20,\n  \"b\": 22}".replace('"', "&quot;");
    assert!(page.contains(&doc), "doc string {doc} missing");
    assert!(
        page.contains("4000") && page.contains("321"),
        "data table cells missing"
    );
}
