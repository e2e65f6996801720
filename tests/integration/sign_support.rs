//! A signing fixture for CLI tests: a git-committed project with the fixture adapter, one
//! passing and one failing scenario (so the run opens a deviation), three signers made with the
//! real `qualify keygen`, and one package made with the real `qualify run`. Keys are generated in
//! the test's temporary folder at run time; none is ever committed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::support::{Project, Run};

/// The passphrase of every test key.
pub const PASS: &str = "correct horse battery staple";

/// A feature with a passing and a failing scenario: the run opens DEV-001.
pub const FEATURE: &str = r##"@OQ @URS-001
Feature: Echo
  Scenario: echo passes
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals 1

  Scenario: echo deviates
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals 2
"##;

/// A feature that passes: no deviation.
pub const PASSING_FEATURE: &str = r##"@OQ @URS-001
Feature: Echo
  Scenario: echo passes
    When I send an "echo" request to "sut" with:
      """
      {"a": 1}
      """
    Then the response field "a" equals 1
"##;

/// qualify.yaml of the fixture, with an optional `workflow:` section appended. Generous limits:
/// the fixture answers at once, so they only matter on a loaded machine.
pub fn config(workflow: &str) -> String {
    format!(
        "adapters:\n  sut:\n    kind: process\n    command: [\"python3\", \"{}\"]\n    timeouts: {{start_ms: 60000, request_ms: 60000, shutdown_ms: 10000}}\n{workflow}",
        crate::support::fixture_adapter().display()
    )
}

/// The fixture project.
pub struct Fixture {
    /// The project.
    pub project: Project,
}

impl Fixture {
    /// Project with the failing feature, keys for eng (validation-engineer), lead
    /// (validation-lead) and qa (quality-assurance), committed, and one package.
    pub fn new() -> Fixture {
        Fixture::with(FEATURE, "")
    }

    /// Like [`Fixture::new`] with another feature and workflow section.
    pub fn with(feature: &str, workflow: &str) -> Fixture {
        let project = Project::with_fixture_adapter()
            .file("qualify.yaml", &config(workflow))
            .file("features/echo.feature", feature)
            .file(".gitignore", "evidence/\nkeys/\n");
        let f = Fixture { project };
        fs::create_dir(f.path().join("keys")).unwrap();
        f.keygen("eng", "Eve Engineer", "validation-engineer");
        f.keygen("lead", "Lee Lead", "validation-lead");
        f.keygen("qa", "Quinn Assurance", "quality-assurance");
        commit_all(f.path());
        f.run_campaign();
        f
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.project.path()
    }

    /// `qualify ARGS` with the test passphrase in the environment.
    pub fn qualify(&self, args: &[&str]) -> Run {
        self.qualify_env(args, &[("QUALIFY_KEY_PASSPHRASE", PASS)])
    }

