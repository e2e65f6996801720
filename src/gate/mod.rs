//! `qualify gate`: the CI release gate; `qualify supersede`: signed supersession records.

mod baseline_rerun;
mod candidate;
mod check;
mod disposition;
mod finding;
mod package_facts;
mod report;
mod revision_match;
mod supersession;
mod supersession_anchor;

pub use check::{GateOptions, gate, gate_findings};
pub use finding::{GateCode, GateFinding};
pub use package_facts::{PackageFacts, store_packages};
pub use report::{CandidateReport, GATE_SCHEMA, GateReport, SupersededBy};
pub use supersession::{
    PackageRecord, SUPERSESSION_PREDICATE_TYPE, Supersession, SupersessionPredicate,
    load as load_supersessions, record as record_supersession, records_dir,
};
