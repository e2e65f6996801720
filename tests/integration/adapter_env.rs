//! Adapters run with a scrubbed environment: the signing passphrase, every QUALIFY_* variable,
//! deny-listed names, URL credentials and copies of secrets never reach them, so an adapter that
//! dumps its environment into its reply and standard error leaves no secret in the sealed package.
//! What an adapter needs is handed over explicitly (`env`, `from_env`, `pass_env`) and recorded.

use crate::sign_support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sign_support::{Fixture, PASS, commit_all};

const FEATURE: &str = r##"@OQ @URS-001
Feature: Environment
  Scenario: the adapter sees only what it is given
    When I send an "env" request to "sut" with:
      """
      {}
      """
    Then the response field "env.LINE_ID" equals "L1"
    And the response field "env.MODE" equals "strict"
"##;

/// Variables in qualify's environment whose values must never appear in the package.
const SECRETS: &[(&str, &str)] = &[
    ("QUALIFY_KEY_PASSPHRASE", PASS),
    ("QUALIFY_SOMETHING", "qualify-internal-7781"),
    ("DB_PASSWORD", "deny-db-password-4411"),
    ("GITHUB_PAT", "deny-github-pat-5522"),
    ("NPM_AUTH", "deny-npm-auth-6633"),
    ("SESSION_COOKIE", "deny-cookie-7744"),
    ("TLS_PEM", "deny-pem-8855"),
    ("SMTP_PASS", "deny-smtp-pass-1212"),
    ("GOOGLE_OAUTH", "deny-oauth-1313"),
    ("API_KEY", "deny-api-key-1010"),
    (
        "HTTPS_PROXY",
        "http://proxyuser:deny-proxy-pass-9966@proxy.example:3128",
    ),
    (
        "CALLBACK_URL",
        "https://h.example/cb?access_token=deny-query-token-1177",
    ),
    ("INNOCENT_COPY", PASS),
    // Handed over explicitly (from_env, pass_env): the adapter gets them, evidence does not.
    ("PLANT_DB_PASSWORD", "explicit-secret-2288"),
    ("EXTRA_TOKEN", "explicit-pass-3399"),
];

fn project() -> Fixture {
    let f = Fixture::with(sign_support::PASSING_FEATURE, "");
    let adapter = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/env/envdump.py");
    fs::write(
        f.path().join("qualify.yaml"),
        format!(
            "adapters:\n  sut:\n    kind: process\n    command: [\"python3\", \"{}\"]\n    env:\n      MODE: strict\n      LINE_ID: {{from_env: LINE}}\n      BRIDGE_DB: {{from_env: PLANT_DB_PASSWORD}}\n    pass_env: [EXTRA_TOKEN]\n",
            adapter.display()
        ),
    )
    .unwrap();
    fs::write(f.path().join("features/echo.feature"), FEATURE).unwrap();
    commit_all(f.path());
    f
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn an_adapter_that_dumps_its_environment_leaves_no_secret_in_the_package() {
    let f = project();
    let before = f.packages();
    let mut env: Vec<(&str, &str)> = SECRETS.to_vec();
    env.push(("LINE", "L1"));
    let run = f.qualify_env(
        &["run", "--progress", "quiet", "--sign-key", "keys/eng.pem"],
        &env,
    );
    assert_eq!(
        run.output.status.code(),
        Some(0),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let pkg = f
        .packages()
        .into_iter()
        .find(|p| !before.contains(p))
        .unwrap();

    // Every file of the sealed, signed package: no secret value, in any form.
    let all = files(&pkg);
    assert!(all.len() > 10, "{all:?}");
    for file in &all {
        let text = String::from_utf8_lossy(&fs::read(file).unwrap()).into_owned();
        for (name, value) in SECRETS {
            assert!(
                !text.contains(value),
                "{} contains the value of {name}",
                file.display()
            );
        }
    }

    // The adapter did dump its environment: what it was given explicitly is there, redacted.
    let stderr_log = all
        .iter()
        .find(|p| p.to_string_lossy().ends_with(".stderr.log"))
        .expect("the adapter's standard error");
    let log = fs::read_to_string(stderr_log).unwrap();
    for needle in [
        "LINE_ID=L1",
        "MODE=strict",
        "BRIDGE_DB=[redacted]",
        "EXTRA_TOKEN=[redacted]",
    ] {
        assert!(log.contains(needle), "{needle} not in\n{log}");
    }
    for absent in [
        "QUALIFY_KEY_PASSPHRASE",
        "DB_PASSWORD",
        "GITHUB_PAT",
        "NPM_AUTH",
        "SESSION_COOKIE",
        "TLS_PEM",
        "SMTP_PASS",
        "GOOGLE_OAUTH",
        "API_KEY",
        "HTTPS_PROXY",
        "CALLBACK_URL",
        "INNOCENT_COPY",
        "PLANT_DB_PASSWORD",
    ] {
        assert!(
            !log.contains(absent),
            "{absent} reached the adapter:\n{log}"
        );
    }

    // The environment handed to the adapter is recorded, secrets redacted.
    let environment: Value =
        serde_json::from_slice(&fs::read(pkg.join("environment.json")).unwrap()).unwrap();
    let recorded = &environment["adapter_env"]["sut"];
    assert_eq!(recorded["LINE_ID"], "L1", "{environment:#}");
    assert_eq!(recorded["MODE"], "strict");
    assert_eq!(recorded["BRIDGE_DB"], "[redacted]");
    assert_eq!(recorded["EXTRA_TOKEN"], "[redacted]");
    assert!(recorded.get("QUALIFY_KEY_PASSPHRASE").is_none());
    assert!(recorded.get("DB_PASSWORD").is_none());
    assert!(recorded["PATH"].is_string(), "{environment:#}");

    f.qualify(&["verify", pkg.to_str().unwrap()]).code(0);
}

#[test]
fn qualify_variables_cannot_be_handed_to_an_adapter() {
    let f = project();
    for (env, needle) in [
        (
            "    pass_env: [QUALIFY_KEY_PASSPHRASE]\n",
            "`pass_env` `QUALIFY_KEY_PASSPHRASE`",
        ),
        (
            "    env:\n      P: {from_env: QUALIFY_KEY_PASSPHRASE}\n",
            "`env.P.from_env` `QUALIFY_KEY_PASSPHRASE`",
        ),
    ] {
        fs::write(
            f.path().join("qualify.yaml"),
            format!(
                "adapters:\n  sut:\n    kind: process\n    command: [\"python3\", \"x.py\"]\n{env}"
            ),
        )
        .unwrap();
        f.qualify(&["run", "--progress", "quiet"])
            .code(qualify::exit_code::INPUT_ERROR)
            .stderr_has(needle)
            .stderr_has("never reach an adapter");
    }
}
