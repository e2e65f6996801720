//! Adapter declarations in `qualify.yaml`: how to reach each system under test.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::adapter_env::EnvValue;
use super::tls::TlsSettings;

/// Which kind of adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdapterKind {
    /// A long-running child process speaking JSON lines (docs/adapter-protocol.md).
    Process,
    /// A SQL database: an SQLite file or a PostgreSQL server (`driver`).
    Sql,
    /// An MQTT broker (IIoT telemetry, Sparkplug B topic namespace).
    Mqtt,
    /// A REST endpoint (an MES API).
    Http,
}

impl AdapterKind {
    /// The kind as written in qualify.yaml.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Process => "process",
            Self::Sql => "sql",
            Self::Mqtt => "mqtt",
            Self::Http => "http",
        }
    }
}

/// Which database a `sql` adapter talks to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqlDriver {
    /// An SQLite file (`database`), the default.
    #[default]
    Sqlite,
    /// A PostgreSQL server (`url`, password from `password_env`).
    Postgres,
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

/// Time limits for an adapter, in milliseconds. For network adapters `start_ms` bounds connecting
/// (and the TLS handshake), `request_ms` one request, publish acknowledgement or statement, and
/// `shutdown_ms` the orderly disconnect.
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
/// A flat struct rather than a tagged enum so that serde_norway keeps line and column in its errors;
/// `Config::load` checks which fields each kind needs and takes (see docs/configuration.md).
/// Secrets are never written here: they are named by the environment variable that holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdapterConfig {
    /// `process`, `sql`, `mqtt` or `http`.
    pub kind: AdapterKind,
    /// process: program and arguments. A relative program path containing `/` is resolved
    /// against the config file's folder; a bare name is looked up on `PATH`.
    #[serde(default)]
    pub command: Vec<String>,
    /// process: environment variables set for the program, each a literal value or
    /// `{from_env: VAR}` (taken from qualify's environment at start; see docs/configuration.md).
    #[serde(default)]
    pub env: BTreeMap<String, EnvValue>,
    /// process: variables of qualify's environment the program inherits unchanged even though
    /// the scrubbed default environment leaves them out (secret-looking names).
    #[serde(default)]
    pub pass_env: Vec<String>,
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
    /// sql: `sqlite` (default) or `postgres`.
    #[serde(default)]
    pub driver: SqlDriver,
    /// mqtt: the broker (`mqtt://host:1883`, `mqtts://host:8883`); http: the base URL;
    /// sql with `driver: postgres`: the connection string (URL or `key=value` form), without a
    /// password.
    #[serde(default)]
    pub url: Option<String>,
    /// mqtt: user name for the broker.
    #[serde(default)]
    pub username: Option<String>,
    /// mqtt, postgres: the environment variable that holds the password. The password itself is
    /// never written to evidence.
    #[serde(default)]
    pub password_env: Option<String>,
    /// mqtt: client id prefix; each connection appends `-<pid>-<n>` so that concurrent scenarios
    /// do not take over each other's session (default `qualify-<adapter>`).
    #[serde(default)]
    pub client_id: Option<String>,
    /// mqtt: topic filters subscribed as soon as the connection is up, before any step runs.
    #[serde(default)]
    pub subscribe: Vec<String>,
    /// mqtt, http: TLS settings (a private CA, a client certificate).
    #[serde(default)]
    pub tls: Option<TlsSettings>,
    /// http: headers sent with every request (not secret: they are recorded as evidence).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// http: the environment variable that holds a bearer token, sent as
    /// `Authorization: Bearer ...` and redacted from evidence.
    #[serde(default)]
    pub bearer_token_env: Option<String>,
}

impl AdapterConfig {
    /// An adapter of `kind` with every other field at its default; set the fields the kind needs.
    pub fn new(kind: AdapterKind) -> Self {
        Self {
            kind,
            command: Vec::new(),
            env: BTreeMap::new(),
            pass_env: Vec::new(),
            isolation: Isolation::default(),
            timeouts: Timeouts::default(),
            database: None,
            driver: SqlDriver::default(),
            url: None,
            username: None,
            password_env: None,
            client_id: None,
            subscribe: Vec::new(),
            tls: None,
            headers: BTreeMap::new(),
            bearer_token_env: None,
        }
    }
}
