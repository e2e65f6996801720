//! Errors in configuration and requirements files.

use std::path::PathBuf;

/// Something is wrong with `qualify.yaml` or the requirements file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file does not exist.
    #[error("{path}: not found. Run `qualify` in the project folder, or pass --config FILE")]
    NotFound {
        /// The file looked for.
        path: PathBuf,
    },
    /// The requirements file that qualify.yaml names does not exist.
    #[error(
        "{path}: not found; {config}:{line} names it (`requirements:`). Create it (docs/configuration.md) \
         or correct that entry"
    )]
    RequirementsNotFound {
        /// The requirements file looked for.
        path: PathBuf,
        /// The qualify.yaml naming it.
        config: PathBuf,
        /// The line of `requirements:` in it (1 when the default name is used).
        line: usize,
    },
    /// The file exists but cannot be read.
    #[error("{path}: cannot read it")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// YAML syntax, an unknown key or a wrong type.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_norway said, which names the key and the expected type.
        message: String,
    },
    /// Well-formed but inconsistent (a missing field for a kind, a duplicate id, ...).
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line, when it could be found.
        line: Option<usize>,
        /// What is wrong and what to do.
        message: String,
    },
}

impl ConfigError {
    /// Converts a serde_norway error into a located error for `path`.
    pub(crate) fn from_yaml(path: &std::path::Path, err: serde_norway::Error) -> Self {
        let (line, column) = err
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        // serde_norway appends " at line L column C"; the location is already in front.
        let mut message = err.to_string();
        if let Some(cut) = message.find(" at line ") {
            message.truncate(cut);
        }
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    }
}

/// Finds the 1-based line of the first `key:` at any indentation, to locate semantic errors.
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let needle = format!("{key}:");
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&needle)
        })
        .map(|i| i + 1)
}
