//! The results of the whole campaign from its shards: features and scenarios as an unsharded
//! run orders them (features by path, scenarios by line), the summary as the sum of the
//! shards' (each counted exactly as a run counts), the times spanning every shard.

use std::collections::BTreeMap;

use super::read::ShardPackage;
use crate::evidence::{FeatureResult, MergedShard, RESULTS_SCHEMA, RunResults, Summary, ToolInfo};

/// The merged results for package `package_id`; `shards` are checked and sorted by number.
pub fn merge_results(shards: &[ShardPackage], package_id: &str) -> RunResults {
    let first = &shards[0].results;
    let mut features: BTreeMap<String, FeatureResult> = BTreeMap::new();
    let mut summary = Summary::default();
    let mut blockers: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for shard in shards {
        let r = &shard.results;
        for f in &r.features {
            features
                .entry(f.path.clone())
                .or_insert_with(|| FeatureResult {
                    scenarios: Vec::new(),
                    ..f.clone()
                })
                .scenarios
                .extend(f.scenarios.iter().cloned());
        }
        add(&mut summary, &r.summary);
        for b in &r.release_blockers {
            if !blockers.contains(b) {
                blockers.push(b.clone());
            }
        }
        problems.extend(r.campaign_problems.iter().map(|p| {
            format!(
                "shard {}/{} ({}): {p}",
                shard.index(),
                shard.shard.total,
                r.package_id
            )
        }));
    }
    let mut features: Vec<FeatureResult> = features.into_values().collect();
    for f in &mut features {
        f.scenarios
            .sort_by(|a, b| (a.line, &a.id).cmp(&(b.line, &b.id)));
    }
    let mut selection = first.selection.clone();
    selection.shard = None;
    selection.scenarios = summary.scenarios;
    RunResults {
        schema: RESULTS_SCHEMA.into(),
        package_id: package_id.into(),
        tool: ToolInfo {
            name: "qualify".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        selection,
        // RFC 3339 UTC with one precision: the text orders as the time does.
        started_at: shards
            .iter()
            .map(|s| s.results.started_at.clone())
            .min()
            .unwrap_or_default(),
        finished_at: shards
            .iter()
            .map(|s| s.results.finished_at.clone())
            .max()
            .unwrap_or_default(),
        summary,
        releasable: blockers.is_empty(),
        release_blockers: blockers,
        features,
        campaign_problems: problems,
        trial: false,
        merged_from: shards.iter().map(provenance).collect(),
    }
}

/// The counts of a run are additive over disjoint shards.
fn add(total: &mut Summary, shard: &Summary) {
    total.scenarios += shard.scenarios;
    total.scenarios_passed += shard.scenarios_passed;
    total.scenarios_failed += shard.scenarios_failed;
    total.steps_passed += shard.steps_passed;
    total.steps_failed += shard.steps_failed;
    total.steps_undefined += shard.steps_undefined;
    total.steps_skipped += shard.steps_skipped;
}

/// What the merged package records of a shard: its id and exact content, where it ran.
fn provenance(shard: &ShardPackage) -> MergedShard {
    MergedShard {
        package_id: shard.results.package_id.clone(),
        manifest_sha256: shard.manifest_sha256.clone(),
        index: shard.index(),
        host: shard.environment.host.hostname.clone(),
        ci_job: crate::audit::ci_job(&shard.environment.ci),
    }
}
