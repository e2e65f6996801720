//! Pickles as the `gherkin` crate's [`Feature`] that cucumber-rs runs.
//!
//! cucumber runs a feature's and a rule's Background before every scenario, also before one
//! without steps, where the official compiler gives none. So cucumber gets no Background: each
//! scenario is a pickle, Background steps already in it ([`AstIndex::is_background_step`] tells
//! which). An outline row is a scenario at the row's line with its values put in and a one-row
//! copy of its Examples; building it clones that row only, so expansion stays linear in rows.

use std::path::PathBuf;

use ::gherkin::{Examples as CExamples, Feature as CFeature, LineCol, Rule as CRule, Span};
use ::gherkin::{Scenario as CScenario, Step as CStep, StepType, Table};

use super::ParsedFeature;
use super::ast::{Examples, Location, Scenario, TableRow, Tag};
use super::dialect::KeywordType;
use super::index::AstIndex;
use super::pickle::{Pickle, PickleStep};

fn pos(l: Location) -> LineCol {
    LineCol {
        line: l.line,
        col: l.column.unwrap_or(1),
    }
}

fn names(tags: &[Tag]) -> Vec<String> {
    tags.iter()
        .map(|t| t.name.trim_start_matches('@').to_string())
        .collect()
}

fn description(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// The feature of `parsed` as cucumber runs it, at `path`; None for a file without a feature.
pub fn to_cucumber(parsed: &ParsedFeature, path: PathBuf) -> Option<CFeature> {
    let feature = parsed.document.feature.as_ref()?;
    let index = AstIndex::new(&parsed.document);
    let mut out = CFeature {
        keyword: feature.keyword.clone(),
        name: feature.name.clone(),
        description: description(&feature.description),
        background: None,
        scenarios: Vec::new(),
        rules: Vec::new(),
        tags: names(&feature.tags),
        span: Span::default(),
        position: pos(feature.location),
        path: Some(path),
    };
    for pickle in &parsed.pickles {
        let Some((rule, scenario)) = index.scenario_of(pickle) else {
            continue;
        };
        let converted = self::scenario(&index, pickle, scenario);
        let Some(rule) = rule else {
            out.scenarios.push(converted);
            continue;
        };
        if out
            .rules
            .last()
            .is_none_or(|r| r.position != pos(rule.location))
        {
            out.rules.push(CRule {
                keyword: rule.keyword.clone(),
                name: rule.name.clone(),
                description: description(&rule.description),
                background: None,
                scenarios: Vec::new(),
                tags: names(&rule.tags),
                span: Span::default(),
                position: pos(rule.location),
            });
        }
        if let Some(r) = out.rules.last_mut() {
            r.scenarios.push(converted);
        }
    }
    Some(out)
}

fn scenario(index: &AstIndex<'_>, pickle: &Pickle, s: &Scenario) -> CScenario {
    let row = index.row_of(pickle);
    let mut tags = names(&s.tags);
    tags.extend(row.map(|(e, _)| names(&e.tags)).unwrap_or_default());
    CScenario {
        keyword: s.keyword.clone(),
        name: pickle.name.clone(),
        description: description(&s.description),
        steps: pickle.steps.iter().filter_map(|p| step(index, p)).collect(),
        examples: row.map(|(e, r)| one_row(e, r)).into_iter().collect(),
        tags,
        span: Span::default(),
        position: pos(pickle.location),
    }
}

/// The Examples of an outline row with its header and that row only.
fn one_row(e: &Examples, row: &TableRow) -> CExamples {
    let cells = |cells: &[super::ast::TableCell]| cells.iter().map(|c| c.value.clone()).collect();
    let header = e.table_header.as_ref();
    let rows: Vec<Vec<String>> = header
        .into_iter()
        .chain([row])
        .map(|r| cells(&r.cells))
        .collect();
    CExamples {
        keyword: e.keyword.clone(),
        name: description(&e.name),
        description: description(&e.description),
        table: Some(Table {
            rows,
            span: Span::default(),
            position: header.map_or(pos(e.location), |h| pos(h.location)),
        }),
        tags: names(&e.tags),
        span: Span::default(),
        position: pos(e.location),
    }
}

fn step(index: &AstIndex<'_>, p: &PickleStep) -> Option<CStep> {
    let ast = index.step(&p.ast_node_ids[0])?;
    let argument = p.argument.as_ref();
    let table = argument.and_then(|a| a.data_table.as_ref()).map(|t| Table {
        rows: t
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.value.clone()).collect())
            .collect(),
        span: Span::default(),
        position: ast
            .data_table
            .as_ref()
            .map_or(pos(ast.location), |d| pos(d.location)),
    });
    Some(CStep {
        keyword: ast.keyword.clone(),
        // cucumber has no "unknown": a leading `* ` is a Given, as the gherkin crate reads it.
        ty: match p.step_type {
            KeywordType::Action => StepType::When,
            KeywordType::Outcome => StepType::Then,
            _ => StepType::Given,
        },
        value: p.text.clone(),
        docstring: argument
            .and_then(|a| a.doc_string.as_ref())
            .map(|d| d.content.clone()),
        table,
        span: Span::default(),
        position: pos(ast.location),
    })
}
