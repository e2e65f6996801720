//! The execute phase of a campaign: cucumber-rs runs the planned scenarios against the adapters,
//! and what the runner saw and what the steps recorded come back as one [`Executed`] value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use cucumber::writer::AssertNormalized;

use super::campaign::CampaignOptions;
use super::collector::{Collector, ScenarioOutcome};
use super::cucumber_writer::EventWriter;
use super::error::CampaignError;
use super::event::{Reporter, RunEvent};
use super::failure::install_quiet_hook;
use super::feature_source::FeatureSource;
use super::progress::Progress;
use crate::adapters::{AdapterRegistry, FinishReport};
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::AttachmentStore;
use crate::plan::{Plan, scenario_id, scenario_tags};
use crate::steps::{self, QualifyWorld, RunContext, ScenarioRecord};

/// Everything a finished run hands to the assembly of the results.
pub(super) struct Executed {
    /// Runner outcomes (statuses, timings) by scenario id.
    pub outcomes: BTreeMap<String, ScenarioOutcome>,
    /// Step records (assertions, attachments) by scenario id.
    pub records: BTreeMap<String, ScenarioRecord>,
    /// When the features started running.
    pub started: SystemTime,
    /// When the run and the adapters' shutdown were over.
    pub finished: SystemTime,
    /// What went wrong while the adapters shut down (not a step failure, but on the record).
    pub problems: Vec<String>,
    /// Adapter name → executable, for the environment record.
    pub adapters: BTreeMap<String, PathBuf>,
    /// Adapter name → files named in its command's arguments (an interpreter's script).
    pub adapter_files: BTreeMap<String, Vec<PathBuf>>,
    /// Adapter name → the environment it was given (secrets redacted), for the record.
    pub adapter_env: BTreeMap<String, BTreeMap<String, String>>,
}

/// Runs the plan's scenarios; attachments go to `store`, adapters' scratch files below
/// `work_root`.
pub(super) fn execute(
    config: &Config,
    options: &CampaignOptions,
    plan: &Plan,
    store: AttachmentStore,
    work_root: &Path,
) -> Result<Executed, Error> {
    let registry = Arc::new(AdapterRegistry::new(
        config.adapters.clone(),
        config.dir.clone(),
    ));
    let ctx = Arc::new(RunContext {
        config: config.clone(),
        registry: registry.clone(),
        store,
        work_root: work_root.to_path_buf(),
        records: Mutex::new(BTreeMap::new()),
    });
    // The steps find the context through this guard until the run is over.
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
    let (source, facts) = FeatureSource::new(plan);
    let writer = EventWriter::new(&config.dir, reporters, facts);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CampaignError::Runtime)?;
    let started = SystemTime::now();
    let (writer, finish) = run_features(&runtime, config, options, source, writer, registry);
    let finished = SystemTime::now();
    drop(active);
    if let Some(err) = writer.parse_errors().first() {
        return Err(Error::Internal(format!(
            "cucumber could not parse a feature the plan accepted: {err}"
        )));
    }
    let outcomes = collected
        .lock()
        .map(|mut m| std::mem::take(&mut *m))
        .unwrap_or_default();
    Ok(Executed {
        outcomes,
        records: ctx.take_records(),
        started,
        finished,
        problems: finish.problems,
        adapters: ctx.registry.executables(),
        adapter_files: ctx.registry.command_files(),
        adapter_env: ctx.registry.environments(),
    })
}

/// Drives cucumber over the plan's parsed features (`source`), running only the scenarios the criteria select,
/// then shuts the adapters down (their closing problems belong to this run).
fn run_features(
    runtime: &tokio::runtime::Runtime,
    config: &Config,
    options: &CampaignOptions,
    source: FeatureSource,
    writer: EventWriter,
    registry: Arc<AdapterRegistry>,
) -> (AssertNormalized<EventWriter>, FinishReport) {
    let criteria = options.criteria.clone();
    let runner = cucumber::runner::Basic::default()
        .max_concurrent_scenarios(options.concurrency)
        .steps(steps::collection())
        .before(steps::before)
        .after(steps::after);
    let cuke = cucumber::Cucumber::<QualifyWorld, _, _, _, _>::custom(
        source,
        runner,
        AssertNormalized::new(writer),
    )
    .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default());
    let features_dir = config.features.clone();
    let project_dir = config.dir.clone();
    runtime.block_on(async move {
        let w = cuke
            .filter_run(features_dir, move |f, r, s| {
                criteria.selects(&scenario_id(&project_dir, f, s), &scenario_tags(f, r, s))
            })
            .await;
        let report = registry.shutdown().await;
        (w, report)
    })
}
