//! A newcomer's first steps (issue 15, "newcomer frictions"): making a key where the README says,
//! a mistyped role, piping a command into `head`, the wrong file given as key, `qualify impact`
//! right after the first approval, and a project without its requirements file.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use crate::anchor::qualify_in;
use crate::sign_support::{Fixture, PASS, all_output, commit_all};
use crate::support::Project;

fn keygen(project: &Project, out: &str, role: &str, extra: &[&str]) -> crate::support::Run {
    let mut args = vec![
        "keygen", "--id", "jdoe", "--name", "Jane Doe", "--role", role,
    ];
    args.extend_from_slice(&["--out", out]);
    args.extend_from_slice(extra);
    project.qualify_with_env(&args, &[("QUALIFY_KEY_PASSPHRASE", PASS)])
}

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn keygen_makes_the_missing_key_folder_private() {
    let project = Project::new();
    keygen(
        &project,
        "home/.qualify/jdoe.pem",
        "validation-engineer",
        &[],
    )
    .code(0)
    .stderr_has("created the folder home/.qualify (mode 0700)")
    .stdout_has("id: jdoe");
    let key = project.path().join("home/.qualify/jdoe.pem");
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(&project.path().join("home/.qualify")), 0o700);
    assert_eq!(mode(&project.path().join("home")), 0o700);
}

