//! The `sql` adapter: a SQLite database file, queried and seeded by steps.
//!
//! Statements run on the blocking pool (SQLite may wait on locks held by the system under test)
//! and are interrupted after `timeouts.request_ms`. Every statement and its outcome is recorded in
//! `<adapter>.sql.jsonl`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags, params_from_iter};
use serde_json::{Number, Value, json};

use super::program::hash_blocking;
use super::transcript::Transcript;
use super::{AdapterError, QueryRows};
use crate::config::AdapterConfig;
use crate::evidence::{AdapterIdentity, AttachmentWriter};

/// Why a statement did not run.
enum Failure {
    Sqlite(rusqlite::Error),
    Refused(String),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

/// A SQL adapter within one scenario.
pub(crate) struct SqlSlot {
    adapter: String,
    /// The slot\'s transcript (its one attachment file).
    pub(super) transcript: Transcript,
    conn: Option<Connection>,
    timeout: Duration,
    /// What the adapter said about itself, once started.
    pub(super) identity: Option<AdapterIdentity>,
}

impl SqlSlot {
    /// A slot for `adapter` that records into `transcript` (see `SlotTranscript`).
    pub(crate) fn new(adapter: &str, transcript: Transcript) -> Self {
        Self {
            adapter: adapter.to_string(),
            transcript,
            conn: None,
            timeout: Duration::ZERO,
            identity: None,
        }
    }

    /// Opens the database (it must exist) and fingerprints the file.
    pub(crate) async fn start(
        &mut self,
        config: &AdapterConfig,
        scenario_dir: &Path,
    ) -> Result<AdapterIdentity, AdapterError> {
        let Some(database) = &config.database else {
            return Err(self.open_failed("no `database` is configured".to_string()));
        };
        let path: PathBuf = scenario_dir.join(database);
        let opened = tokio::task::spawn_blocking({
            let path = path.clone();
            move || -> Result<Connection, String> {
                if !path.is_file() {
                    return Err(format!(
                        "the database file {} does not exist (a relative `database` is resolved against the scenario's working folder)",
                        path.display()
                    ));
                }
                let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                Connection::open_with_flags(&path, flags).map_err(|e| format!("cannot open {}: {e}", path.display()))
            }
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
        let conn = opened.map_err(|reason| self.open_failed(reason))?;
        self.timeout = Duration::from_millis(config.timeouts.request_ms);
        // The system under test may hold a write lock for a moment; wait for it like for a request.
        conn.busy_timeout(self.timeout)
            .map_err(|e| self.open_failed(format!("cannot configure SQLite: {e}")))?;
        let sha256 = hash_blocking(path.clone())
            .await
            .map_err(|e| self.open_failed(format!("cannot read {}: {e}", path.display())))?;
        let identity = AdapterIdentity {
            adapter: self.adapter.clone(),
            kind: "sql".to_string(),
            name: Some("SQLite".to_string()),
            version: Some(rusqlite::version().to_string()),
            sha256: Some(sha256.clone()),
        };
        self.transcript.event(
            "opened",
            &json!({ "database": path, "sha256_at_open": sha256, "sqlite_version": rusqlite::version() }),
        )?;
        self.conn = Some(conn);
        self.identity = Some(identity.clone());
        Ok(identity)
    }

    fn open_failed(&mut self, reason: String) -> AdapterError {
        self.transcript
            .note("open_failed", &json!({ "error": reason }));
        AdapterError::start_failed(&self.adapter, reason)
    }

    /// Runs a read-only query and returns its rows.
    pub(crate) async fn query(&mut self, sql: &str) -> Result<QueryRows, AdapterError> {
        let statement = sql.to_string();
        let result = self
            .run(sql, move |conn| {
                let mut stmt = conn.prepare(&statement)?;
                if !stmt.readonly() {
                    return Err(Failure::Refused(
                        "a query step must not change the database; use the table step to insert rows".to_string(),
                    ));
                }
                let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_string).collect();
                let width = columns.len();
                let mut rows = Vec::new();
                let mut cursor = stmt.query([])?;
                while let Some(row) = cursor.next()? {
                    let values = (0..width).map(|i| row.get_ref(i).map(to_json)).collect::<Result<Vec<_>, _>>()?;
                    rows.push(values);
                }
                Ok(QueryRows { columns, rows })
            })
            .await;
        match &result {
            Ok(rows) => self.transcript.event(
                "query",
                &json!({ "statement": sql, "columns": rows.columns, "rows": rows.rows }),
            )?,
            Err(e) => self.transcript.note(
                "query",
                &json!({ "statement": sql, "error": e.to_string() }),
            ),
        }
        result
    }

    /// Inserts `rows` into `table` in one transaction; returns the number of rows inserted.
    pub(crate) async fn insert(
        &mut self,
        table: &str,
        columns: &[String],
        rows: &[Vec<Value>],
    ) -> Result<usize, AdapterError> {
        super::insert_rows::check_shape(columns, rows).map_err(|p| self.invalid(p))?;
        let statement = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote_identifier(table),
            columns
                .iter()
                .map(|c| quote_identifier(c))
                .collect::<Vec<_>>()
                .join(", "),
            vec!["?"; columns.len()].join(", ")
        );
        let owned_rows = rows.to_vec();
        let sql = statement.clone();
        let result = self
            .run(&statement, move |conn| {
                let tx = conn.transaction()?;
                {
                    let mut stmt = tx.prepare(&sql)?;
                    for row in &owned_rows {
                        stmt.execute(params_from_iter(row.iter().map(to_sql)))?;
                    }
                }
                tx.commit()?;
                Ok(owned_rows.len())
            })
            .await;
        let detail = match &result {
            Ok(n) => {
                json!({ "statement": statement, "columns": columns, "rows": rows, "inserted": n })
            }
            Err(e) => {
                json!({ "statement": statement, "columns": columns, "rows": rows, "error": e.to_string() })
            }
        };
        match &result {
            Ok(_) => self.transcript.event("insert", &detail)?,
            Err(_) => self.transcript.note("insert", &detail),
        }
        result
    }