    /// `qualify ARGS` with these environment variables (and no passphrase unless given).
    pub fn qualify_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_qualify"));
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("CI")
            .env_remove("QUALIFY_KEY_PASSPHRASE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run qualify");
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            output,
        }
    }

    /// `qualify keygen` for a signer, key in keys/<id>.pem, appended to signers.yaml, valid from
    /// 2020 so that tests can place revocations in the past.
    pub fn keygen(&self, id: &str, name: &str, roles: &str) -> PathBuf {
        let out = format!("keys/{id}.pem");
        self.qualify(&[
            "keygen",
            "--id",
            id,
            "--name",
            name,
            "--role",
            roles,
            "--out",
            &out,
            "--signers",
            "signers.yaml",
            "--valid-from",
            "2020-01-01T00:00:00Z",
            // The fixture's three signers exist whatever workflow a test sets.
            "--any-role",
        ])
        .code(0);
        self.path().join(out)
    }

    /// `qualify run`, which opens deviations for failed steps (exit code 1 then).
    pub fn run_campaign(&self) -> PathBuf {
        let run = self.qualify(&["run", "--progress", "quiet"]);
        assert!(
            matches!(run.output.status.code(), Some(0 | 1)),
            "{}\n{}",
            run.stdout,
            run.stderr
        );
        self.packages().pop().expect("a package")
    }

    /// Sealed packages, oldest first.
    pub fn packages(&self) -> Vec<PathBuf> {
        self.project.packages()
    }

    /// The first package.
    pub fn package(&self) -> PathBuf {
        self.packages().into_iter().next().expect("a package")
    }

    /// `qualify sign PKG --meaning M --key keys/<signer>.pem`.
    pub fn sign(&self, meaning: &str, signer: &str) -> Run {
        let pkg = self.package();
        let key = format!("keys/{signer}.pem");
        self.qualify(&[
            "sign",
            pkg.to_str().unwrap(),
            "--meaning",
            meaning,
            "--key",
            &key,
        ])
    }

    /// `qualify deviation close PKG ID --disposition ... --key keys/<signer>.pem`.
    pub fn close(&self, id: &str, signer: &str) -> Run {
        let pkg = self.package();
        let key = format!("keys/{signer}.pem");
        self.qualify(&[
            "deviation",
            "close",
            pkg.to_str().unwrap(),
            id,
            "--disposition",
            "The expected value in the scenario was wrong; corrected under change CR-12.",
            "--key",
            &key,
        ])
    }

    /// The whole default workflow: executed, reviewed, DEV-001 closed, approved.
    pub fn sign_all(&self) {
        self.sign("executed", "eng").code(0);
        self.sign("reviewed", "lead").code(0);
        if self.package().join("deviations/deviations.json").exists()
            && deviations(&self.package()) > 0
        {
            self.close("DEV-001", "lead").code(0);
        }
        self.sign("approved", "qa").code(0);
    }

    /// `qualify verify PKG`.
    pub fn verify(&self) -> Run {
        let pkg = self.package();
        self.qualify(&["verify", pkg.to_str().unwrap()])
    }

    /// `qualify verify PKG ARGS…` (e.g. `--config qualify.yaml` to verify against the working
    /// tree's files rather than the committed ones).
    pub fn verify_with(&self, args: &[&str]) -> Run {
        let pkg = self.package();
        let mut all = vec!["verify", pkg.to_str().unwrap()];
        all.extend_from_slice(args);
        self.qualify(&all)
    }

    /// Replaces qualify.yaml's workflow section.
    pub fn set_workflow(&self, workflow: &str) {
        fs::write(self.path().join("qualify.yaml"), config(workflow)).unwrap();
    }

    /// The one signature envelope whose file name contains `needle`.
    pub fn envelope(&self, needle: &str) -> PathBuf {
        let dir = self.package().join("signatures");
        fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().contains(needle))
            .unwrap_or_else(|| panic!("no envelope {needle} in {}", dir.display()))
    }
}

/// Number of deviations in a package's register.
pub fn deviations(pkg: &Path) -> usize {
    let text = fs::read_to_string(pkg.join("deviations/deviations.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["deviations"].as_array().unwrap().len()
}

/// Commits every file of the folder (a new repository if needed).
pub fn commit_all(dir: &Path) {
    let repo = git2::Repository::open(dir)
        .or_else(|_| git2::Repository::init(dir))
        .unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, "fixture", &tree, &parents)
        .unwrap();
}

/// The envelope's JSON and its decoded statement.
pub fn read_envelope(path: &Path) -> (Value, Value) {
    let envelope: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let payload = STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    (envelope, serde_json::from_slice(&payload).unwrap())
}

/// Rewrites an envelope's statement with `edit`, keeping the original signature.
pub fn edit_statement(path: &Path, edit: impl FnOnce(&mut Value)) {
    let (mut envelope, mut statement) = read_envelope(path);
    edit(&mut statement);
    envelope["payload"] = Value::String(STANDARD.encode(serde_json::to_vec(&statement).unwrap()));
    fs::write(path, serde_json::to_vec_pretty(&envelope).unwrap()).unwrap();
}

/// stdout and stderr together, for "the message says what and where" assertions.
pub fn all_output(run: &Run) -> String {
    format!("{}\n{}", run.stdout, run.stderr)
}

/// Asserts the run failed verification (exit 3) and its output contains every needle.
pub fn rejected(run: Run, needles: &[&str]) {
    let text = all_output(&run);
    assert_eq!(
        run.output.status.code(),
        Some(3),
        "expected exit code 3 (verification failed)\n{text}"
    );
    for needle in needles {
        assert!(text.contains(needle), "output lacks {needle:?}:\n{text}");
    }
}

/// Recursively copies a folder (permissions kept).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
