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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A shard package in memory: shard `index` of `total` that ran `ids`, of a campaign of
    /// `campaign`, at `commit`.
    fn shard(
        index: usize,
        total: usize,
        ids: &[&str],
        campaign: &[&str],
        commit: &str,
    ) -> ShardPackage {
        let file = |path: &str| json!({"path": path, "sha256": "00", "size": 1});
        let scenarios: Vec<_> = ids
            .iter()
            .map(|id| {
                json!({"id": id, "name": id, "line": 1, "rule": null, "stage": "OQ",
                "requirements": [], "tags": [], "status": "passed", "started_at": null,
                "finished_at": null, "duration_ms": 1, "adapters": [], "steps": []})
            })
            .collect();
        let results = json!({"schema": "qualify.results/v1", "package_id": format!("p{index}"),
            "tool": {"name": "qualify", "version": "0"},
            "selection": {"stage": "OQ", "tags": null, "scenarios": ids.len(), "shard": {
                "index": index, "total": total, "scenarios_in_campaign": campaign,
                "partition_digest": "d"}},
            "started_at": "", "finished_at": "", "summary": {"scenarios": 0,
            "scenarios_passed": 0, "scenarios_failed": 0, "steps_passed": 0, "steps_failed": 0,
            "steps_undefined": 0, "steps_skipped": 0}, "releasable": true,
            "features": [{"name": "f", "path": "f.feature", "sha256": "", "description": null,
                "scenarios": scenarios}]});
        let environment = json!({"schema": "qualify.environment/v1",
            "tool": {"name": "qualify", "version": "0", "executable": file("qualify")},
            "host": {"hostname": format!("runner-{index}"), "os": "linux", "os_release": null,
                "arch": "x86_64", "kernel": null, "user": "ci"},
            "ci": {}, "adapters": {}, "config_files": [file("qualify.yaml")],
            "feature_files": [file("f.feature")]});
        let git = json!({"state": "revision", "commit": commit, "tree": "t",
            "short_commit": &commit[..3], "branch": null, "detached": true, "tags": [],
            "dirty": false, "dirty_paths": [], "shallow": false});
        let manifest = json!({"schema": "qualify.manifest/v1", "package_id": format!("p{index}"),
            "created_at": "", "sealed_at": "", "files": []});
        let results: crate::evidence::RunResults = serde_json::from_value(results).unwrap();
        ShardPackage {
            dir: format!("evidence/p{index}").into(),
            manifest: serde_json::from_value(manifest).unwrap(),
            manifest_bytes: Vec::new(),
            manifest_sha256: format!("m{index}"),
            shard: results.selection.shard.clone().unwrap(),
            results,
            results_bytes: Vec::new(),
            environment: serde_json::from_value(environment).unwrap(),
            environment_bytes: Vec::new(),
            git: serde_json::from_value(git).unwrap(),
        }
    }

    const CAMPAIGN: [&str; 4] = ["f:1", "f:2", "f:3", "f:4"];

    #[test]
    fn one_complete_campaign_is_sorted_by_shard() {
        let checked = check_shards(vec![
            shard(2, 2, &["f:2", "f:4"], &CAMPAIGN, "abc1"),
            shard(1, 2, &["f:1", "f:3"], &CAMPAIGN, "abc1"),
        ])
        .unwrap();
        assert_eq!(
            checked.iter().map(|s| s.index()).collect::<Vec<_>>(),
            [1, 2]
        );
    }

    #[test]
    fn a_scenario_in_two_shards_is_named_with_both() {
        let err = check_shards(vec![
            shard(1, 2, &["f:1", "f:3"], &CAMPAIGN, "abc1"),
            shard(2, 2, &["f:2", "f:3", "f:4"], &CAMPAIGN, "abc1"),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "duplicated scenario f:3 in shards 1 and 2: the shards do not come from one partition"
        );
        assert_eq!(err.exit_code(), crate::exit_code::INPUT_ERROR);
    }

    #[test]
    fn a_scenario_no_shard_ran_or_one_outside_the_campaign_is_refused() {
        let err = check_shards(vec![
            shard(1, 2, &["f:1", "f:3"], &CAMPAIGN, "abc1"),
            shard(2, 2, &["f:2", "f:9"], &CAMPAIGN, "abc1"),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the shards do not cover the campaign: no shard ran f:4; not in the campaign but ran: f:9"
        );
    }

    #[test]
    fn shards_that_disagree_are_named_with_what_differs() {
        let err = check_shards(vec![
            shard(1, 2, &["f:1", "f:3"], &CAMPAIGN, "abc1"),
            shard(2, 3, &["f:2", "f:4"], &CAMPAIGN, "abc1"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("shard 2 (evidence/p2) shard count N differs from shard 1 (evidence/p1), which has 2; this one has 3"), "{err}");
        let other = check_shards(vec![
            shard(1, 2, &["f:1", "f:3"], &CAMPAIGN, "abc1"),
            shard(2, 2, &["f:2", "f:4"], &CAMPAIGN, "def2"),
        ])
        .unwrap_err();
        assert!(
            other
                .to_string()
                .contains("commit (git.json) differs from shard 1"),
            "{other}"
        );
        let missing =
            check_shards(vec![shard(2, 2, &["f:2", "f:4"], &CAMPAIGN, "abc1")]).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "missing shard 1 of 2: the merge needs every shard 1..2 of the campaign once (given: 2)"
        );
    }
}
