//! What the results record about each scenario and step beyond what cucumber reports: keywords,
//! tags with their lines, the Examples and Background headings, each step's doc string and data
//! table with their lines, and which steps came from a Background. All of it is read from the
//! plan's parsed documents and pickles (src/gherkin), the one parse of each file, when the
//! runner is set up; the writer takes each scenario's facts when it starts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::event::PlannedStep;
use crate::evidence::{DataTable, DocString, Heading, WrittenTag};
use crate::gherkin::{
    AstIndex, Background, FeatureChild, GherkinDocument, ParsedFeature, PickleStep, RuleChild, Tag,
};

/// What the reports record about a scenario's place in its feature file.
#[derive(Debug, Clone, Default)]
pub struct ScenarioSource {
    /// The `Feature` keyword as written.
    pub feature_keyword: String,
    /// Line of the `Feature:` keyword.
    pub feature_line: usize,
    /// The feature's own tags.
    pub feature_tags: Vec<WrittenTag>,
    /// The scenario's keyword as written.
    pub keyword: String,
    /// Every tag that applies: feature, rule, scenario, Examples.
    pub written_tags: Vec<WrittenTag>,
    /// The Examples of an outline row.
    pub examples: Option<Heading>,
    /// The Background run before the scenario (the rule's, else the feature's).
    pub background: Option<Heading>,
}

/// One scenario's facts: its source and its steps as the pickle has them.
pub(super) struct PickleFacts {
    pub source: ScenarioSource,
    pub steps: Vec<PlannedStep>,
}

/// The facts of every pickle, by feature path (as cucumber gives it) and pickle line.
pub(super) type FactsByScenario = HashMap<(PathBuf, usize), PickleFacts>;

/// Adds the facts of every pickle of `parsed` (the file at `path`) to `out`.
pub(super) fn collect_facts(parsed: &ParsedFeature, path: &Path, out: &mut FactsByScenario) {
    let doc = &parsed.document;
    let Some(feature) = &doc.feature else {
        return;
    };
    let index = AstIndex::new(doc);
    let feature_tags = written(&feature.tags);
    for pickle in &parsed.pickles {
        let Some((rule, scenario)) = index.scenario_of(pickle) else {
            continue;
        };
        let row = index.row_of(pickle);
        let mut written_tags = feature_tags.clone();
        written_tags.extend(rule.map(|r| written(&r.tags)).unwrap_or_default());
        written_tags.extend(written(&scenario.tags));
        written_tags.extend(row.map(|(e, _)| written(&e.tags)).unwrap_or_default());
        let source = ScenarioSource {
            feature_keyword: feature.keyword.clone(),
            feature_line: feature.location.line,
            feature_tags: feature_tags.clone(),
            keyword: scenario.keyword.clone(),
            written_tags,
            examples: row.map(|(e, _)| Heading {
                keyword: e.keyword.clone(),
                name: e.name.clone(),
                line: e.location.line,
            }),
            background: background_of(doc, rule.map(|r| r.id.as_str())).map(|b| Heading {
                keyword: b.keyword.clone(),
                name: b.name.clone(),
                line: b.location.line,
            }),
        };
        let steps = pickle
            .steps
            .iter()
            .filter_map(|s| planned_step(&index, s))
            .collect();
        out.insert(
            (path.to_path_buf(), pickle.location.line),
            PickleFacts { source, steps },
        );
    }
}

/// Tags as results.json records them: the name without `@`, and the line.
fn written(tags: &[Tag]) -> Vec<WrittenTag> {
    tags.iter()
        .map(|t| WrittenTag {
            name: t.name.trim_start_matches('@').to_string(),
            line: t.location.line,
            column: t.location.column,
        })
        .collect()
}

/// The Background that runs before the scenarios of the rule `rule` (its own, else the
/// feature's), or of the feature when `rule` is None.
fn background_of<'d>(doc: &'d GherkinDocument, rule: Option<&str>) -> Option<&'d Background> {
    let feature = doc.feature.as_ref()?;
    let own = |children: &'d [FeatureChild]| {
        children.iter().find_map(|c| match c {
            FeatureChild::Background(b) => Some(b),
            _ => None,
        })
    };
    let in_rule = rule.and_then(|id| {
        feature.children.iter().find_map(|c| match c {
            FeatureChild::Rule(r) if r.id == id => r.children.iter().find_map(|c| match c {
                RuleChild::Background(b) => Some(b),
                RuleChild::Scenario(_) => None,
            }),
            _ => None,
        })
    });
    in_rule.or_else(|| own(&feature.children))
}

/// A pickle step as the results record it: its text (placeholders filled in), keyword and line
/// from the Gherkin step, its arguments from the pickle, their lines from the Gherkin step.
fn planned_step(index: &AstIndex<'_>, s: &PickleStep) -> Option<PlannedStep> {
    let id = s.ast_node_ids.first()?;
    let ast = index.step(id)?;
    let argument = s.argument.as_ref();
    let doc_string = argument
        .and_then(|a| a.doc_string.as_ref())
        .map(|d| DocString {
            content: d.content.clone(),
            media_type: d.media_type.clone(),
            line: ast
                .doc_string
                .as_ref()
                .map_or(ast.location.line, |d| d.location.line),
        });
    let data_table = argument
        .and_then(|a| a.data_table.as_ref())
        .map(|t| DataTable {
            line: ast
                .data_table
                .as_ref()
                .map_or(ast.location.line, |t| t.location.line),
            rows: t
                .rows
                .iter()
                .map(|r| r.cells.iter().map(|c| c.value.clone()).collect())
                .collect(),
        });
    Some(PlannedStep {
        keyword: ast.keyword.clone(),
        text: s.text.clone(),
        line: ast.location.line,
        background: index.is_background_step(id),
        doc_string,
        data_table,
    })
}
