//! `qualify status`: one view over the evidence store and the git ledger: every package, what
//! it still needs, what is missing, refused signing attempts, and what blocks the gate for HEAD.

mod collect;
mod report;
mod supersessions;

pub use collect::status;
pub use report::{AttemptSummary, PackageStatus, STATUS_SCHEMA, StatusReport};
