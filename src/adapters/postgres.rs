//! The `sql` adapter with `driver: postgres`: a PostgreSQL server, one connection per scenario.
//!
//! Queries run in a READ ONLY transaction with `statement_timeout` set, so a query step cannot
//! change the database and cannot run on past `timeouts.request_ms`; rows are inserted with bound
//! parameters, all rows of a step in one transaction. Statements and outcomes are recorded in
//! `<adapter>.sql.jsonl`, like SQLite's.

use std::str::FromStr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio_postgres::config::Host;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls, SimpleQueryMessage};

use super::postgres_values::{TextParam, quote_qualified, text_to_json};
use super::secrets::{Secrets, read_secret};
use super::tls::error_chain;
use super::transcript::Transcript;
use super::{AdapterError, QueryRows};
use crate::config::AdapterConfig;
use crate::evidence::{AdapterIdentity, AttachmentWriter};

/// Extra time the client gives the server to honour `statement_timeout` before cancelling itself.
const CANCEL_GRACE: Duration = Duration::from_millis(1_000);

/// A PostgreSQL adapter within one scenario.
pub(crate) struct PostgresSlot {
    adapter: String,
    /// The slot\'s transcript (its one attachment file).
    pub(super) transcript: Transcript,
    client: Option<Client>,
    connection: Option<ConnectionTask>,
    endpoint: String,
    timeout: Duration,
    secrets: Secrets,
    /// What the adapter said about itself, once started.
    pub(super) identity: Option<AdapterIdentity>,
}

/// The task driving the connection, stopped if the slot is dropped without `finish`.
struct ConnectionTask(tokio::task::JoinHandle<()>);

impl Drop for ConnectionTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Why a statement failed, before it becomes an [`AdapterError`].
enum Failure {
    Db(tokio_postgres::Error),
    TimedOut,
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Db(e)
    }
}

fn describe_endpoint(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "?".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{host}:{port}/{}",
        config.get_user().unwrap_or("?"),
        config.get_dbname().unwrap_or_default()
    )
}

impl PostgresSlot {
    /// A slot for `adapter` that records into `transcript` (see `SlotTranscript`).
    pub(crate) fn new(adapter: &str, transcript: Transcript) -> Self {
        Self {
            adapter: adapter.to_string(),
            transcript,
            client: None,
            connection: None,
            endpoint: String::new(),
            timeout: Duration::ZERO,
            secrets: Secrets::default(),
            identity: None,
        }
    }

    /// Connects and records the server version.
    pub(crate) async fn start(
        &mut self,
        config: &AdapterConfig,
    ) -> Result<AdapterIdentity, AdapterError> {
        if let Some(identity) = &self.identity {
            return Ok(identity.clone());
        }
        let result = self.connect(config).await;
        if let Err(error) = &result {
            self.transcript.note(
                "connect_failed",
                &json!({ "code": error.code(), "error": error.to_string() }),
            );
        }
        result
    }

    async fn connect(&mut self, config: &AdapterConfig) -> Result<AdapterIdentity, AdapterError> {
        let url = config.url.as_deref().unwrap_or_default();
        let mut pg = Config::from_str(url).map_err(|e| {
            AdapterError::start_failed(
                &self.adapter,
                format!("`url` is not a connection string: {e}"),
            )
        })?;
        self.endpoint = describe_endpoint(&pg);
        self.timeout = Duration::from_millis(config.timeouts.request_ms);
        if let Some(var) = &config.password_env {
            let password = read_secret(&self.adapter, "password_env", var)?;
            self.secrets.add(&password);
            self.transcript.set_secrets(self.secrets.clone());
            pg.password(password);
        }
        pg.application_name("qualify");
        pg.connect_timeout(Duration::from_millis(config.timeouts.start_ms));
        self.transcript.event(
            "connecting",
            &json!({
                "server": self.endpoint,
                "password": config.password_env.as_ref().map(|v| format!("from ${v} (not recorded)")),
                "tls": false,
            }),
        )?;
        let started = Instant::now();
        let connected = tokio::time::timeout(
            Duration::from_millis(config.timeouts.start_ms),
            pg.connect(NoTls),
        )
        .await;
        let (client, connection) = match connected {
            Ok(Ok(pair)) => pair,
            Ok(Err(e)) => return Err(self.connect_error(&e)),
            Err(_) => {
                return Err(AdapterError::NetworkTimeout {
                    adapter: self.adapter.clone(),
                    operation: format!("connecting to {}", self.endpoint),
                    timeout_ms: config.timeouts.start_ms,
                });
            }
        };
        self.connection = Some(ConnectionTask(tokio::spawn(async move {
            // The connection ends with an error when the server goes away; the client's next call
            // reports it (as closed), so nothing is lost by dropping it here.
            let _ = connection.await;
        })));
        let version = match client.simple_query("SHOW server_version").await {
            Ok(messages) => messages.iter().find_map(|m| match m {
                SimpleQueryMessage::Row(row) => row.try_get(0).ok().flatten().map(str::to_string),
                _ => None,
            }),
            Err(e) => return Err(self.lost_or_sql(e, "SHOW server_version")),
        };
        self.client = Some(client);
        self.transcript.event(
            "connected",
            &json!({ "server": self.endpoint, "server_version": version, "ms": started.elapsed().as_secs_f64() * 1000.0 }),
        )?;
        let identity = AdapterIdentity {
            adapter: self.adapter.clone(),
            kind: "sql".to_string(),
            name: Some("PostgreSQL".to_string()),
            version,
            sha256: None,
        };
        self.identity = Some(identity.clone());
        Ok(identity)
    }

