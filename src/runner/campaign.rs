//! A campaign from start to sealed package, in phases with typed hand-overs: prepare (plan,
//! package, scratch folder: [`Prepared`]) → execute (cucumber run, src/runner/execute.rs:
//! [`Executed`]) → assemble (results and environment: [`RunRecord`]) → seal (every file, the
//! report, the manifest and the audit trail, src/runner/seal.rs).

use crate::evidence::CaptureEnvironment;
use crate::git::DiscoverRevision;
use std::collections::BTreeMap;

use super::assemble::{AssembleInput, assemble};
use super::error::CampaignError;
use super::execute::{Executed, execute};
use super::gherkin_sources::{GherkinSource, gherkin_sources};
use super::progress::ProgressMode;
use super::seal::seal;
use super::trial::finish_trial;
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::{EnvInputs, Environment, PackageWriter, RunResults, Selection, sha256_file};
use crate::git::{GitInfo, GitRevision};
use crate::impact::ImpactAssessment;
use crate::plan::{Criteria, Plan};

/// What to run and how.
pub struct CampaignOptions {
    /// Selection.
    pub criteria: Criteria,
    /// Evidence folder (overrides the config's).
    pub evidence_dir: std::path::PathBuf,
    /// Scenarios at once.
    pub concurrency: usize,
    /// Progress display.
    pub progress: ProgressMode,
    /// The impact assessment of an impact-based campaign; it goes into the package.
    pub impact: Option<ImpactAssessment>,
    /// A trial run: written to `evidence_dir` unsealed and marked as a trial, never evidence
    /// (src/evidence/trial.rs).
    pub trial: bool,
    /// This run's share of a sharded campaign (`--shard K/N`): recorded in the results'
    /// selection and in the package id.
    pub shard: Option<crate::evidence::ShardSelection>,
}

/// The outcome of a campaign.
pub struct CampaignOutcome {
    /// The results as sealed.
    pub results: RunResults,
    /// Where the package is.
    pub package_dir: std::path::PathBuf,
    /// SHA-256 of its manifest; `None` for a trial, which has none.
    pub manifest_digest: Option<String>,
    /// The deviations the run opened, as sealed in the package.
    pub deviations: crate::deviation::DeviationRegister,
}

/// What a campaign has before anything runs: the checked plan, the revision, the open package.
struct Prepared {
    plan: Plan,
    git: GitInfo,
    package: PackageWriter,
    /// Scratch folder for adapters, removed once the package is sealed.
    work_root: tempfile::TempDir,
}

/// The sealed content computed from a run: the results and the environment they were obtained
/// in.
pub(crate) struct RunRecord {
    /// The results as they will be sealed.
    pub results: RunResults,
    /// The host, tool, adapters and files of the run.
    pub environment: Environment,
    /// The feature files, parsed, for messages.ndjson.
    pub gherkin: Vec<GherkinSource>,
}

/// Runs the campaign and seals the package: prepare → execute → assemble → seal.
pub fn run_campaign(config: &Config, options: CampaignOptions) -> Result<CampaignOutcome, Error> {
    let prepared = prepare(config, &options)?;
    let executed = execute(
        config,
        &options,
        &prepared.plan,
        prepared.package.attachments(),
        prepared.work_root.path(),
    )?;
    let record = assemble_record(config, &options, &prepared, executed);
    let Prepared {
        git,
        package,
        work_root,
        ..
    } = prepared;
    if options.trial {
        let dir = finish_trial(config, &options, package, &git, &record)?;
        drop(work_root);
        // A trial opens no deviation: its failures are the engineer's feedback.
        let deviations = crate::deviation::DeviationRegister {
            schema: crate::deviation::DEVIATIONS_SCHEMA.into(),
            package_id: record.results.package_id.clone(),
            deviations: Vec::new(),
        };
        return Ok(CampaignOutcome {
            results: record.results,
            package_dir: dir,
            manifest_digest: None,
            deviations,
        });
    }
    let (sealed, deviations) = seal(config, &options, package, &git, &record)?;
    drop(work_root);
    Ok(CampaignOutcome {
        results: record.results,
        package_dir: sealed.path,
        manifest_digest: Some(sealed.manifest_sha256),
        deviations,
    })
}

