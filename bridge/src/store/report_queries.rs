//! Aggregates for reports: completions and downtime of a work center in a time window.

use rusqlite::params;

use super::database::Store;
use super::error::StoreError;
use super::records::{CountsByPart, DowntimeSpan};
use crate::timestamp::EpochMs;

impl Store {
    /// Completions with source time in `[from, to)`, per part number.
    pub fn counts_by_part(
        &self,
        equipment_id: &str,
        from: EpochMs,
        to: EpochMs,
    ) -> Result<Vec<CountsByPart>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT part_number, COUNT(*), SUM(result = 'good') FROM production_events
                 WHERE equipment_id = ?1 AND source_ts_ms >= ?2 AND source_ts_ms < ?3
                 GROUP BY part_number ORDER BY part_number",
            )
            .map_err(StoreError::sql("count completions"))?;
        let rows = stmt
            .query_map(params![equipment_id, from, to], |row| {
                Ok(CountsByPart {
                    part_number: row.get(0)?,
                    total: row.get(1)?,
                    good: row.get(2)?,
                })
            })
            .map_err(StoreError::sql("count completions"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sql("count completions"))
    }

    /// Downtimes overlapping `[from, to)` (open ones included).
    pub fn downtime_overlapping(
        &self,
        equipment_id: &str,
        from: EpochMs,
        to: EpochMs,
    ) -> Result<Vec<DowntimeSpan>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT reason_code, start_ts_ms, end_ts_ms FROM downtime_events
                 WHERE equipment_id = ?1 AND start_ts_ms < ?3 AND (end_ts_ms IS NULL OR end_ts_ms > ?2)
                 ORDER BY start_ts_ms",
            )
            .map_err(StoreError::sql("read downtime"))?;
        let rows = stmt
            .query_map(params![equipment_id, from, to], |row| {
                Ok(DowntimeSpan {
                    reason: row.get(0)?,
                    start_ms: row.get(1)?,
                    end_ms: row.get(2)?,
                })
            })
            .map_err(StoreError::sql("read downtime"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sql("read downtime"))
    }
}
