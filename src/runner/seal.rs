//! The write phase of a campaign: the run's record, its renditions, the deviation register and
//! the report go into the package, which is then sealed with its audit trail.

use super::campaign::{CampaignOptions, RunRecord};
use super::error::CampaignError;
use super::gherkin_sources::as_feature_sources;
use crate::config::Config;
use crate::deviation::{DEVIATIONS_FILE, DeviationRegister};
use crate::errors::Error;
use crate::evidence::{
    PackageWriter, SealedPackage, write_cucumber_json, write_cucumber_jvm_json, write_junit,
    write_messages,
};
use crate::git::GitInfo;
use crate::impact::ImpactAssessment;
use crate::render::{
    PACKAGE_TEMPLATE, PROJECT_FILE, ProjectRecord, RenderError, RenditionKind, render_package,
};
use qualify_evidence::layout::{
    CUCUMBER_FILE, CUCUMBER_JVM_FILE, ENVIRONMENT_FILE, GIT_FILE, IMPACT_FILE, IMPACT_MD_FILE,
    JUNIT_FILE, MESSAGES_FILE, REPORT_HTML, REPORT_PDF, RESULTS_FILE,
};

/// Writes every sealed file of the run into `package` and seals it; returns the sealed package
/// and the deviations it opened.
pub(super) fn seal(
    config: &Config,
    options: &CampaignOptions,
    package: PackageWriter,
    git: &GitInfo,
    record: &RunRecord,
) -> Result<(SealedPackage, DeviationRegister), Error> {
    seal_record(config, options.impact.as_ref(), package, git, record)
}

/// Writes every sealed file of `record` into `package` and seals it: the one way a package is
/// sealed, for a campaign run here and for the shards `qualify merge` joins (src/shard/merge).
/// Files already in `package` (a merge's attachments) are sealed with it.
pub(crate) fn seal_record(
    config: &Config,
    impact: Option<&ImpactAssessment>,
    package: PackageWriter,
    git: &GitInfo,
    record: &RunRecord,
) -> Result<(SealedPackage, DeviationRegister), Error> {
    write_record_files(config, impact, &package, git, record)?;
    let RunRecord {
        results,
        environment,
        ..
    } = record;
    let write = CampaignError::Write;
    // Deviations and the audit trail (src/deviation, src/audit): the register is sealed content;
    // the trail is written once the manifest digest is known and moves into place with it.
    let register = DeviationRegister::from_results(results);
    package
        .write_json(DEVIATIONS_FILE, &register)
        .map_err(write)?;
    // The report last, so that it describes every other sealed file.
    write_report(config, &package)?;
    let sealed = package
        .finalize_with(|root, manifest, manifest_sha256| {
            crate::audit::write_run_trail(
                root,
                &crate::audit::RunTrailInput {
                    manifest,
                    manifest_sha256,
                    environment,
                    results,
                    register: &register,
                },
            )
        })
        .map_err(write)?;
    Ok((sealed, register))
}

/// The run's record, as a sealed package and a trial both carry it: results, environment, git,
/// the impact assessment, junit.xml and cucumber.json.
pub(super) fn write_record(
    config: &Config,
    options: &CampaignOptions,
    package: &PackageWriter,
    git: &GitInfo,
    record: &RunRecord,
) -> Result<(), Error> {
    write_record_files(config, options.impact.as_ref(), package, git, record)
}

/// [`write_record`] with the impact assessment alone of the options.
fn write_record_files(
    config: &Config,
    impact: Option<&ImpactAssessment>,
    package: &PackageWriter,
    git: &GitInfo,
    record: &RunRecord,
) -> Result<(), Error> {
    let RunRecord {
        results,
        environment,
        gherkin,
    } = record;
    let write = CampaignError::Write;
    package.write_json(RESULTS_FILE, results).map_err(write)?;
    package
        .write_json(ENVIRONMENT_FILE, environment)
        .map_err(write)?;
    package.write_json(GIT_FILE, git).map_err(write)?;
    if let Some(impact) = impact {
        package.write_json(IMPACT_FILE, impact).map_err(write)?;
        let md = crate::impact::markdown(impact, &config.dir).map_err(Error::Usage)?;
        package
            .write_with(IMPACT_MD_FILE, |w| w.write_all(md.as_bytes()))
            .map_err(write)?;
    }
    package
        .write_with(JUNIT_FILE, |w| write_junit(results, w))
        .map_err(write)?;
    package
        .write_with(CUCUMBER_FILE, |w| write_cucumber_json(results, w))
        .map_err(write)?;
    package
        .write_with(CUCUMBER_JVM_FILE, |w| write_cucumber_jvm_json(results, w))
        .map_err(write)?;
    let features = as_feature_sources(gherkin);
    package
        .write_with(MESSAGES_FILE, |w| write_messages(&features, results, w))
        .map_err(write)?;
    Ok(())
}

/// Writes `project.json`, the project's template if it has one, and the sealed renditions
/// (`report.html`, `report.pdf`): last, so that they describe every other file of the package.
fn write_report(config: &Config, package: &PackageWriter) -> Result<(), CampaignError> {
    let write = CampaignError::Write;
    package
        .write_json(PROJECT_FILE, &ProjectRecord::from_config(config))
        .map_err(write)?;
    if let Some(template) = &config.report_template {
        let text = std::fs::read(template).map_err(|source| CampaignError::Template {
            path: template.clone(),
            source,
        })?;
        package
            .write_with(PACKAGE_TEMPLATE, |w| w.write_all(&text))
            .map_err(write)?;
    }
    // Rendered with the copy just written, but a failure names the project's file: that is
    // the one to fix.
    let renditions =
        render_package(package.root(), RenditionKind::Sealed, None).map_err(|e| {
            match (e, &config.report_template) {
                (RenderError::Template(t), Some(path)) => {
                    CampaignError::Render(RenderError::Template(t.naming(path)))
                }
                (e, _) => CampaignError::Render(e),
            }
        })?;
    package
        .write_with(REPORT_HTML, |w| w.write_all(&renditions.html))
        .map_err(write)?;
    package
        .write_with(REPORT_PDF, |w| w.write_all(&renditions.pdf))
        .map_err(write)?;
    Ok(())
}
