//! qualify-bridge: a reference IIoT → MES bridge, written to the practical controls, and shipped
//! as the system under test of qualify's bundled validation suite.
//!
//! It turns Sparkplug B and OPC UA telemetry into MES execution records in a SQLite database
//! that plays the MES. It never imports qualify; it is reached only through the process adapter
//! protocol ([`protocol`]). See `bridge/README.md` for the behaviour and the request kinds.
#![warn(missing_docs)]

pub mod bridge;
pub mod cli;
pub mod config;
pub mod context;
pub mod downtime;
pub mod events;
pub mod executable;
pub mod gates;
pub mod job_order;
pub mod master_data;
pub mod metrics;
pub mod mqtt;
pub mod observation;
pub mod oee;
pub mod opcua;
pub mod pipeline;
pub mod protocol;
pub mod quality;
pub mod reason;
pub mod rejection;
pub mod reorder;
pub mod report;
pub mod safeguards;
pub mod service;
pub mod sim;
pub mod sparkplug;
pub mod store;
pub mod timestamp;

pub use bridge::{Bridge, BridgeOptions};
pub use reason::ReasonCode;
pub use rejection::Rejection;
pub use safeguards::Safeguards;
