//! A campaign from start to sealed package: plan → package → cucumber run → results → seal.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use cucumber::writer::AssertNormalized;

use super::assemble::{AssembleInput, assemble};
use super::collector::Collector;
use super::cucumber_writer::EventWriter;
use super::event::{Reporter, RunEvent};
use super::failure::install_quiet_hook;
use super::progress::{Progress, ProgressMode};
use crate::adapters::AdapterRegistry;
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::{
    EnvInputs, Environment, PackageWriter, RunResults, Selection, sha256_file, write_cucumber_json,
    write_junit,
};
use crate::git::GitRevision;
use crate::impact::ImpactAssessment;
use crate::plan::{Criteria, Plan, scenario_id, scenario_tags};
use crate::render::{PACKAGE_TEMPLATE, PROJECT_FILE, ProjectRecord, RenditionKind, render_package};
use crate::steps::{self, QualifyWorld, RunContext};

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
}

/// The outcome of a campaign.
pub struct CampaignOutcome {
    /// The results as sealed.
    pub results: RunResults,
    /// Where the package is.
    pub package_dir: std::path::PathBuf,
    /// SHA-256 of its manifest.
    pub manifest_digest: String,
}

/// Runs the campaign and seals the package.
pub fn run_campaign(config: &Config, options: CampaignOptions) -> Result<CampaignOutcome, Error> {
    let plan = Plan::build(config, &options.criteria)?;
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
    let package = PackageWriter::create(
        &options.evidence_dir,
        &options.criteria.stage_label(),
        git.short_commit(),
        crate::utc::now(),
    )
    .map_err(|e| Error::Evidence(e.to_string()))?;
    // Named with the pid; scratch folders of killed runs are removed here (src/fsio/work_dir.rs).
    let work_root = crate::fsio::work_dir(None)
        .map_err(|e| Error::Internal(format!("cannot create a scratch folder: {e}")))?;

    let registry = Arc::new(AdapterRegistry::new(
        config.adapters.clone(),
        config.dir.clone(),
    ));
    let ctx = Arc::new(RunContext {
        config: config.clone(),
        registry: registry.clone(),
        store: package.attachments(),
        work_root: work_root.path().to_path_buf(),
        records: Mutex::new(BTreeMap::new()),
    });
    let active = RunContext::enter(ctx.clone());
    install_quiet_hook();

    let (collector, collected) = Collector::new();
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(collector)];
    reporters.push(Box::new(Progress::new(options.progress)));
    for r in &mut reporters {
        r.event(&RunEvent::CampaignStarted {
            total: plan.scenarios.len(),
        });
    }
    let writer = EventWriter::new(&config.dir, reporters);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    let started = SystemTime::now();
    let criteria = options.criteria.clone();
    let runner = cucumber::runner::Basic::default()
        .max_concurrent_scenarios(options.concurrency)
        .steps(steps::collection())
        .before(steps::before)
        .after(steps::after);
    let cuke = cucumber::Cucumber::<QualifyWorld, _, _, _, _>::custom(
        cucumber::parser::Basic::new(),
        runner,
        AssertNormalized::new(writer),
    )
    .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default());
    let features_dir = config.features.clone();
    let project_dir = config.dir.clone();
    let (writer, campaign_report) = runtime.block_on(async move {
        let w = cuke
            .filter_run(features_dir, move |f, r, s| {
                criteria.selects(&scenario_id(&project_dir, f, s), &scenario_tags(f, r, s))
            })
            .await;
        let report = registry.shutdown().await;
        (w, report)
    });
    let finished = SystemTime::now();
    drop(active);
    if let Some(err) = writer.parse_errors().first() {
        return Err(Error::Internal(format!(
            "cucumber could not parse a feature the plan accepted: {err}"
        )));
    }

    let mut feature_digests = BTreeMap::new();
    for f in &plan.features {
        if let Ok((d, _)) = sha256_file(&f.abs_path) {
            feature_digests.insert(f.path.clone(), d);
        }
    }
    let outcomes = collected
        .lock()
        .map(|mut m| std::mem::take(&mut *m))
        .unwrap_or_default();
    let records = ctx.take_records();
    let mut results = assemble(AssembleInput {
        package_id: package.id(),
        plan: &plan,
        selection: Selection {
            stage: options.criteria.stage.map(|s| s.to_string()),
            tags: options.criteria.tags.as_ref().map(|t| t.to_string()),
            scenarios: plan.scenarios.len(),
            impact_baseline: options
                .impact
                .as_ref()
                .map(|i| i.revisions.baseline.clone()),
        },
        feature_digests: &feature_digests,
        outcomes,
        records,
        started,
        finished,
    });

    results.campaign_problems = campaign_report.problems;
    if let Some(impact) = &options.impact {
        annotate_selection(&mut results, impact);
    }
    results.release_blockers = git.release_blockers();
    results.releasable = results.release_blockers.is_empty();
    let environment = Environment::capture(&EnvInputs {
        project_dir: config.dir.clone(),
        config_files: [&config.path, &config.requirements_path, &config.signers]
            .into_iter()
            .filter(|p| p.exists())
            .cloned()
            .collect(),
        feature_files: plan.features.iter().map(|f| f.abs_path.clone()).collect(),
        adapters: adapter_binaries(&ctx.registry),
        adapter_env: ctx.registry.environments(),
    });
    let evidence = |e: crate::evidence::PackageError| Error::Evidence(e.to_string());
    package
        .write_json("results.json", &results)
        .map_err(evidence)?;
    package
        .write_json("environment.json", &environment)
        .map_err(evidence)?;
    package.write_json("git.json", &git).map_err(evidence)?;
    if let Some(impact) = &options.impact {
        package
            .write_json("impact.json", impact)
            .map_err(evidence)?;
        let md = crate::impact::markdown(impact, &config.dir).map_err(Error::Usage)?;
        package
            .write_with("impact.md", |w| w.write_all(md.as_bytes()))
            .map_err(evidence)?;
    }
    package
        .write_with("junit.xml", |w| write_junit(&results, w))
        .map_err(evidence)?;
    package
        .write_with("cucumber.json", |w| write_cucumber_json(&results, w))
        .map_err(evidence)?;
    // Deviations and the audit trail (src/deviation, src/audit): the register is sealed content;
    // the trail is written once the manifest digest is known and moves into place with it.
    let register = crate::deviation::DeviationRegister::from_results(&results);
    package
        .write_json(crate::deviation::DEVIATIONS_FILE, &register)
        .map_err(evidence)?;
    // The report last, so that it describes every other sealed file.
    write_report(config, &package)?;
    let sealed = package
        .finalize_with(|root, manifest, manifest_sha256| {
            crate::audit::write_run_trail(
                root,
                &crate::audit::RunTrailInput {
                    manifest,
                    manifest_sha256,
                    environment: &environment,
                    results: &results,
                    register: &register,
                },
            )
        })
        .map_err(evidence)?;
    drop(work_root);
    Ok(CampaignOutcome {
        results,
        package_dir: sealed.path,
        manifest_digest: sealed.manifest_sha256,
    })
}

