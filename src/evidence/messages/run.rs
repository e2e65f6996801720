//! The run half of the messages: step definitions, test cases and what happened in each, from
//! the results.

use std::io;

use regex::{Regex, RegexSet};
use serde_json::{Value, json};

use super::index::Index;
use super::time::{duration, timestamp};
use crate::evidence::{RunResults, ScenarioResult, Status, StepResult};
use crate::gherkin::{Pickle, PickleStep};

/// Where the step library is defined, for `stepDefinition.sourceReference`.
const LIBRARY_SOURCE: &str = "src/steps/library.rs";
/// The one test run's id.
const RUN_ID: &str = "run";

/// One scenario that ran, with its pickle and its position (the base of its run ids).
struct Ran<'a> {
    n: usize,
    scenario: &'a ScenarioResult,
    pickle: &'a Pickle,
}

/// Writes step definitions, `testRunStarted`, test cases, their execution and
/// `testRunFinished` through `emit`.
pub(super) fn write_run(
    index: &Index<'_>,
    results: &RunResults,
    emit: &mut dyn FnMut(Value) -> io::Result<()>,
) -> io::Result<()> {
    let patterns = Library::new(crate::steps::patterns());
    for (k, re) in patterns.each.iter().enumerate() {
        emit(json!({ "stepDefinition": {
            "id": format!("sd-{k}"),
            "pattern": { "source": re.as_str(), "type": "REGULAR_EXPRESSION" },
            "sourceReference": { "uri": LIBRARY_SOURCE },
        }}))?;
    }
    emit(json!({ "testRunStarted": {
        "id": RUN_ID,
        "timestamp": timestamp(Some(&results.started_at), &results.started_at),
    }}))?;
    let ran: Vec<Ran<'_>> = results
        .features
        .iter()
        .flat_map(|f| &f.scenarios)
        .filter_map(|scenario| index.pickle_of(scenario).map(|pickle| (scenario, pickle)))
        .enumerate()
        .map(|(n, (scenario, pickle))| Ran {
            n,
            scenario,
            pickle,
        })
        .collect();
    for r in &ran {
        emit(test_case(r, &patterns))?;
    }
    for r in &ran {
        execution(index, r, results, emit)?;
    }
    emit(json!({ "testRunFinished": {
        "success": results.summary.scenarios_failed == 0,
        "timestamp": timestamp(Some(&results.finished_at), &results.finished_at),
        "testRunStartedId": RUN_ID,
    }}))
}

/// The `testCase` of one scenario: a test step per pickle step, with the step definition that
/// matches its text and the arguments it captured (for highlighting in reports).
/// The step library's patterns, and all of them as one set: a step's text is matched against
/// every pattern in one pass, then captured by the one that matched.
struct Library {
    each: Vec<Regex>,
    set: RegexSet,
}

impl Library {
    fn new(each: Vec<Regex>) -> Self {
        // The patterns compiled one by one already; as a set they cannot fail.
        let set =
            RegexSet::new(each.iter().map(Regex::as_str)).unwrap_or_else(|_| RegexSet::empty());
        Library { each, set }
    }

    /// The first pattern matching `text`, with its captures.
    fn find<'t>(&self, text: &'t str) -> Option<(usize, regex::Captures<'t>)> {
        let i = self.set.matches(text).iter().next()?;
        self.each[i].captures(text).map(|c| (i, c))
    }
}

