//! Joins the results to the parsed features: which pickle a results scenario ran (by its id,
//! `file:line` of the scenario or the Examples row, which is the pickle's location) and which
//! line each pickle step has in its file (results record steps by line).

use std::collections::{BTreeMap, HashMap};

use super::FeatureSource;
use crate::evidence::{RunResults, ScenarioResult};
use crate::gherkin::{FeatureChild, GherkinDocument, Pickle, PickleStep, RuleChild, Step};

/// The lookups the run half of the messages needs.
pub(super) struct Index<'a> {
    /// Pickles by `uri:line`.
    pickles: HashMap<String, &'a Pickle>,
    /// Scenario ids of the results.
    ran: BTreeMap<&'a str, &'a ScenarioResult>,
    /// The line of every step of every document, by its AST id (unique across the campaign).
    step_lines: HashMap<&'a str, usize>,
}

impl<'a> Index<'a> {
    pub(super) fn new(features: &[FeatureSource<'a>], results: &'a RunResults) -> Self {
        let mut pickles = HashMap::new();
        let mut step_lines = HashMap::new();
        for f in features {
            for p in &f.parsed.pickles {
                pickles.insert(format!("{}:{}", p.uri, p.location.line), p);
            }
            for step in document_steps(&f.parsed.document) {
                step_lines.insert(step.id.as_str(), step.location.line);
            }
        }
        let ran = results
            .features
            .iter()
            .flat_map(|f| &f.scenarios)
            .map(|s| (s.id.as_str(), s))
            .collect();
        Index {
            pickles,
            ran,
            step_lines,
        }
    }

    /// Whether `pickle` ran in this campaign (it has a results scenario).
    pub(super) fn ran(&self, pickle: &Pickle) -> bool {
        let id = format!("{}:{}", pickle.uri, pickle.location.line);
        self.ran.contains_key(id.as_str())
    }

    /// The pickle the results scenario `scenario` ran, if the parse knows it.
    pub(super) fn pickle_of(&self, scenario: &ScenarioResult) -> Option<&'a Pickle> {
        self.pickles.get(&scenario.id).copied()
    }

    /// The line of `step`'s Gherkin step in its file.
    pub(super) fn line_of(&self, step: &PickleStep) -> Option<usize> {
        step.ast_node_ids
            .first()
            .and_then(|id| self.step_lines.get(id.as_str()))
            .copied()
    }
}

/// Every step of `doc`: backgrounds, scenarios and rules.
fn document_steps(doc: &GherkinDocument) -> Vec<&Step> {
    let mut steps = Vec::new();
    let Some(feature) = &doc.feature else {
        return steps;
    };
    for child in &feature.children {
        match child {
            FeatureChild::Background(b) => steps.extend(&b.steps),
            FeatureChild::Scenario(s) => steps.extend(&s.steps),
            FeatureChild::Rule(r) => {
                for child in &r.children {
                    match child {
                        RuleChild::Background(b) => steps.extend(&b.steps),
                        RuleChild::Scenario(s) => steps.extend(&s.steps),
                    }
                }
            }
        }
    }
    steps
}