/// Checks the selection and opens the package; nothing runs when this fails.
fn prepare(config: &Config, options: &CampaignOptions) -> Result<Prepared, Error> {
    let plan = Plan::build(config, &options.criteria)?;
    // A broken template would otherwise be found at the seal, after the whole campaign.
    if let Some(template) = &config.report_template {
        crate::render::check_template(template).map_err(CampaignError::from)?;
    }
    if plan.scenarios.is_empty() {
        return Err(Error::Usage(format!(
            "no scenario selected (stage {}, tags {}); `qualify list` shows what exists",
            options.criteria.stage_label(),
            options
                .criteria
                .tags
                .as_ref()
                .map(|t| t.to_string())
                .unwrap_or_else(|| "any".into())
        )));
    }
    let git = GitRevision::discover(&config.dir, Some(&options.evidence_dir));
    // A trial's id says so: `<time>-TRIAL-<stage>-<commit>`.
    let label = match options.trial {
        true => format!(
            "{}-{}",
            crate::evidence::TRIAL_LABEL,
            options.criteria.stage_label()
        ),
        false => options.criteria.stage_label(),
    };
    // A shard's id says so: `<time>-<stage>-shard2of4-<commit>`.
    let label = match &options.shard {
        Some(shard) => format!("{label}-shard{}of{}", shard.index, shard.total),
        None => label,
    };
    let package = PackageWriter::create(
        &options.evidence_dir,
        &label,
        git.short_commit(),
        crate::utc::now(),
    )
    .map_err(CampaignError::Create)?;
    // Named with the pid; scratch folders of killed runs are removed here (src/fsio/work_dir.rs).
    let work_root = crate::fsio::work_dir(None).map_err(CampaignError::Scratch)?;
    Ok(Prepared {
        plan,
        git,
        package,
        work_root,
    })
}

/// Joins the run's outcomes with the plan into the results, and captures the environment.
fn assemble_record(
    config: &Config,
    options: &CampaignOptions,
    prepared: &Prepared,
    executed: Executed,
) -> RunRecord {
    let plan = &prepared.plan;
    let mut feature_digests = BTreeMap::new();
    for f in &plan.features {
        if let Ok((d, _)) = sha256_file(&f.abs_path) {
            feature_digests.insert(f.path.clone(), d);
        }
    }
    let mut results = assemble(AssembleInput {
        package_id: prepared.package.id(),
        plan,
        selection: Selection {
            stage: options.criteria.stage.map(|s| s.to_string()),
            tags: options.criteria.tags.as_ref().map(|t| t.to_string()),
            scenarios: plan.scenarios.len(),
            impact_baseline: options
                .impact
                .as_ref()
                .map(|i| i.revisions.baseline.clone()),
            locations: options.criteria.locations.clone(),
            shard: options.shard.clone(),
        },
        feature_digests: &feature_digests,
        outcomes: executed.outcomes,
        records: executed.records,
        started: executed.started,
        finished: executed.finished,
    });
    results.campaign_problems = executed.problems;
    let gherkin = gherkin_sources(plan);
    if let Some(impact) = &options.impact {
        annotate_selection(&mut results, impact);
    }
    results.release_blockers = prepared.git.release_blockers();
    if options.trial {
        results.release_blockers.insert(
            0,
            "trial run (qualify run --trial): not an evidence package".to_string(),
        );
    }
    results.releasable = results.release_blockers.is_empty();
    results.trial = options.trial;
    let environment = Environment::capture(&EnvInputs {
        project_dir: config.dir.clone(),
        config_files: [&config.path, &config.requirements_path, &config.signers]
            .into_iter()
            .filter(|p| p.exists())
            .cloned()
            .collect(),
        feature_files: plan.features.iter().map(|f| f.abs_path.clone()).collect(),
        adapters: executed.adapters,
        adapter_files: executed.adapter_files,
        adapter_env: executed.adapter_env,
    });
    RunRecord {
        results,
        environment,
        gherkin,
    }
}

/// Records on each scenario why the impact assessment selected it (IQ scenarios that the rules
/// did not select run as the mandatory IQ).
fn annotate_selection(results: &mut RunResults, impact: &ImpactAssessment) {
    for f in &mut results.features {
        for s in &mut f.scenarios {
            s.selected_because = impact
                .scenarios
                .iter()
                .find(|i| i.id == s.id)
                .map(|i| i.reasons.clone())
                .unwrap_or_else(|| vec!["mandatory IQ of every impact-based campaign".to_string()]);
        }
    }
}
