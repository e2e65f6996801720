//! Deviations: every failed step of a run opens one in the package; each is closed by a signed
//! disposition (`qualify deviation close`), and open ones block approval.

mod record;

pub use record::{
    CLOSURES_DIR, DEVIATIONS_FILE, DEVIATIONS_SCHEMA, Deviation, DeviationRegister, ScenarioRef,
    StepRef, closure_path,
};
