//! The campaign runner: drives cucumber-rs, turns its events into [`RunEvent`]s for the reporters,
//! and seals the evidence package.

mod assemble;
mod campaign;
mod collector;
mod cucumber_writer;
mod error;
mod event;
mod execute;
mod failure;
pub(crate) mod feature_source;
mod gherkin_sources;
mod pickle_facts;
mod progress;
mod progress_rate;
mod seal;
mod trial;

pub(crate) use campaign::RunRecord;
pub use campaign::{CampaignOptions, CampaignOutcome, run_campaign};
pub use collector::{Collected, Collector, ScenarioOutcome, StepOutcome};
pub use error::CampaignError;
pub use event::{PlannedStep, Reporter, RunEvent, ScenarioSource};
pub use failure::{StepFailure, fail, install_quiet_hook, panic_message};
pub(crate) use gherkin_sources::GherkinSource;
pub use progress::{Progress, ProgressMode};
pub(crate) use seal::seal_record;
