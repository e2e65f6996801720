//! The Gherkin document (AST) in the shape of Cucumber Messages' `GherkinDocument`: serialised
//! with serde it is, field for field, the official parser's `gherkinDocument` message
//! (camelCase names, absent optional fields left out).
// The types and fields are those of Cucumber Messages (github.com/cucumber/messages,
// messages.md documents each); documenting them again here would only copy that text.
#![allow(missing_docs)]

use serde::{Deserialize, Serialize};

pub use super::dialect::KeywordType;

/// A place in the source: 1-based line and column (no column at the end of the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Location {
    pub(crate) fn at(line: usize, column: usize) -> Self {
        Location {
            line,
            column: Some(column),
        }
    }
}

/// A parsed feature file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GherkinDocument {
    /// The file, as given to the parser.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// None for a file without a `Feature:` (empty, or comments only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<Feature>,
    pub comments: Vec<Comment>,
}

/// A `# …` line (the whole line, indentation included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub location: Location,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    pub location: Location,
    pub tags: Vec<Tag>,
    /// The dialect's code (`en`, `fr`, …).
    pub language: String,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub children: Vec<FeatureChild>,
}

/// A feature's child: exactly one of the three.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FeatureChild {
    Rule(Rule),
    Background(Background),
    Scenario(Scenario),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub location: Location,
    pub tags: Vec<Tag>,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub children: Vec<RuleChild>,
}

/// A rule's child: a background or a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleChild {
    Background(Background),
    Scenario(Scenario),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Background {
    pub id: String,
    pub location: Location,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub steps: Vec<Step>,
}

/// A `Scenario` or a `Scenario Outline` (the latter has examples).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub id: String,
    pub location: Location,
    pub tags: Vec<Tag>,
    pub keyword: String,
    pub name: String,
    pub description: String,
    pub steps: Vec<Step>,
    pub examples: Vec<Examples>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Examples {
    pub id: String,
    pub location: Location,
    pub tags: Vec<Tag>,
    pub keyword: String,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_header: Option<TableRow>,
    pub table_body: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub id: String,
    pub location: Location,
    /// As written, with its trailing space (`Given `).
    pub keyword: String,
    pub keyword_type: KeywordType,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_string: Option<DocString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_table: Option<DataTable>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocString {
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub content: String,
    /// `"""` or ```` ``` ````.
    pub delimiter: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataTable {
    pub location: Location,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    pub id: String,
    pub location: Location,
    pub cells: Vec<TableCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableCell {
    pub location: Location,
    pub value: String,
}

/// A tag, with its `@`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub location: Location,
    pub name: String,
    pub id: String,
}
