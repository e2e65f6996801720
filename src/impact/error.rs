//! Why an impact assessment could not be made.

/// An impact assessment failed; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImpactError {
    /// No repository, or one git refuses to open.
    #[error("{0}")]
    Repository(String),
    /// The baseline revision is not in the repository.
    #[error(
        "baseline `{rev}` not found in the repository{shallow}; check the name (a tag, branch or commit), or fetch it"
    )]
    BaselineNotFound {
        /// What was given.
        rev: String,
        /// A hint added for shallow clones.
        shallow: String,
    },
    /// The repository is shallow and the baseline's history is missing.
    #[error(
        "the repository is a shallow clone, so the history from `{rev}` to HEAD is incomplete; fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in GitHub Actions, `GIT_DEPTH: 0` in GitLab CI) and run again"
    )]
    Shallow {
        /// The baseline.
        rev: String,
    },
    /// A git operation failed.
    #[error("git: {0}")]
    Git(String),
    /// A component glob is invalid.
    #[error("component `{component}`: path glob `{glob}` is invalid: {reason}")]
    Glob {
        /// Component id.
        component: String,
        /// The glob.
        glob: String,
        /// Why.
        reason: String,
    },
}
