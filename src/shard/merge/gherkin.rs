//! The feature files of a merged campaign, for its messages.ndjson: every shard's messages carry
//! the same documents (the plan numbers every file's nodes in one sequence, and the shards ran
//! the same files: checked before) and the pickles that shard ran; the merged package gets the
//! documents once and the pickles of all shards, in document order.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::{MergeError, ShardPackage};
use crate::gherkin::{GherkinDocument, ParsedFeature, Pickle};
use crate::runner::GherkinSource;
use crate::verify::read_regular;
use qualify_evidence::layout::MESSAGES_FILE;

/// One file as the shards' messages give it.
#[derive(Default)]
struct File {
    source: Option<String>,
    document: Option<GherkinDocument>,
    pickles: BTreeMap<u64, Pickle>,
}

/// The campaign's feature files from the shards' messages.ndjson, in the order the first shard
/// lists them. A shard sealed without messages.ndjson (made by an older qualify) adds nothing:
/// the merged messages then lack its test cases, and say nothing false.
pub fn merged_gherkin(shards: &[ShardPackage]) -> Result<Vec<GherkinSource>, MergeError> {
    let mut order: Vec<String> = Vec::new();
    let mut files: BTreeMap<String, File> = BTreeMap::new();
    for shard in shards {
        for envelope in messages_of(shard)? {
            let unreadable = |e: serde_json::Error| MergeError::Unreadable {
                shard: shard.dir.clone(),
                what: format!("{MESSAGES_FILE}: {e}"),
            };
            if let Some(source) = envelope.get("source") {
                let uri = source["uri"].as_str().unwrap_or_default().to_string();
                if !files.contains_key(&uri) {
                    order.push(uri.clone());
                }
                let file = files.entry(uri).or_default();
                file.source
                    .get_or_insert_with(|| source["data"].as_str().unwrap_or_default().into());
            } else if let Some(doc) = envelope.get("gherkinDocument") {
                let doc: GherkinDocument =
                    serde_json::from_value(doc.clone()).map_err(unreadable)?;
                let uri = doc.uri.clone().unwrap_or_default();
                files.entry(uri).or_default().document.get_or_insert(doc);
            } else if let Some(pickle) = envelope.get("pickle") {
                let pickle: Pickle = serde_json::from_value(pickle.clone()).map_err(unreadable)?;
                // Ids are numbers from one sequence in file order: their order is the file's.
                let key = pickle.id.parse().unwrap_or(u64::MAX);
                let file = files.entry(pickle.uri.clone()).or_default();
                file.pickles.insert(key, pickle);
            }
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|uri| {
            let file = files.remove(&uri)?;
            let parsed = ParsedFeature {
                document: file.document?,
                pickles: file.pickles.into_values().collect(),
            };
            Some(GherkinSource::new(
                uri,
                file.source.unwrap_or_default().into(),
                Arc::new(parsed),
            ))
        })
        .collect())
}

/// The envelopes of `shard`'s sealed messages.ndjson (none when it has none).
fn messages_of(shard: &ShardPackage) -> Result<Vec<Value>, MergeError> {
    let Some(entry) = shard
        .manifest
        .files
        .iter()
        .find(|f| f.path == MESSAGES_FILE)
    else {
        return Ok(Vec::new());
    };
    let unreadable = |what: String| MergeError::Unreadable {
        shard: shard.dir.clone(),
        what: format!("{MESSAGES_FILE}: {what}"),
    };
    let bytes = read_regular(&shard.dir.join(MESSAGES_FILE), entry.size)
        .map_err(|e| unreadable(e.to_string()))?;
    bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).map_err(|e| unreadable(e.to_string())))
        .collect()
}
