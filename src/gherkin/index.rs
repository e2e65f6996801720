//! Finding AST nodes from a pickle's `astNodeIds`: the scenario (and its rule), the Examples of
//! an outline row, the steps, and which steps come from a Background.

use std::collections::{HashMap, HashSet};

use super::ast::{
    Examples, FeatureChild, GherkinDocument, Rule, RuleChild, Scenario, Step, TableRow,
};
use super::pickle::Pickle;

/// The nodes of one document by id.
#[derive(Debug, Default)]
pub struct AstIndex<'d> {
    scenarios: HashMap<&'d str, (Option<&'d Rule>, &'d Scenario)>,
    rows: HashMap<&'d str, (&'d Examples, &'d TableRow)>,
    steps: HashMap<&'d str, &'d Step>,
    background_steps: HashSet<&'d str>,
}

impl<'d> AstIndex<'d> {
    /// The index of `doc`.
    pub fn new(doc: &'d GherkinDocument) -> Self {
        let mut index = AstIndex::default();
        let Some(feature) = &doc.feature else {
            return index;
        };
        for child in &feature.children {
            match child {
                FeatureChild::Background(b) => index.background(&b.steps),
                FeatureChild::Scenario(s) => index.scenario(None, s),
                FeatureChild::Rule(rule) => {
                    for child in &rule.children {
                        match child {
                            RuleChild::Background(b) => index.background(&b.steps),
                            RuleChild::Scenario(s) => index.scenario(Some(rule), s),
                        }
                    }
                }
            }
        }
        index
    }

    fn background(&mut self, steps: &'d [Step]) {
        for step in steps {
            self.steps.insert(&step.id, step);
            self.background_steps.insert(&step.id);
        }
    }

    fn scenario(&mut self, rule: Option<&'d Rule>, s: &'d Scenario) {
        self.scenarios.insert(&s.id, (rule, s));
        for step in &s.steps {
            self.steps.insert(&step.id, step);
        }
        for examples in &s.examples {
            for row in &examples.table_body {
                self.rows.insert(&row.id, (examples, row));
            }
        }
    }

    /// The scenario a pickle was compiled from, and its rule.
    pub fn scenario_of(&self, pickle: &Pickle) -> Option<(Option<&'d Rule>, &'d Scenario)> {
        self.scenarios.get(pickle.ast_node_ids[0].as_str()).copied()
    }

    /// The Examples of an outline row's pickle (None for a plain scenario).
    pub fn examples_of(&self, pickle: &Pickle) -> Option<&'d Examples> {
        self.row_of(pickle).map(|(examples, _)| examples)
    }

    /// The Examples and the row of an outline row's pickle (None for a plain scenario).
    pub fn row_of(&self, pickle: &Pickle) -> Option<(&'d Examples, &'d TableRow)> {
        let row = pickle.ast_node_ids.get(1)?;
        self.rows.get(row.as_str()).copied()
    }

    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&'d Step> {
        self.steps.get(id).copied()
    }

    /// Whether the step with this id is a Background's.
    pub fn is_background_step(&self, id: &str) -> bool {
        self.background_steps.contains(id)
    }
}
