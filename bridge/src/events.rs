//! Business events found in an observation: operation completions, machine state changes, and
//! claims that an order is complete.

use std::collections::HashSet;

use serde_json::Value;

use crate::metrics;
use crate::observation::{Observation, Reading};
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::timestamp::EpochMs;

/// Outcome of an operation on one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartResult {
    /// Conforming part.
    Good,
    /// Scrapped or reworked part.
    Reject,
}

impl PartResult {
    /// `good` or `reject`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Reject => "reject",
        }
    }
}

/// "Operation done on this serial" as the device reported it, before context is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionClaim {
    /// `Context/WorkOrder`, if sent.
    pub order_id: Option<String>,
    /// `Production/Serial`, if sent.
    pub serial: Option<String>,
    /// `Production/Result`.
    pub result: PartResult,
}

/// Machine state as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MachineState {
    /// Producing (ends a downtime).
    Running,
    /// Stopped for the reason code given.
    Down {
        /// Reason code.
        reason: String,
    },
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// An operation completion.
    Completion(CompletionClaim),
    /// A machine state change.
    State(MachineState),
    /// The device says the order is complete: an event for the MES, never a status change.
    OrderComplete {
        /// `Context/WorkOrder`, if sent.
        order_id: Option<String>,
    },
}

/// An event with its source time.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// When, by the source's clock.
    pub source_ms: EpochMs,
    /// Replayed from store-and-forward.
    pub historical: bool,
}

/// Extracts the events of an observation. A metric name may appear only once per message.
pub fn extract(observation: &Observation) -> Result<Vec<Event>, Rejection> {
    let mut seen = HashSet::new();
    if let Some(twice) = observation
        .readings
        .iter()
        .find(|r| !seen.insert(r.name.as_str()))
    {
        return Err(Rejection::new(
            ReasonCode::InvalidMessage,
            format!("metric {} appears twice", twice.name),
        ));
    }
    let order_id = text(observation.reading(metrics::WORK_ORDER))?;
    let mut events = Vec::new();

    let serial = observation.reading(metrics::SERIAL);
    let result = observation.reading(metrics::RESULT);
    if let Some(key) = serial.or(result) {
        let result = match result.map(|r| &r.value) {
            Some(Value::String(s)) if s == "good" => PartResult::Good,
            Some(Value::String(s)) if s == "reject" => PartResult::Reject,
            other => {
                return Err(Rejection::new(
                    ReasonCode::InvalidMessage,
                    format!(
                        "{} must be \"good\" or \"reject\", got {other:?}",
                        metrics::RESULT
                    ),
                ));
            }
        };
        let claim = CompletionClaim {
            order_id: order_id.clone(),
            serial: text(serial)?,
            result,
        };
        events.push(event(EventKind::Completion(claim), key)?);
    }

    if let Some(state) = observation.reading(metrics::MACHINE_STATE) {
        let kind = match &state.value {
            Value::String(s) if s == "RUNNING" => MachineState::Running,
            Value::String(s) if s == "DOWN" => {
                let reason = text(observation.reading(metrics::DOWN_REASON))?.ok_or_else(|| {
                    Rejection::new(ReasonCode::MissingContext, "DOWN without a reason code")
                        .with_details(serde_json::json!({"missing": [metrics::DOWN_REASON]}))
                })?;
                MachineState::Down { reason }
            }
            other => {
                return Err(Rejection::new(
                    ReasonCode::InvalidMessage,
                    format!(
                        "{} must be \"RUNNING\" or \"DOWN\", got {other}",
                        metrics::MACHINE_STATE
                    ),
                ));
            }
        };
        events.push(event(EventKind::State(kind), state)?);
    }

    if let Some(claim) = observation.reading(metrics::ORDER_COMPLETE) {
        match claim.value {
            Value::Bool(true) => events.push(event(EventKind::OrderComplete { order_id }, claim)?),
            Value::Bool(false) => {}
            _ => {
                return Err(Rejection::new(
                    ReasonCode::InvalidMessage,
                    format!("{} must be a boolean", metrics::ORDER_COMPLETE),
                ));
            }
        }
    }
    Ok(events)
}

