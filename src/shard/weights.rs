//! The weights a partition balances: each scenario's `duration_ms` in the newest sealed package
//! of the evidence store that ran it. They only steer the balance: whatever they say, every
//! scenario lands in exactly one shard, and `qualify merge` checks the coverage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
    for dir in newest_first(evidence_dir) {
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

/// Package folders of the store, newest first by name (ids begin with their UTC time); hidden
/// folders (staging) left out, symlinks not followed.
fn newest_first(evidence_dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(evidence_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs.reverse();
    dirs
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
