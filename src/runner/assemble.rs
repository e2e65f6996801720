//! Joins what the runner saw (statuses, timings) with what the steps recorded (assertions,
//! attachments) into the [`RunResults`] model.

use std::collections::BTreeMap;
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use super::collector::{ScenarioOutcome, StepOutcome};
use crate::evidence::{
    AttachmentRef, FeatureResult, RESULTS_SCHEMA, RunResults, ScenarioResult, Selection, Status,
    StepResult, Summary, ToolInfo,
};
use crate::plan::Plan;
use crate::steps::ScenarioRecord;

/// RFC 3339 UTC with milliseconds.
pub fn rfc3339(t: SystemTime) -> String {
    crate::utc::format(DateTime::<Utc>::from(t))
}

fn millis(a: Option<SystemTime>, b: Option<SystemTime>) -> u64 {
    match (a, b) {
        (Some(a), Some(b)) => b
            .duration_since(a)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0),
        _ => 0,
    }
}

/// Inputs to [`assemble`].
pub struct AssembleInput<'a> {
    /// Package id.
    pub package_id: &'a str,
    /// The plan that was run.
    pub plan: &'a Plan,
    /// Selection as given.
    pub selection: Selection,
    /// Feature path → SHA-256.
    pub feature_digests: &'a BTreeMap<String, String>,
    /// Runner outcomes by scenario id.
    pub outcomes: BTreeMap<String, ScenarioOutcome>,
    /// Step records by scenario id.
    pub records: BTreeMap<String, ScenarioRecord>,
    /// Campaign start.
    pub started: SystemTime,
    /// Campaign end.
    pub finished: SystemTime,
}

