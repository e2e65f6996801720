//! What can go wrong when a step talks to an adapter.
//!
//! Every variant fails the step, never the tool: the campaign goes on and the evidence written
//! so far is kept. [`AdapterError::code`] is the machine-readable reason from
//! `docs/adapter-protocol.md`; the `Display` text says what happened and what to do about it.
//! The text is self-contained (it already carries the OS or SQLite message) because step failures
//! are shown to validation engineers as one message, so no variant chains a `source`.

use std::io;

use thiserror::Error;

/// A failure while starting, using or stopping an adapter.
#[derive(Debug, Error)]
pub enum AdapterError {
    /// The step names an adapter that `qualify.yaml` does not declare.
    #[error(
        "unknown adapter \"{name}\": qualify.yaml declares {}; check the spelling in the step or add the adapter under `adapters:`",
        known_list(.known)
    )]
    UnknownAdapter {
        /// The name used in the step.
        name: String,
        /// The names declared in qualify.yaml, sorted.
        known: Vec<String>,
    },

    /// The step needs another kind of adapter (a SQL query sent to a process adapter, ...).
    #[error(
        "adapter \"{adapter}\" is a {actual} adapter and cannot {operation}; use a step meant for {actual} adapters or name another adapter"
    )]
    WrongKind {
        /// Adapter name.
        adapter: String,
        /// `process`, `sql`, `mqtt` or `http`.
        actual: &'static str,
        /// What the step tried to do.
        operation: &'static str,
    },

    /// The step's own input cannot be sent (a reserved kind, a table row of the wrong width, ...).
    #[error("invalid request to adapter \"{adapter}\": {problem}")]
    InvalidRequest {
        /// Adapter name.
        adapter: String,
        /// What is wrong and how to fix it.
        problem: String,
    },

    /// The program could not be started, or its `hello` answer was unusable.
    #[error(
        "adapter \"{adapter}\" could not be started: {reason}; check its settings in qualify.yaml (`command`, `database`, `url`, `tls`, the environment variables it names)"
    )]
    StartFailed {
        /// Adapter name.
        adapter: String,
        /// What went wrong, with the resolved program or file path and the OS error.
        reason: String,
    },

    /// No `hello` answer within `timeouts.start_ms`.
    #[error(
        "adapter \"{adapter}\" did not answer `hello` within {timeout_ms} ms and was killed; make sure it reads requests from stdin and flushes each answer line, or raise `timeouts.start_ms`{stderr}"
    )]
    StartTimeout {
        /// Adapter name.
        adapter: String,
        /// The limit that elapsed.
        timeout_ms: u64,
        /// Where its standard error went and how it ended.
        stderr: StderrReport,
    },

    /// No response within `timeouts.request_ms` (the process was killed).
    #[error(
        "adapter \"{adapter}\" did not answer the \"{kind}\" request within {timeout_ms} ms and was killed; look at its stderr log, or raise `timeouts.request_ms` if the work is legitimately slow{stderr}"
    )]
    Timeout {
        /// Adapter name.
        adapter: String,
        /// Kind of the request that got no answer.
        kind: String,
        /// The limit that elapsed.
        timeout_ms: u64,
        /// Where its standard error went and how it ended.
        stderr: StderrReport,
    },

    /// The process exited (or closed its output) while a request was pending.
    #[error(
        "adapter \"{adapter}\" exited while the \"{kind}\" request was pending ({status}){stderr}"
    )]
    Crashed {
        /// Adapter name.
        adapter: String,
        /// Kind of the pending request.
        kind: String,
        /// Exit status as the operating system reports it.
        status: String,
        /// Where its standard error went and how it ended.
        stderr: StderrReport,
    },

    /// A standard output line that is not a response of the expected shape, or has the wrong id.
    #[error(
        "adapter \"{adapter}\" broke the protocol answering the \"{kind}\" request: {problem}; offending line: {line}; see docs/adapter-protocol.md"
    )]
    Protocol {
        /// Adapter name.
        adapter: String,
        /// Kind of the pending request.
        kind: String,
        /// What is wrong with the line.
        problem: String,
        /// The line (shortened when long).
        line: String,
    },

    /// The adapter failed earlier in this scenario; it is not restarted behind the scenario's back.
    #[error(
        "adapter \"{adapter}\" failed earlier in this scenario ({code}: {summary}); it is not restarted within a scenario, the next scenario gets a new one"
    )]
    FailedEarlier {
        /// Adapter name.
        adapter: String,
        /// Code of the original failure.
        code: &'static str,
        /// First line of the original failure message.
        summary: String,
    },

    /// SQLite refused a statement.
    #[error(
        "SQL error on adapter \"{adapter}\": {message}; statement: {statement}; check table and column names against the database schema"
    )]
    Sql {
        /// Adapter name.
        adapter: String,
        /// The statement as given.
        statement: String,
        /// SQLite's message.
        message: String,
    },

    /// A SQL statement ran longer than `timeouts.request_ms` and was interrupted.
    #[error(
        "SQL statement on adapter \"{adapter}\" did not finish within {timeout_ms} ms and was interrupted; statement: {statement}; simplify the query or raise `timeouts.request_ms`"
    )]
    SqlTimeout {
        /// Adapter name.
        adapter: String,
        /// The statement as given.
        statement: String,
        /// The limit that elapsed.
        timeout_ms: u64,
    },

    /// A network adapter could not reach its server (refused, unreachable, name not resolved).
    #[error(
        "adapter \"{adapter}\" could not connect to {endpoint}: {reason}; check that the server is running and `url` in qualify.yaml"
    )]
    ConnectionFailed {
        /// Adapter name.
        adapter: String,
        /// The server as configured (never with credentials).
        endpoint: String,
        /// The OS or protocol error.
        reason: String,
    },

    /// The server refused the credentials.
    #[error(
        "adapter \"{adapter}\": {endpoint} refused the credentials: {reason}; check the user name and the environment variable named by `password_env` / `bearer_token_env`"
    )]
    AuthFailed {
        /// Adapter name.
        adapter: String,
        /// The server.
        endpoint: String,
        /// What the server said.
        reason: String,
    },

    /// The TLS handshake failed (unknown CA, wrong host name, expired certificate, ...).
    #[error(
        "adapter \"{adapter}\": TLS with {endpoint} failed: {reason}; check `tls.ca_file` (the CA that signed the server's certificate) and that the URL's host is named in the certificate"
    )]
    Tls {
        /// Adapter name.
        adapter: String,
        /// The server.
        endpoint: String,
        /// The TLS error.
        reason: String,
    },

    /// An established connection broke (broker or database stopped, network gone).
    #[error(
        "adapter \"{adapter}\" lost its connection to {endpoint}: {reason}; it is not reconnected within a scenario (messages may have been missed), the next scenario connects anew"
    )]
    ConnectionLost {
        /// Adapter name.
        adapter: String,
        /// The server.
        endpoint: String,
        /// What was observed.
        reason: String,
    },

    /// A network operation (connect, publish acknowledgement, HTTP exchange) took too long.
    #[error(
        "adapter \"{adapter}\": no answer within {timeout_ms} ms to {operation}; check the server, or raise `timeouts` in qualify.yaml if it is legitimately slow"
    )]
    NetworkTimeout {
        /// Adapter name.
        adapter: String,
        /// What was waited for.
        operation: String,
        /// The limit that elapsed.
        timeout_ms: u64,
    },

    /// An HTTP server answered with a 5xx status: the system under test failed.
    #[error("adapter \"{adapter}\": {method} {url} answered {status} (server error); body: {body}")]
    HttpServerError {
        /// Adapter name.
        adapter: String,
        /// Request method.
        method: String,
        /// Request URL.
        url: String,
        /// Status code.
        status: u16,
        /// The start of the response body.
        body: String,
    },

    /// The broker refused a subscription (an ACL, an invalid filter).
    #[error(
        "adapter \"{adapter}\": the broker refused the subscription to \"{filter}\"; check the broker's access control for this user"
    )]
    SubscriptionRefused {
        /// Adapter name.
        adapter: String,
        /// The topic filter.
        filter: String,
    },

    /// Traffic could not be written to the evidence package: what is not recorded is not evidence.
    #[error(
        "could not write the evidence file {path} for adapter \"{adapter}\": {error}; check free disk space and permissions of the output folder"
    )]
    Evidence {
        /// Adapter name.
        adapter: String,
        /// Attachment path relative to the package root.
        path: String,
        /// The I/O error.
        error: io::Error,
    },
}

