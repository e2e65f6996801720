//! MQTT mode (`--mqtt mqtt://host:port`): Sparkplug B telemetry arrives through a broker instead of
//! `telemetry` requests, and the bridge publishes what it decided about every message.
//!
//! - Subscribes to `spBv1.0/#` (QoS 1) before it answers `hello`, so nothing published after the
//!   adapter has started is missed. Host commands (`NCMD`, `DCMD`) and `STATE` messages are not
//!   telemetry and are ignored.
//! - Every other message goes through the same pipeline as a `telemetry` request; the decision is
//!   published on [`DECISIONS_TOPIC`] (QoS 1): the topic, the payload's `seq`, `accepted`, and the
//!   result's fields (accepted) or `code`, `message`, `details` (refused).
//! - A sequence gap makes the bridge publish the rebirth request itself, as a Sparkplug host
//!   application does: `Node Control/Rebirth` on `spBv1.0/<group>/NCMD/<edge node>`.
//! - Control requests (`load_master_data`, `flush`, `opcua`, `report`, `reset`, ...) still come
//!   on stdin/stdout; a `telemetry` request there is refused, since telemetry must come from the
//!   broker in this mode.
//! - If the broker goes away the bridge logs it, keeps answering control requests and reconnects
//!   (and subscribes again) once a second.

mod decision;
mod link;
mod mode;

pub use decision::{DECISIONS_TOPIC, decision, is_telemetry_topic, rebirth_message};
pub use link::BrokerUrl;
pub use mode::serve_mqtt;