/// Builds the results. Scenarios of the plan that never reported are included as failed, so that
/// nothing selected can silently disappear from the evidence.
pub fn assemble(mut input: AssembleInput<'_>) -> RunResults {
    let mut summary = Summary::default();
    let mut features = Vec::new();
    for feature in &input.plan.features {
        let mut scenarios = Vec::new();
        // The feature's keyword, line and tags, from the first of its scenarios that ran.
        let mut source = None;
        for planned in input
            .plan
            .scenarios
            .iter()
            .filter(|s| s.feature_path == feature.path)
        {
            let outcome = input.outcomes.remove(&planned.id);
            if source.is_none() {
                source = outcome.as_ref().map(|o| o.source.clone());
            }
            let record = input.records.remove(&planned.id).unwrap_or_default();
            let scenario = scenario_result(planned, outcome, record, &mut summary);
            scenarios.push(scenario);
        }
        if scenarios.is_empty() {
            continue;
        }
        scenarios.sort_by_key(|s| s.line);
        features.push(FeatureResult {
            name: feature.name.clone(),
            path: feature.path.clone(),
            sha256: input
                .feature_digests
                .get(&feature.path)
                .cloned()
                .unwrap_or_default(),
            description: feature.description.clone(),
            keyword: source.as_ref().map(|s| s.feature_keyword.clone()),
            line: source.as_ref().map(|s| s.feature_line),
            tags: source.map(|s| s.feature_tags).unwrap_or_default(),
            scenarios,
        });
    }
    RunResults {
        schema: RESULTS_SCHEMA.into(),
        package_id: input.package_id.into(),
        tool: ToolInfo {
            name: "qualify".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        selection: input.selection,
        started_at: rfc3339(input.started),
        finished_at: rfc3339(input.finished),
        summary,
        releasable: false,
        release_blockers: Vec::new(),
        features,
        campaign_problems: Vec::new(),
        trial: false,
        merged_from: Vec::new(),
    }
}

/// The result of one planned scenario: the planned facts, then its steps (counted into
/// `summary`), then the failures outside its steps, then the verdict.
fn scenario_result(
    planned: &crate::plan::PlannedScenario,
    outcome: Option<ScenarioOutcome>,
    record: ScenarioRecord,
    summary: &mut Summary,
) -> ScenarioResult {
    summary.scenarios += 1;
    let mut result = planned_result(planned);
    let Some(outcome) = outcome else {
        summary.scenarios_failed += 1;
        result.steps.push(synthetic_step(
            "(scenario did not run)",
            planned.line,
            "the runner never reported this selected scenario".into(),
        ));
        return result;
    };
    result.keyword = Some(outcome.source.keyword.clone());
    result.written_tags = outcome.source.written_tags.clone();
    result.examples = outcome.source.examples.clone();
    result.background = outcome.source.background.clone();
    result.steps = outcome
        .steps
        .iter()
        .map(|o| step_result(o, &record, summary))
        .collect();
    let all_passed =
        !result.steps.is_empty() && result.steps.iter().all(|s| s.status == Status::Passed);
    if result.steps.is_empty() {
        // Gherkin runs no Background before a scenario without steps (docs/gherkin.md): it ran
        // nothing, so it proves nothing; say so where the failure summary and an auditor look.
        result.steps.push(synthetic_step(
            "(no steps)",
            planned.line,
            "the scenario has no steps, so it verified nothing (a Background runs only before \
             scenarios with steps); add steps or remove it"
                .into(),
        ));
    }
    // Failures outside the steps still fail the scenario, and are shown where an auditor looks.
    if let Some(err) = &outcome.error {
        result
            .steps
            .push(synthetic_step("(scenario hook)", planned.line, err.clone()));
    }
    for e in &record.teardown_errors {
        result.steps.push(synthetic_step(
            "(adapter teardown)",
            planned.line,
            e.clone(),
        ));
    }
    let passed = outcome.status == Status::Passed
        && all_passed
        && outcome.error.is_none()
        && record.teardown_errors.is_empty();
    if passed {
        summary.scenarios_passed += 1;
        result.status = Status::Passed;
    } else {
        summary.scenarios_failed += 1;
    }
    result.started_at = Some(rfc3339(outcome.started));
    result.finished_at = outcome.finished.map(rfc3339);
    result.duration_ms = millis(Some(outcome.started), outcome.finished);
    result.adapters = record.adapters;
    result
}

/// What the plan says about a scenario, before it ran: failed until its outcome says otherwise.
fn planned_result(planned: &crate::plan::PlannedScenario) -> ScenarioResult {
    ScenarioResult {
        id: planned.id.clone(),
        name: planned.name.clone(),
        line: planned.line,
        rule: planned.rule.clone(),
        stage: planned.stage.to_string(),
        requirements: planned.requirements.clone(),
        tags: planned.tags.clone(),
        keyword: None,
        written_tags: Vec::new(),
        examples: None,
        background: None,
        selected_because: Vec::new(),
        status: Status::Failed,
        started_at: None,
        finished_at: None,
        duration_ms: 0,
        adapters: Vec::new(),
        steps: Vec::new(),
    }
}

/// One executed step with what the steps recorded for its line (input, output, assertions) and
/// the attachments of the adapters it used; counted into `summary`.
fn step_result(o: &StepOutcome, record: &ScenarioRecord, summary: &mut Summary) -> StepResult {
    match o.status {
        Status::Passed => summary.steps_passed += 1,
        Status::Failed => summary.steps_failed += 1,
        Status::Undefined => summary.steps_undefined += 1,
        Status::Skipped => summary.steps_skipped += 1,
    }
    let rec = record.steps.get(&o.step.line).cloned().unwrap_or_default();
    let attachments: Vec<AttachmentRef> = record
        .attachments
        .iter()
        .filter(|a| rec.adapters.iter().any(|name| attachment_of(a, name)))
        .cloned()
        .collect();
    StepResult {
        keyword: o.step.keyword.clone(),
        text: o.step.text.clone(),
        line: o.step.line,
        background: o.step.background,
        status: o.status,
        started_at: o.started.map(rfc3339),
        finished_at: o.finished.map(rfc3339),
        duration_ms: millis(o.started, o.finished),
        error: o.error.clone(),
        doc_string: o.step.doc_string.clone(),
        data_table: o.step.data_table.clone(),
        input: rec.input,
        output: rec.output,
        assertions: rec.assertions,
        attachments,
    }
}

/// A failed pseudo-step that records a failure outside the scenario's own steps.
fn synthetic_step(text: &str, line: usize, error: String) -> StepResult {
    StepResult {
        keyword: String::new(),
        text: text.into(),
        line,
        background: false,
        status: Status::Failed,
        started_at: None,
        finished_at: None,
        duration_ms: 0,
        error: Some(error),
        doc_string: None,
        data_table: None,
        input: None,
        output: None,
        assertions: Vec::new(),
        attachments: Vec::new(),
    }
}

/// Whether an attachment belongs to an adapter (`…/<adapter>.jsonl`, `…/<adapter>.stderr.log`).
fn attachment_of(a: &AttachmentRef, adapter: &str) -> bool {
    a.path.rsplit('/').next().is_some_and(|file| {
        file.strip_prefix(adapter)
            .is_some_and(|rest| rest.starts_with('.'))
    })
}
