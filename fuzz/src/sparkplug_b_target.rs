//! The fuzz target of the Sparkplug B codec (`crates/sparkplug-b`): bytes as an MQTT payload on an
//! edge node's topic. Whatever the bytes, decoding returns a payload or an error and never
//! panics; a payload that decodes reads to JSON (with problems, never a panic), goes through the
//! births a host remembers (aliases, datatypes), and its JSON form encodes again when it has no
//! problems. A panic is a bug.
//!
//! Shared by the cargo-fuzz binary and the codec's stable replay test
//! (`crates/sparkplug-b/tests/fuzz_corpus.rs`, which includes this file).

use sparkplug_b::{Catalogs, Topic, decode, encode, payload_from_json, payload_to_json};

/// Input: the first byte picks the topic (births and data of one edge node and its device), the
/// rest is the payload. A second payload after a `0xff 0x00` separator is read after the first,
/// so births and data interleave.
pub fn sparkplug_b(data: &[u8]) {
    const TOPICS: [&str; 6] = [
        "spBv1.0/G/NBIRTH/e1",
        "spBv1.0/G/DBIRTH/e1/d1",
        "spBv1.0/G/NDATA/e1",
        "spBv1.0/G/DDATA/e1/d1",
        "spBv1.0/G/NDEATH/e1",
        "spBv1.0/G/NCMD/e1",
    ];
    let mut catalogs = Catalogs::default();
    let mut rest = data;
    while let Some((&pick, tail)) = rest.split_first() {
        let end = tail
            .windows(2)
            .position(|w| w == [0xff, 0x00])
            .unwrap_or(tail.len());
        let (bytes, next) = tail.split_at(end);
        rest = next.get(2..).unwrap_or_default();
        let Ok(Topic::Edge(topic)) = Topic::parse(TOPICS[usize::from(pick) % TOPICS.len()]) else {
            return;
        };
        let Ok(payload) = decode(bytes) else {
            continue;
        };
        let (resolved, mut problems) = catalogs.read(&topic, &payload);
        let json = payload_to_json(&resolved, &mut problems);
        assert!(json.is_object());
        if problems.is_empty() {
            // What reads cleanly writes back: the JSON form is the one authors use.
            let again = payload_from_json(&json).expect("a clean decode re-encodes");
            let _ = encode(&again);
        }
        for p in problems {
            assert!(!p.is_empty());
        }
    }
}
