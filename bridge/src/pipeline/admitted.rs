//! An event that passed every check and waits (in the reorder buffer) to be committed.

use crate::context::CompletionContext;
use crate::events::{MachineState, PartResult};
use crate::master_data::Mapping;
use crate::observation::Origin;
use crate::timestamp::EpochMs;

/// What will be written.
#[derive(Debug, Clone, PartialEq)]
pub enum AdmittedKind {
    /// A completion record.
    Completion {
        /// Its context.
        context: CompletionContext,
        /// Good or reject.
        result: PartResult,
    },
    /// A machine state change (downtime bookkeeping).
    State(MachineState),
    /// An order-complete claim, for the MES.
    OrderComplete {
        /// The (running) order.
        order_id: String,
    },
}

/// An admitted event.
#[derive(Debug, Clone, PartialEq)]
pub struct Admitted {
    /// What.
    pub kind: AdmittedKind,
    /// Reporting device.
    pub device_id: String,
    /// Its master data.
    pub mapping: Mapping,
    /// Source time.
    pub source_ms: EpochMs,
    /// Replayed from store-and-forward.
    pub historical: bool,
    /// Receive time.
    pub received_ms: EpochMs,
    /// Protocol of origin.
    pub origin: Origin,
}

impl Admitted {
    /// The duplicate-detection key of a completion.
    pub fn completion_key(&self) -> Option<(String, String, String)> {
        match &self.kind {
            AdmittedKind::Completion { context, .. } => Some((
                context.order_id.clone(),
                context.operation.clone(),
                context.serial.clone(),
            )),
            _ => None,
        }
    }
}
