//! `qualify merge`: the shard packages of one campaign, checked, sealed as one package
//! (docs/sharding.md). Phases: read → check (one campaign, every shard once, every scenario
//! once) → seal. Each shard's verification is the caller's (src/cli/merge.rs), with the trust
//! choice of `qualify verify`.

mod check;
mod error;
mod read;
mod results;
mod write;

pub use check::check_shards;
pub use error::MergeError;
pub use read::ShardPackage;
pub use results::merge_results;
pub use write::{Merged, SHARDS_DIR, seal_merged};
