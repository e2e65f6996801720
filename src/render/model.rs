//! [`Report`]: everything a report shows, built from the files of one evidence package and from
//! nothing else (no clock, no qualify.yaml, no environment), so that rendering is reproducible.
//!
//! The HTML template and the PDF layout both print this model; neither reads the package.

use serde::Serialize;
use serde_json::Value;

use super::package_state::{PackageState, RenditionKind};
use crate::evidence::{RecordedFile, Status};

/// A labelled value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Field {
    /// Label.
    pub label: String,
    /// Value.
    pub value: String,
}

/// The report of one package.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Project name from qualify.yaml.
    pub project_name: String,
    /// The system under test.
    pub system: String,
    /// Package id.
    pub package_id: String,
    /// Selected stage (`IQ`, `OQ`, `PQ` or `all`).
    pub stage: String,
    /// Full git commit, or why there is none.
    pub git_commit: String,
    /// `Manifest digest` or `Content digest` (for the rendition sealed inside the package).
    pub digest_label: String,
    /// The digest the report is bound to.
    pub digest: String,
    /// What kind of rendition this is, in words.
    pub rendition: String,
    /// `PASSED`, `FAILED` or `NOT RELEASABLE`.
    pub status: String,
    /// `passed`, `failed` or `not-releasable` (for styling).
    pub status_class: String,
    /// Why not releasable, failed scenarios, campaign problems.
    pub status_reasons: Vec<String>,
    /// The time the report shows as its generation time (from the package, UTC).
    pub generated_at: String,
    /// Cover fields: system, adapters, stage, ids, digests, times.
    pub cover: Vec<Field>,
    /// Signatures present.
    pub approvals: Vec<Approval>,
    /// Meanings not signed yet (or a sentence saying that none is there).
    pub approvals_pending: Vec<String>,
    /// Purpose, scope, intended use.
    pub purpose: Vec<Field>,
    /// Feature descriptions.
    pub feature_descriptions: Vec<Field>,
    /// Tool, host and CI facts.
    pub environment: Vec<Field>,
    /// Digested files of the installation: tool, adapters, configuration, features.
    pub environment_files: Vec<FileRow>,
    /// Requirement traceability matrix.
    pub requirements: Vec<RequirementRow>,
    /// Features with their scenarios and steps.
    pub features: Vec<FeatureSection>,
    /// Deviations.
    pub deviations: Vec<DeviationRow>,
    /// The impact assessment, summarised, or a sentence saying there is none.
    pub impact: Vec<Field>,
    /// Audit trail entries.
    pub audit: Vec<AuditRow>,
    /// A sentence on the audit trail's state (absent, number of entries).
    pub audit_note: String,
    /// Counts.
    pub summary: Vec<Field>,
    /// The conclusion, in words.
    pub conclusion: String,
    /// How to check this report and its package.
    pub verification: Vec<String>,
    /// The package root relative to where this rendition is kept (`` for the sealed report at
    /// the root, `../` for one in `renditions/`): the prefix of links to attachments.
    pub package_root_link: String,
}

/// A recorded file of the environment.
#[derive(Debug, Clone, Serialize)]
pub struct FileRow {
    /// `tool`, `adapter bridge`, `config`, `feature`.
    pub role: String,
    /// Path.
    pub path: String,
    /// SHA-256, or why it could not be read.
    pub sha256: String,
}

/// One signature's manifestation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Approval {
    /// Printed name.
    pub name: String,
    /// Role signed in.
    pub role: String,
    /// Meaning (`reviewed`, `approved`, ...).
    pub meaning: String,
    /// UTC date and time.
    pub signed_at: String,
    /// Key id / fingerprint.
    pub key: String,
    /// The signature file.
    pub file: String,
}

/// One row of the traceability matrix.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementRow {
    /// `URS-001`.
    pub id: String,
    /// Title, or a note that the requirement is not in the recorded requirements.
    pub title: String,
    /// Risk class.
    pub risk: String,
    /// `covered, passed`, `covered, FAILED`, `NOT COVERED`.
    pub result: String,
    /// `passed`, `failed`, `uncovered` (for styling).
    pub result_class: String,
    /// Scenarios covering it.
    pub scenarios: Vec<ScenarioRef>,
}

/// A scenario referred to from the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioRef {
    /// Scenario id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Status.
    pub status: String,
    /// Digests of the attachments that back it (`path sha256`).
    pub evidence: Vec<String>,
}

