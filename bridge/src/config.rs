//! The bridge configuration (`--config FILE`, YAML or JSON) and its identity for IQ.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The configuration shipped in `bridge/config/bridge.yaml`, compiled in: used when no `--config`
/// is given, so that its SHA-256 still matches the installed file.
pub const BUILTIN_CONFIG: &str = include_str!("../config/bridge.yaml");

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration {path}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid configuration document.
    #[error("invalid configuration {origin}")]
    Parse {
        /// File path or `builtin`.
        origin: String,
        /// The parser's error, with line and column.
        #[source]
        source: serde_norway::Error,
    },
    /// A value is out of range.
    #[error("invalid configuration {origin}: {problem}")]
    Value {
        /// File path or `builtin`.
        origin: String,
        /// What is wrong.
        problem: String,
    },
}

/// The values that drive the bridge's controls and calculations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeConfig {
    /// How long (in source time) events wait for earlier ones before release.
    pub reorder_window_ms: u64,
    /// Largest accepted |source − server| timestamp difference.
    pub skew_tolerance_ms: u64,
    /// Ideal cycle time per part number.
    pub ideal_cycle_time_ms: BTreeMap<String, u64>,
}

/// A configuration together with where it came from and the SHA-256 of its exact bytes.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The values.
    pub values: BridgeConfig,
    /// The file path as given, or `builtin`.
    pub source: String,
    /// SHA-256 (lowercase hex) of the bytes the values were parsed from.
    pub sha256: String,
}

impl LoadedConfig {
    /// The compiled-in copy of `bridge/config/bridge.yaml`.
    pub fn builtin() -> Result<Self, ConfigError> {
        Self::parse(BUILTIN_CONFIG.as_bytes(), "builtin")
    }

    /// Reads and validates a YAML (or JSON) file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
            path: origin.clone(),
            source,
        })?;
        Self::parse(&bytes, &origin)
    }

    /// Parses and validates configuration bytes (JSON is accepted as YAML).
    pub fn parse(bytes: &[u8], origin: &str) -> Result<Self, ConfigError> {
        let values: BridgeConfig =
            serde_norway::from_slice(bytes).map_err(|source| ConfigError::Parse {
                origin: origin.into(),
                source,
            })?;
        if let Some((part, _)) = values.ideal_cycle_time_ms.iter().find(|(_, ms)| **ms == 0) {
            return Err(ConfigError::Value {
                origin: origin.into(),
                problem: format!("ideal_cycle_time_ms for {part} must be greater than 0"),
            });
        }
        Ok(Self {
            values,
            source: origin.into(),
            sha256: hex::encode(Sha256::digest(bytes)),
        })
    }

    /// The installed values as reported by the `config` request.
    pub fn to_json(&self) -> Value {
        json!({
            "reorder_window_ms": self.values.reorder_window_ms,
            "skew_tolerance_ms": self.values.skew_tolerance_ms,
            "ideal_cycle_time_ms": self.values.ideal_cycle_time_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_config_is_the_shipped_file() {
        let config = LoadedConfig::builtin().expect("builtin config parses");
        assert_eq!(config.values.reorder_window_ms, 2000);
        assert_eq!(config.values.skew_tolerance_ms, 500);
        assert_eq!(config.values.ideal_cycle_time_ms.get("P-100"), Some(&1000));
        let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/config/bridge.yaml"))
            .expect("file");
        assert_eq!(config.sha256, hex::encode(Sha256::digest(&file)));
    }

    #[test]
    fn json_is_accepted_and_unknown_keys_are_not() {
        let json =
            br#"{"reorder_window_ms": 0, "skew_tolerance_ms": 1, "ideal_cycle_time_ms": {"A": 5}}"#;
        assert!(LoadedConfig::parse(json, "t").is_ok());
        let typo = b"reorder_window: 5\nskew_tolerance_ms: 1\nideal_cycle_time_ms: {}\n";
        assert!(matches!(
            LoadedConfig::parse(typo, "t"),
            Err(ConfigError::Parse { .. })
        ));
    }

    #[test]
    fn a_parse_error_names_line_and_column() {
        let bad = b"reorder_window_ms: 1\nskew_tolerance_ms: [oops\nideal_cycle_time_ms: {}\n";
        let Err(ConfigError::Parse { source, .. }) = LoadedConfig::parse(bad, "t") else {
            panic!("a parse error expected");
        };
        let location = source.location().expect("the parser locates the error");
        assert!(location.line() >= 2, "{source}");
        assert!(source.to_string().contains(" at line "), "{source}");
    }

    #[test]
    fn zero_ideal_cycle_time_is_refused() {
        let zero = b"reorder_window_ms: 1\nskew_tolerance_ms: 1\nideal_cycle_time_ms: {P: 0}\n";
        assert!(matches!(
            LoadedConfig::parse(zero, "t"),
            Err(ConfigError::Value { .. })
        ));
    }
}