/// Writes `project.json`, the project's template if it has one, and the sealed renditions
/// (`report.html`, `report.pdf`): last, so that they describe every other file of the package.
fn write_report(config: &Config, package: &PackageWriter) -> Result<(), Error> {
    let evidence = |e: crate::evidence::PackageError| Error::Evidence(e.to_string());
    package
        .write_json(PROJECT_FILE, &ProjectRecord::from_config(config))
        .map_err(evidence)?;
    if let Some(template) = &config.report_template {
        let text = std::fs::read(template).map_err(|e| {
            Error::Evidence(format!(
                "cannot read the report template {}: {e}",
                template.display()
            ))
        })?;
        package
            .write_with(PACKAGE_TEMPLATE, |w| w.write_all(&text))
            .map_err(evidence)?;
    }
    let renditions = render_package(package.root(), RenditionKind::Sealed, None)
        .map_err(|e| Error::Evidence(format!("cannot render the report: {}", e.chain())))?;
    package
        .write_with("report.html", |w| w.write_all(&renditions.html))
        .map_err(evidence)?;
    package
        .write_with("report.pdf", |w| w.write_all(&renditions.pdf))
        .map_err(evidence)?;
    Ok(())
}

/// Adapter name → executable path, for the environment record.
fn adapter_binaries(registry: &AdapterRegistry) -> BTreeMap<String, std::path::PathBuf> {
    registry.executables()
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
