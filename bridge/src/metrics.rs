//! The metric (or OPC UA node) names the bridge interprets. Every other name is a process value:
//! acknowledged, used to advance the device's clock, not recorded.

/// The work order the device is producing for (string).
pub const WORK_ORDER: &str = "Context/WorkOrder";
/// Serial number of the part whose operation just completed (string).
pub const SERIAL: &str = "Production/Serial";
/// Outcome of that operation: `good` or `reject`.
pub const RESULT: &str = "Production/Result";
/// Machine state: `RUNNING` or `DOWN`.
pub const MACHINE_STATE: &str = "Machine/State";
/// Reason code for `DOWN` (string).
pub const DOWN_REASON: &str = "Machine/DownReason";
/// The device claims the work order is complete (boolean).
pub const ORDER_COMPLETE: &str = "Order/Complete";
