//! Downtime from machine state changes: `DOWN` with a reason code opens a downtime, `RUNNING`
//! closes it, `DOWN` with another reason closes the open one and opens a new one.

use std::collections::HashMap;

use crate::events::MachineState;
use crate::timestamp::EpochMs;

/// A downtime that has started and not ended yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDowntime {
    /// Its row in `downtime_events`.
    pub row_id: i64,
    /// Reason code.
    pub reason: String,
    /// Start (source time).
    pub start_ms: EpochMs,
}

/// What a state change does to the downtime record of a work center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Nothing (already in that state, e.g. a repeated `RUNNING`).
    Unchanged,
    /// Start a downtime with this reason.
    Open(String),
    /// End the open downtime.
    Close(OpenDowntime),
    /// End the open downtime and start another with a new reason.
    Replace(OpenDowntime, String),
}

/// The open downtime per work center.
#[derive(Debug, Default)]
pub struct DowntimeTracker {
    open: HashMap<String, OpenDowntime>,
}

impl DowntimeTracker {
    /// What `state` means for `work_center` now.
    pub fn transition(&self, work_center: &str, state: &MachineState) -> Transition {
        match (self.open.get(work_center), state) {
            (None, MachineState::Running) => Transition::Unchanged,
            (None, MachineState::Down { reason }) => Transition::Open(reason.clone()),
            (Some(open), MachineState::Running) => Transition::Close(open.clone()),
            (Some(open), MachineState::Down { reason }) if open.reason == *reason => {
                Transition::Unchanged
            }
            (Some(open), MachineState::Down { reason }) => {
                Transition::Replace(open.clone(), reason.clone())
            }
        }
    }

    /// Records that a downtime was opened (after its row was written).
    pub fn opened(&mut self, work_center: &str, downtime: OpenDowntime) {
        self.open.insert(work_center.to_string(), downtime);
    }

    /// Records that the open downtime was closed.
    pub fn closed(&mut self, work_center: &str) {
        self.open.remove(work_center);
    }

    /// Forgets everything (reset).
    pub fn clear(&mut self) {
        self.open.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down(reason: &str) -> MachineState {
        MachineState::Down {
            reason: reason.into(),
        }
    }

    #[test]
    fn state_machine() {
        let mut tracker = DowntimeTracker::default();
        assert_eq!(
            tracker.transition("wc", &MachineState::Running),
            Transition::Unchanged
        );
        assert_eq!(
            tracker.transition("wc", &down("JAM")),
            Transition::Open("JAM".into())
        );
        let jam = OpenDowntime {
            row_id: 1,
            reason: "JAM".into(),
            start_ms: 10,
        };
        tracker.opened("wc", jam.clone());
        assert_eq!(
            tracker.transition("wc", &down("JAM")),
            Transition::Unchanged
        );
        assert_eq!(
            tracker.transition("wc", &down("TOOL")),
            Transition::Replace(jam.clone(), "TOOL".into())
        );
        assert_eq!(
            tracker.transition("wc", &MachineState::Running),
            Transition::Close(jam)
        );
        assert_eq!(
            tracker.transition("other", &MachineState::Running),
            Transition::Unchanged
        );
        tracker.closed("wc");
        assert_eq!(
            tracker.transition("wc", &MachineState::Running),
            Transition::Unchanged
        );
    }
}
