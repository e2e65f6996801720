//! [`RenderError`]: why a report could not be rendered.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use super::template::TemplateError;

/// Why a report could not be rendered.
#[derive(Debug, Error)]
pub enum RenderError {
    /// A package file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A package file is not what its format says.
    #[error("{path} is not valid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The HTML template could not be compiled or rendered (file, line and column).
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The PDF could not be produced.
    #[error("cannot produce the PDF: {0}")]
    Pdf(String),
    /// A rendition could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

impl RenderError {
    /// 2 for a template the user supplied that does not compile or render (a configuration
    /// error, docs/exit-codes.md), else 5.
    pub fn exit_code(&self) -> i32 {
        match self {
            RenderError::Template(t) if t.is_users() => crate::exit_code::INPUT_ERROR,
            _ => crate::exit_code::INTERNAL_ERROR,
        }
    }

    /// The message with its causes, on one line.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// An error and its `source()` chain on one line.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    out
}
