//! Adapts cucumber-rs events into [`RunEvent`]s and fans them out to the reporters.

use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

use cucumber::event::{
    self, Cucumber, Feature, RetryableScenario, Rule, Scenario, Step, StepError,
};
use cucumber::{Event, parser};

use super::event::{PlannedStep, Reporter, RunEvent};
use super::failure::panic_message;
use super::source_facts::SourceLines;
use crate::evidence::Status;
use crate::plan::scenario_id;
use crate::steps::QualifyWorld;

#[derive(Default)]
struct ScenarioState {
    failed: bool,
    error: Option<String>,
}

/// A cucumber [`Writer`](cucumber::Writer) that feeds reporters.
pub struct EventWriter {
    reporters: Vec<Box<dyn Reporter>>,
    project_dir: std::path::PathBuf,
    step_started: HashMap<(String, usize), SystemTime>,
    scenarios: HashMap<String, ScenarioState>,
    parse_errors: Vec<String>,
    sources: SourceLines,
}

impl EventWriter {
    /// A writer sending to `reporters`; feature paths are made relative to `project_dir`.
    pub fn new(project_dir: &Path, reporters: Vec<Box<dyn Reporter>>) -> Self {
        Self {
            reporters,
            project_dir: project_dir.to_path_buf(),
            step_started: HashMap::new(),
            scenarios: HashMap::new(),
            parse_errors: Vec::new(),
            sources: SourceLines::default(),
        }
    }

    /// Parse errors cucumber reported (should be none: the plan checked every file first).
    pub fn parse_errors(&self) -> &[String] {
        &self.parse_errors
    }

    fn emit(&mut self, event: RunEvent) {
        for r in &mut self.reporters {
            r.event(&event);
        }
    }

    fn scenario(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
        ev: &RetryableScenario<QualifyWorld>,
        at: SystemTime,
    ) {
        let id = scenario_id(&self.project_dir, feature, scenario);
        match &ev.event {
            Scenario::Started => {
                let mut steps: Vec<PlannedStep> = Vec::new();
                // cucumber runs the feature's background, then the rule's, then the scenario.
                let backgrounds = feature
                    .background
                    .iter()
                    .chain(rule.and_then(|r| r.background.as_ref()));
                let bg_steps = backgrounds.flat_map(|b| b.steps.iter().map(|s| (s, true)));
                for (s, is_bg) in bg_steps.chain(scenario.steps.iter().map(|s| (s, false))) {
                    let (doc_string, data_table) = self.sources.step_inputs(feature, s);
                    steps.push(PlannedStep {
                        keyword: s.keyword.clone(),
                        text: s.value.clone(),
                        line: s.position.line,
                        background: is_bg,
                        doc_string,
                        data_table,
                    });
                }
                let source = Box::new(self.sources.scenario(feature, rule, scenario));
                self.scenarios.insert(id.clone(), ScenarioState::default());
                self.emit(RunEvent::ScenarioStarted {
                    id,
                    name: scenario.name.clone(),
                    steps,
                    source,
                    at,
                });
            }
            Scenario::Step(step, st) => self.step(id, step, st, false, at),
            Scenario::Background(step, st) => self.step(id, step, st, true, at),
            Scenario::Hook(kind, event::Hook::Failed(_, info)) => {
                let state = self.scenarios.entry(id).or_default();
                state.failed = true;
                state.error = Some(format!("{kind:?} hook failed: {}", panic_message(info)));
            }
            Scenario::Hook(..) | Scenario::Log(_) => {}
            Scenario::Finished => {
                let state = self.scenarios.remove(&id).unwrap_or_default();
                let status = if state.failed {
                    Status::Failed
                } else {
                    Status::Passed
                };
                self.emit(RunEvent::ScenarioFinished {
                    id,
                    name: scenario.name.clone(),
                    status,
                    error: state.error,
                    at,
                });
            }
        }
    }

    fn step(
        &mut self,
        id: String,
        step: &gherkin::Step,
        st: &Step<QualifyWorld>,
        background: bool,
        at: SystemTime,
    ) {
        let line = step.position.line;
        let (status, error) = match st {
            Step::Started => {
                self.step_started.insert((id, line), at);
                return;
            }
            Step::Passed(..) => (Status::Passed, None),
            Step::Skipped => (
                Status::Undefined,
                Some(format!(
                    "no step definition matches \"{}\"; see docs/steps.md for the step library",
                    step.value
                )),
            ),
            Step::Failed(_, _, _, err) => {
                let msg = match err {
                    StepError::NotFound => format!(
                        "no step definition matches \"{}\"; see docs/steps.md for the step library",
                        step.value
                    ),
                    StepError::AmbiguousMatch(e) => format!("ambiguous step: {e}"),
                    StepError::Panic(info) => panic_message(info),
                };
                let status = if matches!(err, StepError::NotFound) {
                    Status::Undefined
                } else {
                    Status::Failed
                };
                (status, Some(msg))
            }
        };
        if status != Status::Passed {
            self.scenarios.entry(id.clone()).or_default().failed = true;
        }
        let started = self.step_started.remove(&(id.clone(), line));
        self.emit(RunEvent::StepFinished {
            scenario: id,
            line,
            background,
            status,
            error,
            started,
            at,
        });
    }
}

impl cucumber::Writer<QualifyWorld> for EventWriter {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        event: parser::Result<Event<Cucumber<QualifyWorld>>>,
        _cli: &Self::Cli,
    ) {
        let event = match event {
            Ok(e) => e,
            Err(err) => {
                self.parse_errors.push(err.to_string());
                return;
            }
        };
        let at = event.at;
        match &event.value {
            Cucumber::Feature(feature, Feature::Scenario(scenario, ev)) => {
                self.scenario(feature, None, scenario, ev, at)
            }
            Cucumber::Feature(feature, Feature::Rule(rule, Rule::Scenario(scenario, ev))) => {
                self.scenario(feature, Some(&**rule), scenario, ev, at)
            }
            Cucumber::Finished => self.emit(RunEvent::CampaignFinished { at }),
            _ => {}
        }
    }
}
