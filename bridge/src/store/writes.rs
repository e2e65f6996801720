//! Writes to bridge-owned tables. Each write is one statement (its own transaction), so a record
//! is either fully there or not at all, and the MES side never waits long for the lock.

use rusqlite::{OptionalExtension, params};

use super::database::Store;
use super::error::StoreError;
use super::records::{CompletionRecord, EventSource, QuarantineEntry};
use crate::timestamp::{EpochMs, iso_from_ms, now_ms};

impl Store {
    /// Records a completion. Its cycle time is the gap to the previous completion of the same
    /// order on the same work center, by source time (`NULL` for the first one).
    pub fn insert_completion(
        &self,
        record: &CompletionRecord,
    ) -> Result<(i64, Option<i64>), StoreError> {
        let c = &record.context;
        let previous: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT MAX(source_ts_ms) FROM production_events
                 WHERE equipment_id = ?1 AND order_id = ?2 AND source_ts_ms <= ?3",
            )
            .and_then(|mut stmt| {
                stmt.query_row(
                    params![c.equipment_id, c.order_id, record.source_ms],
                    |row| row.get(0),
                )
            })
            .optional()
            .map_err(StoreError::sql("read previous completion"))?
            .flatten();
        let cycle_time = previous.map(|p| record.source_ms - p);
        self.conn
            .prepare_cached(
                "INSERT INTO production_events (order_id, operation, part_number, revision, serial, batch,
                     equipment_id, asset_id, device_id, result, source_time, source_ts_ms, received_time,
                     historical, cycle_time_ms, origin)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    c.order_id,
                    c.operation,
                    c.part_number,
                    c.revision,
                    c.serial,
                    c.batch,
                    c.equipment_id,
                    c.asset_id,
                    record.device_id,
                    record.result.as_str(),
                    iso_from_ms(record.source_ms),
                    record.source_ms,
                    iso_from_ms(record.received_ms),
                    record.historical,
                    cycle_time,
                    record.origin.as_str(),
                ])
            })
            .map_err(StoreError::sql("insert completion"))?;
        Ok((self.conn.last_insert_rowid(), cycle_time))
    }

    /// Starts a downtime at the event's source time; returns its row id.
    pub fn open_downtime(&self, event: &EventSource<'_>, reason: &str) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO downtime_events (equipment_id, asset_id, device_id, reason_code, start_time,
                     start_ts_ms, historical, received_time)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    event.equipment_id,
                    event.asset_id,
                    event.device_id,
                    reason,
                    iso_from_ms(event.source_ms),
                    event.source_ms,
                    event.historical,
                    iso_from_ms(event.received_ms)
                ])
            })
            .map_err(StoreError::sql("open downtime"))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Ends a downtime.
    pub fn close_downtime(
        &self,
        row_id: i64,
        start_ms: EpochMs,
        end_ms: EpochMs,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE downtime_events SET end_time = ?2, end_ts_ms = ?3, duration_ms = ?4 WHERE id = ?1")
            .and_then(|mut stmt| stmt.execute(params![row_id, iso_from_ms(end_ms), end_ms, end_ms - start_ms]))
            .map_err(StoreError::sql("close downtime"))?;
        Ok(())
    }

    /// Records an event for the MES to act on (never a change of MES data).
    pub fn insert_order_event(
        &self,
        event: &EventSource<'_>,
        order_id: &str,
        event_type: &str,
    ) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO order_events (order_id, event_type, equipment_id, device_id, source_time,
                     received_time, historical)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    order_id,
                    event_type,
                    event.equipment_id,
                    event.device_id,
                    iso_from_ms(event.source_ms),
                    iso_from_ms(event.received_ms),
                    event.historical
                ])
            })
            .map_err(StoreError::sql("insert order event"))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Keeps a refused message for review.
    pub fn quarantine(&self, entry: &QuarantineEntry) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO quarantine (received_time, reason_code, origin, device_id, topic, reason, message, details)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    iso_from_ms(entry.received_ms),
                    entry.reason_code,
                    entry.origin.as_str(),
                    entry.device_id,
                    entry.topic,
                    entry.reason,
                    entry.message,
                    entry.details
                ])
            })
            .map_err(StoreError::sql("insert quarantine"))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Appends to the bridge's own log.
    pub fn log(&self, level: &str, event: &str, detail: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO bridge_log (time, level, event, detail) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut stmt| stmt.execute(params![iso_from_ms(now_ms()), level, event, detail]))
            .map_err(StoreError::sql("write bridge log"))?;
        Ok(())
    }
}
