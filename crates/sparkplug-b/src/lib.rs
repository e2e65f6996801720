//! Sparkplug B 3.0 for qualify and its reference bridge: the Eclipse Tahu `sparkplug_b.proto`
//! as prost types ([`proto`]), the datatype codes ([`DataType`]), a JSON form of payloads for
//! scenario authors and evidence ([`payload_from_json`], [`payload_to_json`]), the topic
//! namespace ([`Topic`]), STATE messages ([`StateMessage`]), births as a host remembers them
//! ([`Catalogs`]: aliases and datatypes) and the bookkeeping of an edge node that publishes
//! ([`Publisher`]: `seq`, `bdSeq`, aliases).
//!
//! Decoding never panics on bad bytes: [`decode`] returns a [`DecodeError`], and what decodes
//! but does not make sense (a value in the wrong field for its datatype, an unknown alias) is
//! reported as a list of problems next to the JSON.

mod array;
mod catalog;
mod dataset;
mod datatype;
mod error;
mod json_util;
mod metadata;
mod metric_json;
mod payload_json;
mod properties;
pub mod proto;
mod publisher;
mod scalar;
mod state;
mod template;
mod topic;

pub use catalog::{Born, Catalogs, NodeCatalog, resolve};
pub use datatype::{DataType, Storage};
pub use error::{DecodeError, JsonError};
pub use metric_json::inferred_type;
pub use payload_json::{payload_from_json, payload_to_json};
pub use proto::{Metric, Payload};
pub use publisher::{Prepared, Publisher};
pub use state::StateMessage;
pub use topic::{EdgeTopic, MessageType, Topic};

use prost::Message;

/// Decodes a Sparkplug B protobuf payload.
pub fn decode(bytes: &[u8]) -> Result<Payload, DecodeError> {
    Payload::decode(bytes).map_err(|source| DecodeError {
        len: bytes.len(),
        source,
    })
}

/// Encodes a payload as protobuf.
pub fn encode(payload: &Payload) -> Vec<u8> {
    payload.encode_to_vec()
}

/// Decodes `bytes` straight to the JSON form with its problems (no births consulted).
pub fn decode_to_json(bytes: &[u8]) -> Result<(serde_json::Value, Vec<String>), DecodeError> {
    let payload = decode(bytes)?;
    let mut problems = Vec::new();
    let json = payload_to_json(&payload, &mut problems);
    Ok((json, problems))
}

/// Encodes the JSON form as protobuf.
pub fn encode_json(value: &serde_json::Value) -> Result<Vec<u8>, JsonError> {
    payload_from_json(value).map(|p| encode(&p))
}
