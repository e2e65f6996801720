//! `qualify merge`: the shard packages of one campaign, checked, sealed as one package
//! (docs/sharding.md). Phases: read → check (one campaign, every shard once, every scenario
//! once) → seal. Each shard's verification is the caller's (src/cli/merge.rs), with the trust
//! choice of `qualify verify`.

mod check;
mod error;
mod gherkin;
mod read;
mod results;
mod write;

pub use check::check_shards;
pub use error::MergeError;
pub use read::ShardPackage;
pub use results::merge_results;
pub use write::{Merged, SHARDS_DIR, seal_merged};

/// Where campaign-level attachments live: the logs of pooled and shared adapter processes,
/// which belong to no scenario (src/adapters/registry.rs). Every shard has its own, under the
/// same names.
pub const CAMPAIGN_ATTACHMENTS: &str = "attachments/_campaign/";

/// Where a shard's sealed attachment `path` is kept in the merged package: a scenario's at its
/// same path (scenarios are disjoint, so are their folders), a campaign-level one under
/// `attachments/_campaign/shard-<K>/`; `None` for anything that is not an attachment.
pub fn merged_attachment_path(index: usize, path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix(CAMPAIGN_ATTACHMENTS) {
        return Some(format!("{CAMPAIGN_ATTACHMENTS}shard-{index}/{rest}"));
    }
    let prefix = format!("{}/", qualify_evidence::layout::ATTACHMENTS_DIR);
    path.starts_with(&prefix).then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::merged_attachment_path;

    #[test]
    fn campaign_level_attachments_are_kept_per_shard_and_scenario_ones_in_place() {
        assert_eq!(
            merged_attachment_path(3, "attachments/_campaign/sut-1.jsonl").as_deref(),
            Some("attachments/_campaign/shard-3/sut-1.jsonl")
        );
        assert_eq!(
            merged_attachment_path(3, "attachments/features-a.feature-7/sut.jsonl").as_deref(),
            Some("attachments/features-a.feature-7/sut.jsonl")
        );
        assert_eq!(merged_attachment_path(3, "results.json"), None);
    }
}