/// A feature and its scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureSection {
    /// Feature name.
    pub name: String,
    /// Path and digest of the feature file.
    pub source: String,
    /// Scenarios.
    pub scenarios: Vec<ScenarioSection>,
}

/// One scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioSection {
    /// Id (`features/x.feature:12`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Status in capitals.
    pub status: String,
    /// `passed` or `failed`.
    pub status_class: String,
    /// Stage, requirements, timing, adapters.
    pub facts: Vec<Field>,
    /// Steps.
    pub steps: Vec<StepRow>,
    /// The files backing the scenario, each listed once (first use order).
    pub attachments: Vec<AttachmentRow>,
}

/// A file of the package that backs a scenario.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AttachmentRow {
    /// Path relative to the package root (`attachments/…`), also a relative link from the report.
    pub path: String,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type.
    pub media_type: String,
    /// What the file holds.
    pub description: String,
}

/// A block of text (a request, a reply), cut after [`super::step_record::MAX_LINES`] lines with a
/// pointer to where the rest is: never shortened silently.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TextBlock {
    /// The lines shown, joined with `\n`.
    pub text: String,
    /// Empty when the whole text is shown; else `… N more lines in …`.
    pub cut: String,
}

/// One step.
#[derive(Debug, Clone, Serialize)]
pub struct StepRow {
    /// Keyword and text.
    pub text: String,
    /// Status in capitals.
    pub status: String,
    /// `passed`, `failed`, `skipped`, `undefined`.
    pub status_class: String,
    /// Line of the step in its feature file.
    pub line: usize,
    /// The step's doc string or data table as the protocol has it (an outline row's values
    /// filled in), when the step sent no body made of it: the expected text of a comparison
    /// such as `the response matches:`. Empty otherwise.
    pub written: TextBlock,
    /// What the step sent, as results.json records it (`input`): adapter and kind, or the
    /// replayed file with its SHA-256; empty when it sent nothing.
    pub input_summary: String,
    /// The request body (the step's doc string or data table after interpolation), pretty JSON.
    pub input: TextBlock,
    /// The body as a table (header row first) when it is a list of flat objects, as a data
    /// table of several rows gives; else empty.
    pub input_table: Vec<Vec<String>>,
    /// The adapter's reply (`output`), pretty JSON or text; empty when nothing came back.
    pub output: TextBlock,
    /// Comparisons made.
    pub checks: Vec<CheckRow>,
    /// Failure message.
    pub error: String,
    /// Attachments backing the step (`path`, `sha256`); the report lists them once per
    /// scenario (`ScenarioSection.attachments`), this stays for plants' templates.
    pub attachments: Vec<Field>,
}

/// One comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CheckRow {
    /// Subject and comparison.
    pub check: String,
    /// Expected value (JSON).
    pub expected: String,
    /// Actual value (JSON).
    pub actual: String,
    /// `PASS` or `FAIL`.
    pub result: String,
}

/// One deviation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DeviationRow {
    /// Id.
    pub id: String,
    /// Scenario and step.
    pub location: String,
    /// What went wrong.
    pub description: String,
    /// Disposition, or `open`.
    pub disposition: String,
}

/// One audit trail entry.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditRow {
    /// Sequence number.
    pub seq: String,
    /// UTC time.
    pub at: String,
    /// Who.
    pub who: String,
    /// What.
    pub action: String,
    /// Why / details.
    pub why: String,
}

/// Field constructor.
pub(crate) fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.into(),
        value: value.into(),
    }
}

/// Status as printed.
pub(crate) fn status_word(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Passed => ("PASSED", "passed"),
        Status::Failed => ("FAILED", "failed"),
        Status::Undefined => ("UNDEFINED", "failed"),
        Status::Skipped => ("SKIPPED", "skipped"),
    }
}

/// A JSON value printed compactly; strings without quotes when they are plain.
pub(crate) fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// A recorded file as a row.
pub(crate) fn file_row(role: &str, file: &RecordedFile) -> FileRow {
    let sha256 = match (&file.sha256, &file.error) {
        (Some(d), _) => d.clone(),
        (None, Some(e)) => format!("not readable: {e}"),
        (None, None) => "not recorded".into(),
    };
    FileRow {
        role: role.into(),
        path: file.path.clone(),
        sha256,
    }
}

impl Report {
    /// Builds the report of a package whose files have been read into `state`.
    pub fn build(state: &PackageState) -> Report {
        super::build::build(state)
    }

    /// Whether this is the rendition sealed inside the package.
    pub fn is_sealed_rendition(kind: RenditionKind) -> bool {
        kind == RenditionKind::Sealed
    }
}
