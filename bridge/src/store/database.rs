//! Opening the database, the schema check, and reads of MES-owned data.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::error::StoreError;
use super::{guard, schema};
use crate::downtime::OpenDowntime;
use crate::job_order::JobOrder;
use crate::master_data::MappingRow;

/// The bridge's connection to the MES database.
pub struct Store {
    pub(super) conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database, creates or checks the schema, and installs the
    /// guard on MES-owned tables.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        // Other processes (the MES side) use the same file: wait for their short transactions
        // instead of failing, and let readers and the writer work side by side.
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(open_err)?;
        match found {
            0 => {
                conn.execute_batch(schema::CREATE).map_err(open_err)?;
                conn.pragma_update(None, "user_version", schema::SCHEMA_VERSION)
                    .map_err(open_err)?;
            }
            v if v == schema::SCHEMA_VERSION => {}
            other => {
                return Err(StoreError::SchemaVersion {
                    path: path.to_path_buf(),
                    found: other,
                    expected: schema::SCHEMA_VERSION,
                });
            }
        }
        guard::install(&conn);
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA user_version`.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(StoreError::sql("read schema version"))
    }

    /// Copies the write-ahead log into the database file, so the file alone is complete.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(StoreError::sql("checkpoint"))
    }

    /// A job order from the MES, read fresh every time: the MES may change it at any moment.
    pub fn job_order(&self, order_id: &str) -> Result<Option<JobOrder>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT order_id, operation, part_number, revision, batch, equipment_id, status
                 FROM job_orders WHERE order_id = ?1",
            )
            .map_err(StoreError::sql("read job order"))?;
        stmt.query_row(params![order_id], |row| {
            Ok(JobOrder {
                order_id: row.get(0)?,
                operation: row.get(1)?,
                part_number: row.get(2)?,
                revision: row.get(3)?,
                batch: row.get(4)?,
                equipment_id: row.get(5)?,
                status: row.get(6)?,
            })
        })
        .optional()
        .map_err(StoreError::sql("read job order"))
    }

    /// The MES mapping table, in table order.
    pub fn mapping_rows(&self) -> Result<Vec<MappingRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT CAST(device_id AS TEXT), CAST(work_center AS TEXT), CAST(asset_id AS TEXT) FROM equipment_mapping ORDER BY rowid")
            .map_err(StoreError::sql("read equipment mapping"))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(MappingRow {
                    device_id: row.get(0)?,
                    work_center: row.get(1)?,
                    asset_id: row.get(2)?,
                })
            })
            .map_err(StoreError::sql("read equipment mapping"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sql("read equipment mapping"))
    }

    /// The MES work centers.
    pub fn work_centers(&self) -> Result<BTreeSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT CAST(equipment_id AS TEXT) FROM equipment WHERE equipment_id IS NOT NULL",
            )
            .map_err(StoreError::sql("read equipment"))?;
        let rows = stmt
            .query_map([], |row| row.get(0))
            .map_err(StoreError::sql("read equipment"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sql("read equipment"))
    }

    /// The id of the completion already recorded for this order, operation and serial.
    pub fn find_completion(
        &self,
        order_id: &str,
        operation: &str,
        serial: &str,
    ) -> Result<Option<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM production_events WHERE order_id = ?1 AND operation = ?2 AND serial = ?3")
            .map_err(StoreError::sql("find completion"))?;
        stmt.query_row(params![order_id, operation, serial], |row| row.get(0))
            .optional()
            .map_err(StoreError::sql("find completion"))
    }

    /// Downtimes still open, per work center (to resume after a restart).
    pub fn open_downtimes(&self) -> Result<Vec<(String, OpenDowntime)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT equipment_id, id, reason_code, start_ts_ms FROM downtime_events WHERE end_ts_ms IS NULL ORDER BY id")
            .map_err(StoreError::sql("read open downtime"))?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    OpenDowntime {
                        row_id: row.get(1)?,
                        reason: row.get(2)?,
                        start_ms: row.get(3)?,
                    },
                ))
            })
            .map_err(StoreError::sql("read open downtime"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sql("read open downtime"))
    }
}
