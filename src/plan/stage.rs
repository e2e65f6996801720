//! Qualification stages and the tags that carry them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// IQ, OQ or PQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    /// Installation qualification: installed as designed.
    IQ,
    /// Operational qualification: operates as specified.
    OQ,
    /// Performance qualification: performs in a production-representative run.
    PQ,
}

impl Stage {
    /// All stages in order.
    pub const ALL: [Stage; 3] = [Stage::IQ, Stage::OQ, Stage::PQ];

    /// The tag text without `@`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::IQ => "IQ",
            Stage::OQ => "OQ",
            Stage::PQ => "PQ",
        }
    }

    /// The stage a tag (without `@`) names, if any.
    pub fn from_tag(tag: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == tag)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let up = s.trim_start_matches('@').to_ascii_uppercase();
        Stage::from_tag(&up).ok_or_else(|| format!("`{s}` is not a stage; use IQ, OQ or PQ"))
    }
}
