//! qualify's checks of planned scenarios, beyond Gherkin's syntax: exactly one stage tag,
//! requirement tags that requirements.yaml defines, outlines with rows and with placeholders in
//! their names that their Examples define. Each failed check is a problem with file and line.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::build::KnownRequirements;
use super::error::PlanProblem;
use super::stage::Stage;
use super::tags::MergedTags;
use crate::gherkin::{AstIndex, FeatureChild, ParsedFeature, RuleChild};

/// The one stage tag of a scenario; none or several is a problem.
pub(super) fn stage_of(
    tags: &MergedTags,
    name: &str,
    rel: &str,
    line: usize,
    problems: &mut Vec<PlanProblem>,
) -> Option<Stage> {
    let message = match tags.stages.as_slice() {
        [one] => return Some(*one),
        [] => format!(
            "scenario \"{name}\" has no stage tag; tag it (or its feature or rule) with exactly one of @IQ, @OQ, @PQ"
        ),
        many => {
            let list: Vec<String> = many.iter().map(|s| format!("@{s}")).collect();
            format!(
                "scenario \"{name}\" has {} stage tags ({}); keep exactly one",
                many.len(),
                list.join(", ")
            )
        }
    };
    problems.push(PlanProblem {
        file: rel.into(),
        line,
        message,
    });
    None
}

/// Every requirement tag must name a requirement of requirements.yaml.
pub(super) fn check_requirements(
    known: &KnownRequirements<'_>,
    tags: &MergedTags,
    rel: &str,
    line: usize,
    problems: &mut Vec<PlanProblem>,
) {
    for req in &tags.requirements {
        if known.requirements.get(req).is_none() {
            problems.push(PlanProblem {
                file: rel.into(),
                line,
                message: format!(
                    "tag @{req} names a requirement that {} does not define; add it there or fix the tag",
                    known.file
                ),
            });
        }
    }
}

static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<([^>\s](?:[^>\s]?|[^>\t\n\r\v\f]*[^>\s]))>").expect("static regex")
});

/// qualify's rules for outlines, beyond Gherkin's: an outline with Examples must give at least
/// one row, and its name may only use placeholders its Examples define (one problem per row).
pub(super) fn outline_problems(
    parsed: &ParsedFeature,
    index: &AstIndex<'_>,
    rel: &str,
    problems: &mut Vec<PlanProblem>,
) {
    let mut rows_of: HashMap<&str, usize> = HashMap::new();
    for pickle in parsed.pickles.iter().filter(|p| p.ast_node_ids.len() > 1) {
        *rows_of.entry(pickle.ast_node_ids[0].as_str()).or_default() += 1;
        let (Some((_, scenario)), Some(examples)) =
            (index.scenario_of(pickle), index.examples_of(pickle))
        else {
            continue;
        };
        let header = examples
            .table_header
            .as_ref()
            .map(|h| &h.cells[..])
            .unwrap_or(&[]);
        let missing = TEMPLATE
            .captures_iter(&scenario.name)
            .map(|c| c[1].to_string())
            .find(|name| !header.iter().any(|h| &h.value == name));
        if let Some(name) = missing {
            problems.push(PlanProblem {
                file: rel.into(),
                line: scenario.location.line,
                message: format!("outline name uses <{name}>, which no Examples column defines"),
            });
        }
    }
    let scenarios = parsed
        .document
        .feature
        .iter()
        .flat_map(|f| &f.children)
        .flat_map(|c| match c {
            FeatureChild::Scenario(s) => vec![s],
            FeatureChild::Rule(r) => r
                .children
                .iter()
                .filter_map(|c| match c {
                    RuleChild::Scenario(s) => Some(s),
                    RuleChild::Background(_) => None,
                })
                .collect(),
            FeatureChild::Background(_) => vec![],
        });
    for s in scenarios {
        if !s.examples.is_empty() && !rows_of.contains_key(s.id.as_str()) {
            problems.push(PlanProblem {
                file: rel.into(),
                line: s.location.line,
                message: format!(
                    "Scenario Outline \"{}\" has no example rows; add rows under Examples",
                    s.name
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Requirements;
    use crate::plan::parse_feature;

    fn problems(text: &str) -> Vec<String> {
        let requirements = Requirements::parse(
            Path::new("requirements.yaml"),
            "requirements:\n  - {id: URS-001, title: Echo, risk: high}\n",
        )
        .unwrap();
        match parse_feature(
            "features/f.feature",
            text,
            &requirements,
            "requirements.yaml",
        ) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn outlines_need_rows_and_defined_placeholders_in_their_names() {
        let no_rows =
            "@OQ\nFeature: f\n  Scenario Outline: s\n    Given <a>\n\n    Examples:\n      | a |\n";
        assert_eq!(
            problems(no_rows),
            [
                "features/f.feature:3: Scenario Outline \"s\" has no example rows; add rows under Examples"
            ]
        );
        let unknown = "@OQ\nFeature: f\n  Scenario Outline: s <b>\n    Given <a>\n\n    Examples:\n      | a |\n      | 1 |\n";
        assert_eq!(
            problems(unknown),
            ["features/f.feature:3: outline name uses <b>, which no Examples column defines"]
        );
        // Without Examples an outline is a plain scenario (Gherkin), valid for qualify too.
        assert!(problems("@OQ\nFeature: f\n  Scenario Outline: s\n    Given a\n").is_empty());
    }

    #[test]
    fn stages_and_requirements_are_checked_per_pickle_with_examples_tags() {
        let text = "Feature: f\n  Scenario Outline: s\n    Given <a>\n\n    @OQ @URS-001\n    Examples:\n      | a |\n      | 1 |\n\n    @URS-404\n    Examples:\n      | a |\n      | 2 |\n";
        let found = problems(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("features/f.feature:13: scenario \"s\" has no stage tag"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("features/f.feature:13: tag @URS-404 names a requirement"),
            "{found:?}"
        );
        let syntax = problems("@OQ\nFeature: f\n  Scenario: s\n    Given a\n    oops\n");
        assert!(
            syntax[0].starts_with("features/f.feature:5: expected "),
            "{syntax:?}"
        );
        assert!(
            syntax[0].ends_with("found \"oops\"; fix the line, nothing was run"),
            "{syntax:?}"
        );
    }
}