    fn invalid(&self, problem: String) -> AdapterError {
        AdapterError::InvalidRequest {
            adapter: self.adapter.clone(),
            problem,
        }
    }

    /// Runs `work` on the blocking pool with the connection, interrupting it after the timeout.
    async fn run<T: Send + 'static>(
        &mut self,
        statement: &str,
        work: impl FnOnce(&mut Connection) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, AdapterError> {
        let Some(conn) = self.conn.take() else {
            return Err(AdapterError::start_failed(
                &self.adapter,
                "the database connection is not open",
            ));
        };
        let interrupt = conn.get_interrupt_handle();
        let mut task = tokio::task::spawn_blocking(move || {
            let mut conn = conn;
            let result = work(&mut conn);
            (conn, result)
        });
        let (joined, interrupted) = match tokio::time::timeout(self.timeout, &mut task).await {
            Ok(joined) => (joined, false),
            Err(_) => {
                interrupt.interrupt();
                (task.await, true)
            }
        };
        let (conn, result) = joined.map_err(|e| AdapterError::Sql {
            adapter: self.adapter.clone(),
            statement: statement.to_string(),
            message: format!("the database call failed: {e}"),
        })?;
        self.conn = Some(conn);
        match result {
            Ok(value) => Ok(value),
            Err(_) if interrupted => Err(AdapterError::SqlTimeout {
                adapter: self.adapter.clone(),
                statement: statement.to_string(),
                timeout_ms: self.timeout.as_millis().try_into().unwrap_or(u64::MAX),
            }),
            Err(Failure::Refused(problem)) => {
                Err(self.invalid(format!("{problem}; statement: {statement}")))
            }
            Err(Failure::Sqlite(e)) => Err(AdapterError::Sql {
                adapter: self.adapter.clone(),
                statement: statement.to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// Closes the connection and hands back the transcript file.
    pub(crate) async fn finish(mut self) -> AttachmentWriter {
        if let Some(conn) = self.conn.take() {
            // Closing may checkpoint a write-ahead log: keep that off the scenario thread.
            let _ = tokio::task::spawn_blocking(move || drop(conn)).await;
        }
        self.transcript.into_writer()
    }
}

/// A SQLite identifier in double quotes, inner quotes doubled, so any name is safe.
pub(crate) fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn to_json(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Number(i.into()),
        // Infinities have no JSON number; keep them readable rather than losing them.
        ValueRef::Real(f) => {
            Number::from_f64(f).map_or_else(|| Value::String(f.to_string()), Value::Number)
        }
        ValueRef::Text(bytes) => Value::String(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(bytes) => Value::String(hex::encode(bytes)),
    }
}

fn to_sql(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        // Nested JSON is stored as its text, as SQLite's JSON functions expect.
        other => SqlValue::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_values() {
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
        assert_eq!(to_json(ValueRef::Blob(&[0xde, 0xad])), json!("dead"));
        assert_eq!(to_json(ValueRef::Real(1.5)), json!(1.5));
        assert_eq!(to_json(ValueRef::Real(f64::INFINITY)), json!("inf"));
        assert_eq!(to_sql(&json!(true)), SqlValue::Integer(1));
        assert_eq!(to_sql(&json!(2.5)), SqlValue::Real(2.5));
        assert_eq!(to_sql(&json!({"a": 1})), SqlValue::Text("{\"a\":1}".into()));
    }
}
