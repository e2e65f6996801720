//! The weights a partition balances: each scenario's `duration_ms` in the newest sealed package
//! of the evidence store that ran it. They only steer the balance: whatever they say, every
//! scenario lands in exactly one shard, and `qualify merge` checks the coverage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::evidence::{MANIFEST_FILE, Manifest, RunResults};
use crate::verify::{MAX_METADATA_BYTES, read_regular};
use qualify_evidence::layout::RESULTS_FILE;

/// Scenario id → expected duration in ms, and the packages the durations came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Weights {
    /// One entry per scenario of the campaign.
    pub weights: BTreeMap<String, u64>,
    /// The packages that gave at least one duration, sorted.
    pub from: Vec<String>,
}

/// Weighs every id of `campaign` by the evidence store at `evidence_dir` (its unsharded and
/// merged packages). A scenario that no
/// package ran weighs the mean of those that did; when none did, every scenario weighs 1 (the
/// partition then deals them out by id). A weight is never 0, so every scenario counts.
pub fn weigh(evidence_dir: &Path, campaign: &BTreeSet<String>) -> Weights {
    let mut known: BTreeMap<String, u64> = BTreeMap::new();
    let mut from = BTreeSet::new();
    for dir in crate::evidence::package_dirs_newest_first(evidence_dir) {
        if known.len() == campaign.len() {
            break;
        }
        let Some(results) = sealed_results(&dir) else {
            continue;
        };
        for s in results.features.iter().flat_map(|f| &f.scenarios) {
            if campaign.contains(&s.id) && !known.contains_key(&s.id) {
                known.insert(s.id.clone(), s.duration_ms.max(1));
                from.insert(results.package_id.clone());
            }
        }
    }
    let fallback = match known.len() as u64 {
        0 => 1,
        n => (known.values().sum::<u64>() / n).max(1),
    };
    let weights = campaign
        .iter()
        .map(|id| (id.clone(), known.get(id).copied().unwrap_or(fallback)))
        .collect();
    Weights {
        weights,
        from: from.into_iter().collect(),
    }
}

/// `results.json` of a sealed package (listed in its manifest, read no further than the size
/// the manifest gives it); `None` for anything else: trials, and shard packages, so that the
/// shards of one campaign sealed one after another into the same store still weigh alike (a
/// merged package, which holds the whole campaign, counts).
fn sealed_results(dir: &Path) -> Option<RunResults> {
    let manifest_bytes = read_regular(&dir.join(MANIFEST_FILE), MAX_METADATA_BYTES).ok()?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes).ok()?;
    let entry = manifest.files.iter().find(|f| f.path == RESULTS_FILE)?;
    let bytes = read_regular(&dir.join(RESULTS_FILE), entry.size).ok()?;
    let results: RunResults = serde_json::from_slice(&bytes).ok()?;
    (!results.trial && results.selection.shard.is_none()).then_some(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A sealed-looking package: results.json with these (id, duration) and a manifest that
    /// lists it with its size.
    fn package(store: &Path, id: &str, scenarios: &[(&str, u64)], extra: serde_json::Value) {
        let dir = store.join(id);
        std::fs::create_dir_all(&dir).unwrap();
        let scenarios: Vec<_> = scenarios
            .iter()
            .map(|(sid, ms)| {
                json!({"id": sid, "name": sid, "line": 1, "rule": null, "stage": "OQ",
                "requirements": [], "tags": [], "status": "passed", "started_at": null,
                "finished_at": null, "duration_ms": ms, "adapters": [], "steps": []})
            })
            .collect();
        let mut results = json!({"schema": "qualify.results/v1", "package_id": id,
            "tool": {"name": "qualify", "version": "0"},
            "selection": {"stage": "OQ", "tags": null, "scenarios": scenarios.len()},
            "started_at": "", "finished_at": "", "summary": {"scenarios": 0, "scenarios_passed": 0,
            "scenarios_failed": 0, "steps_passed": 0, "steps_failed": 0, "steps_undefined": 0,
            "steps_skipped": 0}, "releasable": true,
            "features": [{"name": "f", "path": "f.feature", "sha256": "", "description": null,
                "scenarios": scenarios}]});
        if let Some(shard) = extra.get("shard") {
            results["selection"]["shard"] = shard.clone();
        }
        if extra.get("trial").is_some() {
            results["trial"] = json!(true);
        }
        let bytes = serde_json::to_vec(&results).unwrap();
        std::fs::write(dir.join(RESULTS_FILE), &bytes).unwrap();
        let manifest = json!({"schema": "qualify.manifest/v1", "package_id": id,
            "created_at": "", "sealed_at": "",
            "files": [{"path": RESULTS_FILE, "sha256": "", "size": bytes.len()}]});
        std::fs::write(dir.join(MANIFEST_FILE), manifest.to_string()).unwrap();
    }

    #[test]
    fn the_newest_unsharded_package_that_ran_a_scenario_gives_its_weight() {
        let store = tempfile::tempdir().unwrap();
        let s = store.path();
        package(
            s,
            "20260101T000000Z-OQ-a",
            &[("f:1", 100), ("f:2", 200)],
            json!({}),
        );
        package(s, "20260102T000000Z-OQ-b", &[("f:1", 700)], json!({}));
        // Newer still, but a shard package and a trial: never weights.
        let shard = json!({"shard": {"index": 1, "total": 2, "scenarios_in_campaign": ["f:1"],
            "partition_digest": "x"}});
        package(s, "20260103T000000Z-OQ-shard1of2-c", &[("f:1", 5)], shard);
        package(
            s,
            "20260104T000000Z-TRIAL-OQ-d",
            &[("f:1", 9)],
            json!({"trial": true}),
        );
        let campaign: BTreeSet<String> = ["f:1", "f:2", "f:3"].map(String::from).into();
        let w = weigh(s, &campaign);
        assert_eq!(w.weights["f:1"], 700, "the newest package that ran it");
        assert_eq!(w.weights["f:2"], 200);
        assert_eq!(
            w.weights["f:3"], 450,
            "never ran: the mean of the known ones"
        );
        assert_eq!(w.from, ["20260101T000000Z-OQ-a", "20260102T000000Z-OQ-b"]);
        // No store: every scenario weighs the same.
        let empty = weigh(&s.join("none"), &campaign);
        assert!(empty.weights.values().all(|w| *w == 1) && empty.from.is_empty());
    }
}
