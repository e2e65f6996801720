//! The one event type that joins the runner to its consumers (results, progress).
//!
//! Ordering guarantees, for every consumer:
//! - a scenario's `ScenarioStarted` comes before its steps, and its `ScenarioFinished` after them;
//! - a scenario's steps arrive in execution order (background first);
//! - events of different scenarios interleave when scenarios run concurrently: key by scenario id;
//! - `CampaignFinished` is the last event.

use std::time::SystemTime;

pub use super::pickle_facts::ScenarioSource;
use crate::evidence::{DataTable, DocString, Status};

/// Something that happened during a campaign.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// The campaign is about to run `total` scenarios.
    CampaignStarted {
        /// Scenarios selected.
        total: usize,
    },
    /// A scenario began.
    ScenarioStarted {
        /// `<feature path>:<line>`.
        id: String,
        /// Scenario name.
        name: String,
        /// The steps it will run: (keyword, text, line, background), in order.
        steps: Vec<PlannedStep>,
        /// Where it is written: keywords, lines and tags for the reports.
        source: Box<ScenarioSource>,
        /// When.
        at: SystemTime,
    },
    /// A step ended.
    StepFinished {
        /// Scenario id.
        scenario: String,
        /// Line of the step in the feature file.
        line: usize,
        /// From a Background.
        background: bool,
        /// Outcome.
        status: Status,
        /// Failure message.
        error: Option<String>,
        /// Start time.
        started: Option<SystemTime>,
        /// End time.
        at: SystemTime,
    },
    /// A scenario ended.
    ScenarioFinished {
        /// Scenario id.
        id: String,
        /// Name.
        name: String,
        /// Failed when any step did not pass or a hook failed.
        status: Status,
        /// A failure outside the steps (adapter start-up in a hook, ...).
        error: Option<String>,
        /// When.
        at: SystemTime,
    },
    /// Everything ran.
    CampaignFinished {
        /// When.
        at: SystemTime,
    },
}

/// A step as written in the feature file.
#[derive(Debug, Clone)]
pub struct PlannedStep {
    /// `Given `, `When `, ...
    pub keyword: String,
    /// Step text.
    pub text: String,
    /// Line.
    pub line: usize,
    /// From a Background.
    pub background: bool,
    /// Its doc string.
    pub doc_string: Option<DocString>,
    /// Its data table.
    pub data_table: Option<DataTable>,
}

/// A consumer of [`RunEvent`]s.
pub trait Reporter {
    /// Handles one event; must not block for long (scenarios wait on it).
    fn event(&mut self, event: &RunEvent);
}