#[test]
fn keygen_refuses_a_role_no_workflow_knows_and_suggests_the_nearest() {
    let project = Project::new();
    let run = keygen(&project, "jdoe.pem", "quality-asurance", &[]).code(2);
    let text = all_output(&run);
    for needle in [
        "--role `quality-asurance` is not a role of the default workflow",
        "did you mean `quality-assurance`?",
        "--any-role",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    assert!(!project.path().join("jdoe.pem").exists(), "no key is made");
    keygen(&project, "jdoe.pem", "quality-asurance", &["--any-role"]).code(0);

    // The project's own workflow defines the roles, also through --config from elsewhere.
    let project = Project::new().file(
        "plant/qualify.yaml",
        "version: 1\nworkflow:\n  meanings:\n    - {name: executed, roles: [operator]}\n",
    );
    let config = project.path().join("plant/qualify.yaml");
    let config = config.to_str().unwrap();
    keygen(&project, "a.pem", "operator", &["--config", config]).code(0);
    keygen(
        &project,
        "b.pem",
        "validation-engineer",
        &["--config", config],
    )
    .code(2)
    .stderr_has("is not a role of the workflow of")
    .stderr_has("which knows: operator, quality-assurance, validation-lead.");
}

#[test]
fn a_file_that_is_no_key_is_refused_as_such_with_exit_code_2() {
    let fixture = Fixture::new();
    let pkg = fixture.package();
    let cases: [(&str, &[u8], &str); 3] = [
        ("garbage.pem", b"this is not a key\n", "it is not a PEM file"),
        ("binary.pem", &[0xff, 0xfe, 0x00, 0x80], "it is not text"),
        (
            "public.pem",
            b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAnHJhRPiuoUAAjJIP52DSwN0Ip5kyBj3QjriXSghdFt0=\n-----END PUBLIC KEY-----\n",
            "it holds a public key",
        ),
    ];
    for (name, bytes, reason) in cases {
        let path = fixture.path().join("keys").join(name);
        fs::write(&path, bytes).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let key = format!("keys/{name}");
        let run = fixture.qualify(&[
            "sign",
            pkg.to_str().unwrap(),
            "--meaning",
            "executed",
            "--key",
            &key,
        ]);
        let run = run.code(2);
        let text = all_output(&run);
        assert!(text.contains("is not a qualify key file"), "{name}: {text}");
        assert!(text.contains(reason), "{name}: lacks {reason:?}: {text}");
        assert!(
            !text.contains("passphrase"),
            "{name}: not a passphrase problem: {text}"
        );
    }
}

#[test]
fn sign_into_a_closed_pipe_completes_and_does_not_panic() {
    let fixture = Fixture::new();
    let pkg = fixture.package();
    let mut child = Command::new(env!("CARGO_BIN_EXE_qualify"))
        .args(["sign", pkg.to_str().unwrap(), "--meaning", "executed"])
        .args(["--key", "keys/eng.pem"])
        .current_dir(fixture.path())
        .env_remove("CI")
        .env("QUALIFY_KEY_PASSPHRASE", PASS)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -0`: the reader is gone before qualify prints its first line (the key derivation
    // alone takes far longer than this drop), so every line it prints meets a closed pipe.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let run = fixture.verify().code(0);
    assert!(
        all_output(&run).contains("executed"),
        "the signature is in the package: {}",
        all_output(&run)
    );
}

#[test]
fn impact_right_after_the_first_approval_compares_with_that_approval() {
    let fixture = Fixture::new();
    fixture.sign_all();
    let run = fixture.qualify(&["impact"]).code(0);
    for needle in [
        "baseline: qualify/approved/",
        "HEAD itself, the first approval",
    ] {
        assert!(run.stderr.contains(needle), "{}", all_output(&run));
    }
    assert!(
        !run.stdout.contains("features/echo.feature"),
        "{}",
        run.stdout
    );

    // The next change is assessed against that approval.
    let feature = fixture.path().join("features/echo.feature");
    let text = fs::read_to_string(&feature).unwrap();
    fs::write(
        &feature,
        text.replace("Feature: Echo", "Feature: Echo again"),
    )
    .unwrap();
    commit_all(fixture.path());
    fixture
        .qualify(&["impact"])
        .code(0)
        .stdout_has("features/echo.feature");
}

#[test]
fn a_missing_requirements_file_names_the_entry_that_names_it() {
    let project = Project::with_fixture_adapter();
    fs::remove_file(project.path().join("requirements.yaml")).unwrap();
    let run = project.qualify(&["list"]).code(2);
    let text = all_output(&run);
    assert!(text.contains("requirements.yaml: not found"), "{text}");
    assert!(text.contains("qualify.yaml:"), "names the config: {text}");
    assert!(!text.contains("in the project folder"), "{text}");
}

#[test]
fn deviation_list_shows_each_deviation_open_then_closed_by_its_valid_closure() {
    let fixture = Fixture::new();
    let pkg = fixture.package();
    let pkg = pkg.to_str().unwrap();
    fixture
        .qualify(&["deviation", "list", pkg])
        .code(0)
        .stdout_has("1 deviation(s), 1 open")
        .stdout_has("DEV-001  open   echo deviates (features/echo.feature:")
        .stdout_has("expected 2")
        .stdout_has("qualify deviation close");
    fixture.sign("executed", "eng").code(0);
    fixture.sign("reviewed", "lead").code(0);
    fixture.close("DEV-001", "lead").code(0);
    let run = fixture
        .qualify(&["deviation", "list", pkg, "--format", "json"])
        .code(0);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(list["schema"], "qualify.deviation-list/v1");
    assert_eq!(list["verified"], true);
    let dev = &list["deviations"][0];
    assert_eq!(dev["id"], "DEV-001");
    assert_eq!(dev["status"], "closed", "{list:#}");
    assert!(
        dev["closed_by"].as_str().unwrap().contains("DEV-001"),
        "{list:#}"
    );
    assert_eq!(dev["stage"], "OQ");

    // A closure whose envelope was tampered with closes nothing, and the list says why.
    let closure = fixture.path().join(dev["closed_by"].as_str().unwrap());
    let closure = if closure.exists() {
        closure
    } else {
        std::path::Path::new(pkg).join(dev["closed_by"].as_str().unwrap())
    };
    let text = fs::read_to_string(&closure).unwrap();
    fs::write(&closure, text.replacen("\"sig\": \"", "\"sig\": \"AAAA", 1)).unwrap();
    fixture
        .qualify(&["deviation", "list", pkg])
        .code(0)
        .stdout_has("DEV-001  open")
        .stderr_has("the package does not verify");
}

#[test]
fn list_reports_steps_no_library_step_matches_with_the_nearest_one() {
    let feature = r##"@OQ @URS-001
Feature: Echo
  Background:
    Given the adaptor "sut" is started

  Scenario: echo passes
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the respons field "a" equal 1

  Scenario Outline: rows
    When I send an "echo" request to "sut"
    Then the moon is made of <cheese>

    Examples:
      | cheese  |
      | gouda   |
      | cheddar |
"##;
    let project = Project::with_fixture_adapter().file("features/echo.feature", feature);
    let run = project.qualify(&["list"]).code(0);
    let text = &run.stdout;
    for needle in [
        "3 steps match no step of the library",
        "features/echo.feature:4  Given the adaptor \"sut\" is started",
        "did you mean: the adapter \"…\" is started",
        "features/echo.feature:11  Then the respons field \"a\" equal 1",
        "did you mean: the response field \"…\" equals …",
        "features/echo.feature:15  Then the moon is made of gouda",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    assert!(
        !text.contains("cheddar"),
        "an outline step is reported once:\n{text}"
    );

    let run = project.qualify(&["list", "--format", "json"]).code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let undefined = doc["undefined_steps"].as_array().unwrap();
    assert_eq!(undefined.len(), 3, "{doc:#}");
    assert_eq!(undefined[2]["nearest"], serde_json::Value::Null);

    // A protocol whose steps all exist reports nothing.
    let project = Project::with_fixture_adapter().file(
        "features/echo.feature",
        crate::sign_support::PASSING_FEATURE,
    );
    let run = project.qualify(&["list"]).code(0);
    assert!(
        !run.stdout.contains("no step of the library"),
        "{}",
        run.stdout
    );
}

/// Two files; in echo.feature a scenario at line 3, one at line 9 and an outline at line 16 with
/// rows at lines 24 and 25.
fn located_project() -> Project {
    let echo = r##"@OQ @URS-001
Feature: Echo
  Scenario: first
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals 1
  Scenario: second
    When I send an "echo" request to "sut" with:
      """
      {"a": 2}
      """
    Then the response field "a" equals 2

  Scenario Outline: rows <n>
    When I send an "echo" request to "sut" with:
      """
      {"a": <n>}
      """
    Then the response field "a" equals <n>
    Examples:
      | n |
      | 3 |
      | 4 |
"##;
    Project::with_fixture_adapter()
        .file("features/echo.feature", echo)
        .file(
            "features/other.feature",
            crate::sign_support::PASSING_FEATURE,
        )
}

fn listed(project: &Project, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    let run = project.qualify(&all).code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_feature_file_or_a_line_of_one_selects_what_cucumber_users_expect() {
    let p = located_project();
    let echo = |l: &str| format!("features/echo.feature:{l}");
    assert_eq!(listed(&p, &[]).len(), 5);
    assert_eq!(listed(&p, &["features/echo.feature"]).len(), 4);
    assert_eq!(listed(&p, &["features/echo.feature:9"]), [echo("9")]);
    // The outline's own line selects every row; a row's line that row alone.
    assert_eq!(
        listed(&p, &["features/echo.feature:16"]),
        [echo("24"), echo("25")]
    );
    assert_eq!(listed(&p, &["features/echo.feature:25"]), [echo("25")]);
    assert_eq!(
        listed(&p, &["features/echo.feature:3", "features/other.feature"]).len(),
        2
    );

    let run = p.qualify(&["list", "features/echo.feature:5"]).code(2);
    assert!(
        run.stderr
            .contains("features/echo.feature:5: no scenario at that line")
            && run.stderr.contains("its scenarios start at line 3, 9, 16"),
        "{}",
        run.stderr
    );
    p.qualify(&["list", "features/nope.feature"])
        .code(2)
        .stderr_has("features/nope.feature: cannot find the feature file");
    p.qualify(&["list", "qualify.yaml"])
        .code(2)
        .stderr_has("not a feature file of this project");

    // run FILE:LINE runs exactly that scenario.
    p.qualify(&["run", "--progress", "quiet", "features/echo.feature:9"])
        .code(0);
    let results = p.results();
    let ids: Vec<&str> = results["features"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["scenarios"].as_array().unwrap())
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["features/echo.feature:9"]);
    assert_eq!(
        results["selection"]["locations"],
        serde_json::json!(["features/echo.feature:9"])
    );
}

#[test]
fn init_makes_a_project_that_runs_green_and_verifies_and_never_overwrites() {
    let root = Project::new();
    root.qualify(&["init", "plant"])
        .code(0)
        .stdout_has("made the git repository plant");
    let dir = root.path().join("plant");
    for file in [
        "qualify.yaml",
        "requirements.yaml",
        ".gitignore",
        "ci/gitlab-ci.yml",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert_eq!(
        mode(&dir.join("adapters/example_adapter.py")) & 0o100,
        0o100
    );
    crate::support::git(&dir, &["add", "-A"]);
    crate::support::git(&dir, &["commit", "-q", "-m", "Validation project"]);

    let list = qualify_in(&dir, &["list"]).code(0);
    assert!(
        list.stdout.contains(
            "6 of 6 scenarios selected in 3 features; 4 requirements, 0 without scenarios"
        ),
        "{}",
        list.stdout
    );
    assert!(
        !list.stdout.contains("no step of the library"),
        "{}",
        list.stdout
    );
    let run = qualify_in(&dir, &["run", "--progress", "quiet"]).code(0);
    assert!(
        run.stdout.contains("6 scenarios: 6 passed, 0 failed"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("NOT RELEASABLE"), "{}", run.stdout);
    let evidence = dir.join("evidence");
    let package = fs::read_dir(&evidence)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    qualify_in(&dir, &["verify", package.to_str().unwrap()]).code(0);
    let status = crate::support::git(&dir, &["status", "--porcelain"]);
    assert!(status.trim().is_empty(), "evidence/ is ignored: {status}");

    // A second init writes nothing and names what exists.
    fs::write(dir.join("qualify.yaml"), "edited\n").unwrap();
    let again = root.qualify(&["init", "plant"]).code(2);
    assert!(
        again.stderr.contains("qualify.yaml, requirements.yaml"),
        "{}",
        again.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.join("qualify.yaml")).unwrap(),
        "edited\n"
    );
}

#[test]
fn keygen_sign_and_deviation_close_speak_json_with_status_lines_on_stderr() {
    let project = Project::new();
    let run = keygen(
        &project,
        "k/jdoe.pem",
        "validation-lead",
        &["--format", "json"],
    )
    .code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(doc["schema"], "qualify.keygen/v1");
    assert_eq!(doc["entry"]["id"], "jdoe");
    assert_eq!(
        doc["entry"]["roles"],
        serde_json::json!(["validation-lead"])
    );
    assert_eq!(doc["entry"]["key_id"].as_str().unwrap().len(), 64);
    assert_eq!(doc["key_file"], "k/jdoe.pem");

    let fixture = Fixture::new();
    let pkg = fixture.package();
    let pkg = pkg.to_str().unwrap();
    let signed = |args: &[&str]| -> serde_json::Value {
        let run = fixture.qualify(args).code(0);
        assert!(
            run.stderr.contains("anchored"),
            "status lines on stderr: {}",
            run.stderr
        );
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
    };
    let key = |who: &str| format!("keys/{who}.pem");
    let doc = signed(&[
        "sign",
        pkg,
        "--meaning",
        "executed",
        "--key",
        &key("eng"),
        "--format",
        "json",
    ]);
    assert_eq!(doc["schema"], "qualify.signed/v1");
    assert_eq!(doc["meaning"], "executed");
    assert_eq!(doc["signer"]["id"], "eng");
    assert!(
        doc["envelope"].as_str().unwrap().ends_with(".dsse.json"),
        "{doc:#}"
    );
    assert!(doc.get("approved_baseline_tag").is_none());
    fixture.sign("reviewed", "lead").code(0);
    let doc = signed(&[
        "deviation",
        "close",
        pkg,
        "DEV-001",
        "--disposition",
        "The expected value was wrong; corrected under CR-12.",
        "--key",
        &key("lead"),
        "--format",
        "json",
    ]);
    assert_eq!(doc["signer"]["role"], "validation-lead");
    assert!(
        doc["envelope"].as_str().unwrap().contains("DEV-001"),
        "{doc:#}"
    );
    let doc = signed(&[
        "sign",
        pkg,
        "--meaning",
        "approved",
        "--key",
        &key("qa"),
        "--format",
        "json",
    ]);
    assert!(
        doc["approved_baseline_tag"]
            .as_str()
            .unwrap()
            .starts_with("qualify/approved/"),
        "{doc:#}"
    );
    fixture.verify().code(0);
}

#[test]
fn run_and_render_speak_json_for_ci_scripts() {
    let project =
        Project::with_fixture_adapter().file("features/echo.feature", crate::sign_support::FEATURE);
    let run = project
        .qualify(&["run", "--progress", "quiet", "--format", "json"])
        .code(1);
    let doc: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    assert_eq!(doc["schema"], "qualify.run/v1");
    assert_eq!(doc["passed"], false);
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["summary"]["scenarios"], 2);
    assert_eq!(
        doc["failed"][0]["deviations"],
        serde_json::json!(["DEV-001"])
    );
    assert_eq!(doc["manifest_sha256"].as_str().unwrap().len(), 64);
    assert!(
        run.stderr.contains("FAILED echo deviates"),
        "summary on stderr: {}",
        run.stderr
    );

    let pkg = doc["package"].as_str().unwrap();
    let render = project
        .qualify(&["render", pkg, "--format", "json"])
        .code(0);
    let doc: serde_json::Value = serde_json::from_str(&render.stdout).unwrap();
    assert_eq!(doc["schema"], "qualify.render/v1");
    let files: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(files.iter().any(|f| f.ends_with("report.pdf")), "{files:?}");
}
