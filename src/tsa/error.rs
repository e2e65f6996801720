//! What can go wrong with a time-stamping authority or a token.

use thiserror::Error;

/// A TSA or token error. Every message says what to do.
#[derive(Debug, Error)]
pub enum TsaError {
    /// The TSA could not be reached or answered with an HTTP error.
    #[error("time-stamping authority {url}: {message}")]
    Unreachable {
        /// The TSA's URL.
        url: String,
        /// What happened.
        message: String,
        /// The HTTP client's error, when there is one.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The TSA answered, but without a usable token.
    #[error("time-stamping authority {url} refused: {message}")]
    Refused {
        /// The TSA's URL.
        url: String,
        /// The status, its text and failure information.
        message: String,
    },
    /// Bytes that are not the DER structure they should be.
    #[error("{what} is not valid DER: {source}")]
    Der {
        /// Which structure.
        what: &'static str,
        /// The decoder's error.
        #[source]
        source: der::Error,
    },
    /// A well-formed token that does not prove what it should.
    #[error("{0}")]
    Invalid(String),
    /// The trusted TSA CA file.
    #[error("TSA CA certificates {path}: {message}")]
    TrustFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

impl TsaError {
    /// A DER decoding error about `what`.
    pub fn der(what: &'static str) -> impl FnOnce(der::Error) -> TsaError {
        move |source| TsaError::Der { what, source }
    }
}
