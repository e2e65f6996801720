//! The git revision a campaign ran on: commit, branch, tags, and whether the working tree was clean.

mod dirty;
mod info;
mod revision;

pub use info::GitInfo;
pub use revision::{GitRevision, open_failure_reason};
