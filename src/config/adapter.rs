//! Adapter declarations in `qualify.yaml`: how to reach each system under test.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Which kind of adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdapterKind {
    /// A long-running child process speaking JSON lines (docs/adapter-protocol.md).
    Process,
    /// A SQL database (SQLite).
    Sql,
}

/// How scenarios are kept apart when they use the same process adapter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Isolation {
    /// A fresh process per scenario, started in the scenario's working folder (the default).
    #[default]
    Process,
    /// Pooled processes; each scenario begins with a `reset` request naming its working folder.
    /// The adapter must announce the `reset` capability in its `hello` answer.
    Reset,
    /// One process for the whole campaign, shared by all scenarios (state leaks between them;
    /// use only when the config says so on purpose).
    Shared,
}

/// Time limits for a process adapter, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Timeouts {
    /// From spawning until the `hello` answer.
    pub start_ms: u64,
    /// From writing a request until its response line.
    pub request_ms: u64,
    /// From closing stdin until the process must have exited (then it is killed).
    pub shutdown_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            start_ms: 10_000,
            request_ms: 10_000,
            shutdown_ms: 3_000,
        }
    }
}

/// One adapter as written in `qualify.yaml` (`adapters: { name: {...} }`).
///
/// A flat struct rather than a tagged enum so that serde_yaml keeps line and column in its errors;
/// [`AdapterConfig::validate`](crate::config) checks the fields each kind needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdapterConfig {
    /// `process` or `sql`.
    pub kind: AdapterKind,
    /// process: program and arguments. A relative program path containing `/` is resolved
    /// against the config file's folder; a bare name is looked up on `PATH`.
    #[serde(default)]
    pub command: Vec<String>,
    /// process: extra environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// process: scenario isolation.
    #[serde(default)]
    pub isolation: Isolation,
    /// process: time limits.
    #[serde(default)]
    pub timeouts: Timeouts,
    /// sql: the SQLite database file. Relative paths are resolved against the scenario's working
    /// folder, so a database created there by a process adapter is the one queried.
    #[serde(default)]
    pub database: Option<PathBuf>,
}
