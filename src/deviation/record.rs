//! [`DeviationRegister`]: `deviations/deviations.json`, the deviations a run opened, one per failed
//! step, written before sealing and therefore part of the sealed content. The types are the
//! `qualify-evidence` crate's ([`qualify_evidence::deviation`]).

pub use qualify_evidence::deviation::{Deviation, DeviationRegister, ScenarioRef, StepRef};
pub use qualify_evidence::layout::{CLOSURES_DIR, DEVIATIONS_FILE, closure_path};
pub use qualify_evidence::schema::DEVIATIONS_SCHEMA;
