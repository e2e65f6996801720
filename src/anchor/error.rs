//! [`AnchorError`]: why the ledger could not be read or written.

use std::path::PathBuf;

/// Why the ledger (`refs/qualify/ledger`) could not be read, written or applied.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    /// libgit2 failed on the repository.
    #[error("git repository {}: {what}", repo.display())]
    Git {
        /// The repository (its git directory).
        repo: PathBuf,
        /// What was being done.
        what: String,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
    /// A record in the ledger is not a record this version understands.
    #[error("ledger record {path} in commit {commit} cannot be read: {reason}")]
    BadRecord {
        /// Path inside the ledger tree.
        path: String,
        /// The ledger commit.
        commit: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Other writers kept moving the ledger while this one tried to append.
    #[error(
        "the ledger {reference} kept changing under this append ({attempts} attempts); try again"
    )]
    Contended {
        /// The reference.
        reference: String,
        /// How many compare-and-swap attempts were made.
        attempts: u32,
    },
    /// The package's manifest cannot be read.
    #[error("cannot read the package's manifest")]
    Manifest {
        /// Why.
        #[source]
        source: crate::evidence::ManifestError,
    },
    /// A package file cannot be read or written.
    #[error("cannot read or write {}", path.display())]
    PackageFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An anchored envelope cannot be put back because the package's trail moved on.
    #[error("{0}")]
    NotRestorable(String),
}

impl AnchorError {
    /// Wraps a libgit2 error with the repository and the operation.
    pub(crate) fn git(
        repo: &git2::Repository,
        what: impl Into<String>,
    ) -> impl FnOnce(git2::Error) -> AnchorError {
        let repo = repo.path().to_path_buf();
        let what = what.into();
        move |source| AnchorError::Git { repo, what, source }
    }
}
