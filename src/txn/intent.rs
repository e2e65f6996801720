//! [`Intent`]: `.pending/intent.json`, what an operation in progress is about to do.

use serde::{Deserialize, Serialize};

pub use qualify_evidence::layout::PENDING_DIR;
/// The intent record inside [`PENDING_DIR`].
pub const INTENT_FILE: &str = "intent.json";
pub use qualify_evidence::schema::INTENT_SCHEMA;
/// The staged trail inside [`PENDING_DIR`]; renaming it over the trail commits.
pub(crate) const STAGED_TRAIL: &str = "trail.jsonl";

/// What an operation in progress adds to a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    /// Always [`INTENT_SCHEMA`].
    pub schema: String,
    /// Unique id of the operation: `<started_at>-<pid>`; the `recovered` entry names it.
    pub id: String,
    /// The command: `sign`, `deviation close`, `render`.
    pub operation: String,
    /// The request, for a retry to recognise it: `sign reviewed`, `deviation close DEV-001`.
    pub request: String,
    /// The signing key, when the operation signs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// The process that started it.
    pub pid: u32,
    /// When it started (UTC, RFC 3339).
    pub started_at: String,
    /// SHA-256 of each trail line the operation appends: their presence in the trail is the
    /// commit record.
    pub trail_entries: Vec<String>,
    /// The files it adds or replaces.
    pub files: Vec<StagedFile>,
}

/// One file an operation adds or replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedFile {
    /// Package-relative final path.
    pub path: String,
    /// Name of the staged copy inside [`PENDING_DIR`].
    pub staged: String,
    /// SHA-256 of its content.
    pub sha256: String,
}

impl Intent {
    /// Whether `trail_lines` (SHA-256 of each line) records this operation: the last line it
    /// appends is there.
    pub fn committed_in(&self, trail_lines: &[String]) -> bool {
        self.trail_entries
            .last()
            .is_some_and(|last| trail_lines.iter().any(|l| l == last))
    }

    /// `qualify sign` (pid 123, started 2025-…): how messages name the operation.
    pub fn describe(&self) -> String {
        format!(
            "`qualify {}` ({}; pid {}, started {})",
            self.operation, self.request, self.pid, self.started_at
        )
    }
}
