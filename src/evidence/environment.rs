//! Capturing the [`Environment`] of a run (`environment.json`; the type is the
//! `qualify-evidence` crate's).
//!
//! Everything an auditor needs to tell whether two runs used the same installation: the qualify
//! binary's digest, the host, the CI job, the adapter executables' digests, and the digests of the
//! configuration and feature files. Capture never fails: a file that cannot be read is recorded
//! with the reason, because a partial record is better evidence than none.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use qualify_evidence::schema::ENVIRONMENT_SCHEMA;
use qualify_evidence::{Environment, Host, RecordedFile, ToolBinary};

use super::ci_vars::ci_variables;
use super::digest::sha256_file;

/// What [`Environment::capture`] should record besides what it finds by itself.
#[derive(Debug, Clone, Default)]
pub struct EnvInputs {
    /// The folder of qualify.yaml; file paths are recorded relative to it.
    pub project_dir: PathBuf,
    /// Adapter name → executable (or database file) path.
    pub adapters: BTreeMap<String, PathBuf>,
    /// Process adapter name → the files its command's arguments name (an interpreter's script).
    pub adapter_files: BTreeMap<String, Vec<PathBuf>>,
    /// Configuration files (qualify.yaml, requirements, signers, ...). Relative paths are taken
    /// relative to `project_dir`.
    pub config_files: Vec<PathBuf>,
    /// Feature files of the campaign. Relative paths are taken relative to `project_dir`.
    pub feature_files: Vec<PathBuf>,
    /// Process adapter name → the environment it is started with, secrets already redacted
    /// (src/adapters/child_env.rs).
    pub adapter_env: BTreeMap<String, BTreeMap<String, String>>,
}

/// Capturing an [`Environment`] (a `qualify-evidence` type) from the running process.
pub trait CaptureEnvironment {
    /// Records the environment of the current process.
    fn capture(inputs: &EnvInputs) -> Environment;
}

impl CaptureEnvironment for Environment {
    fn capture(inputs: &EnvInputs) -> Environment {
        let project = &inputs.project_dir;
        let executable = match std::env::current_exe() {
            Ok(path) => recorded_digest(&path, path.display().to_string()),
            Err(e) => RecordedFile {
                path: String::new(),
                sha256: None,
                size: None,
                error: Some(format!("cannot locate the running executable: {e}")),
            },
        };
        let files = |paths: &[PathBuf]| {
            let mut files: Vec<RecordedFile> = paths
                .iter()
                .map(|p| recorded_in_project(project, p))
                .collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            files.dedup_by(|a, b| a.path == b.path);
            files
        };
        Environment {
            schema: ENVIRONMENT_SCHEMA.to_string(),
            tool: ToolBinary {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
                executable,
            },
            host: capture_host(),
            ci: ci_variables(
                std::env::vars_os()
                    .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
            ),
            adapters: inputs
                .adapters
                .iter()
                .map(|(name, path)| (name.clone(), recorded_in_project(project, path)))
                .collect(),
            adapter_files: inputs
                .adapter_files
                .iter()
                .map(|(name, paths)| {
                    let files = paths.iter().map(|p| recorded_in_project(project, p));
                    (name.clone(), files.collect())
                })
                .collect(),
            config_files: files(&inputs.config_files),
            feature_files: files(&inputs.feature_files),
            adapter_env: redacted_again(&inputs.adapter_env),
        }
    }
}

/// Masks URL credentials and secret-looking names once more: environment.json is evidence and
/// must hold no secret whoever built the inputs.
fn redacted_again(
    envs: &BTreeMap<String, BTreeMap<String, String>>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    envs.iter()
        .map(|(adapter, vars)| {
            let vars = vars
                .iter()
                .map(|(name, value)| {
                    let shown = if super::ci_vars::is_secret_name(name) {
                        "[redacted]".to_string()
                    } else {
                        super::ci_vars::mask_url_credentials(value)
                    };
                    (name.clone(), shown)
                })
                .collect();
            (adapter.clone(), vars)
        })
        .collect()
}

/// Reads host facts from `/proc`, `/etc/os-release` and the process environment.
fn capture_host() -> Host {
    Host {
        hostname: read_trimmed("/proc/sys/kernel/hostname").or_else(|| env_var("HOSTNAME")),
        os: std::env::consts::OS.to_string(),
        os_release: fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|s| pretty_name(&s)),
        arch: std::env::consts::ARCH.to_string(),
        kernel: read_trimmed("/proc/sys/kernel/osrelease"),
        user: current_user(),
    }
}

/// The OS user: `USER`, else `LOGNAME`, else the name of the process's uid in `/etc/passwd`
/// (CI jobs and services often run without either variable), else `uid <n>`.
pub fn current_user() -> Option<String> {
    env_var("USER").or_else(|| env_var("LOGNAME")).or_else(|| {
        let status = fs::read_to_string("/proc/self/status").ok()?;
        let uid = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))?
            .split_whitespace()
            .next()?
            .to_string();
        let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
        let name = passwd.lines().find_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            (f.nth(1)? == uid).then(|| name.to_string())
        });
        Some(name.unwrap_or_else(|| format!("uid {uid}")))
    })
}

/// Digests `path` (relative paths are under `project`) and records it relative to `project`.
fn recorded_in_project(project: &Path, path: &Path) -> RecordedFile {
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        project.join(path)
    };
    let shown = relative_to(project, &full).unwrap_or_else(|| path.display().to_string());
    recorded_digest(&full, shown)
}

