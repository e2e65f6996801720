//! A fluent builder for CLI tests: a temporary project folder, files in it, the real binary run
//! against it, and assertions on exit code, output and the package written.

pub mod adapters;
pub mod certs;
pub mod http_server;
pub mod mosquitto;
pub mod ports;
pub mod postgres;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of a built binary of this workspace (`qualify`, `qualify-bridge`).
pub fn binary(name: &str) -> PathBuf {
    let qualify = PathBuf::from(env!("CARGO_BIN_EXE_qualify"));
    let dir = qualify.parent().expect("binary folder").to_path_buf();
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built; run the tests with `cargo test --workspace`",
        path.display()
    );
    path
}

/// The fixture adapter script used by campaign tests.
pub fn fixture_adapter() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/campaign/adapter.py")
}

/// qualify.yaml declaring the fixture adapter as `sut` and an SQLite database as `db`, with
/// `extra` appended under `adapters:`. The limits are generous: the fixture answers at once, so
/// they only matter on a loaded machine, where a tight one would fail a passing step.
pub fn fixture_config(extra: &str) -> String {
    format!(
        "project:\n  name: fixture\nadapters:\n  sut:\n    kind: process\n    command: [\"python3\", \"{}\"]\n    timeouts: {{start_ms: 60000, request_ms: 60000, shutdown_ms: 10000}}\n  db:\n    kind: sql\n    database: sut.db\n{extra}",
        fixture_adapter().display()
    )
}

/// A temporary project.
pub struct Project {
    dir: tempfile::TempDir,
}

/// The result of running the binary.
pub struct Run {
    /// Raw output.
    pub output: Output,
    /// stdout as text.
    pub stdout: String,
    /// stderr as text.
    pub stderr: String,
}

impl Project {
    /// An empty project folder.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A project with the fixture adapter declared as `sut`, a requirements file and no features.
    pub fn with_fixture_adapter() -> Self {
        let p = Self::new();
        p.file("qualify.yaml", &fixture_config(""))
        .file(
            "requirements.yaml",
            "requirements:\n  - {id: URS-001, title: Echo, risk: high, text: The system echoes.}\n  - {id: URS-002, title: Reject, risk: medium}\n  - {id: URS-003, title: Uncovered, risk: low}\n",
        )
    }

    /// Its folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn file(self, rel: &str, content: &str) -> Self {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
        self
    }

    /// Runs `qualify ARGS` in the project folder.
    pub fn qualify(&self, args: &[&str]) -> Run {
        self.qualify_with_env(args, &[])
    }

    /// Runs `qualify ARGS` in the project folder with extra environment variables.
    pub fn qualify_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_qualify"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("CI")
            .envs(env.iter().copied())
            .output()
            .expect("run qualify");
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            output,
        }
    }

    /// The packages under `evidence/` (sealed ones only), oldest first.
    ///
    /// Ordered by the manifest's `created_at` (milliseconds), then by name: two runs in the same
    /// second on different commits get ids that sort by commit hash, not by time.
    pub fn packages(&self) -> Vec<PathBuf> {
        let dir = self.dir.path().join("evidence");
        let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| {
                        p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.')
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by_cached_key(|p| (created_at(p), p.clone()));
        out
    }

    /// `results.json` of the only package.
    pub fn results(&self) -> serde_json::Value {
        let pkgs = self.packages();
        assert_eq!(
            pkgs.len(),
            1,
            "expected exactly one package, found {pkgs:?}"
        );
        let text = std::fs::read_to_string(pkgs[0].join("results.json")).expect("results.json");
        serde_json::from_str(&text).expect("results.json is JSON")
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.output.status.code(),
            Some(expected),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts stderr contains `needle`.
    pub fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts stdout contains `needle`.
    pub fn stdout_has(self, needle: &str) -> Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }
}

/// Runs `git ARGS` in `dir` with a fixed identity; panics with the output when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test Engineer",
            "-c",
            "user.email=test@example.com",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "advice.detachedHead=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `created_at` of a package's manifest; empty when there is none (such folders sort first).
fn created_at(package: &Path) -> String {
    std::fs::read(package.join("manifest.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|m| m["created_at"].as_str().map(str::to_owned))
        .unwrap_or_default()
}
