//! Storage errors.

use std::path::PathBuf;

/// A database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or prepared.
    #[error("cannot open database {path}")]
    Open {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file holds another schema version.
    #[error("database {path} has schema version {found}, this bridge needs {expected}")]
    SchemaVersion {
        /// The file.
        path: PathBuf,
        /// Found `user_version`.
        found: i64,
        /// Expected `user_version`.
        expected: i64,
    },
    /// A statement failed.
    #[error("database {operation} failed")]
    Sql {
        /// What was being done.
        operation: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// Wraps a SQLite error with the operation that failed.
    pub fn sql(operation: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Self::Sql { operation, source }
    }
}
