//! Secrets of network adapters (passwords, bearer tokens): read from the environment variables
//! that qualify.yaml names, and kept out of evidence by redaction wherever they might surface
//! (an echoed header, an error message, a payload).

use std::borrow::Cow;

use serde_json::Value;

use super::AdapterError;

/// What a secret is replaced with in evidence.
pub(crate) const REDACTED: &str = "[redacted]";

/// The secret values of one adapter.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    values: Vec<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} redacted)", self.values.len())
    }
}

/// Reads the secret in environment variable `var` (named by `key` in qualify.yaml). A variable
/// that is not set, or not Unicode, fails the start: connecting without the credential would only
/// produce a less helpful error later.
pub(crate) fn read_secret(adapter: &str, key: &str, var: &str) -> Result<String, AdapterError> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(value),
        Ok(_) => Err(AdapterError::start_failed(
            adapter,
            format!("the environment variable {var} (named by `{key}`) is empty"),
        )),
        Err(std::env::VarError::NotPresent) => Err(AdapterError::start_failed(
            adapter,
            format!("the environment variable {var} (named by `{key}`) is not set"),
        )),
        Err(std::env::VarError::NotUnicode(_)) => Err(AdapterError::start_failed(
            adapter,
            format!("the environment variable {var} (named by `{key}`) is not valid Unicode"),
        )),
    }
}

impl Secrets {
    /// Adds a secret value to redact.
    pub(crate) fn add(&mut self, value: &str) {
        if !value.is_empty() && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_string());
        }
    }

    /// Whether there is nothing to redact.
    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether a secret occurs in raw bytes (a binary payload is recorded only if none does).
    pub(crate) fn occurs_in(&self, bytes: &[u8]) -> bool {
        self.values.iter().any(|secret| {
            let secret = secret.as_bytes();
            bytes.windows(secret.len()).any(|w| w == secret)
        })
    }

    /// `text` with every occurrence of a secret replaced, as written and as it appears inside a
    /// JSON string (where quotes and backslashes are escaped).
    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.values {
            let escaped = serde_json::to_string(secret).unwrap_or_default();
            let escaped = escaped
                .strip_prefix('"')
                .and_then(|e| e.strip_suffix('"'))
                .unwrap_or(secret);
            for form in [secret.as_str(), escaped] {
                if out.contains(form) {
                    out = Cow::Owned(out.replace(form, REDACTED));
                }
            }
        }
        out
    }

    /// A JSON value with secrets redacted in every string and object key.
    pub(crate) fn redact_value(&self, value: &Value) -> Value {
        if self.is_empty() {
            return value.clone();
        }
        match value {
            Value::String(s) => Value::String(self.redact(s).into_owned()),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.redact_value(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (self.redact(k).into_owned(), self.redact_value(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_plain_and_json_escaped_forms() {
        let mut s = Secrets::default();
        s.add("t0k\"en");
        s.add("");
        assert_eq!(s.redact("Bearer t0k\"en!"), "Bearer [redacted]!");
        let line = serde_json::to_string(&json!({"h": "Bearer t0k\"en"})).unwrap();
        assert!(!s.redact(&line).contains("t0k"), "{}", s.redact(&line));
        assert_eq!(
            s.redact_value(&json!({"a": ["x t0k\"en"], "t0k\"en": 1})),
            json!({"a": ["x [redacted]"], "[redacted]": 1})
        );
        assert_eq!(Secrets::default().redact("t0k\"en"), "t0k\"en");
    }

    #[test]
    fn missing_variables_fail_the_start_without_a_value() {
        let err =
            read_secret("api", "bearer_token_env", "QUALIFY_TEST_SURELY_UNSET_42").unwrap_err();
        assert_eq!(err.code(), "adapter_start_failed");
        assert!(err.to_string().contains("QUALIFY_TEST_SURELY_UNSET_42"));
    }
}
