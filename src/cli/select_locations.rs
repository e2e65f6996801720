//! `qualify run FEATURE[:LINE]…` and `qualify list FEATURE[:LINE]…`: a feature file, or one
//! scenario of it, chosen the way cucumber users write it.
//!
//! A location is resolved against the current folder, must be a feature file of the project's
//! features folder, and a LINE must be the line of a scenario, of a Scenario Outline (all its
//! rows) or of one Examples row. Anything else is an input error naming what exists, never an
//! empty selection that runs nothing and passes. The locations become the scenario ids the
//! criteria select, intersected with an `--impact` selection when there is one; `--stage` and
//! `--tags` still apply.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::errors::Error;
use crate::plan::{Criteria, Plan, PlannedScenario};

/// One location as given: the file and, after the last `:`, an optional line.
struct Location<'a> {
    given: &'a str,
    path: &'a str,
    line: Option<usize>,
}

fn parse(given: &str) -> Result<Location<'_>, Error> {
    match given.rsplit_once(':') {
        Some((path, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => {
            let line = line
                .parse::<usize>()
                .ok()
                .filter(|l| *l > 0)
                .ok_or_else(|| {
                    Error::Usage(format!("{given}: the line must be a number from 1"))
                })?;
            Ok(Location {
                given,
                path,
                line: Some(line),
            })
        }
        _ => Ok(Location {
            given,
            path: given,
            line: None,
        }),
    }
}

/// Narrows `criteria` to the scenarios at `locations` (nothing to do without any).
pub fn narrow_to_locations(
    config: &Config,
    locations: &[String],
    criteria: &mut Criteria,
) -> Result<(), Error> {
    if locations.is_empty() {
        return Ok(());
    }
    // Every scenario of the project, whatever the stage or tags: a location names text.
    let plan = Plan::build(config, &Criteria::default())?;
    let mut ids = BTreeSet::new();
    for given in locations {
        let location = parse(given)?;
        let rel = feature_of_project(config, &plan, &location)?;
        let found = at(&plan, &rel, location.line);
        if found.is_empty() {
            return Err(no_scenario_there(&plan, &rel, &location));
        }
        ids.extend(found.into_iter().map(|s| s.id.clone()));
        criteria.locations.push(match location.line {
            Some(line) => format!("{rel}:{line}"),
            None => rel,
        });
    }
    let ids = match criteria.ids.take() {
        Some(impact) => ids.intersection(&impact).cloned().collect(),
        None => ids,
    };
    criteria.ids = Some(Arc::new(ids));
    Ok(())
}

/// The project-relative path of the feature file `location` names.
fn feature_of_project(config: &Config, plan: &Plan, location: &Location) -> Result<String, Error> {
    let real = Path::new(location.path).canonicalize().map_err(|e| {
        Error::Usage(format!(
            "{}: cannot find the feature file ({e}); paths are relative to the current folder",
            location.given
        ))
    })?;
    let rel = config.relative(&real);
    if plan.features.iter().any(|f| f.path == rel) {
        return Ok(rel);
    }
    Err(Error::Usage(format!(
        "{}: not a feature file of this project (qualify.yaml `features:` is {}); give a \
         .feature file under it",
        location.given,
        config.features.display()
    )))
}

/// The scenarios of `rel` at `line` (all of them without one).
fn at<'p>(plan: &'p Plan, rel: &str, line: Option<usize>) -> Vec<&'p PlannedScenario> {
    plan.scenarios
        .iter()
        .filter(|s| s.feature_path == rel)
        .filter(|s| line.is_none_or(|l| l == s.line || l == s.declared_line))
        .collect()
}

fn no_scenario_there(plan: &Plan, rel: &str, location: &Location) -> Error {
    let mut lines: Vec<usize> = plan
        .scenarios
        .iter()
        .filter(|s| s.feature_path == rel)
        .map(|s| s.declared_line)
        .collect();
    lines.dedup();
    let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
    let detail = if lines.is_empty() {
        "it has no scenarios".to_string()
    } else {
        format!(
            "its scenarios start at line {} (or give an Examples row's line)",
            lines.join(", ")
        )
    };
    Error::Usage(format!(
        "{}: no scenario at that line; {detail}",
        location.given
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_a_path_with_an_optional_line() {
        let l = parse("features/a.feature:12").unwrap();
        assert_eq!((l.path, l.line), ("features/a.feature", Some(12)));
        let l = parse("features/a.feature").unwrap();
        assert_eq!((l.path, l.line), ("features/a.feature", None));
        let l = parse("c:/x.feature").unwrap();
        assert_eq!(l.line, None);
        assert!(parse("a.feature:0").is_err());
    }
}
