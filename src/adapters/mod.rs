//! Adapters: how steps reach the systems under test.
//!
//! - `process`: a child process speaking JSON lines (docs/adapter-protocol.md), isolated per
//!   scenario, pooled with `reset`, or shared by the campaign.
//! - `sql`: a SQLite database file or a PostgreSQL server.
//! - `mqtt`: a broker, publishing and matching messages (IIoT telemetry).
//! - `http`: a REST endpoint (an MES API).
//!
//! An [`AdapterRegistry`] lives for the campaign; each scenario gets a [`ScenarioAdapters`] and
//! calls [`ScenarioAdapters::finish`] at its end. All I/O is async and never blocks the thread that
//! drives the scenarios; traffic is streamed to the evidence package as it happens.

mod child_env;
mod error;
mod http;
mod http_response;
mod insert_rows;
mod line_reader;
mod mqtt;
mod mqtt_link;
mod mqtt_message;
mod mqtt_sparkplug;
mod postgres;
mod postgres_values;
mod process;
mod process_slot;
mod program;
mod registry;
mod reply;
mod scenario;
mod scenario_network;
mod secrets;
mod slot_transcript;
mod sql;
mod stderr;
mod tls;
mod topic;
mod transcript;
mod wire;

pub use error::{AdapterError, StderrReport};
pub use http_response::HttpResponse;
pub use mqtt_message::{MqttMessage, PublishReceipt};
pub use mqtt_sparkplug::SparkplugReading;
pub use registry::AdapterRegistry;
pub use reply::{FinishReport, QueryRows, Reply};
pub use scenario::ScenarioAdapters;
pub use wire::PROTOCOL_VERSION;

pub(crate) use topic::check_topic_filter;
