//! A job order as the MES holds it (ISA-95 shaped). Read-only for the bridge.

/// The status in which an order accepts production data.
pub const ACTIVE_STATUS: &str = "running";

/// One row of the MES `job_orders` table. Every column but the id may be NULL there; the bridge
/// treats a NULL context column as missing context, never as a default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobOrder {
    /// Order id.
    pub order_id: String,
    /// Operation (routing step) the order runs on its work center.
    pub operation: Option<String>,
    /// Part number.
    pub part_number: Option<String>,
    /// Part revision.
    pub revision: Option<String>,
    /// Material lot / batch.
    pub batch: Option<String>,
    /// The work center the order is dispatched to.
    pub equipment_id: Option<String>,
    /// MES status (`planned`, `released`, `running`, `held`, `completed`, ...).
    pub status: Option<String>,
}

impl JobOrder {
    /// True when the MES has the order running.
    pub fn is_active(&self) -> bool {
        self.status.as_deref() == Some(ACTIVE_STATUS)
    }
}
