//! Building the plan: parse every feature, expand outlines, check tags, apply the selection.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use gherkin::{Feature, GherkinEnv, Rule, Scenario};
use regex::Regex;
use serde::Serialize;

use super::criteria::Criteria;
use super::discover::feature_files;
use super::error::{PlanError, PlanProblem};
use super::scenario::PlannedScenario;
use super::tags::{MergedTags, merge};
use crate::config::{Config, Requirements};

/// A parsed feature file.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedFeature {
    /// Path relative to the project root.
    pub path: String,
    /// Absolute path.
    #[serde(skip)]
    pub abs_path: PathBuf,
    /// Feature name.
    pub name: String,
    /// Description under the `Feature:` line.
    pub description: Option<String>,
}

/// Everything found in the features, and what the criteria select.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Parsed features, sorted by path.
    pub features: Vec<PlannedFeature>,
    /// Selected scenarios, by feature path then line.
    pub scenarios: Vec<PlannedScenario>,
    /// Scenarios found in total, before selection.
    pub total_scenarios: usize,
    /// Requirement ids that no scenario (selected or not) covers.
    pub uncovered_requirements: Vec<String>,
}

impl Plan {
    /// Parses the features folder of `config` and selects with `criteria`. Any malformed feature,
    /// scenario without exactly one stage, or unknown requirement tag is an error; nothing runs.
    pub fn build(config: &Config, criteria: &Criteria) -> Result<Plan, PlanError> {
        let files = feature_files(&config.features)?;
        let mut problems = Vec::new();
        let mut features = Vec::new();
        let mut all = Vec::new();
        for file in files {
            let rel = config.relative(&file);
            match Feature::parse_path(&file, GherkinEnv::default()) {
                Ok(feature) => {
                    let known = KnownRequirements {
                        requirements: &config.requirements,
                        file: config.relative(&config.requirements_path),
                    };
                    plan_feature(&known, &feature, &rel, &mut all, &mut problems);
                    features.push(PlannedFeature {
                        path: rel,
                        abs_path: file,
                        name: feature.name.clone(),
                        description: feature.description.clone(),
                    });
                }
                Err(err) => problems.push(parse_problem(&rel, &err)),
            }
        }
        if !problems.is_empty() {
            return Err(PlanError::Problems(problems));
        }
        let covered: BTreeSet<&str> = all
            .iter()
            .flat_map(|(s, _): &(PlannedScenario, MergedTags)| {
                s.requirements.iter().map(String::as_str)
            })
            .collect();
        let uncovered_requirements = config
            .requirements
            .iter()
            .filter(|r| !covered.contains(r.id.as_str()))
            .map(|r| r.id.clone())
            .collect();
        let total_scenarios = all.len();
        let scenarios = all
            .into_iter()
            .filter(|(s, tags)| criteria.selects(&s.id, tags))
            .map(|(s, _)| s)
            .collect();
        Ok(Plan {
            features,
            scenarios,
            total_scenarios,
            uncovered_requirements,
        })
    }

    /// The selected scenario with this id (`<feature path>:<line>`).
    pub fn scenario(&self, id: &str) -> Option<&PlannedScenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }
}

/// Merged tags of a scenario as the runner sees it (outline rows already carry their examples'
/// tags, as cucumber expands them).
pub fn scenario_tags(feature: &Feature, rule: Option<&Rule>, scenario: &Scenario) -> MergedTags {
    let rule_tags: &[String] = rule.map(|r| r.tags.as_slice()).unwrap_or(&[]);
    merge([feature.tags.as_slice(), rule_tags, scenario.tags.as_slice()])
}

/// The requirements tags are checked against, and the file that defines them (for messages).
pub(crate) struct KnownRequirements<'a> {
    pub(crate) requirements: &'a Requirements,
    pub(crate) file: String,
}

pub(crate) fn plan_feature(
    known: &KnownRequirements<'_>,
    feature: &Feature,
    rel: &str,
    out: &mut Vec<(PlannedScenario, MergedTags)>,
    problems: &mut Vec<PlanProblem>,
) {
    let direct = feature.scenarios.iter().map(|s| (None, s));
    let in_rules = feature
        .rules
        .iter()
        .flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s)));
    for (rule, scenario) in direct.chain(in_rules) {
        for (expanded, from_outline) in expand(scenario, rel, problems) {
            let tags = scenario_tags(feature, rule, &expanded);
            let line = expanded.position.line;
            let stage = match tags.stages.as_slice() {
                [one] => Some(*one),
                [] => {
                    problems.push(PlanProblem {
                        file: rel.into(),
                        line,
                        message: format!(
                            "scenario \"{}\" has no stage tag; tag it (or its feature or rule) with exactly one of @IQ, @OQ, @PQ",
                            expanded.name
                        ),
                    });
                    None
                }
                many => {
                    let list: Vec<String> = many.iter().map(|s| format!("@{s}")).collect();
                    problems.push(PlanProblem {
                        file: rel.into(),
                        line,
                        message: format!(
                            "scenario \"{}\" has {} stage tags ({}); keep exactly one",
                            expanded.name,
                            many.len(),
                            list.join(", ")
                        ),
                    });
                    None
                }
            };
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
            if let Some(stage) = stage {
                out.push((
                    PlannedScenario {
                        id: format!("{rel}:{line}"),
                        feature_path: rel.into(),
                        feature: feature.name.clone(),
                        rule: rule.map(|r| r.name.clone()),
                        name: expanded.name.clone(),
                        line,
                        stage,
                        requirements: tags.requirements.clone(),
                        tags: tags.all.clone(),
                        from_outline,
                        declared_line: scenario.position.line,
                    },
                    tags,
                ));
            }
        }
    }
}

