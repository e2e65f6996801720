//! Merging and classifying tags: stage tags, requirement tags, everything else.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::stage::Stage;

/// A requirement tag: an upper-case prefix, a dash, digits (`URS-001`, `FRS-12a`).
static REQUIREMENT_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]*-[0-9][A-Za-z0-9_.-]*$").expect("static regex"));

/// Tags of one scenario, merged over its levels.
#[derive(Debug, Clone, Default)]
pub struct MergedTags {
    /// All tags without `@`, sorted, unique.
    pub all: Vec<String>,
    /// The stages among them.
    pub stages: Vec<Stage>,
    /// The requirement ids among them.
    pub requirements: Vec<String>,
}

/// Merges tag lists of feature, rule, scenario (and examples) levels.
pub fn merge<'a>(levels: impl IntoIterator<Item = &'a [String]>) -> MergedTags {
    let mut all = BTreeSet::new();
    for level in levels {
        for tag in level {
            all.insert(tag.trim_start_matches('@').to_string());
        }
    }
    let stages: BTreeSet<Stage> = all.iter().filter_map(|t| Stage::from_tag(t)).collect();
    let requirements = all
        .iter()
        .filter(|t| is_requirement_tag(t))
        .cloned()
        .collect();
    MergedTags {
        all: all.into_iter().collect(),
        stages: stages.into_iter().collect(),
        requirements,
    }
}

/// Whether a tag (without `@`) has the shape of a requirement id.
pub fn is_requirement_tag(tag: &str) -> bool {
    REQUIREMENT_TAG.is_match(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn merges_levels_and_classifies() {
        let f = v(&["OQ", "URS-001"]);
        let s = v(&["@URS-002", "slow", "URS-001"]);
        let m = merge([f.as_slice(), s.as_slice()]);
        assert_eq!(m.all, v(&["OQ", "URS-001", "URS-002", "slow"]));
        assert_eq!(m.stages, vec![Stage::OQ]);
        assert_eq!(m.requirements, v(&["URS-001", "URS-002"]));
    }

    #[test]
    fn requirement_shape() {
        assert!(is_requirement_tag("URS-001"));
        assert!(is_requirement_tag("FRS-12a"));
        assert!(!is_requirement_tag("urs-001"));
        assert!(!is_requirement_tag("OQ"));
        assert!(!is_requirement_tag("serial"));
        assert!(!is_requirement_tag("ISO-x"));
    }

    #[test]
    fn two_stages_are_both_reported() {
        let a = v(&["IQ"]);
        let b = v(&["OQ"]);
        assert_eq!(
            merge([a.as_slice(), b.as_slice()]).stages,
            vec![Stage::IQ, Stage::OQ]
        );
    }
}