fn event(kind: EventKind, key: &Reading) -> Result<Event, Rejection> {
    let source_ms = key.source_ms.ok_or_else(|| {
        Rejection::new(
            ReasonCode::MissingContext,
            format!("{} has no source timestamp", key.name),
        )
        .with_details(serde_json::json!({"missing": ["source_time"]}))
    })?;
    Ok(Event {
        kind,
        source_ms,
        historical: key.historical,
    })
}

/// A text context value: a non-blank string, or absent (`null`, empty, blank).
fn text(reading: Option<&Reading>) -> Result<Option<String>, Rejection> {
    match reading.map(|r| (&r.name, &r.value)) {
        None | Some((_, Value::Null)) => Ok(None),
        Some((_, Value::String(s))) if s.trim().is_empty() => Ok(None),
        Some((_, Value::String(s))) => Ok(Some(s.clone())),
        Some((name, other)) => Err(Rejection::new(
            ReasonCode::InvalidMessage,
            format!("{name} must be a string, got {other}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::Origin;
    use crate::quality::Quality;
    use serde_json::json;

    fn observation(values: &[(&str, Value)]) -> Observation {
        Observation {
            origin: Origin::Sparkplug,
            device_id: "G/e/d".into(),
            topic: None,
            readings: values
                .iter()
                .map(|(name, value)| Reading {
                    name: (*name).into(),
                    value: value.clone(),
                    source_ms: Some(100),
                    reference_ms: Some(100),
                    historical: false,
                    quality: Quality::Good,
                })
                .collect(),
        }
    }

    #[test]
    fn completion_with_and_without_context() {
        let full = extract(&observation(&[
            (metrics::WORK_ORDER, json!("WO-1")),
            (metrics::SERIAL, json!("SN-1")),
            (metrics::RESULT, json!("reject")),
        ]))
        .expect("valid");
        assert_eq!(
            full,
            vec![Event {
                kind: EventKind::Completion(CompletionClaim {
                    order_id: Some("WO-1".into()),
                    serial: Some("SN-1".into()),
                    result: PartResult::Reject
                }),
                source_ms: 100,
                historical: false
            }]
        );
        let bare = extract(&observation(&[
            (metrics::SERIAL, json!(" ")),
            (metrics::RESULT, json!("good")),
        ]))
        .expect("ok");
        assert!(
            matches!(&bare[0].kind, EventKind::Completion(c) if c.order_id.is_none() && c.serial.is_none())
        );
    }

    #[test]
    fn malformed_values_are_invalid() {
        for values in [
            vec![(metrics::SERIAL, json!("SN"))],
            vec![
                (metrics::SERIAL, json!("SN")),
                (metrics::RESULT, json!("ok")),
            ],
            vec![
                (metrics::SERIAL, json!(5)),
                (metrics::RESULT, json!("good")),
            ],
            vec![(metrics::MACHINE_STATE, json!("IDLE"))],
            vec![(metrics::ORDER_COMPLETE, json!("yes"))],
            vec![(metrics::SERIAL, json!("a")), (metrics::SERIAL, json!("b"))],
        ] {
            let err = extract(&observation(&values)).expect_err("invalid");
            assert_eq!(err.code, ReasonCode::InvalidMessage, "{values:?}");
        }
    }

    #[test]
    fn down_needs_a_reason_and_process_values_are_no_events() {
        let err = extract(&observation(&[(metrics::MACHINE_STATE, json!("DOWN"))]))
            .expect_err("no reason");
        assert_eq!(err.code, ReasonCode::MissingContext);
        let down = extract(&observation(&[
            (metrics::MACHINE_STATE, json!("DOWN")),
            (metrics::DOWN_REASON, json!("JAM")),
        ]))
        .expect("valid");
        assert_eq!(
            down[0].kind,
            EventKind::State(MachineState::Down {
                reason: "JAM".into()
            })
        );
        assert!(
            extract(&observation(&[("Process/Temperature", json!(61.5))]))
                .expect("ok")
                .is_empty()
        );
        assert!(
            extract(&observation(&[(metrics::ORDER_COMPLETE, json!(false))]))
                .expect("ok")
                .is_empty()
        );
    }

    #[test]
    fn missing_source_time_is_missing_context() {
        let mut obs = observation(&[
            (metrics::SERIAL, json!("S")),
            (metrics::RESULT, json!("good")),
        ]);
        for reading in &mut obs.readings {
            reading.source_ms = None;
        }
        assert_eq!(
            extract(&obs).expect_err("no time").code,
            ReasonCode::MissingContext
        );
    }
}
