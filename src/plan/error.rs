//! Problems found while planning: each names the file and line and says what to do.

use std::fmt;

/// One problem in the features or their tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    /// File relative to the project root.
    pub file: String,
    /// 1-based line, 0 when not known.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// Planning failed; nothing may run.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The features folder is missing or unreadable.
    #[error("{path}: {message}")]
    Features {
        /// The folder.
        path: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// One or more features are malformed or mis-tagged.
    #[error("{} problem(s) in the features:\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<PlanProblem>),
}