impl AdapterError {
    /// The machine-readable reason code (`adapter_timeout`, `sql_error`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownAdapter { .. } => "unknown_adapter",
            Self::WrongKind { .. } => "adapter_kind_mismatch",
            Self::InvalidRequest { .. } => "invalid_request",
            Self::StartFailed { .. } => "adapter_start_failed",
            Self::StartTimeout { .. } => "adapter_start_timeout",
            Self::Timeout { .. } | Self::SqlTimeout { .. } => "adapter_timeout",
            Self::Crashed { .. } => "adapter_crashed",
            Self::Protocol { .. } => "adapter_protocol_error",
            Self::FailedEarlier { .. } => "adapter_failed_earlier",
            Self::Sql { .. } => "sql_error",
            Self::Evidence { .. } => "evidence_write_failed",
            Self::ConnectionFailed { .. } => "adapter_connection_failed",
            Self::AuthFailed { .. } => "adapter_auth_failed",
            Self::Tls { .. } => "adapter_tls_error",
            Self::ConnectionLost { .. } => "adapter_connection_lost",
            Self::NetworkTimeout { .. } => "adapter_timeout",
            Self::HttpServerError { .. } => "http_server_error",
            Self::SubscriptionRefused { .. } => "mqtt_subscription_refused",
        }
    }

    /// The adapter name the error is about.
    pub fn adapter(&self) -> &str {
        match self {
            Self::UnknownAdapter { name, .. } => name,
            Self::WrongKind { adapter, .. }
            | Self::InvalidRequest { adapter, .. }
            | Self::StartFailed { adapter, .. }
            | Self::StartTimeout { adapter, .. }
            | Self::Timeout { adapter, .. }
            | Self::Crashed { adapter, .. }
            | Self::Protocol { adapter, .. }
            | Self::FailedEarlier { adapter, .. }
            | Self::Sql { adapter, .. }
            | Self::SqlTimeout { adapter, .. }
            | Self::Evidence { adapter, .. }
            | Self::ConnectionFailed { adapter, .. }
            | Self::AuthFailed { adapter, .. }
            | Self::Tls { adapter, .. }
            | Self::ConnectionLost { adapter, .. }
            | Self::NetworkTimeout { adapter, .. }
            | Self::HttpServerError { adapter, .. }
            | Self::SubscriptionRefused { adapter, .. } => adapter,
        }
    }

    /// A start failure.
    pub(crate) fn start_failed(adapter: &str, reason: impl Into<String>) -> Self {
        Self::StartFailed {
            adapter: adapter.to_string(),
            reason: reason.into(),
        }
    }

    /// The message without the standard error part, for [`AdapterError::FailedEarlier`].
    pub(crate) fn summary(&self) -> String {
        let text = self.to_string();
        let first = text.lines().next().unwrap_or_default();
        match first.find(STDERR_INTRO) {
            Some(at) => first.get(..at).unwrap_or(first).to_string(),
            None => first.to_string(),
        }
    }
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "no adapters".to_string()
    } else {
        known
            .iter()
            .map(|k| format!("\"{k}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where the standard error part of a message begins (what [`AdapterError::summary`] cuts off).
const STDERR_INTRO: &str = "; standard error: ";

/// What a failed process left on its standard error: the log file in the evidence package that
/// holds all of it, and its last lines. Shown at the end of a failure message so that an operator
/// knows where to look, and is told plainly when there is nothing to look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StderrReport {
    /// The log's path inside the evidence package (`attachments/<scenario>/<adapter>.stderr.log`),
    /// when one was being written.
    pub log: Option<String>,
    /// The last lines (at most 20), secrets redacted.
    pub tail: String,
}

impl std::fmt::Display for StderrReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tail = self.tail.trim_end();
        match (&self.log, tail.is_empty()) {
            (Some(log), true) => write!(
                f,
                "{STDERR_INTRO}it wrote nothing (its log {log} in the evidence package is empty)"
            ),
            (None, true) => write!(f, "{STDERR_INTRO}it wrote nothing"),
            (Some(log), false) => write!(
                f,
                "{STDERR_INTRO}all of it is in {log} in the evidence package; it ends with:\n{tail}"
            ),
            (None, false) => write!(f, "{STDERR_INTRO}it ends with:\n{tail}"),
        }
    }
}
