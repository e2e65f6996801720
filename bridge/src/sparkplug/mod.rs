//! Sparkplug B, JSON-shaped: topic namespace, payload, and the host application's per-edge-node
//! session and sequence tracking.

mod payload;
mod session;
mod topic;

pub use payload::{Metric, Payload};
pub use session::{SessionTracker, rebirth_request};
pub use topic::{MessageType, Topic};
