//! The git revision a campaign ran on: commit, branch, tags, and whether the working tree was clean.

mod dirty;
mod revision;

pub use qualify_evidence::{GitInfo, GitRevision};
pub use revision::{DiscoverRevision, open_failure_reason};
