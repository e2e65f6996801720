//! [`ProjectRecord`]: `project.json`, the descriptive part of qualify.yaml and the requirements,
//! copied into the package so that a report can be rendered from the package alone, years later,
//! whatever qualify.yaml says by then.

use serde::{Deserialize, Serialize};

use crate::config::{Config, ProjectInfo};

pub use qualify_evidence::layout::PROJECT_FILE;
pub use qualify_evidence::schema::PROJECT_SCHEMA;

/// The content of `project.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectRecord {
    /// Always [`PROJECT_SCHEMA`].
    pub schema: String,
    /// Name, system, purpose, scope and intended use from qualify.yaml.
    pub project: ProjectInfo,
    /// Every requirement of the requirements file, in file order: covered or not.
    pub requirements: Vec<RequirementRecord>,
    /// The meanings of the signature workflow, in signing order, so reports can show which are
    /// still pending.
    #[serde(default)]
    pub workflow_meanings: Vec<String>,
}

/// One requirement as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementRecord {
    /// `URS-001`.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Risk class (`high`, `medium`, `low`).
    pub risk: String,
}

impl ProjectRecord {
    /// The record of a loaded configuration.
    pub fn from_config(config: &Config) -> ProjectRecord {
        let requirements = config
            .requirements
            .iter()
            .map(|r| RequirementRecord {
                id: r.id.clone(),
                title: r.title.clone(),
                risk: serde_json::to_value(r.risk)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            })
            .collect();
        ProjectRecord {
            schema: PROJECT_SCHEMA.into(),
            project: config.project.clone(),
            requirements,
            workflow_meanings: config
                .workflow
                .meanings
                .iter()
                .map(|m| m.name.clone())
                .collect(),
        }
    }
}
