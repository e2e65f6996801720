//! Building the plan: parse every feature, expand outlines, check tags, apply the selection.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gherkin::{Feature, Rule, Scenario};
use serde::Serialize;

use crate::gherkin::{AstIndex, IdGenerator, ParsedFeature, compile, parse};

use super::checks::{check_requirements, outline_problems, stage_of};
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
    /// Description under the `Feature:` line, its lines without indentation.
    pub description: Option<String>,
    /// The file as parsed (document and pickles): what `list` checks and the runner runs, so
    /// each feature is parsed once.
    #[serde(skip)]
    pub parsed: Arc<ParsedFeature>,
    /// The file's text as parsed (messages.ndjson carries it).
    #[serde(skip)]
    pub source: Arc<str>,
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
        // One id sequence over every file, in plan order: ids are unique across the campaign
        // (messages.ndjson carries every document in one stream) and the same files give the
        // same ids.
        let mut ids = IdGenerator::new();
        for file in files {
            let rel = config.relative(&file);
            let (source, parsed) = match read_and_parse(&file, &rel, &mut ids) {
                Ok(parsed) => parsed,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            let known = KnownRequirements {
                requirements: &config.requirements,
                file: config.relative(&config.requirements_path),
            };
            plan_feature(&known, &parsed, &rel, &mut all, &mut problems);
            let feature = parsed.document.feature.as_ref();
            features.push(PlannedFeature {
                path: rel,
                abs_path: file,
                name: feature.map(|f| f.name.clone()).unwrap_or_default(),
                description: feature.and_then(|f| unindented(&f.description)),
                parsed: Arc::new(parsed),
                source: source.into(),
            });
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

/// A description's lines without their indentation (Gherkin keeps it) and without empty lines,
/// as results.json has always given it; None when there is no text.
fn unindented(description: &str) -> Option<String> {
    let lines: Vec<&str> = description
        .lines()
        .map(str::trim_start)
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Reads and parses one feature file, ids from `ids`; returns its text and what it parsed to. A
/// read or syntax error is a problem with its line.
fn read_and_parse(
    file: &Path,
    rel: &str,
    ids: &mut IdGenerator,
) -> Result<(String, ParsedFeature), PlanProblem> {
    let problem = |line, message| PlanProblem {
        file: rel.into(),
        line,
        message,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| problem(0, format!("cannot read the file: {e}")))?;
    let document = parse(&text, rel, ids).map_err(|e| syntax_problem(rel, &e))?;
    let pickles = compile(&document, rel, ids);
    Ok((text, ParsedFeature { document, pickles }))
}

/// A Gherkin syntax error as a plan problem at its line.
pub(crate) fn syntax_problem(rel: &str, e: &crate::gherkin::ParseError) -> PlanProblem {
    PlanProblem {
        file: rel.into(),
        line: e.line(),
        message: format!("{}; fix the line, nothing was run", e.message),
    }
}

/// Plans the pickles of one parsed feature: one scenario per pickle (an outline row is one),
/// with its stage and requirement tags checked.
pub(crate) fn plan_feature(
    known: &KnownRequirements<'_>,
    parsed: &ParsedFeature,
    rel: &str,
    out: &mut Vec<(PlannedScenario, MergedTags)>,
    problems: &mut Vec<PlanProblem>,
) {
    let Some(feature) = &parsed.document.feature else {
        return; // an empty or comment-only file: valid, nothing to run
    };
    let index = AstIndex::new(&parsed.document);
    outline_problems(parsed, &index, rel, problems);
    for pickle in &parsed.pickles {
        let Some((rule, scenario)) = index.scenario_of(pickle) else {
            continue;
        };
        let names: Vec<String> = pickle.tags.iter().map(|t| t.name.clone()).collect();
        let tags = merge([names.as_slice()]);
        let line = pickle.location.line;
        let stage = stage_of(&tags, &pickle.name, rel, line, problems);
        check_requirements(known, &tags, rel, line, problems);
        let Some(stage) = stage else {
            continue;
        };
        out.push((
            PlannedScenario {
                id: format!("{rel}:{line}"),
                feature_path: rel.into(),
                feature: feature.name.clone(),
                rule: rule.map(|r| r.name.clone()),
                name: pickle.name.clone(),
                line,
                stage,
                requirements: tags.requirements.clone(),
                tags: tags.all.clone(),
                from_outline: pickle.ast_node_ids.len() > 1,
                declared_line: scenario.location.line,
            },
            tags,
        ));
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
