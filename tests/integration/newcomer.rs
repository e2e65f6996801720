//! The frictions a newcomer meets on a first campaign (issue 15, section 4), each through the real
//! binary: the failure summary, a silently dying adapter, relative adapter commands and their
//! script digests, quoted JSON paths in steps, a symbolic link loop under features/, and a broken
//! report template.

use std::path::Path;

use crate::support::{Project, fixture_config};

/// A process adapter that answers `hello` and then exits with status 4 at the next request,
/// writing nothing to standard error.
const QUIET_ADAPTER: &str = r#"import json, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["kind"] == "hello":
        print(json.dumps({"id": req["id"], "result": {"name": "quiet", "version": "1.0.0", "protocol": 1}}), flush=True)
    else:
        sys.exit(4)
"#;

/// A project with the fixture adapter as `sut`, `extra` under `adapters:`, and `features` as
/// features/newcomer.feature.
fn project(extra: &str, features: &str) -> Project {
    Project::with_fixture_adapter()
        .file("qualify.yaml", &fixture_config(extra))
        .file("features/newcomer.feature", features)
}

/// The deviation register of the only package.
fn deviations(p: &Project) -> serde_json::Value {
    let pkgs = p.packages();
    assert_eq!(pkgs.len(), 1, "{pkgs:?}");
    let text = std::fs::read_to_string(pkgs[0].join("deviations/deviations.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn package_file(p: &Project, rel: &str) -> String {
    let pkgs = p.packages();
    std::fs::read_to_string(pkgs[0].join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_failure_summary_prints_the_decisive_line_and_each_deviation_id() {
    let p = project(
        "",
        r#"@OQ @URS-001
Feature: Quality
  Scenario: Quality percentage
    Given the adapter "sut" is started
    When I send a "echo" request to "sut" with:
      """
      {"quality_pct": 90.0, "batch": "B-17"}
      """
    Then the response matches:
      """
      {"quality_pct": 91.0, "batch": "B-17"}
      """

  Scenario: Batch number
    Given the adapter "sut" is started
    When I send a "echo" request to "sut" with:
      """
      {"batch": "B-17"}
      """
    Then the response field "batch" equals "B-18"

  Scenario: Passing
    Given the adapter "sut" is started
"#,
    );
    let run = p
        .qualify(&["run", "--progress", "quiet"])
        .code(qualify::exit_code::SCENARIOS_FAILED)
        // The decisive line of the match, whole, although it is not the message's first.
        .stdout_has("at $.quality_pct: expected 91.0, found 90.0")
        .stdout_has("FAILED Quality percentage (features/newcomer.feature:3)")
        .stdout_has("FAILED Batch number (features/newcomer.feature:14)");
    let register = deviations(&p);
    let opened = register["deviations"].as_array().unwrap();
    assert_eq!(opened.len(), 2, "{register}");
    // Each id is printed under its scenario, with the step's line, as the package records it.
    for (deviation, line) in opened.iter().zip([9, 20]) {
        let id = deviation["id"].as_str().unwrap();
        assert_eq!(deviation["step"]["line"], line);
        assert!(
            run.stdout.contains(&format!("{id} (line {line}: ")),
            "{id} at line {line} missing:\n{}",
            run.stdout
        );
    }
    let dev1 = run.stdout.find("DEV-001").unwrap();
    let second = run.stdout.find("FAILED Batch number").unwrap();
    assert!(
        dev1 < second,
        "DEV-001 is not under its scenario:\n{}",
        run.stdout
    );
    let package = p.packages()[0].display().to_string();
    assert!(
        run.stdout.contains(&format!(
            "qualify deviation close {package} DEV-001 --disposition"
        )),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("FAILED Passing"), "{}", run.stdout);
}

#[test]
fn an_adapter_that_dies_silently_says_so_and_names_its_log() {
    let p = Project::with_fixture_adapter().file("quiet.py", QUIET_ADAPTER);
    let quiet = p.path().join("quiet.py");
    let extra = format!(
        "  quiet:\n    kind: process\n    command: [python3, \"{}\"]\n",
        quiet.display()
    );
    let p = p.file("qualify.yaml", &fixture_config(&extra)).file(
        "features/newcomer.feature",
        r#"@OQ @URS-001
Feature: Dying adapters
  Scenario: Silent
    Given the adapter "quiet" is started
    When I send a "go" request to "quiet"

  Scenario: Noisy
    Given the adapter "sut" is started
    When I send a "crash" request to "sut"
"#,
    );
    let quiet_log = "attachments/features-newcomer.feature-3/quiet.stderr.log";
    let sut_log = "attachments/features-newcomer.feature-7/sut.stderr.log";
    let run = p
        .qualify(&["run", "--progress", "quiet"])
        .code(qualify::exit_code::SCENARIOS_FAILED)
        .stdout_has(&format!(
            "(exit status: 4); standard error: it wrote nothing (its log {quiet_log} in the \
             evidence package is empty)"
        ))
        .stdout_has(&format!(
            "standard error: all of it is in {sut_log} in the evidence package; it ends with:"
        ))
        .stdout_has("      fatal: crashing on purpose");
    assert!(!run.stdout.contains("end of its stderr"), "{}", run.stdout);
    // The logs named are the package's own.
    assert_eq!(package_file(&p, quiet_log), "");
    assert!(package_file(&p, sut_log).contains("fatal: crashing on purpose"));
    let register = deviations(&p);
    let error = register["deviations"][0]["error"].as_str().unwrap();
    assert!(error.contains(quiet_log), "{error}");
}

/// A process adapter that echoes each request's body, and reports the folder it runs in.
const ECHO_ADAPTER: &str = r#"import json, os, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["kind"] == "hello":
        result = {"name": "echo", "version": "1.0.0", "protocol": 1}
    elif req["kind"] == "shutdown":
        print(json.dumps({"id": req["id"], "result": {}}), flush=True)
        break
    else:
        result = dict(req.get("body", {}), cwd=os.getcwd(), argv=sys.argv)
    print(json.dumps({"id": req["id"], "result": result}), flush=True)
"#;

#[test]
fn a_relative_script_in_the_command_runs_and_its_digest_is_recorded() {
    let extra =
        "  echo:\n    kind: process\n    command: [python3, ./adapters/echo.py, out.txt, -u]\n";
    let p = project(
        extra,
        r#"@OQ @URS-001
Feature: Interpreted adapter
  Scenario: Echo through python3 and a relative script
    Given the adapter "echo" is started
    When I send a "echo" request to "echo" with:
      """
      {"batch": "B-17"}
      """
    Then the response field "batch" equals "B-17"
    And the response field "argv[1]" equals "out.txt"
    And the response field "argv[2]" equals "-u"
"#,
    )
    .file("adapters/echo.py", ECHO_ADAPTER);
    p.qualify(&["run", "--progress", "quiet"]).code(0);
    let env: serde_json::Value =
        serde_json::from_str(&package_file(&p, "environment.json")).unwrap();
    let script = &env["adapter_files"]["echo"];
    assert_eq!(script.as_array().map(Vec::len), Some(1), "{env}");
    assert_eq!(script[0]["path"], "adapters/echo.py");
    assert_eq!(
        script[0]["sha256"],
        qualify::evidence::sha256_hex(ECHO_ADAPTER.as_bytes())
    );
    // The executable recorded is still the interpreter's.
    assert!(
        env["adapters"]["echo"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("python3")),
        "{env}"
    );
    // The script was handed over absolute; the process still ran in the scenario's folder.
    let results = p.results();
    let output = &results["features"][0]["scenarios"][0]["steps"][1]["output"]["result"];
    let absolute = p.path().join("adapters/echo.py").display().to_string();
    assert_eq!(output["argv"][0], absolute.as_str(), "{output}");
    let cwd = output["cwd"].as_str().unwrap_or_default();
    assert!(!cwd.is_empty() && Path::new(cwd) != p.path(), "{output}");
    let report = package_file(&p, "report.html");
    assert!(
        report.contains("adapter echo file"),
        "the report lists the script"
    );
}

#[test]
fn the_documented_quoted_path_syntax_works_in_steps() {
    let p = project(
        "",
        r#"@OQ @URS-001
Feature: Keys that need quotes
  Scenario: Quoted keys
    Given the adapter "sut" is started
    When I send a "echo" request to "sut" with:
      """
      {"temp °C": 21.5, "a.b": {"c": [1, 2]}, "say \"hi\"": "x", "line[1]": true}
      """
    Then the response field "["temp °C"]" equals 21.5
    And the response field "$["a.b"].c[-1]" equals 2
    And the response field "["temp °C"]" is within 0.1 of 21.45
    And the response field "["say \"hi\""]" equals "x"
    And the response field "["line[1]"]" equals true
    And the response field "["a.b"]" matches:
      """
      {"c": [1, 2]}
      """
    And I remember the response field "["temp °C"]" as "t"
    And the response field "["temp °C"]" equals ${t}

  Scenario: A quoted key that differs
    Given the adapter "sut" is started
    When I send a "echo" request to "sut" with:
      """
      {"temp °C": 21.5}
      """
    Then the response field "["temp °C"]" equals 22.0
"#,
    );
    let run = p
        .qualify(&["run", "--progress", "quiet"])
        .code(qualify::exit_code::SCENARIOS_FAILED)
        .stdout_has("2 scenarios: 1 passed, 1 failed");
    assert!(!run.stdout.contains("FAILED Quoted keys"), "{}", run.stdout);
    let results = p.results();
    let quoted = &results["features"][0]["scenarios"][0];
    assert_eq!(quoted["status"], "passed", "{quoted}");
    assert_eq!(quoted["steps"].as_array().map(Vec::len), Some(10));
    // The failure names the field in the canonical form, the quoted key intact.
    let failed = &results["features"][0]["scenarios"][1]["steps"][2];
    assert_eq!(failed["status"], "failed", "{failed}");
    let error = failed["error"].as_str().unwrap_or_default();
    assert!(error.contains("temp °C"), "{error}");
    assert!(error.contains("expected 22.0, actual 21.5"), "{error}");
}

const ONE_SCENARIO: &str = r#"@OQ @URS-001
Feature: One
  Scenario: Started
    Given the adapter "sut" is started
"#;

#[cfg(unix)]
#[test]
fn a_symlink_loop_under_features_is_an_input_error_naming_the_link() {
    let p = project("", ONE_SCENARIO).file("features/sub/b.feature", ONE_SCENARIO);
    std::os::unix::fs::symlink("..", p.path().join("features/sub/loop")).unwrap();
    for args in [&["list"][..], &["run", "--progress", "quiet"][..]] {
        p.qualify(args)
            .code(qualify::exit_code::INPUT_ERROR)
            .stderr_has("features/sub/loop: a symbolic link back to ")
            .stderr_has("(a loop)");
    }
    assert!(p.packages().is_empty(), "nothing may run");
    // A second way to a folder is refused too: its scenarios would run twice under two ids.
    std::fs::remove_file(p.path().join("features/sub/loop")).unwrap();
    std::os::unix::fs::symlink("sub", p.path().join("features/zz")).unwrap();
    p.qualify(&["list"])
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has("features/zz: leads to what ")
        .stderr_has("features/sub already holds");
    // Once the link is gone, the same project lists both features.
    std::fs::remove_file(p.path().join("features/zz")).unwrap();
    p.qualify(&["list"])
        .code(0)
        .stdout_has("features/sub/b.feature:3");
}

#[test]
fn a_broken_report_template_is_an_input_error_naming_file_and_line() {
    let p = project("report:\n  template: report.html.tera\n", ONE_SCENARIO).file(
        "report.html.tera",
        "<html>\n<body>\n<p>{{ package_id | nosuchfilter }}</p>\n",
    );
    let template = p.path().join("report.html.tera").display().to_string();
    // Found before anything runs: no package, no staging folder left behind.
    p.qualify(&["run", "--progress", "quiet"])
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has(&format!(
            "the report template {template}, line 3, column 20: Unknown filter `nosuchfilter`"
        ))
        .stderr_has("docs/reports.md#templates");
    assert!(!p.path().join("evidence").exists(), "nothing may run");

    let p = p.file("report.html.tera", "<html>\n{% if status %}\n<p>x</p>\n");
    p.qualify(&["run", "--progress", "quiet"])
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has(&format!("the report template {template}, line "));

    // A problem only the campaign's data reaches is found at the seal: still 2, still naming
    // the project's file (not the package's copy of it).
    let p = p.file(
        "report.html.tera",
        "<html>\n{% for f in features %}{{ f.nosuch | upper }}{% endfor %}\n</html>\n",
    );
    p.qualify(&["run", "--progress", "quiet"])
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has(&format!("the report template {template}, line 2, column "));
    assert!(p.packages().is_empty());

    // `qualify render --template` with a broken file: 2 as well.
    let p = p.file("report.html.tera", "<html>{{ package_id }}</html>\n");
    p.qualify(&["run", "--progress", "quiet"]).code(0);
    let package = p.packages()[0].display().to_string();
    let p = p.file("bad.tera", "<html>\n{% if status %}\n");
    p.qualify(&["render", &package, "--template", "bad.tera", "--out", "out"])
        .code(qualify::exit_code::INPUT_ERROR)
        .stderr_has("the report template bad.tera, line 3, column 1: ");
}
