//! [`Environment`]: where and with what a campaign ran, as written to `environment.json`.
//!
//! Schema id [`ENVIRONMENT_SCHEMA`](crate::schema::ENVIRONMENT_SCHEMA). Everything an auditor needs to tell whether two runs used
//! the same installation: the qualify binary's digest, the host, the CI job, the adapter
//! executables' digests, and the digests of the configuration and feature files. A file that
//! could not be read when the run was recorded carries the reason instead of a digest.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The recorded environment of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// Always [`ENVIRONMENT_SCHEMA`](crate::schema::ENVIRONMENT_SCHEMA).
    pub schema: String,
    /// The running qualify binary.
    pub tool: ToolBinary,
    /// The machine.
    pub host: Host,
    /// CI job variables (see `docs/evidence-package.md` for which are kept), sorted by name.
    pub ci: BTreeMap<String, String>,
    /// Adapter name → its executable.
    pub adapters: BTreeMap<String, RecordedFile>,
    /// Process adapter name → the files its command's arguments name, in order: the script an
    /// interpreter runs (`python3 x.py`), a configuration file. The executable's digest alone
    /// would be the interpreter's. Absent in packages made before it was recorded, and when no
    /// argument names a file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub adapter_files: BTreeMap<String, Vec<RecordedFile>>,
    /// Configuration files, sorted by path.
    pub config_files: Vec<RecordedFile>,
    /// Feature files, sorted by path.
    pub feature_files: Vec<RecordedFile>,
    /// Process adapter name → the environment variables it was started with: every name, values
    /// of secret-looking names and of explicitly handed-over secrets `[redacted]`, credentials in
    /// URLs masked. Nothing else of qualify's environment reached the adapter.
    #[serde(default)]
    pub adapter_env: BTreeMap<String, BTreeMap<String, String>>,
}

/// Name, version and digest of the running qualify executable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolBinary {
    /// `qualify`.
    pub name: String,
    /// Crate version.
    pub version: String,
    /// The executable as a digested file (path as the operating system reports it).
    pub executable: RecordedFile,
}

/// The machine the campaign ran on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// Host name (`/proc/sys/kernel/hostname`, else `$HOSTNAME`).
    pub hostname: Option<String>,
    /// Operating system family (`linux`, `macos`, `windows`).
    pub os: String,
    /// Distribution name from `/etc/os-release` (`PRETTY_NAME`), when there is one.
    pub os_release: Option<String>,
    /// CPU architecture (`x86_64`, `aarch64`).
    pub arch: String,
    /// Kernel release (`/proc/sys/kernel/osrelease`).
    pub kernel: Option<String>,
    /// Login name (`$USER`, else `$LOGNAME`).
    pub user: Option<String>,
}

/// A file identified by its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedFile {
    /// Relative to the project folder (`/` separators) when inside it, else as given.
    pub path: String,
    /// SHA-256, lowercase hex; `None` when the file could not be read.
    pub sha256: Option<String>,
    /// Size in bytes; `None` when the file could not be read.
    pub size: Option<u64>,
    /// Why the file could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
