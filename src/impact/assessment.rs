//! The impact assessment: changed paths → components → requirements → scenarios, with the
//! regression scope each risk class demands, and the paths no component claims.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::changes::{Change, ChangeKind, Revisions};
use super::components::{CompiledComponent, Components};
use super::human::{HumanAssessment, content_digest};
use crate::config::{Config, Risk};
use crate::plan::{Plan, Stage};

/// Identifier and version of the impact assessment format.
pub use qualify_evidence::schema::IMPACT_SCHEMA;

/// What the rule of each risk class requires.
pub const RULE_HIGH: &str =
    "high risk: every scenario of the component's requirements, plus all IQ scenarios";
/// Medium rule.
pub const RULE_MEDIUM: &str = "medium risk: the scenarios of the affected requirements";
/// Low rule.
pub const RULE_LOW: &str = "low risk: no regression scenario required; the change is recorded in this assessment and reviewed with it, because the component has no direct effect on product quality or data integrity";

/// One changed path and what claims it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssessedChange {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// Components whose globs match the path (or, for a rename, the old path).
    pub components: Vec<String>,
    /// True for a feature file (its scenarios are re-run).
    pub feature_file: bool,
    /// True when nothing claims the path: a human must assess it.
    pub needs_human_assessment: bool,
}

/// An impacted component.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImpactedComponent {
    /// Component id.
    pub id: String,
    /// Effective risk.
    pub risk: Risk,
    /// Changed paths it claims.
    pub paths: Vec<String>,
    /// Its requirements.
    pub requirements: Vec<String>,
    /// The regression rule applied.
    pub rule: String,
}

/// A scenario the assessment selects, with every reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SelectedScenario {
    /// Scenario id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Stage.
    pub stage: Stage,
    /// Why it is selected.
    pub reasons: Vec<String>,
}

/// The whole assessment, as written to `impact.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImpactAssessment {
    /// Always [`IMPACT_SCHEMA`].
    pub schema: String,
    /// What was compared.
    pub revisions: Revisions,
    /// Every changed path.
    pub changes: Vec<AssessedChange>,
    /// Impacted components.
    pub components: Vec<ImpactedComponent>,
    /// Requirement ids at stake.
    pub requirements: Vec<String>,
    /// The regression scope.
    pub scenarios: Vec<SelectedScenario>,
    /// Feature files deleted since the baseline: their scenarios no longer exist.
    pub deleted_features: Vec<String>,
    /// Changed paths that no component claims: each needs a signed human assessment.
    pub unclaimed_paths: Vec<String>,
    /// Signed human assessments that cover unclaimed paths in their current content.
    pub human_assessments: Vec<HumanAssessment>,
    /// Unclaimed paths still without a valid assessment: they block the gate.
    pub unassessed_paths: Vec<String>,
    /// Assessment files that do not count, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assessment_problems: Vec<String>,
}

impl ImpactAssessment {
    /// Maps `changes` through the components of `config` onto the scenarios of `plan` (built with
    /// no selection, so every scenario is a candidate).
    pub fn assess(
        config: &Config,
        plan: &Plan,
        components: &Components,
        revisions: Revisions,
        changes: Vec<Change>,
    ) -> Self {
        let features_prefix = config.relative(&config.features);
        let mut assessed = Vec::new();
        let mut impacted: BTreeMap<String, ImpactedComponent> = BTreeMap::new();
        let mut reasons: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut requirements = BTreeSet::new();
        let mut deleted_features = Vec::new();
        let mut unclaimed = Vec::new();
        let mut add = |id: &str, why: String| {
            reasons.entry(id.to_string()).or_default().insert(why);
        };
        let mut need_iq = false;

        for change in changes {
            let paths: Vec<&str> = std::iter::once(change.path.as_str())
                .chain(change.old_path.as_deref())
                .collect();
            let claiming: Vec<&CompiledComponent> = components.claiming(&paths);
            let feature_file = change.path.ends_with(".feature")
                && change.path.starts_with(&format!("{features_prefix}/"));
            for c in &claiming {
                let entry =
                    impacted
                        .entry(c.component.id.clone())
                        .or_insert_with(|| ImpactedComponent {
                            id: c.component.id.clone(),
                            risk: c.risk,
                            paths: Vec::new(),
                            requirements: c.component.requirements.clone(),
                            rule: match c.risk {
                                Risk::High => RULE_HIGH,
                                Risk::Medium => RULE_MEDIUM,
                                Risk::Low => RULE_LOW,
                            }
                            .to_string(),
                        });
                entry.paths.push(change.path.clone());
            }
            if feature_file {
                if change.kind == ChangeKind::Deleted {
                    deleted_features.push(change.path.clone());
                } else {
                    for s in plan
                        .scenarios
                        .iter()
                        .filter(|s| s.feature_path == change.path)
                    {
                        add(&s.id, format!("its feature file {} changed", change.path));
                    }
                }
            }
            let needs_human = claiming.is_empty() && !feature_file;
            if needs_human {
                unclaimed.push(change.path.clone());
            }
            assessed.push(AssessedChange {
                components: claiming.iter().map(|c| c.component.id.clone()).collect(),
                change,
                feature_file,
                needs_human_assessment: needs_human,
            });
        }

        for comp in impacted.values() {
            if comp.risk == Risk::Low {
                continue;
            }
            if comp.risk == Risk::High {
                need_iq = true;
            }
            for req in &comp.requirements {
                requirements.insert(req.clone());
                for s in plan
                    .scenarios
                    .iter()
                    .filter(|s| s.requirements.contains(req))
                {
                    add(
                        &s.id,
                        format!(
                            "component {} ({} risk) changed; it implements {req}",
                            comp.id, comp.risk
                        ),
                    );
                }
            }
        }
        if need_iq {
            for s in plan.scenarios.iter().filter(|s| s.stage == Stage::IQ) {
                add(&s.id, "all IQ: a high-risk component changed".to_string());
            }
        }
        let scenarios = plan
            .scenarios
            .iter()
            .filter_map(|s| {
                reasons.get(&s.id).map(|r| SelectedScenario {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    stage: s.stage,
                    reasons: r.iter().cloned().collect(),
                })
            })
            .collect();
        ImpactAssessment {
            schema: IMPACT_SCHEMA.into(),
            revisions,
            changes: assessed,
            components: impacted.into_values().collect(),
            requirements: requirements.into_iter().collect(),
            scenarios,
            deleted_features,
            unassessed_paths: unclaimed.clone(),
            unclaimed_paths: unclaimed,
            human_assessments: Vec::new(),
            assessment_problems: Vec::new(),
        }
    }

    /// Marks unclaimed paths covered by a valid assessment of their current content.
    pub fn apply_human_assessments(
        &mut self,
        config: &Config,
        valid: Vec<HumanAssessment>,
        problems: Vec<String>,
    ) {
        self.assessment_problems = problems;
        let mut unassessed = Vec::new();
        for path in &self.unclaimed_paths {
            let digest = content_digest(&config.dir, path);
            match valid
                .iter()
                .find(|h| h.predicate.path == *path && h.predicate.content_sha256 == digest)
            {
                Some(h) => self.human_assessments.push(h.clone()),
                None => unassessed.push(path.clone()),
            }
        }
        self.unassessed_paths = unassessed;
    }
}
