//! Errors of the JSON form and of decoding.

/// A JSON document that does not describe a Sparkplug payload: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct JsonError {
    /// Where in the document (`metrics[2].value`, `timestamp`); `payload` for the whole.
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl JsonError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The same error one level further down (`metrics[1]` + `value`).
    pub(crate) fn within(mut self, outer: &str) -> Self {
        self.path = if self.path.is_empty() {
            outer.to_string()
        } else if self.path.starts_with('[') {
            format!("{outer}{}", self.path)
        } else {
            format!("{outer}.{}", self.path)
        };
        self
    }
}

/// Bytes that are not a Sparkplug B protobuf payload.
#[derive(Debug, thiserror::Error)]
#[error("not a Sparkplug B payload ({len} bytes): {source}")]
pub struct DecodeError {
    /// Length of the payload.
    pub len: usize,
    /// What the protobuf decoder found.
    #[source]
    pub source: prost::DecodeError,
}
