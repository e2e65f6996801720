//! The fuzz target of the bridge: Sparkplug messages as the MQTT mode receives them (a topic and
//! raw protobuf payload bytes), read with the same `SparkplugWire` the mode uses (births,
//! aliases, datatypes), checked with the pipeline's payload parser and run through one session
//! tracker so births, deaths and `seq` jumps interleave. A panic is a bug.
//!
//! Shared by the cargo-fuzz binary and the bridge's stable replay test
//! (`bridge/tests/fuzz_corpus.rs`, which includes this file).

use qualify_bridge::mqtt::SparkplugWire;
use qualify_bridge::sparkplug::{MessageType, Payload, SessionTracker, Topic};

/// Topics the first byte of each message picks from: one edge node, its device, and topics the
/// pipeline must refuse.
const TOPICS: [&str; 8] = [
    "spBv1.0/G/NBIRTH/e1",
    "spBv1.0/G/DBIRTH/e1/d1",
    "spBv1.0/G/NDATA/e1",
    "spBv1.0/G/DDATA/e1/d1",
    "spBv1.0/G/NDEATH/e1",
    "spBv1.0/G/DDEATH/e1/d1",
    "spBv1.0/G/DDATA/e1",
    "spBv1.0/G/NBIRTH/e2",
];

/// Input: messages separated by the bytes `0xff 0x00`; each is one byte choosing the topic
/// followed by the payload bytes.
pub fn sparkplug(data: &[u8]) {
    let mut wire = SparkplugWire::default();
    let mut sessions = SessionTracker::default();
    let mut rest = data;
    while let Some((&pick, tail)) = rest.split_first() {
        let end = tail
            .windows(2)
            .position(|w| w == [0xff, 0x00])
            .unwrap_or(tail.len());
        let (bytes, next) = tail.split_at(end);
        rest = next.get(2..).unwrap_or_default();
        let topic_text = TOPICS[usize::from(pick) % TOPICS.len()];
        let payload = match wire.read(topic_text, bytes) {
            Ok(payload) => payload,
            Err(rejection) => {
                assert!(!rejection.message.is_empty());
                continue;
            }
        };
        let Ok(topic) = Topic::parse(topic_text) else {
            continue;
        };
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