fn test_case(r: &Ran<'_>, patterns: &Library) -> Value {
    let steps: Vec<Value> = r
        .pickle
        .steps
        .iter()
        .enumerate()
        .map(|(k, step)| {
            let matched = patterns.find(&step.text);
            let (ids, args) = match matched {
                Some((i, caps)) => {
                    let arguments: Vec<Value> = caps
                        .iter()
                        .skip(1)
                        .flatten()
                        .map(|m| json!({ "group": { "start": m.start(), "value": m.as_str() } }))
                        .collect();
                    (
                        vec![format!("sd-{i}")],
                        vec![json!({ "stepMatchArguments": arguments })],
                    )
                }
                None => (Vec::new(), Vec::new()),
            };
            json!({
                "id": format!("ts-{}-{k}", r.n),
                "pickleStepId": step.id,
                "stepDefinitionIds": ids,
                "stepMatchArgumentsLists": args,
            })
        })
        .collect();
    json!({ "testCase": {
        "id": format!("tc-{}", r.n),
        "pickleId": r.pickle.id,
        "testSteps": steps,
        "testRunStartedId": RUN_ID,
    }})
}

/// `testCaseStarted`, each step's `testStepStarted`, attachments and `testStepFinished`, and
/// `testCaseFinished` of one scenario.
fn execution(
    index: &Index<'_>,
    r: &Ran<'_>,
    results: &RunResults,
    emit: &mut dyn FnMut(Value) -> io::Result<()>,
) -> io::Result<()> {
    let started_id = format!("tcs-{}", r.n);
    let at = |t: &Option<String>| timestamp(t.as_deref(), &results.started_at);
    emit(json!({ "testCaseStarted": {
        "attempt": 0,
        "id": started_id,
        "testCaseId": format!("tc-{}", r.n),
        "timestamp": at(&r.scenario.started_at),
    }}))?;
    // An adapter's transcript is listed on every step that used it; it is attached once, to the
    // first of them.
    let mut attached = std::collections::BTreeSet::new();
    for (k, step) in r.pickle.steps.iter().enumerate() {
        let step_id = format!("ts-{}-{k}", r.n);
        let result = step_result(index, r.scenario, step);
        let (started, finished) = match result {
            Some(s) => (at(&s.started_at), at(&s.finished_at)),
            None => (at(&r.scenario.started_at), at(&r.scenario.finished_at)),
        };
        emit(json!({ "testStepStarted": {
            "testCaseStartedId": started_id, "testStepId": step_id, "timestamp": started,
        }}))?;
        let fresh = result
            .iter()
            .flat_map(|s| &s.attachments)
            .filter(|a| attached.insert(a.path.as_str()));
        for a in fresh {
            emit(json!({ "externalAttachment": {
                "url": a.path,
                "mediaType": a.media_type,
                "testCaseStartedId": started_id,
                "testStepId": step_id,
            }}))?;
        }
        emit(json!({ "testStepFinished": {
            "testCaseStartedId": started_id,
            "testStepId": step_id,
            "testStepResult": step_outcome(result),
            "timestamp": finished,
        }}))?;
    }
    emit(json!({ "testCaseFinished": {
        "testCaseStartedId": started_id,
        "timestamp": at(&r.scenario.finished_at),
        "willBeRetried": false,
    }}))
}

/// The results step of `step`: the one at the same line of the file.
fn step_result<'a>(
    index: &Index<'_>,
    scenario: &'a ScenarioResult,
    step: &PickleStep,
) -> Option<&'a StepResult> {
    let line = index.line_of(step)?;
    scenario.steps.iter().find(|s| s.line == line)
}

/// `testStepResult`: status, duration and, for a failure, the message.
fn step_outcome(result: Option<&StepResult>) -> Value {
    let Some(s) = result else {
        return json!({
            "status": "UNKNOWN",
            "duration": duration(0),
            "message": "the results record no outcome for this step",
        });
    };
    let status = match s.status {
        Status::Passed => "PASSED",
        Status::Failed => "FAILED",
        Status::Undefined => "UNDEFINED",
        Status::Skipped => "SKIPPED",
    };
    let mut v = json!({ "status": status, "duration": duration(s.duration_ms) });
    if let Some(error) = &s.error {
        v["message"] = json!(error);
        v["exception"] = json!({ "type": "qualify.StepFailed", "message": error });
    }
    v
}