static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<([^>\s](?:[^>\s]?|[^>\t\n\r\v\f]*[^>\s]))>").expect("static regex")
});

/// Expands a Scenario Outline the way cucumber-rs does (same line numbers, same tags), so that
/// `list` and `run` agree on scenario ids.
fn expand(
    scenario: &Scenario,
    rel: &str,
    problems: &mut Vec<PlanProblem>,
) -> Vec<(Scenario, bool)> {
    if scenario.examples.is_empty() {
        return vec![(scenario.clone(), false)];
    }
    let mut out = Vec::new();
    // The template each row starts from, without the Examples: cloning the whole scenario per row
    // copied every Examples table once per row, quadratic in the rows (docs/performance.md).
    let bare = Scenario {
        keyword: scenario.keyword.clone(),
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        steps: scenario.steps.clone(),
        examples: Vec::new(),
        tags: scenario.tags.clone(),
        span: scenario.span,
        position: scenario.position,
    };
    for examples in &scenario.examples {
        let Some((header, rows)) = examples.table.as_ref().and_then(|t| t.rows.split_first())
        else {
            continue;
        };
        for (id, row) in rows.iter().enumerate() {
            let mut expanded = bare.clone();
            expanded.position = examples.position;
            expanded.position.line += id + 2;
            expanded.tags.extend(examples.tags.iter().cloned());
            let mut missing = None;
            expanded.name = TEMPLATE
                .replace_all(&scenario.name, |cap: &regex::Captures<'_>| {
                    let name = cap.get(1).map(|m| m.as_str()).unwrap_or_default();
                    match header
                        .iter()
                        .position(|h| h == name)
                        .and_then(|i| row.get(i))
                    {
                        Some(v) => v.clone(),
                        None => {
                            missing = Some(name.to_string());
                            String::new()
                        }
                    }
                })
                .into_owned();
            if let Some(name) = missing {
                problems.push(PlanProblem {
                    file: rel.into(),
                    line: scenario.position.line,
                    message: format!(
                        "outline name uses <{name}>, which no Examples column defines"
                    ),
                });
            }
            out.push((expanded, true));
        }
    }
    if out.is_empty() {
        problems.push(PlanProblem {
            file: rel.into(),
            line: scenario.position.line,
            message: format!(
                "Scenario Outline \"{}\" has no example rows; add rows under Examples",
                scenario.name
            ),
        });
    }
    out
}

fn parse_problem(rel: &str, err: &gherkin::ParseFileError) -> PlanProblem {
    match err {
        gherkin::ParseFileError::Reading { source, .. } => PlanProblem {
            file: rel.into(),
            line: 0,
            message: format!("cannot read the file: {source}"),
        },
        gherkin::ParseFileError::Parsing { source, error, .. } => {
            syntax_problem(rel, source, error.as_ref())
        }
    }
}

/// A Gherkin syntax error as a plan problem with its line and column (the parser's error keeps
/// them private, so they are read back from its message).
pub(crate) fn syntax_problem(
    rel: &str,
    source: &gherkin::ParseError,
    error: Option<&gherkin::EnvError>,
) -> PlanProblem {
    static AT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"Error at (\d+):(\d+): (.*)").expect("static regex"));
    let text = source.to_string();
    let (line, col, expected) = AT
        .captures(&text)
        .map(|c| {
            (
                c[1].parse().unwrap_or(0),
                c[2].parse().unwrap_or(0usize),
                c[3].to_string(),
            )
        })
        .unwrap_or((0, 0, text.clone()));
    let env = error.map(|e| format!(" ({e})")).unwrap_or_default();
    PlanProblem {
        file: rel.into(),
        line,
        message: format!(
            "Gherkin syntax error at column {col}{env}: expected one of {expected}. Fix the line; nothing was run"
        ),
    }
}

/// The id of a scenario as the runner sees it: the feature's path relative to `project_dir`
/// (canonicalised, `/` separators) and the scenario's line. Matches [`PlannedScenario::id`].
pub fn scenario_id(project_dir: &Path, feature: &Feature, scenario: &Scenario) -> String {
    let path = feature.path.as_deref().unwrap_or(Path::new("<unknown>"));
    let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let rel = canon.strip_prefix(project_dir).unwrap_or(&canon);
    format!(
        "{}:{}",
        rel.to_string_lossy().replace('\\', "/"),
        scenario.position.line
    )
}

/// Absolute path of a feature given its project-relative path.
pub fn feature_abs(config: &Config, rel: &str) -> PathBuf {
    config.dir.join(Path::new(rel))
}
