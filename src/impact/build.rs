//! Making an assessment for a project: plan everything, diff, map.

use std::path::Path;

use super::assessment::ImpactAssessment;
use super::changes::changes_since;
use super::components::compile;
use super::error::ImpactError;
use super::human::load_valid;
use crate::config::Config;
use crate::plan::{Criteria, Plan};

/// Assesses the changes from `baseline` to the working tree of the project of `config`, leaving
/// out the evidence folder `evidence_dir`.
pub fn assess_project(
    config: &Config,
    baseline: &str,
    evidence_dir: &Path,
) -> Result<(ImpactAssessment, Plan), crate::errors::Error> {
    let plan = Plan::build(config, &Criteria::default())?;
    let components = compile(&config.components, &config.requirements).map_err(impact_error)?;
    // Supersession records are records about evidence, like assessments: not changes to assess.
    let supersessions = config.dir.join(&config.impact.supersessions);
    let exclude = [
        evidence_dir,
        config.assessments_dir.as_path(),
        supersessions.as_path(),
    ];
    let (revisions, changes) =
        changes_since(&config.dir, baseline, &exclude).map_err(impact_error)?;
    let registry = crate::sign::Registry::load(&config.signers).ok();
    let (human, problems) = load_valid(config, registry.as_ref());
    let mut assessment = ImpactAssessment::assess(config, &plan, &components, revisions, changes);
    assessment.apply_human_assessments(config, human, problems);
    Ok((assessment, plan))
}

fn impact_error(e: ImpactError) -> crate::errors::Error {
    crate::errors::Error::Impact(e)
}