    fn connect_error(&self, e: &tokio_postgres::Error) -> AdapterError {
        let reason = self.secrets.redact(&db_message(e)).into_owned();
        let (adapter, endpoint) = (self.adapter.clone(), self.endpoint.clone());
        match e.code() {
            Some(code)
                if *code == SqlState::INVALID_PASSWORD
                    || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                AdapterError::AuthFailed {
                    adapter,
                    endpoint,
                    reason,
                }
            }
            _ => AdapterError::ConnectionFailed {
                adapter,
                endpoint,
                reason,
            },
        }
    }

    fn lost_or_sql(&self, e: tokio_postgres::Error, statement: &str) -> AdapterError {
        if e.is_closed() || (e.as_db_error().is_none() && e.code().is_none()) {
            return AdapterError::ConnectionLost {
                adapter: self.adapter.clone(),
                endpoint: self.endpoint.clone(),
                reason: error_chain(&e),
            };
        }
        match e.code() {
            Some(code) if *code == SqlState::QUERY_CANCELED => AdapterError::SqlTimeout {
                adapter: self.adapter.clone(),
                statement: statement.to_string(),
                timeout_ms: self.timeout_ms(),
            },
            Some(code) if *code == SqlState::READ_ONLY_SQL_TRANSACTION => {
                AdapterError::InvalidRequest {
                    adapter: self.adapter.clone(),
                    problem: format!(
                        "a query step must not change the database ({}); use the table step to insert rows; statement: {statement}",
                        db_message(&e)
                    ),
                }
            }
            _ => AdapterError::Sql {
                adapter: self.adapter.clone(),
                statement: statement.to_string(),
                message: db_message(&e),
            },
        }
    }

    fn timeout_ms(&self) -> u64 {
        self.timeout.as_millis().try_into().unwrap_or(u64::MAX)
    }

    /// Runs `sql` as one statement in a read-only transaction and returns its rows.
    pub(crate) async fn query(&mut self, sql: &str) -> Result<QueryRows, AdapterError> {
        let timeout_ms = self.timeout_ms();
        let Some(client) = self.client.as_mut() else {
            return Err(AdapterError::start_failed(&self.adapter, "not connected"));
        };
        let token = client.cancel_token();
        let work = async {
            let tx = client.build_transaction().read_only(true).start().await?;
            tx.batch_execute(&format!("SET LOCAL statement_timeout = {timeout_ms}"))
                .await?;
            // Preparing first refuses several statements in one string (which could end the
            // read-only transaction) and tells the column types that the text results lack.
            let statement = tx.prepare(sql).await?;
            let types: Vec<_> = statement
                .columns()
                .iter()
                .map(|c| c.type_().clone())
                .collect();
            let columns: Vec<String> = statement
                .columns()
                .iter()
                .map(|c| c.name().to_string())
                .collect();
            let mut rows = Vec::new();
            for message in tx.simple_query(sql).await? {
                if let SimpleQueryMessage::Row(row) = message {
                    let values = types
                        .iter()
                        .enumerate()
                        .map(|(i, ty)| row.try_get(i).map(|text| text_to_json(ty, text)))
                        .collect::<Result<Vec<_>, _>>()?;
                    rows.push(values);
                }
            }
            tx.rollback().await?;
            Ok::<_, tokio_postgres::Error>(QueryRows { columns, rows })
        };
        let result = match tokio::time::timeout(self.timeout + CANCEL_GRACE, work).await {
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(e)) => Err(Failure::Db(e)),
            Err(_) => {
                let _ = token.cancel_query(NoTls).await;
                Err(Failure::TimedOut)
            }
        };
        let result = result.map_err(|f| self.failure(f, sql));
        match &result {
            Ok(rows) => self.transcript.event(
                "query",
                &json!({ "statement": sql, "columns": rows.columns, "rows": rows.rows }),
            )?,
            Err(e) => self.transcript.note(
                "query",
                &json!({ "statement": sql, "code": e.code(), "error": e.to_string() }),
            ),
        }
        result
    }

    fn failure(&self, failure: Failure, statement: &str) -> AdapterError {
        match failure {
            Failure::Db(e) => self.lost_or_sql(e, statement),
            Failure::TimedOut => AdapterError::SqlTimeout {
                adapter: self.adapter.clone(),
                statement: statement.to_string(),
                timeout_ms: self.timeout_ms(),
            },
        }
    }

    /// Inserts `rows` into `table` (`schema.table` allowed) in one transaction.
    pub(crate) async fn insert(
        &mut self,
        table: &str,
        columns: &[String],
        rows: &[Vec<Value>],
    ) -> Result<usize, AdapterError> {
        super::insert_rows::check_shape(columns, rows).map_err(|p| self.invalid(p))?;
        let statement = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote_qualified(table),
            columns
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(", "),
            (1..=columns.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let timeout_ms = self.timeout_ms();
        let Some(client) = self.client.as_mut() else {
            return Err(AdapterError::start_failed(&self.adapter, "not connected"));
        };
        let token = client.cancel_token();
        let work = async {
            let tx = client.transaction().await?;
            tx.batch_execute(&format!("SET LOCAL statement_timeout = {timeout_ms}"))
                .await?;
            let prepared = tx.prepare(&statement).await?;
            for row in rows {
                let params: Vec<TextParam> = row.iter().map(TextParam::from_json).collect();
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
                    .collect();
                tx.execute(&prepared, &refs).await?;
            }
            tx.commit().await?;
            Ok::<_, tokio_postgres::Error>(rows.len())
        };
        let result = match tokio::time::timeout(self.timeout + CANCEL_GRACE, work).await {
            Ok(Ok(n)) => Ok(n),
            Ok(Err(e)) => Err(Failure::Db(e)),
            Err(_) => {
                let _ = token.cancel_query(NoTls).await;
                Err(Failure::TimedOut)
            }
        };
        let result = result.map_err(|f| self.failure(f, &statement));
        match &result {
            Ok(n) => self.transcript.event(
                "insert",
                &json!({ "statement": statement, "columns": columns, "rows": rows, "inserted": n }),
            )?,
            Err(e) => self.transcript.note(
                "insert",
                &json!({ "statement": statement, "columns": columns, "rows": rows, "code": e.code(), "error": e.to_string() }),
            ),
        }
        result
    }

    fn invalid(&self, problem: String) -> AdapterError {
        AdapterError::InvalidRequest {
            adapter: self.adapter.clone(),
            problem,
        }
    }

    /// Closes the connection and hands back the transcript file.
    pub(crate) async fn finish(mut self) -> AttachmentWriter {
        // Dropping the client sends Terminate; the connection task then ends by itself.
        drop(self.client.take());
        if let Some(mut task) = self.connection.take() {
            let _ = tokio::time::timeout(Duration::from_millis(500), &mut task.0).await;
        }
        if self.identity.is_some() {
            self.transcript.note("disconnected", &json!({}));
        }
        self.transcript.into_writer()
    }
}

/// The server's message with SQLSTATE, detail and hint, or the error chain.
fn db_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(&format!("; detail: {detail}"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!("; hint: {hint}"));
            }
            text
        }
        None => error_chain(e),
    }
}
