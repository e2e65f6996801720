//! [`RunResults`]: what a campaign did, step by step, as written to `results.json`.
//!
//! Schema id [`RESULTS_SCHEMA`](crate::schema::RESULTS_SCHEMA); documented field by field in qualify's
//! `docs/results-format.md`. Bump the version whenever a field changes meaning or disappears.
//! `input`, `output`, `expected` and `actual` are free-form JSON (what the system under test
//! said), kept in their original key order.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Outcome of a step or scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Executed and every assertion held.
    Passed,
    /// Executed and an assertion or the adapter failed.
    Failed,
    /// No step definition matches the step text.
    Undefined,
    /// Not executed because an earlier step of the scenario did not pass.
    Skipped,
}

impl Status {
    /// The status as `results.json` spells it: `passed`, `failed`, `undefined`, `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Undefined => "undefined",
            Status::Skipped => "skipped",
        }
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunResults {
    /// Always [`RESULTS_SCHEMA`](crate::schema::RESULTS_SCHEMA).
    pub schema: String,
    /// The evidence package id.
    pub package_id: String,
    /// Name and version of qualify.
    pub tool: ToolInfo,
    /// What was selected for execution.
    pub selection: Selection,
    /// UTC time the campaign started (RFC 3339).
    pub started_at: String,
    /// UTC time the campaign finished (RFC 3339).
    pub finished_at: String,
    /// Counts.
    pub summary: Summary,
    /// Whether this package may support a release: made from a clean, committed git revision.
    pub releasable: bool,
    /// Why not, when `releasable` is false.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub release_blockers: Vec<String>,
    /// Features, sorted by path.
    pub features: Vec<FeatureResult>,
    /// Problems outside any scenario, such as a pooled adapter that had to be killed when the
    /// campaign ended. Evidence, not failures of a scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaign_problems: Vec<String>,
    /// A trial run (`qualify run --trial`): not sealed, not evidence. Absent (false) in every
    /// evidence package; a folder whose results say `true` is refused by verify, sign and gate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trial: bool,
    /// The shard packages a merged package was made from (`qualify merge`), in shard order;
    /// absent in a package made by one `qualify run`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<MergedShard>,
}

/// One shard package that a merged package was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedShard {
    /// The shard package's id.
    pub package_id: String,
    /// SHA-256 of the shard package's `manifest.json`: its exact sealed content.
    pub manifest_sha256: String,
    /// Its shard number, from 1.
    pub index: usize,
    /// The host it ran on (`environment.json`'s `host.hostname`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The CI job it ran in (from `environment.json`'s `ci` variables: the job URL or id), when
    /// it ran in CI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_job: Option<String>,
}

/// The share of a campaign that a shard package ran (`qualify run --shard K/N`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardSelection {
    /// This shard's number, from 1.
    pub index: usize,
    /// How many shards the campaign was split into.
    pub total: usize,
    /// Every scenario id of the whole campaign (all shards), sorted.
    pub scenarios_in_campaign: Vec<String>,
    /// SHA-256 of the whole partition (which scenario went to which shard): equal in every
    /// shard of one campaign.
    pub partition_digest: String,
    /// The packages whose recorded durations balanced the partition (for each scenario the
    /// newest sealed package of the evidence store that ran it); empty (absent) when every
    /// scenario weighed the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub balanced_from: Vec<String>,
}

/// Name and version of the tool that produced the results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `qualify`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// The selection criteria of the campaign.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Selection {
    /// `IQ`, `OQ`, `PQ` or `null` for all stages.
    pub stage: Option<String>,
    /// The tag expression given with `--tags`, if any.
    pub tags: Option<String>,
    /// Number of scenarios selected.
    pub scenarios: usize,
    /// The baseline revision of an impact-based campaign (`qualify run --impact REV`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_baseline: Option<String>,
    /// The feature files or `file:line` locations given on the command line
    /// (`qualify run features/x.feature:12`), project-relative; empty (and absent) otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// The share this package ran when the campaign was sharded (`qualify run --shard K/N`);
    /// absent otherwise, and in a merged package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardSelection>,
}

/// Counts over the run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    /// Scenarios executed.
    pub scenarios: usize,
    /// Scenarios whose steps all passed.
    pub scenarios_passed: usize,
    /// Scenarios with a failed, undefined or skipped step.
    pub scenarios_failed: usize,
    /// Steps that passed.
    pub steps_passed: usize,
    /// Steps that failed.
    pub steps_failed: usize,
    /// Steps with no matching definition.
    pub steps_undefined: usize,
    /// Steps not executed.
    pub steps_skipped: usize,
}

/// One feature file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeatureResult {
    /// Feature name.
    pub name: String,
    /// Path relative to the project root, with `/` separators.
    pub path: String,
    /// SHA-256 of the feature file.
    pub sha256: String,
    /// Free text under the `Feature:` line.
    pub description: Option<String>,
    /// The `Feature` keyword as written (in the file's language). Absent in results written
    /// before qualify recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// Line of the `Feature:` keyword. Absent in results written before qualify recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The feature's own tags as written, each with its line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<WrittenTag>,
    /// Scenarios, sorted by line.
    pub scenarios: Vec<ScenarioResult>,
}

