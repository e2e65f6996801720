//! Collects step outcomes and timings per scenario from [`RunEvent`]s.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::event::{PlannedStep, Reporter, RunEvent, ScenarioSource};
use crate::evidence::Status;

/// Outcome of one step as the runner saw it.
#[derive(Debug, Clone)]
pub struct StepOutcome {
    /// The step as written.
    pub step: PlannedStep,
    /// Its status; steps never reached are `Skipped`.
    pub status: Status,
    /// Failure message.
    pub error: Option<String>,
    /// Start.
    pub started: Option<SystemTime>,
    /// End.
    pub finished: Option<SystemTime>,
}

/// Outcome of one scenario.
#[derive(Debug, Clone)]
pub struct ScenarioOutcome {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Status.
    pub status: Status,
    /// Failure outside steps.
    pub error: Option<String>,
    /// Start.
    pub started: SystemTime,
    /// End.
    pub finished: Option<SystemTime>,
    /// Steps in order.
    pub steps: Vec<StepOutcome>,
    /// Where it is written.
    pub source: ScenarioSource,
}

/// Everything collected, by scenario id.
pub type Collected = Arc<Mutex<BTreeMap<String, ScenarioOutcome>>>;

/// The reporter filling a [`Collected`].
#[derive(Debug, Default)]
pub struct Collector {
    out: Collected,
}

impl Collector {
    /// A collector and the handle to read its results after the run.
    pub fn new() -> (Self, Collected) {
        let out = Collected::default();
        (Self { out: out.clone() }, out)
    }
}

impl Reporter for Collector {
    fn event(&mut self, event: &RunEvent) {
        let Ok(mut map) = self.out.lock() else { return };
        match event {
            RunEvent::ScenarioStarted {
                id,
                name,
                steps,
                source,
                at,
            } => {
                let steps = steps
                    .iter()
                    .map(|s| StepOutcome {
                        step: s.clone(),
                        status: Status::Skipped,
                        error: None,
                        started: None,
                        finished: None,
                    })
                    .collect();
                map.insert(
                    id.clone(),
                    ScenarioOutcome {
                        id: id.clone(),
                        name: name.clone(),
                        status: Status::Skipped,
                        error: None,
                        started: *at,
                        finished: None,
                        steps,
                        source: (**source).clone(),
                    },
                );
            }
            RunEvent::StepFinished {
                scenario,
                line,
                background,
                status,
                error,
                started,
                at,
            } => {
                if let Some(s) = map.get_mut(scenario) {
                    // The first not-yet-finished step with this line and origin: a line is unique
                    // within one scenario's steps.
                    if let Some(step) = s.steps.iter_mut().find(|o| {
                        o.step.line == *line
                            && o.step.background == *background
                            && o.finished.is_none()
                    }) {
                        step.status = *status;
                        step.error = error.clone();
                        step.started = *started;
                        step.finished = Some(*at);
                    }
                }
            }
            RunEvent::ScenarioFinished {
                id,
                status,
                error,
                at,
                ..
            } => {
                if let Some(s) = map.get_mut(id) {
                    s.status = *status;
                    s.error = error.clone();
                    s.finished = Some(*at);
                }
            }
            RunEvent::CampaignStarted { .. } | RunEvent::CampaignFinished { .. } => {}
        }
    }
}
