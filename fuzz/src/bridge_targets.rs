//! The fuzz target of the bridge: Sparkplug messages as the MQTT mode receives them (a topic and
//! raw payload bytes), decoded and checked with the same functions the pipeline uses, and run
//! through one session tracker so births, deaths and `seq` jumps interleave. A panic is a bug.
//!
//! Shared by the cargo-fuzz binary and the bridge's stable replay test
//! (`bridge/tests/fuzz_corpus.rs`, which includes this file).

use qualify_bridge::sparkplug::{MessageType, Payload, SessionTracker, Topic};
use serde_json::Value;

/// Input: one message per line, `topic<TAB>payload bytes`.
pub fn sparkplug(data: &[u8]) {
    let mut sessions = SessionTracker::default();
    for line in data.split(|b| *b == b'\n') {
        let Some(tab) = line.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let (topic, bytes) = (&line[..tab], &line[tab + 1..]);
        let Ok(topic) = Topic::parse(&String::from_utf8_lossy(topic)) else {
            continue;
        };
        // As the MQTT mode does: a payload that is not JSON reaches the pipeline as a string.
        let payload: Value = serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()));
        let Ok(payload) = Payload::parse(&payload) else {
            continue;
        };
        let _ = topic.node_key();
        let _ = topic.device_id();
        let outcome = match topic.message_type {
            MessageType::NBirth => sessions.birth(&topic, payload.seq, payload.bd_seq),
            MessageType::NDeath => sessions.death(&topic, payload.bd_seq),
            _ => sessions.advance(&topic, payload.seq),
        };
        if let Err(rejection) = outcome {
            assert!(!rejection.message.is_empty());
        }
    }
}
