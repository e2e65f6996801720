//! MQTT mode (`--mqtt mqtt://host:port`): Sparkplug B telemetry arrives through a broker instead of
//! `telemetry` requests, and the bridge publishes what it decided about every message.
//!
//! - Payloads are Sparkplug B protobuf (Eclipse Tahu `sparkplug_b.proto`, crates/sparkplug-b),
//!   read as a host application reads them: aliases and datatypes resolved from the NBIRTH and
//!   DBIRTH seen on the broker, then through the same pipeline as the JSON `telemetry` request
//!   of the process interface. A payload that is not protobuf, an alias no birth assigned or a
//!   datatype the birth contradicts is refused as `invalid_message` and quarantined.
//! - Subscribes to `spBv1.0/#` (QoS 1) before it answers `hello`, so nothing published after the
//!   adapter has started is missed. Host commands (`NCMD`, `DCMD`) and `STATE` messages are not
//!   telemetry and are ignored.
//! - Every other message goes through the same pipeline as a `telemetry` request; the decision is
//!   published on [`DECISIONS_TOPIC`] (QoS 1): the topic, the payload's `seq`, `accepted`, and the
//!   result's fields (accepted) or `code`, `message`, `details` (refused).
//! - A sequence gap makes the bridge publish the rebirth request itself, as a Sparkplug host
//!   application does: `Node Control/Rebirth` on `spBv1.0/<group>/NCMD/<edge node>`, as a
//!   protobuf NCMD (also after metrics the births do not explain).
//! - Control requests (`load_master_data`, `flush`, `opcua`, `report`, `reset`, ...) still come
//!   on stdin/stdout; a `telemetry` request there is refused, since telemetry must come from the
//!   broker in this mode.
//! - If the broker goes away the bridge logs it, keeps answering control requests and reconnects
//!   (and subscribes again) once a second.

mod decision;
mod link;
mod mode;
mod wire;

pub use decision::{DECISIONS_TOPIC, decision, is_telemetry_topic, rebirth_message};
pub use link::BrokerUrl;
pub use mode::serve_mqtt;
pub use wire::{SparkplugWire, encode_command};
