//! The partition of a campaign over N shards: greedy longest-processing-time first, computed
//! from nothing but the scenario ids and their weights, so that every runner of a CI matrix
//! computes the same one on its own.

use std::collections::BTreeMap;

use crate::evidence::sha256_hex;

/// Domain of the partition digest, so that it cannot be mistaken for another digest.
const DIGEST_DOMAIN: &str = "qualify.shard-partition/v1";

/// A campaign split into shards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// Shard `k` (from 1) is `shards[k - 1]`: its scenario ids, sorted.
    pub shards: Vec<Vec<String>>,
    /// The summed weight of each shard, in the same order.
    pub loads: Vec<u64>,
    /// SHA-256 over the whole partition (see [`Partition::digest`]).
    pub digest: String,
}

/// Splits `weights` (scenario id → expected duration in ms) into `total` shards. Heaviest
/// first (ties by id), each onto the shard with the least load so far (ties: the lowest
/// number). With equal weights this deals the scenarios out in id order, round robin.
pub fn partition(weights: &BTreeMap<String, u64>, total: usize) -> Partition {
    let total = total.max(1);
    let mut order: Vec<(&String, u64)> = weights.iter().map(|(id, w)| (id, *w)).collect();
    // BTreeMap iteration is by id, and the sort is stable: equal weights stay in id order.
    order.sort_by_key(|item| std::cmp::Reverse(item.1));
    let mut shards: Vec<Vec<String>> = vec![Vec::new(); total];
    let mut loads = vec![0u64; total];
    for (id, weight) in order {
        let lightest = (0..total)
            .min_by_key(|&k| (loads[k], k))
            .unwrap_or_default();
        loads[lightest] = loads[lightest].saturating_add(weight);
        shards[lightest].push(id.clone());
    }
    for shard in &mut shards {
        shard.sort();
    }
    let digest = digest(&shards);
    Partition {
        shards,
        loads,
        digest,
    }
}

/// SHA-256 of `qualify.shard-partition/v1`, then for each shard `shard K/N` and its sorted ids,
/// one per line: equal exactly when two partitions put every scenario in the same shard.
pub fn digest(shards: &[Vec<String>]) -> String {
    let mut text = format!("{DIGEST_DOMAIN}\n");
    for (k, ids) in shards.iter().enumerate() {
        text.push_str(&format!("shard {}/{}\n", k + 1, shards.len()));
        for id in ids {
            text.push_str(id);
            text.push('\n');
        }
    }
    sha256_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(items: &[(&str, u64)]) -> BTreeMap<String, u64> {
        items.iter().map(|(id, w)| (id.to_string(), *w)).collect()
    }

    #[test]
    fn every_scenario_lands_in_exactly_one_shard() {
        let w: BTreeMap<String, u64> = (0..37)
            .map(|i| (format!("f.feature:{i}"), 1 + i % 5))
            .collect();
        let p = partition(&w, 4);
        let mut all: Vec<String> = p.shards.concat();
        all.sort();
        let expected: Vec<String> = w.keys().cloned().collect();
        assert_eq!(all, expected);
        assert!(p.shards.iter().all(|s| !s.is_empty()));
    }

    #[test]
    fn equal_weights_deal_round_robin_by_id() {
        let w = weights(&[("a:1", 1), ("a:2", 1), ("a:3", 1), ("a:4", 1), ("a:5", 1)]);
        let p = partition(&w, 2);
        assert_eq!(
            p.shards,
            vec![vec!["a:1", "a:3", "a:5"], vec!["a:2", "a:4"]]
        );
        assert_eq!(p.loads, vec![3, 2]);
    }

    #[test]
    fn balances_by_duration_longest_first() {
        // One long scenario fills a shard on its own; the short ones share the other.
        let w = weights(&[
            ("a:1", 900),
            ("a:2", 300),
            ("a:3", 300),
            ("a:4", 200),
            ("a:5", 100),
        ]);
        let p = partition(&w, 2);
        assert_eq!(
            p.shards,
            vec![vec!["a:1"], vec!["a:2", "a:3", "a:4", "a:5"]]
        );
        assert_eq!(p.loads, vec![900, 900]);
        // By count alone (round robin) the loads would be 1,300 and 500.
        let three = partition(&w, 3);
        assert_eq!(three.loads.iter().max(), Some(&900));
        assert_eq!(three.loads.iter().sum::<u64>(), 1800);
    }

    #[test]
    fn is_deterministic_and_the_digest_names_the_whole_partition() {
        let w: BTreeMap<String, u64> = (0..50)
            .map(|i| (format!("x:{i}"), (i * 7919) % 13))
            .collect();
        let a = partition(&w, 4);
        let b = partition(&w.clone().into_iter().rev().collect(), 4);
        assert_eq!(a, b);
        assert_eq!(a.digest.len(), 64);
        assert_ne!(partition(&w, 3).digest, a.digest);
        let mut moved = a.shards.clone();
        let id = moved[0].pop().unwrap();
        moved[1].push(id);
        moved[1].sort();
        assert_ne!(digest(&moved), a.digest);
    }

    #[test]
    fn ties_go_to_the_lowest_shard() {
        let w = weights(&[("b:1", 5), ("a:1", 5)]);
        let p = partition(&w, 3);
        assert_eq!(p.shards, vec![vec!["a:1"], vec!["b:1"], Vec::<&str>::new()]);
    }
}
