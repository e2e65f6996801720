//! The checks before anything is written: the shards are one campaign (same commit, selection,
//! configuration, partition and tool), every shard 1..N is there once, and together they ran
//! every scenario of the campaign exactly once.

use std::collections::{BTreeMap, BTreeSet};

use super::MergeError;
use super::read::ShardPackage;
use crate::evidence::RecordedFile;

/// Sorts `shards` by number and checks them; the first (shard 1) is the reference.
pub fn check_shards(mut shards: Vec<ShardPackage>) -> Result<Vec<ShardPackage>, MergeError> {
    shards.sort_by_key(|s| s.index());
    let Some(first) = shards.first() else {
        return Err(MergeError::Coverage {
            what: "no shard package given".into(),
        });
    };
    for shard in &shards[1..] {
        let differing = facts(shard)
            .into_iter()
            .zip(facts(first))
            .find(|(mine, theirs)| mine.1 != theirs.1);
        if let Some(((what, value), (_, first_value))) = differing {
            return Err(MergeError::Differs {
                index: shard.index(),
                shard: shard.dir.clone(),
                what: what.to_string(),
                against: format!(
                    "{} ({}), which has {first_value}; this one has {value}",
                    first.index(),
                    first.dir.display()
                ),
            });
        }
    }
    check_numbers(&shards)?;
    check_coverage(&shards)?;
    Ok(shards)
}

/// What must be equal in every shard of one campaign, each as (name, shown value).
fn facts(shard: &ShardPackage) -> Vec<(&'static str, String)> {
    let selection = &shard.results.selection;
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    vec![
        ("shard count N", shard.shard.total.to_string()),
        (
            "commit (git.json)",
            shard
                .git
                .revision()
                .map(|r| r.commit.clone())
                .unwrap_or_else(|| "no git revision".into()),
        ),
        ("selected stage", shown(&selection.stage)),
        ("tag expression", shown(&selection.tags)),
        ("locations", selection.locations.join(" ")),
        ("impact baseline", shown(&selection.impact_baseline)),
        (
            "configuration files (environment.json config_files)",
            digests(&shard.environment.config_files),
        ),
        (
            "feature files (environment.json feature_files)",
            digests(&shard.environment.feature_files),
        ),
        ("partition digest", shard.shard.partition_digest.clone()),
        (
            "campaign (scenarios_in_campaign)",
            format!(
                "{} scenarios, SHA-256 {}",
                shard.shard.scenarios_in_campaign.len(),
                crate::evidence::sha256_hex(
                    shard.shard.scenarios_in_campaign.join("\n").as_bytes()
                )
            ),
        ),
        ("qualify version", shard.results.tool.version.clone()),
    ]
}

/// `path=sha256` of each recorded file, sorted, so that equal configurations compare equal.
fn digests(files: &[RecordedFile]) -> String {
    let mut shown: Vec<String> = files
        .iter()
        .map(|f| format!("{}={}", f.path, f.sha256.as_deref().unwrap_or("unreadable")))
        .collect();
    shown.sort();
    shown.join(", ")
}

/// Every number 1..N exactly once.
fn check_numbers(shards: &[ShardPackage]) -> Result<(), MergeError> {
    let total = shards[0].shard.total;
    let mut seen: BTreeMap<usize, &ShardPackage> = BTreeMap::new();
    for shard in shards {
        if let Some(earlier) = seen.insert(shard.index(), shard) {
            return Err(MergeError::DuplicateShard {
                index: shard.index(),
                total,
                a: earlier.dir.clone(),
                b: shard.dir.clone(),
            });
        }
    }
    let missing: Vec<String> = (1..=total)
        .filter(|k| !seen.contains_key(k))
        .map(|k| k.to_string())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(MergeError::MissingShard {
        missing: missing.join(", "),
        total,
        given: seen
            .keys()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Every scenario of the campaign ran in exactly one shard, and nothing else ran.
fn check_coverage(shards: &[ShardPackage]) -> Result<(), MergeError> {
    let mut ran: BTreeMap<&str, usize> = BTreeMap::new();
    for shard in shards {
        for s in shard.results.features.iter().flat_map(|f| &f.scenarios) {
            if let Some(earlier) = ran.insert(&s.id, shard.index()) {
                return Err(MergeError::DuplicateScenario {
                    id: s.id.clone(),
                    a: earlier,
                    b: shard.index(),
                });
            }
        }
    }
    let campaign: BTreeSet<&str> = shards[0]
        .shard
        .scenarios_in_campaign
        .iter()
        .map(String::as_str)
        .collect();
    let ran: BTreeSet<&str> = ran.into_keys().collect();
    let missing: Vec<&str> = campaign.difference(&ran).copied().collect();
    let extra: Vec<&str> = ran.difference(&campaign).copied().collect();
    let mut what = Vec::new();
    if !missing.is_empty() {
        what.push(format!("no shard ran {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        what.push(format!("not in the campaign but ran: {}", extra.join(", ")));
    }
    match what.is_empty() {
        true => Ok(()),
        false => Err(MergeError::Coverage {
            what: what.join("; "),
        }),
    }
}
