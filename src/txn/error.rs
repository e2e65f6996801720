//! [`TxnError`]: why a package transaction or its recovery failed.

use std::io;
use std::path::PathBuf;

use crate::audit::TrailError;

/// Why a package could not be changed or recovered.
#[derive(Debug, thiserror::Error)]
pub enum TxnError {
    /// Reading or writing a file of the package failed.
    #[error("cannot update the package: {}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The audit trail cannot be read or extended.
    #[error(transparent)]
    Trail(#[from] TrailError),
    /// A committed operation cannot be completed: a staged file is gone and the file in place is
    /// not the one the trail records.
    #[error(
        "the interrupted `qualify {operation}` recorded in the audit trail cannot be completed: \
         {path} is neither staged in .pending/ nor in place with SHA-256 {sha256}; restore the \
         package from a copy"
    )]
    CannotComplete {
        /// The operation.
        operation: String,
        /// The package-relative path.
        path: String,
        /// The digest the intent names.
        sha256: String,
    },
    /// `.pending/` holds a file qualify does not write there (not removed, so it can be looked at).
    #[error("{} holds {name}, which qualify does not write there; look at it, then remove it", path.display())]
    Foreign {
        /// The pending folder.
        path: PathBuf,
        /// The unexpected entry.
        name: String,
    },
}

impl TxnError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(io::Error) -> TxnError + '_ {
        move |source| TxnError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
