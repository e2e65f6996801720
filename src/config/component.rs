//! Components: parts of the system under test (path globs) traced to requirements.

use serde::{Deserialize, Serialize};

use super::requirements::Risk;

/// A component as declared in `qualify.yaml`: what paths belong to it and which requirements a
/// change there puts at stake. The impact assessment maps changed paths through these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Short id, unique.
    pub id: String,
    /// Git-style path globs relative to the repository root (`bridge/src/oee.rs`, `features/**`).
    pub paths: Vec<String>,
    /// Requirement ids this component implements.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Risk class; when absent, the highest risk of its requirements.
    #[serde(default)]
    pub risk: Option<Risk>,
}
