//! The generic step library and the cucumber World it runs in.

mod adapter_steps;
mod args;
mod context;
mod file_steps;
mod hooks;
mod http_steps;
mod json_lines;
mod last_response;
mod library;
mod mqtt_steps;
mod record;
mod response_steps;
mod sparkplug_steps;
mod sql_steps;
mod world;

pub use context::{ActiveRun, RunContext};
pub use hooks::{after, before, slug};
pub use last_response::LastResponse;
pub use library::{collection, patterns};
pub use record::{ScenarioRecord, StepRecord};
pub use world::{QualifyWorld, ScenarioState};
