//! A scenario as planned: where it is, what it qualifies, what it traces to.

use serde::Serialize;

use super::stage::Stage;

/// One runnable scenario; a Scenario Outline contributes one per example row.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedScenario {
    /// `<feature path>:<line>`, stable across runs while the file does not change.
    pub id: String,
    /// Feature file, relative to the project root.
    pub feature_path: String,
    /// Feature name.
    pub feature: String,
    /// Rule name, if the scenario sits in a rule.
    pub rule: Option<String>,
    /// Scenario name, outline placeholders substituted.
    pub name: String,
    /// Line of the scenario, or of its example row.
    pub line: usize,
    /// The stage.
    pub stage: Stage,
    /// Requirement ids, sorted.
    pub requirements: Vec<String>,
    /// All tags merged from feature, rule, scenario and examples, without `@`, sorted.
    pub tags: Vec<String>,
    /// True for an example row of a Scenario Outline.
    pub from_outline: bool,
    /// Line of the `Scenario:` / `Scenario Outline:` keyword (for a row: its outline's), so that
    /// `qualify run FILE:LINE` selects a whole outline by its first line. Not in the listing.
    #[serde(skip)]
    pub declared_line: usize,
}
