//! The error boundary: every area's error becomes one message and one exit code here.

use crate::config::ConfigError;
use crate::exit_code;
use crate::plan::PlanError;
use crate::sign::SignError;

/// Any error that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad command-line value.
    #[error("{0}")]
    Usage(String),
    /// Bad configuration or requirements file.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Bad features.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The impact assessment could not be made (no repository, unknown baseline, shallow clone).
    #[error(transparent)]
    Impact(#[from] crate::impact::ImpactError),
    /// A key, the signers registry, or a signing (exit code from [`SignError::exit_code`]).
    #[error(transparent)]
    Sign(#[from] SignError),
    /// Renditions or an assessment could not be written (the source chain names file and
    /// reason).
    #[error(transparent)]
    Evidence(#[from] crate::cli::OutputError),
    /// A campaign could not make or seal its package (the cause chain names file and reason).
    #[error(transparent)]
    Campaign(#[from] crate::runner::CampaignError),
    /// `qualify merge` refused the shard packages, or could not seal the merged one.
    #[error(transparent)]
    Merge(Box<crate::shard::merge::MergeError>),
    /// Anything else that should not happen.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::shard::merge::MergeError> for Error {
    fn from(e: crate::shard::merge::MergeError) -> Self {
        // Boxed: a refusal names two shards, and every Result of the crate carries this type.
        Error::Merge(Box::new(e))
    }
}

impl Error {
    /// The documented exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) | Error::Plan(_) | Error::Impact(_) => {
                exit_code::INPUT_ERROR
            }
            Error::Sign(e) => e.exit_code(),
            // A broken report template is the user's configuration (2), not a failure (5).
            Error::Evidence(e) => e.exit_code(),
            Error::Campaign(e) => e.exit_code(),
            Error::Merge(e) => e.exit_code(),
            Error::Internal(_) => exit_code::INTERNAL_ERROR,
        }
    }

    /// The message with its whole `source()` chain, one cause per line.
    pub fn report(&self) -> String {
        let mut out = format!("error: {self}");
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            out.push_str(&format!("\n  caused by: {cause}"));
            source = cause.source();
        }
        out
    }
}