/// One executed scenario (an outline contributes one per example row).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// Stable id: `<feature path>:<line>`.
    pub id: String,
    /// Scenario name (outline placeholders substituted).
    pub name: String,
    /// Line of the scenario, or of the example row for outlines.
    pub line: usize,
    /// Rule the scenario belongs to, if any.
    pub rule: Option<String>,
    /// `IQ`, `OQ` or `PQ`.
    pub stage: String,
    /// Requirement ids covered (`URS-001`, ...).
    pub requirements: Vec<String>,
    /// All tags, merged from feature, rule, scenario and examples, without `@`.
    pub tags: Vec<String>,
    /// The `Scenario` / `Scenario Outline` keyword as written. Absent in older results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// Every tag that applies, as written and where: the feature's, the rule's, the scenario's,
    /// then its Examples', in that order, each with its line. Absent in older results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub written_tags: Vec<WrittenTag>,
    /// For an example row of a Scenario Outline: the name and line of its `Examples`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<Heading>,
    /// The `Background` whose steps come first (the rule's when it has one, else the
    /// feature's), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<Heading>,
    /// In an impact-based campaign: why the assessment selected this scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub selected_because: Vec<String>,
    /// Overall outcome.
    pub status: Status,
    /// UTC start (RFC 3339).
    pub started_at: Option<String>,
    /// UTC end (RFC 3339).
    pub finished_at: Option<String>,
    /// Wall-clock duration in milliseconds.
    pub duration_ms: u64,
    /// Adapters started by the scenario, with their self-reported identity.
    pub adapters: Vec<AdapterIdentity>,
    /// Steps in execution order (background steps first).
    pub steps: Vec<StepResult>,
}

/// What an adapter said about itself when started.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AdapterIdentity {
    /// Adapter name in qualify.yaml.
    pub adapter: String,
    /// `process`, `sql`, ...
    pub kind: String,
    /// Name reported by the system under test.
    pub name: Option<String>,
    /// Version reported by the system under test.
    pub version: Option<String>,
    /// SHA-256 of the executable or database file, when there is one.
    pub sha256: Option<String>,
}

/// One step.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepResult {
    /// `Given `, `When `, ... as written.
    pub keyword: String,
    /// Step text as written (after outline substitution).
    pub text: String,
    /// Line in the feature file.
    pub line: usize,
    /// True for steps that come from a `Background`.
    pub background: bool,
    /// Outcome.
    pub status: Status,
    /// UTC start (RFC 3339).
    pub started_at: Option<String>,
    /// UTC end (RFC 3339).
    pub finished_at: Option<String>,
    /// Duration in milliseconds.
    pub duration_ms: u64,
    /// Failure message for failed or undefined steps.
    pub error: Option<String>,
    /// The step's doc string, as the step received it (outline placeholders substituted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_string: Option<DocString>,
    /// The step's data table, as the step received it (outline placeholders substituted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_table: Option<DataTable>,
    /// What the step sent (adapter, request kind and body; or the replayed file), if it sent
    /// anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// What came back (the response document, an adapter's identity, a replay summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// Every comparison the step made, passed or not.
    pub assertions: Vec<Assertion>,
    /// Files that back this step (requests, responses, logs).
    pub attachments: Vec<AttachmentRef>,
}

/// An objective comparison: what was expected, what was found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Assertion {
    /// What was compared, in words (`response field "oee"`).
    pub subject: String,
    /// The comparison (`equals`, `matches`, `within 0.01 of`, ...).
    pub comparison: String,
    /// Expected value as JSON.
    pub expected: Value,
    /// Actual value as JSON (`null` when nothing was there; see `mismatches`).
    pub actual: Value,
    /// Whether it held.
    pub passed: bool,
    /// Every difference found, with its path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<Mismatch>,
}

/// A single difference between an expected and an actual document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Mismatch {
    /// Path of the difference (`$.metrics[0].value`).
    pub path: String,
    /// What was expected there.
    pub expected: Value,
    /// What was found there (`null` if missing).
    pub actual: Value,
    /// Why it does not match.
    pub reason: String,
}

/// A file inside the package that backs a step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AttachmentRef {
    /// Path relative to the package root, `/` separators.
    pub path: String,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type (`application/jsonl`, `text/plain`, ...).
    pub media_type: String,
    /// What the file holds.
    pub description: String,
}

/// A tag as written in a feature file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WrittenTag {
    /// The tag without `@`.
    pub name: String,
    /// Line it is written on.
    pub line: usize,
    /// Column of its `@` (1-based); absent in results written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// A keyword line of a feature file (`Examples:`, `Background:`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Heading {
    /// The keyword as written.
    pub keyword: String,
    /// The name after the colon (may be empty).
    pub name: String,
    /// Line of the keyword.
    pub line: usize,
}

/// A step's doc string.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocString {
    /// The text between the delimiters, indentation removed.
    pub content: String,
    /// The media type written after the opening delimiter (`"""json`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Line of the opening delimiter.
    pub line: usize,
}

/// A step's data table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DataTable {
    /// Line of the first row.
    pub line: usize,
    /// Rows of cells, header row first.
    pub rows: Vec<Vec<String>>,
}
