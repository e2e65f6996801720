//! `qualify gate`: the CI release gate.

mod check;
mod report;

pub use check::{GateOptions, gate};
pub use report::{CandidateReport, GATE_SCHEMA, GateReport};
