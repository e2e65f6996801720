//! Steps that no step of the library matches, found before anything runs.
//!
//! A run reports such a step as `undefined` and opens a deviation, after the adapters were started
//! and the earlier scenarios ran. `qualify list` finds them from the text alone: each feature of
//! the plan is parsed and expanded exactly as the runner runs it (outline rows substituted), and
//! every step — Background steps included — is matched against the library's patterns. For each
//! unmatched step the nearest step of the library is suggested, compared in a normalised form
//! where quoted arguments and numbers stand for any value.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::Plan;
use crate::gherkin::AstIndex;

/// One step that matches no pattern.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UndefinedStep {
    /// `<feature path>:<line>` of the step.
    pub location: String,
    /// Keyword and text as written (outline placeholders substituted).
    pub text: String,
    /// The library step it most resembles, in the form docs/steps.md writes it, when any is close.
    pub nearest: Option<String>,
}

/// The outcome of the check over a plan's features.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StepCheck {
    /// Unmatched steps, by feature path and line, each once.
    pub undefined: Vec<UndefinedStep>,
}

/// Checks every step of every feature of `plan` (selected or not: a step is text in a protocol).
pub fn check_steps(plan: &Plan, patterns: &[Regex]) -> StepCheck {
    let shapes: Vec<(String, String)> = patterns
        .iter()
        .map(|p| (shape(&human_form(p.as_str())), human_form(p.as_str())))
        .collect();
    let mut check = StepCheck::default();
    for feature in &plan.features {
        let index = AstIndex::new(&feature.parsed.document);
        let steps = feature.parsed.pickles.iter().flat_map(|p| &p.steps);
        for step in steps {
            if patterns.iter().any(|p| p.is_match(&step.text)) {
                continue;
            }
            let Some(ast) = index.step(&step.ast_node_ids[0]) else {
                continue;
            };
            let location = format!("{}:{}", feature.path, ast.location.line);
            if check.undefined.iter().any(|u| u.location == location) {
                continue; // an outline's or a Background's step, once per pickle: report it once
            }
            check.undefined.push(UndefinedStep {
                location,
                text: format!("{}{}", ast.keyword, step.text),
                nearest: nearest(&step.text, &shapes),
            });
        }
    }
    check
        .undefined
        .sort_by(|a, b| location_order(&a.location).cmp(&location_order(&b.location)));
    check
}

/// A `path:line` location as (path, line), for sorting by file then line.
fn location_order(location: &str) -> (&str, usize) {
    match location.rsplit_once(':') {
        Some((path, line)) => (path, line.parse().unwrap_or(0)),
        None => (location, 0),
    }
}

/// A pattern as a person writes the step: anchors dropped, each capture group a `…`.
fn human_form(pattern: &str) -> String {
    let inner = pattern.trim_start_matches('^').trim_end_matches('$');
    let mut out = String::new();
    let mut depth = 0usize;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && depth == 0
                {
                    out.push(next);
                }
            }
            '(' => {
                if depth == 0 {
                    out.push('…');
                }
                depth += 1;
            }
            ')' => depth = depth.saturating_sub(1),
            '?' if depth == 0 => {
                // `an?`: the optional letter is kept as written; nothing to print for `?`.
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""(?:[^"\\]|\\.)*"|"…"|…"#).expect("static regex"));
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-?\d+(?:\.\d+)?").expect("static regex"));

/// Step text with every argument replaced by one placeholder, lowercased.
fn shape(text: &str) -> String {
    let quoted = QUOTED.replace_all(text, "\u{1}");
    NUMBER.replace_all(&quoted, "\u{1}").to_lowercase()
}

/// The most similar library step, when it is similar enough to be a likely intent.
fn nearest(step: &str, shapes: &[(String, String)]) -> Option<String> {
    let wanted = shape(step);
    shapes
        .iter()
        .map(|(s, human)| (strsim::normalized_levenshtein(&wanted, s), human))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, human)| human.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_print_as_steps_are_written() {
        assert_eq!(
            human_form(r#"^I send an? "([^"]+)" request to "([^"]+)"$"#),
            "I send an \"…\" request to \"…\""
        );
        assert_eq!(
            human_form(r"^the response status is (\d{3})$"),
            "the response status is …"
        );
    }

    #[test]
    fn the_nearest_step_survives_a_typo_and_other_arguments() {
        let patterns = crate::steps::patterns();
        let shapes: Vec<(String, String)> = patterns
            .iter()
            .map(|p| (shape(&human_form(p.as_str())), human_form(p.as_str())))
            .collect();
        let found = nearest(r#"the respons field "a" equal 1"#, &shapes);
        assert_eq!(found.as_deref(), Some("the response field \"…\" equals …"));
        assert_eq!(nearest("the moon is made of cheese", &shapes), None);
    }
}
