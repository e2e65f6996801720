//! Adapters: how steps reach the systems under test.
//!
//! - `process`: a child process speaking JSON lines (docs/adapter-protocol.md), isolated per
//!   scenario, pooled with `reset`, or shared by the campaign.
//! - `sql`: a SQLite database file.
//!
//! An [`AdapterRegistry`] lives for the campaign; each scenario gets a [`ScenarioAdapters`] and
//! calls [`ScenarioAdapters::finish`] at its end. All I/O is async and never blocks the thread that
//! drives the scenarios; traffic is streamed to the evidence package as it happens.

mod error;
mod line_reader;
mod process;
mod process_slot;
mod program;
mod registry;
mod reply;
mod scenario;
mod sql;
mod stderr;
mod transcript;
mod wire;

pub use error::AdapterError;
pub use registry::AdapterRegistry;
pub use reply::{FinishReport, QueryRows, Reply};
pub use scenario::ScenarioAdapters;
pub use wire::PROTOCOL_VERSION;
