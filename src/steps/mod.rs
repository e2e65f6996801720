//! The generic step library and the cucumber World it runs in.

mod adapter_steps;
mod args;
mod context;
mod file_steps;
mod hooks;
mod library;
mod record;
mod response_steps;
mod sql_steps;
mod world;

pub use context::{ActiveRun, RunContext};
pub use hooks::{after, before, slug};
pub use library::collection;
pub use record::{ScenarioRecord, StepRecord};
pub use world::{QualifyWorld, ScenarioState};
