//! Evidence a scenario's steps record while they run, merged into the results afterwards.

use std::collections::BTreeMap;

use crate::evidence::{AdapterIdentity, Assertion, AttachmentRef};

/// What the steps of one step recorded.
#[derive(Debug, Clone, Default)]
pub struct StepRecord {
    /// What the step sent.
    pub input: Option<serde_json::Value>,
    /// What came back.
    pub output: Option<serde_json::Value>,
    /// Comparisons made.
    pub assertions: Vec<Assertion>,
    /// Adapters whose transcripts back the step.
    pub adapters: Vec<String>,
}

/// What a scenario recorded, keyed by step line.
#[derive(Debug, Clone, Default)]
pub struct ScenarioRecord {
    /// Per step line.
    pub steps: BTreeMap<usize, StepRecord>,
    /// Identities of the adapters started.
    pub adapters: Vec<AdapterIdentity>,
    /// Attachment files the scenario produced.
    pub attachments: Vec<AttachmentRef>,
    /// Problems while tearing down (adapter would not stop, ...).
    pub teardown_errors: Vec<String>,
}
