//! The checks an observation passes before its events are buffered, and the buffering itself.

use serde_json::{Value, json};

use super::admitted::{Admitted, AdmittedKind};
use crate::bridge::Bridge;
use crate::context::{resolve_completion, resolve_order};
use crate::events::{Event, EventKind, MachineState, extract};
use crate::gates::{check_quality, check_skew};
use crate::master_data::Mapping;
use crate::observation::Observation;
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::timestamp::{EpochMs, iso_from_ms};

impl Bridge {
    /// The mapping of a device: only the validated master data can place a device.
    pub(crate) fn mapping_of(&self, device_id: &str) -> Result<Mapping, Rejection> {
        let master = self.master.as_ref().ok_or_else(|| {
            Rejection::new(
                ReasonCode::MasterDataNotLoaded,
                "no validated equipment mapping is loaded (load_master_data)",
            )
        })?;
        master.resolve(device_id).cloned().ok_or_else(|| {
            Rejection::new(
                ReasonCode::UnmappedEquipment,
                format!("device {device_id} is not in the equipment mapping"),
            )
            .with_details(json!({"device_id": device_id}))
        })
    }

    /// Runs the checks; if all events of the message pass, buffers them (or, for historical data
    /// older than the window, commits them directly) and returns what happened. A message is
    /// admitted whole or not at all.
    pub(super) fn admit(
        &mut self,
        observation: &Observation,
        received_ms: EpochMs,
    ) -> Result<Value, Rejection> {
        check_quality(observation)?;
        check_skew(observation, self.options.config.values.skew_tolerance_ms)?;
        let mapping = self.mapping_of(&observation.device_id)?;
        let mut admitted = Vec::new();
        for event in extract(observation)? {
            admitted.push(self.check_event(event, observation, &mapping, received_ms)?);
        }
        let work_center = mapping.work_center.clone();
        let mut events = Vec::new();
        let mut committed = Vec::new();
        for (item, direct) in admitted {
            events.push(describe(&item, direct));
            if direct {
                committed.extend(self.commit_all(vec![item])?);
            } else {
                if let Some(key) = item.completion_key() {
                    self.buffered_keys.insert(key);
                }
                let due = self.buffer.push(&work_center, item.source_ms, item);
                committed.extend(self.commit_all(due)?);
            }
        }
        if let Some(latest) = observation.latest_source_ms() {
            let due = self.buffer.advance(&work_center, latest);
            committed.extend(self.commit_all(due)?);
        }
        Ok(json!({
            "accepted": true,
            "device_id": observation.device_id,
            "work_center": work_center,
            "events": events,
            "committed": committed,
            "pending": self.buffer.pending(),
        }))
    }

    /// Checks one event; returns it admitted and whether it bypasses the buffer (historical data
    /// older than the window: accepted as it comes, marked historical).
    fn check_event(
        &self,
        event: Event,
        observation: &Observation,
        mapping: &Mapping,
        received_ms: EpochMs,
    ) -> Result<(Admitted, bool), Rejection> {
        let late = self.buffer.is_late(&mapping.work_center, event.source_ms);
        let store = &self.store;
        let mut lookup = |order_id: &str| {
            store
                .job_order(order_id)
                .map_err(|err| Rejection::storage(&err))
        };
        let kind = match event.kind {
            EventKind::Completion(claim) => {
                let context =
                    resolve_completion(&claim, mapping, &mut lookup, self.options.safeguards)?;
                let key = (
                    context.order_id.clone(),
                    context.operation.clone(),
                    context.serial.clone(),
                );
                let duplicate = |details: Value| {
                    Rejection::new(
                        ReasonCode::Duplicate,
                        format!(
                            "serial {} of order {} operation {} is already recorded",
                            key.2, key.0, key.1
                        ),
                    )
                    .with_details(details)
                };
                if self.buffered_keys.contains(&key) {
                    return Err(duplicate(json!({"layer": "record", "pending": true})));
                }
                let existing = store
                    .find_completion(&key.0, &key.1, &key.2)
                    .map_err(|err| Rejection::storage(&err))?;
                if let Some(record_id) = existing {
                    return Err(duplicate(
                        json!({"layer": "record", "record_id": record_id}),
                    ));
                }
                AdmittedKind::Completion {
                    context,
                    result: claim.result,
                }
            }
            EventKind::State(state) => {
                if late {
                    // A state change cannot be inserted into a downtime timeline already closed
                    // behind it, historical or not.
                    return Err(self.late(event.source_ms, mapping));
                }
                AdmittedKind::State(state)
            }
            EventKind::OrderComplete { order_id } => {
                let order = resolve_order(order_id.as_deref(), mapping, &mut lookup)?;
                AdmittedKind::OrderComplete {
                    order_id: order.order_id,
                }
            }
        };
        if late && !event.historical {
            return Err(self.late(event.source_ms, mapping));
        }
        let admitted = Admitted {
            kind,
            device_id: observation.device_id.clone(),
            mapping: mapping.clone(),
            source_ms: event.source_ms,
            historical: event.historical,
            received_ms,
            origin: observation.origin,
        };
        Ok((admitted, late))
    }

    fn late(&self, source_ms: EpochMs, mapping: &Mapping) -> Rejection {
        let watermark = self
            .buffer
            .watermark(&mapping.work_center)
            .unwrap_or(source_ms);
        Rejection::new(
            ReasonCode::LateEvent,
            format!(
                "event at {} is older than the reorder window allows on {} (watermark {})",
                iso_from_ms(source_ms),
                mapping.work_center,
                iso_from_ms(watermark)
            ),
        )
        .with_details(json!({
            "source_time": iso_from_ms(source_ms),
            "watermark": iso_from_ms(watermark),
            "reorder_window_ms": self.options.config.values.reorder_window_ms,
        }))
    }
}

fn describe(item: &Admitted, direct: bool) -> Value {
    let mut value = match &item.kind {
        AdmittedKind::Completion { context, result } => {
            json!({"kind": "completion", "order_id": context.order_id, "serial": context.serial, "result": result.as_str()})
        }
        AdmittedKind::State(MachineState::Running) => {
            json!({"kind": "machine_state", "state": "RUNNING"})
        }
        AdmittedKind::State(MachineState::Down { reason }) => {
            json!({"kind": "machine_state", "state": "DOWN", "reason": reason})
        }
        AdmittedKind::OrderComplete { order_id } => {
            json!({"kind": "order_complete", "order_id": order_id})
        }
    };
    if let Some(object) = value.as_object_mut() {
        object.insert("source_time".into(), json!(iso_from_ms(item.source_ms)));
        object.insert("historical".into(), json!(item.historical));
        object.insert("buffered".into(), json!(!direct));
    }
    value
}
