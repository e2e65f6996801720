//! Pickles: the scenarios as they run (Cucumber Messages' `pickle`), compiled from a document
//! by [`super::compiler`].
// The types and fields are those of Cucumber Messages (github.com/cucumber/messages,
// messages.md documents each); documenting them again here would only copy that text.
#![allow(missing_docs)]

use serde::{Deserialize, Serialize};

use super::ast::Location;
use super::dialect::KeywordType;

/// One runnable scenario (a `pickle` message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pickle {
    pub id: String,
    pub uri: String,
    /// The scenario's line, or the Examples row's for an outline.
    pub location: Location,
    pub name: String,
    pub language: String,
    pub steps: Vec<PickleStep>,
    /// Feature, rule, scenario and examples tags, in that order.
    pub tags: Vec<PickleTag>,
    /// The scenario's id, and the Examples row's for an outline.
    pub ast_node_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickleStep {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument: Option<PickleStepArgument>,
    /// The step's id, and the Examples row's for an outline step.
    pub ast_node_ids: Vec<String>,
    pub id: String,
    /// `Context`, `Action`, `Outcome` or `Unknown` (never `Conjunction`).
    #[serde(rename = "type")]
    pub step_type: KeywordType,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickleStepArgument {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_string: Option<PickleDocString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_table: Option<PickleTable>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickleDocString {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub content: String,
    /// 1 or 2 when the step has both a table and a doc string: which came first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument_index: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickleTable {
    pub rows: Vec<PickleTableRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument_index: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickleTableRow {
    pub cells: Vec<PickleTableCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickleTableCell {
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickleTag {
    pub name: String,
    pub ast_node_id: String,
}
