//! Problems found while planning: each names the file and line and says what to do.

use std::fmt;
use std::path::PathBuf;

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
    /// A symbolic link under the features folder leads back to a folder that contains it.
    #[error(
        "{}: a symbolic link back to {}, a folder that contains it (a loop); features are not \
         searched and nothing runs: remove the link, or point it at a folder outside the features \
         folder",
        link.display(),
        target.display()
    )]
    SymlinkLoop {
        /// The link, as reached from the features folder.
        link: PathBuf,
        /// The folder it resolves to.
        target: PathBuf,
    },
    /// A folder or feature file is reached twice (through a symbolic link), so its scenarios
    /// would run twice under two ids.
    #[error(
        "{}: leads to what {} already holds (through a symbolic link); every feature must be \
         found once, so nothing runs: remove one of the two",
        link.display(),
        first.display()
    )]
    ReachedTwice {
        /// The second path.
        link: PathBuf,
        /// The path it was reached by first.
        first: PathBuf,
    },
    /// One or more features are malformed or mis-tagged.
    #[error("{} problem(s) in the features:\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<PlanProblem>),
}