fn recorded_digest(path: &Path, shown: String) -> RecordedFile {
    match sha256_file(path) {
        Ok((sha256, size)) => RecordedFile {
            path: shown,
            sha256: Some(sha256),
            size: Some(size),
            error: None,
        },
        Err(e) => RecordedFile {
            path: shown,
            sha256: None,
            size: None,
            error: Some(format!("cannot read {}: {e}", path.display())),
        },
    }
}

/// `path` relative to `base` with `/` separators, comparing lexically first and then with
/// symlinks resolved (a project reached through a symlink still yields relative paths).
fn relative_to(base: &Path, path: &Path) -> Option<String> {
    let rel = match path.strip_prefix(base) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => {
            let (base, path) = (base.canonicalize().ok()?, path.canonicalize().ok()?);
            path.strip_prefix(base).ok()?.to_path_buf()
        }
    };
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            // `..` would make the "relative" path escape the project: show it as given instead.
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn pretty_name(os_release: &str) -> Option<String> {
    let line = os_release
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))?;
    let name = line.trim().trim_matches('"').trim_matches('\'');
    (!name.is_empty()).then(|| name.to_string())
}

fn read_trimmed(path: &str) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::sha256_hex;

    #[test]
    fn captures_tool_host_and_files() {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("project");
        fs::create_dir_all(project.join("features")).unwrap();
        fs::write(project.join("qualify.yaml"), "adapters: {}\n").unwrap();
        fs::write(project.join("features/a.feature"), "Feature: A\n").unwrap();
        let outside = tmp.path().join("bridge");
        fs::write(&outside, "#!/bin/sh\n").unwrap();

        let inputs = EnvInputs {
            project_dir: project.clone(),
            adapters: BTreeMap::from([
                ("bridge".to_string(), outside.clone()),
                ("missing".to_string(), project.join("bin/none")),
            ]),
            adapter_files: BTreeMap::from([(
                "bridge".to_string(),
                vec![project.join("qualify.yaml")],
            )]),
            config_files: vec![project.join("qualify.yaml")],
            feature_files: vec![
                PathBuf::from("features/a.feature"),
                project.join("features/a.feature"),
            ],
            adapter_env: BTreeMap::from([(
                "bridge".to_string(),
                BTreeMap::from([
                    ("DB_PASSWORD".to_string(), "hunter2".to_string()),
                    ("REPO".to_string(), "https://u:p@h/r?token=t".to_string()),
                ]),
            )]),
        };
        let env = Environment::capture(&inputs);

        assert_eq!(env.schema, ENVIRONMENT_SCHEMA);
        assert_eq!(env.tool.name, "qualify");
        let exe = std::env::current_exe().unwrap();
        assert_eq!(
            env.tool.executable.sha256,
            Some(sha256_file(&exe).unwrap().0)
        );
        assert_eq!(env.host.os, std::env::consts::OS);
        assert_eq!(env.host.arch, std::env::consts::ARCH);

        assert_eq!(env.config_files.len(), 1);
        assert_eq!(env.config_files[0].path, "qualify.yaml");
        assert_eq!(
            env.config_files[0].sha256.as_deref(),
            Some(sha256_hex(b"adapters: {}\n").as_str())
        );
        assert_eq!(env.config_files[0].size, Some(13));
        // The same file given relative and absolute is recorded once.
        assert_eq!(env.feature_files.len(), 1);
        assert_eq!(env.feature_files[0].path, "features/a.feature");

        let bridge = &env.adapters["bridge"];
        assert_eq!(bridge.path, outside.display().to_string());
        assert_eq!(
            bridge.sha256.as_deref(),
            Some(sha256_hex(b"#!/bin/sh\n").as_str())
        );
        assert_eq!(env.adapter_files["bridge"][0].path, "qualify.yaml");
        assert_eq!(
            env.adapter_files["bridge"][0].sha256.as_deref(),
            Some(sha256_hex(b"adapters: {}\n").as_str())
        );
        let missing = &env.adapters["missing"];
        assert_eq!(missing.path, "bin/none");
        assert!(missing.sha256.is_none());
        assert!(
            missing
                .error
                .as_deref()
                .is_some_and(|e| e.contains("bin/none"))
        );

        assert_eq!(env.adapter_env["bridge"]["DB_PASSWORD"], "[redacted]");
        assert_eq!(
            env.adapter_env["bridge"]["REPO"],
            "https://***@h/r?token=***"
        );
        let json = serde_json::to_value(&env).unwrap();
        assert!(json["adapters"]["bridge"].get("error").is_none());
        let back: Environment = serde_json::from_value(json).unwrap();
        assert_eq!(back, env);
    }

    #[test]
    fn paths_outside_or_escaping_the_project_are_kept_as_given() {
        let base = Path::new("/p/proj");
        assert_eq!(
            relative_to(base, Path::new("/p/proj/a/b.yaml")).as_deref(),
            Some("a/b.yaml")
        );
        assert_eq!(
            relative_to(base, Path::new("/p/proj/./a")).as_deref(),
            Some("a")
        );
        assert_eq!(relative_to(base, Path::new("/p/proj/../x")), None);
        assert_eq!(relative_to(base, Path::new("/elsewhere/x")), None);
    }

    #[test]
    fn reads_pretty_name() {
        let text = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        assert_eq!(
            pretty_name(text).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(pretty_name("NAME=x\n"), None);
    }
}
