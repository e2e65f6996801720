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
use super::pickle_facts::{FactsByScenario, PickleFacts, ScenarioSource};
use crate::evidence::Status;
use crate::plan::scenario_id;
use crate::steps::QualifyWorld;

#[derive(Default)]
struct ScenarioState {
    failed: bool,
    error: Option<String>,
    /// Lines of the scenario's steps that came from a Background.
    background_lines: std::collections::HashSet<usize>,
}

/// A cucumber [`Writer`](cucumber::Writer) that feeds reporters.
pub struct EventWriter {
    reporters: Vec<Box<dyn Reporter>>,
    project_dir: std::path::PathBuf,
    step_started: HashMap<(String, usize), SystemTime>,
    scenarios: HashMap<String, ScenarioState>,
    parse_errors: Vec<String>,
    /// What the results record of each pickle, taken when its scenario starts.
    facts: FactsByScenario,
}

impl EventWriter {
    /// A writer sending to `reporters`; feature paths are made relative to `project_dir`;
    /// `facts` are the pickles' facts (src/runner/pickle_facts.rs).
    pub(super) fn new(
        project_dir: &Path,
        reporters: Vec<Box<dyn Reporter>>,
        facts: FactsByScenario,
    ) -> Self {
        Self {
            facts,
            reporters,
            project_dir: project_dir.to_path_buf(),
            step_started: HashMap::new(),
            scenarios: HashMap::new(),
            parse_errors: Vec::new(),
        }
    }

    /// Parse errors cucumber reported (should be none: the plan checked every file first).
    pub fn parse_errors(&self) -> &[String] {
        &self.parse_errors
    }

    /// Whether `step` of the scenario `id` came from a Background (inlined into the scenario).
    fn is_background(&self, id: &str, step: &gherkin::Step) -> bool {
        self.scenarios
            .get(id)
            .is_some_and(|s| s.background_lines.contains(&step.position.line))
    }

    /// The facts of the pickle cucumber runs as `scenario`, taken out (each runs once); a
    /// scenario the plan does not know (cannot happen: cucumber runs the plan's pickles) is
    /// described from what cucumber has.
    fn take_facts(
        &mut self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
    ) -> PickleFacts {
        let key = feature.path.clone().map(|p| (p, scenario.position.line));
        if let Some(facts) = key.and_then(|k| self.facts.remove(&k)) {
            return facts;
        }
        PickleFacts {
            source: ScenarioSource::default(),
            steps: scenario
                .steps
                .iter()
                .map(|s| PlannedStep {
                    keyword: s.keyword.clone(),
                    text: s.value.clone(),
                    line: s.position.line,
                    background: false,
                    doc_string: None,
                    data_table: None,
                })
                .collect(),
        }
    }

    fn emit(&mut self, event: RunEvent) {
        for r in &mut self.reporters {
            r.event(&event);
        }
    }

    fn scenario(
        &mut self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
        ev: &RetryableScenario<QualifyWorld>,
        at: SystemTime,
    ) {
        let id = scenario_id(&self.project_dir, feature, scenario);
        match &ev.event {
            Scenario::Started => {
                // The pickle's steps: the feature's and the rule's Background steps are inlined.
                let PickleFacts { source, steps } = self.take_facts(feature, scenario);
                let state = ScenarioState {
                    background_lines: steps
                        .iter()
                        .filter(|s| s.background)
                        .map(|s| s.line)
                        .collect(),
                    ..ScenarioState::default()
                };
                self.scenarios.insert(id.clone(), state);
                self.emit(RunEvent::ScenarioStarted {
                    id,
                    name: scenario.name.clone(),
                    steps,
                    source: Box::new(source),
                    at,
                });
            }
            Scenario::Step(step, st) => {
                let background = self.is_background(&id, step);
                self.step(id, step, st, background, at)
            }
            // Never sent: features reach cucumber without a Background (feature_source.rs).
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
                self.scenario(feature, scenario, ev, at)
            }
            Cucumber::Feature(feature, Feature::Rule(_, Rule::Scenario(scenario, ev))) => {
                self.scenario(feature, scenario, ev, at)
            }
            Cucumber::Finished => self.emit(RunEvent::CampaignFinished { at }),
            _ => {}
        }
    }
}
