//! The cucumber World: one per scenario, holding its adapters, variables, last response and the
//! evidence its steps record.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::context::RunContext;
use super::last_response::LastResponse;
use super::record::{ScenarioRecord, StepRecord};
use crate::adapters::ScenarioAdapters;
use crate::evidence::{Assertion, Mismatch};
use crate::matching::Variables;
use crate::runner::fail;

/// State of the running scenario.
pub struct ScenarioState {
    /// `<feature path>:<line>`.
    pub id: String,
    /// Filesystem-safe id, the attachment sub-folder.
    pub slug: String,
    /// The scenario's working folder.
    pub dir: PathBuf,
    /// Adapters in use.
    pub adapters: ScenarioAdapters,
    /// `${...}` variables.
    pub vars: Variables,
    /// The last response: of a process adapter, an HTTP request or a matched MQTT message.
    pub last: Option<LastResponse>,
    /// Evidence recorded so far.
    pub record: ScenarioRecord,
    /// Line of the step being executed.
    pub step_line: usize,
}

/// The World of qualify's generic step library.
pub struct QualifyWorld {
    /// The campaign.
    pub ctx: Arc<RunContext>,
    /// Set by the `before` hook.
    pub state: Option<ScenarioState>,
}

impl fmt::Debug for QualifyWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QualifyWorld")
            .field("scenario", &self.state.as_ref().map(|s| s.id.as_str()))
            .finish()
    }
}

impl cucumber::World for QualifyWorld {
    type Error = String;

    async fn new() -> Result<Self, Self::Error> {
        let ctx = RunContext::current().ok_or_else(|| "no campaign is running".to_string())?;
        Ok(Self { ctx, state: None })
    }
}

impl QualifyWorld {
    /// The running scenario's state; fails the step if the scenario was not set up.
    pub fn state(&mut self) -> &mut ScenarioState {
        match self.state.as_mut() {
            Some(s) => s,
            None => fail("the scenario was not set up (internal error in the before hook)"),
        }
    }

    /// Marks the start of a step at `line`.
    pub fn begin_step(&mut self, line: usize) {
        let state = self.state();
        state.step_line = line;
        state.record.steps.entry(line).or_default();
    }

    /// The record of the current step.
    pub fn step_record(&mut self) -> &mut StepRecord {
        let state = self.state();
        let line = state.step_line;
        state.record.steps.entry(line).or_default()
    }

    /// Notes that the current step used `adapter` (its transcripts back the step).
    pub fn touched(&mut self, adapter: &str) {
        let rec = self.step_record();
        if !rec.adapters.iter().any(|a| a == adapter) {
            rec.adapters.push(adapter.to_string());
        }
    }

    /// Records an assertion (always, also when it holds) and fails the step if it does not.
    pub fn assert(
        &mut self,
        subject: impl Into<String>,
        comparison: impl Into<String>,
        expected: Value,
        actual: Value,
        mismatches: Vec<Mismatch>,
        passed: bool,
    ) {
        let assertion = Assertion {
            subject: subject.into(),
            comparison: comparison.into(),
            expected,
            actual,
            passed,
            mismatches,
        };
        let message = (!passed).then(|| describe_failure(&assertion));
        self.step_record().assertions.push(assertion);
        if let Some(m) = message {
            fail(m);
        }
    }

    /// Replaces `${...}` in a JSON doc string, keeping it valid JSON; fails on an unknown variable.
    pub fn interpolate_json(&mut self, text: &str) -> String {
        match self.state().vars.interpolate_json(text) {
            Ok(s) => s,
            Err(e) => fail(e.to_string()),
        }
    }

    /// Replaces `${...}` in `text`; fails the step on an unknown variable.
    pub fn interpolate(&mut self, text: &str) -> String {
        match self.state().vars.interpolate(text) {
            Ok(s) => s,
            Err(e) => fail(e.to_string()),
        }
    }
}

fn describe_failure(a: &Assertion) -> String {
    let compact = crate::matching::show;
    let mut msg = format!(
        "{} {}: expected {}, actual {}",
        a.subject,
        a.comparison,
        compact(&a.expected),
        compact(&a.actual)
    );
    for m in a.mismatches.iter().take(20) {
        msg.push_str(&format!(
            "\n  at {}: {} (expected {}, actual {})",
            m.path,
            m.reason,
            compact(&m.expected),
            compact(&m.actual)
        ));
    }
    if a.mismatches.len() > 20 {
        msg.push_str(&format!(
            "\n  … and {} more mismatches",
            a.mismatches.len() - 20
        ));
    }
    msg
}

/// Variables every scenario starts with.
pub fn builtin_variables(
    dir: &std::path::Path,
    project_dir: &std::path::Path,
) -> BTreeMap<String, Value> {
    let mut vars = BTreeMap::new();
    vars.insert(
        "scenario_dir".into(),
        Value::String(dir.display().to_string()),
    );
    vars.insert(
        "project_dir".into(),
        Value::String(project_dir.display().to_string()),
    );
    vars
}
