//! Planning one feature from its text: the same Gherkin parser (crate::gherkin), outline expansion and tag checks
//! as [`Plan::build`](super::Plan::build), without a project folder. The entry point the fuzz
//! target `feature` drives, so adversarial feature files are exercised through the plan's code.

use super::build::{KnownRequirements, plan_feature, syntax_problem};
use super::error::PlanProblem;
use super::scenario::PlannedScenario;
use crate::config::Requirements;

/// Parses `text` as the feature file `rel` and plans its scenarios against `requirements`
/// (named `requirements_file` in messages). Every problem the plan would report is returned;
/// a syntax error is one problem with its line.
pub fn parse_feature(
    rel: &str,
    text: &str,
    requirements: &Requirements,
    requirements_file: &str,
) -> Result<Vec<PlannedScenario>, Vec<PlanProblem>> {
    let parsed =
        crate::gherkin::parse_feature(text, rel).map_err(|e| vec![syntax_problem(rel, &e)])?;
    let known = KnownRequirements {
        requirements,
        file: requirements_file.to_string(),
    };
    let mut planned = Vec::new();
    let mut problems = Vec::new();
    plan_feature(&known, &parsed, rel, &mut planned, &mut problems);
    if problems.is_empty() {
        Ok(planned.into_iter().map(|(s, _)| s).collect())
    } else {
        Err(problems)
    }
}
