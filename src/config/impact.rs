//! `impact:` in `qualify.yaml`: where signed human assessments live and who may sign them.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Settings of the impact assessment. Every field has a default, so the section may be left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpactConfig {
    /// Folder (relative to the project root, committed to git) of signed human assessments of
    /// changed paths that no component claims. Changes inside it are records, not changes to
    /// assess.
    #[serde(default = "default_assessments")]
    pub assessments: PathBuf,
    /// Roles allowed to sign a human assessment.
    #[serde(default = "default_assessors")]
    pub assessors: Vec<String>,
    /// Folder (relative to the project root, committed to git) of signed supersession records:
    /// a failed package of a revision disposed of in favour of another (`qualify supersede`).
    #[serde(default = "default_supersessions")]
    pub supersessions: PathBuf,
    /// Roles allowed to sign a supersession record.
    #[serde(default = "default_assessors")]
    pub superseders: Vec<String>,
}

fn default_supersessions() -> PathBuf {
    PathBuf::from("validation/supersessions")
}

fn default_assessments() -> PathBuf {
    PathBuf::from("validation/assessments")
}

fn default_assessors() -> Vec<String> {
    vec!["validation-lead".into(), "quality-assurance".into()]
}

impl Default for ImpactConfig {
    fn default() -> Self {
        Self {
            assessments: default_assessments(),
            assessors: default_assessors(),
            supersessions: default_supersessions(),
            superseders: default_assessors(),
        }
    }
}
