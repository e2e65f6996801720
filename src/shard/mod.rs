//! Sharded campaigns (docs/sharding.md): `qualify run --shard K/N` runs a deterministic,
//! duration-balanced share of the selected scenarios and seals a shard package;
//! `qualify merge` checks the shard packages of one campaign and seals one package of the whole.

pub mod merge;
mod partition;
mod spec;
mod weights;

use std::collections::BTreeSet;
use std::path::Path;

pub use partition::{Partition, digest as partition_digest, partition};
pub use spec::{GITLAB_INDEX, GITLAB_TOTAL, ShardSpec, ShardSpecError};
pub use weights::{Weights, weigh};

use crate::evidence::ShardSelection;

/// This run's share of a sharded campaign.
#[derive(Debug, Clone)]
pub struct ShardShare {
    /// Which shard.
    pub spec: ShardSpec,
    /// The scenario ids this shard runs.
    pub ids: BTreeSet<String>,
    /// The whole partition.
    pub partition: Partition,
    /// What results.json records.
    pub selection: ShardSelection,
}

/// Splits `campaign` (every selected scenario id) over `spec.total` shards, weighed by the
/// evidence store at `evidence_dir`, and takes shard `spec.index`. More shards than scenarios
/// is an input error: every shard must run something, or no merge could ever be complete.
pub fn share(
    spec: ShardSpec,
    campaign: &BTreeSet<String>,
    evidence_dir: &Path,
) -> Result<ShardShare, ShardSpecError> {
    if spec.total > campaign.len() {
        return Err(ShardSpecError::OutOfRange {
            given: spec.to_string(),
            why: format!(
                "the selection has {} scenario{}, so at most {} shard{}: every shard must run \
                 at least one scenario",
                campaign.len(),
                if campaign.len() == 1 { "" } else { "s" },
                campaign.len(),
                if campaign.len() == 1 { "" } else { "s" },
            ),
        });
    }
    let weights = weigh(evidence_dir, campaign);
    let partition = partition(&weights.weights, spec.total);
    let ids: BTreeSet<String> = partition.shards[spec.index - 1].iter().cloned().collect();
    let selection = ShardSelection {
        index: spec.index,
        total: spec.total,
        scenarios_in_campaign: campaign.iter().cloned().collect(),
        partition_digest: partition.digest.clone(),
        balanced_from: weights.from,
    };
    Ok(ShardShare {
        spec,
        ids,
        partition,
        selection,
    })
}
