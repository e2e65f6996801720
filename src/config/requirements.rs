//! The requirements file: user requirement specifications with their risk class.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::ConfigError;

/// Risk class of a requirement or component; drives regression scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Patient safety, product quality or data integrity directly at stake.
    High,
    /// Indirect impact.
    Medium,
    /// No impact on product quality or data integrity.
    Low,
}

/// One requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// `URS-001` style id; scenarios refer to it as a tag `@URS-001`.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Risk class.
    pub risk: Risk,
    /// Full text.
    #[serde(default)]
    pub text: String,
}

impl Risk {
    /// `high`, `medium` or `low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::High => "high",
            Risk::Medium => "medium",
            Risk::Low => "low",
        }
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementsFile {
    requirements: Vec<Requirement>,
}

/// All requirements, by id.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Requirements {
    by_id: BTreeMap<String, Requirement>,
}

impl Requirements {
    /// Loads and checks a requirements file (ids unique and of the form `PREFIX-NNN`).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = super::read_text(path)?;
        Requirements::parse(path, &text)
    }

    /// Parses and checks requirements text as [`Requirements::load`] does; `path` names the file
    /// in errors (the fuzz target `config`).
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let file: RequirementsFile =
            serde_norway::from_str(text).map_err(|e| ConfigError::from_yaml(path, e))?;
        let id_shape =
            regex::Regex::new(r"^[A-Z][A-Z0-9]*-[A-Za-z0-9_.-]+$").expect("static regex");
        let mut by_id = BTreeMap::new();
        for req in file.requirements {
            if !id_shape.is_match(&req.id) {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    line: find_line(text, &req.id),
                    message: format!(
                        "requirement id `{}` is not of the form PREFIX-NUMBER (for example URS-001)",
                        req.id
                    ),
                });
            }
            if by_id.contains_key(&req.id) {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    line: find_line(text, &req.id),
                    message: format!(
                        "requirement `{}` is listed twice; ids must be unique",
                        req.id
                    ),
                });
            }
            by_id.insert(req.id.clone(), req);
        }
        Ok(Self { by_id })
    }

    /// The requirement with this id.
    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.by_id.get(id)
    }

    /// All requirements sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = &Requirement> {
        self.by_id.values()
    }

    /// Number of requirements.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}
