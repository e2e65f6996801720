//! Writing admitted events: completion records, downtime rows, order events for the MES.

use serde_json::{Value, json};

use super::admitted::{Admitted, AdmittedKind};
use crate::bridge::Bridge;
use crate::downtime::{OpenDowntime, Transition};
use crate::events::MachineState;
use crate::rejection::Rejection;
use crate::store::{CompletionRecord, EventSource, StoreError};
use crate::timestamp::iso_from_ms;

/// The order-event type for "the device says this order is complete".
pub const COMPLETION_REPORTED: &str = "completion_reported";

impl Bridge {
    /// `flush`: releases and commits everything in the reorder buffer.
    pub fn flush(&mut self) -> Result<Value, Rejection> {
        let due = self.buffer.flush();
        let committed = self.commit_all(due)?;
        if !committed.is_empty() {
            self.log(
                "info",
                "flush",
                &format!("{} event(s) committed", committed.len()),
            );
        }
        Ok(json!({"count": committed.len(), "committed": committed}))
    }

    /// Commits events in the order given. Every event is attempted even if one fails, so a
    /// storage problem with one never loses the others; the first failure is returned.
    pub(super) fn commit_all(&mut self, items: Vec<Admitted>) -> Result<Vec<Value>, Rejection> {
        let mut committed = Vec::with_capacity(items.len());
        let mut first_error = None;
        for item in items {
            if let Some(key) = item.completion_key() {
                self.buffered_keys.remove(&key);
            }
            match self.commit(&item) {
                Ok(value) => committed.push(value),
                Err(err) => {
                    eprintln!(
                        "commit failed for {:?} at {}: {err}",
                        item.kind,
                        iso_from_ms(item.source_ms)
                    );
                    self.log("error", "commit_failed", &format!("{:?}: {err}", item.kind));
                    first_error.get_or_insert(Rejection::storage(&err));
                }
            }
        }
        match first_error {
            Some(rejection) => Err(rejection),
            None => Ok(committed),
        }
    }

    fn commit(&mut self, item: &Admitted) -> Result<Value, StoreError> {
        let work_center = &item.mapping.work_center;
        match &item.kind {
            AdmittedKind::Completion { context, result } => {
                let record = CompletionRecord {
                    context: context.clone(),
                    device_id: item.device_id.clone(),
                    result: *result,
                    source_ms: item.source_ms,
                    received_ms: item.received_ms,
                    historical: item.historical,
                    origin: item.origin,
                };
                let (id, cycle_time_ms) = self.store.insert_completion(&record)?;
                Ok(json!({
                    "table": "production_events", "id": id, "serial": context.serial,
                    "source_time": iso_from_ms(item.source_ms), "historical": item.historical,
                    "cycle_time_ms": cycle_time_ms,
                }))
            }
            AdmittedKind::State(state) => {
                let mut changes = Vec::new();
                let (close, open) = match self.downtime.transition(work_center, state) {
                    Transition::Unchanged => (None, None),
                    Transition::Open(reason) => (None, Some(reason)),
                    Transition::Close(open) => (Some(open), None),
                    Transition::Replace(open, reason) => (Some(open), Some(reason)),
                };
                if let Some(open) = close {
                    self.store
                        .close_downtime(open.row_id, open.start_ms, item.source_ms)?;
                    self.downtime.closed(work_center);
                    changes.push(
                        json!({"action": "closed", "id": open.row_id, "reason": open.reason,
                                        "duration_ms": item.source_ms - open.start_ms}),
                    );
                }
                if let Some(reason) = open {
                    let row_id = self.store.open_downtime(&source(item), &reason)?;
                    self.downtime.opened(
                        work_center,
                        OpenDowntime {
                            row_id,
                            reason: reason.clone(),
                            start_ms: item.source_ms,
                        },
                    );
                    changes.push(json!({"action": "opened", "id": row_id, "reason": reason}));
                }
                let state = match state {
                    MachineState::Running => "RUNNING",
                    MachineState::Down { .. } => "DOWN",
                };
                Ok(
                    json!({"table": "downtime_events", "state": state, "changes": changes,
                          "source_time": iso_from_ms(item.source_ms)}),
                )
            }
            AdmittedKind::OrderComplete { order_id } => {
                let id =
                    self.store
                        .insert_order_event(&source(item), order_id, COMPLETION_REPORTED)?;
                Ok(
                    json!({"table": "order_events", "id": id, "order_id": order_id, "event_type": COMPLETION_REPORTED}),
                )
            }
        }
    }
}

fn source(item: &Admitted) -> EventSource<'_> {
    EventSource {
        equipment_id: &item.mapping.work_center,
        asset_id: &item.mapping.asset_id,
        device_id: &item.device_id,
        source_ms: item.source_ms,
        historical: item.historical,
        received_ms: item.received_ms,
    }
}
