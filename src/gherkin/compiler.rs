//! The pickle compiler, exactly as the official one: Background steps come first (only when the
//! scenario has steps of its own), each Examples row of an outline is one pickle with its values
//! put in, and `And`/`But` steps take the type of the step before them. Ids continue the
//! document's: a pickle's steps, then the pickle.

use super::ast::{
    FeatureChild, GherkinDocument, Location, RuleChild, Scenario, Step, TableCell, TableRow, Tag,
};
use super::dialect::KeywordType;
use super::ids::IdGenerator;
use super::pickle::{
    Pickle, PickleDocString, PickleStep, PickleStepArgument, PickleTable, PickleTableCell,
    PickleTableRow, PickleTag,
};

/// The pickles of `doc` (file `uri`), ids continuing from `ids`.
pub fn compile(doc: &GherkinDocument, uri: &str, ids: &mut IdGenerator) -> Vec<Pickle> {
    let mut c = Compiler {
        uri,
        ids,
        language: "",
        out: Vec::new(),
    };
    let Some(feature) = &doc.feature else {
        return c.out;
    };
    c.language = &feature.language;
    let mut background: Vec<&Step> = Vec::new();
    for child in &feature.children {
        match child {
            FeatureChild::Background(b) => background = b.steps.iter().collect(),
            FeatureChild::Scenario(s) => c.scenario(&feature.tags, &background, s),
            FeatureChild::Rule(rule) => {
                let tags: Vec<Tag> = feature.tags.iter().chain(&rule.tags).cloned().collect();
                let mut rule_background = background.clone();
                for child in &rule.children {
                    match child {
                        RuleChild::Background(b) => rule_background.extend(&b.steps),
                        RuleChild::Scenario(s) => c.scenario(&tags, &rule_background, s),
                    }
                }
            }
        }
    }
    c.out
}

struct Compiler<'a> {
    uri: &'a str,
    ids: &'a mut IdGenerator,
    language: &'a str,
    out: Vec<Pickle>,
}

/// An Examples row: the header's names and the row.
type Values<'r> = Option<(&'r [TableCell], &'r TableRow)>;

impl Compiler<'_> {
    fn scenario(&mut self, inherited: &[Tag], background: &[&Step], s: &Scenario) {
        if s.examples.is_empty() {
            let steps = self.steps(background, s, None);
            let tags = inherited.iter().chain(&s.tags);
            self.push(s, s.location, s.name.clone(), steps, tags, None);
            return;
        }
        for examples in &s.examples {
            let Some(header) = &examples.table_header else {
                continue;
            };
            for row in &examples.table_body {
                let values = Some((header.cells.as_slice(), row));
                let steps = self.steps(background, s, values);
                let name = interpolate(&s.name, values);
                let tags = inherited.iter().chain(&s.tags).chain(&examples.tags);
                self.push(s, row.location, name, steps, tags, Some(&row.id));
            }
        }
    }

    fn push<'t>(
        &mut self,
        s: &Scenario,
        location: Location,
        name: String,
        steps: Vec<PickleStep>,
        tags: impl Iterator<Item = &'t Tag>,
        row: Option<&String>,
    ) {
        let pickle = Pickle {
            id: self.ids.next_id(),
            uri: self.uri.to_string(),
            location,
            name,
            language: self.language.to_string(),
            steps,
            tags: tags
                .map(|t| PickleTag {
                    name: t.name.clone(),
                    ast_node_id: t.id.clone(),
                })
                .collect(),
            ast_node_ids: std::iter::once(s.id.clone()).chain(row.cloned()).collect(),
        };
        self.out.push(pickle);
    }

    /// Background steps (when the scenario has steps) then the scenario's, typed.
    fn steps(&mut self, background: &[&Step], s: &Scenario, values: Values<'_>) -> Vec<PickleStep> {
        let mut last = KeywordType::Unknown;
        let mut out = Vec::new();
        if s.steps.is_empty() {
            return out;
        }
        for step in background {
            out.push(self.step(step, None, &mut last));
        }
        for step in &s.steps {
            out.push(self.step(step, values, &mut last));
        }
        out
    }

    fn step(&mut self, step: &Step, values: Values<'_>, last: &mut KeywordType) -> PickleStep {
        if step.keyword_type != KeywordType::Conjunction {
            *last = step.keyword_type;
        }
        let both = step.doc_string.is_some() && step.data_table.is_some();
        let table_first = match (&step.doc_string, &step.data_table) {
            (Some(d), Some(t)) => d.location.line > t.location.line,
            _ => false,
        };
        let index = |first: bool| both.then_some(if first { 1 } else { 2 });
        let data_table = step.data_table.as_ref().map(|t| PickleTable {
            rows: t
                .rows
                .iter()
                .map(|r| PickleTableRow {
                    cells: r
                        .cells
                        .iter()
                        .map(|c| PickleTableCell {
                            value: interpolate(&c.value, values),
                        })
                        .collect(),
                })
                .collect(),
            argument_index: index(table_first),
        });
        let doc_string = step.doc_string.as_ref().map(|d| PickleDocString {
            media_type: d.media_type.as_ref().map(|m| interpolate(m, values)),
            content: interpolate(&d.content, values),
            argument_index: index(!table_first),
        });
        let argument =
            (data_table.is_some() || doc_string.is_some()).then_some(PickleStepArgument {
                doc_string,
                data_table,
            });
        PickleStep {
            argument,
            ast_node_ids: std::iter::once(step.id.clone())
                .chain(values.map(|(_, row)| row.id.clone()))
                .collect(),
            id: self.ids.next_id(),
            step_type: *last,
            text: interpolate(&step.text, values),
        }
    }
}

/// `text` with each `<name>` of the header replaced by the row's value, column by column (a
/// value is inserted literally; a later column may replace text an earlier one inserted).
pub fn interpolate(text: &str, values: Values<'_>) -> String {
    let Some((header, row)) = values else {
        return text.to_string();
    };
    let mut out = text.to_string();
    for (name, value) in header.iter().zip(&row.cells) {
        out = out.replace(&format!("<{}>", name.value), &value.value);
    }
    out
}
