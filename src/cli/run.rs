//! `qualify run`: plan, execute, seal, summarise.

use super::args::{Progress, RunArgs};
use super::select::criteria;
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::Status;
use crate::exit_code;
use crate::runner::{CampaignOptions, ProgressMode, run_campaign};

/// Runs the campaign; prints the summary; returns the exit code.
pub fn run(config: &Config, args: &RunArgs) -> Result<i32, Error> {
    let criteria = criteria(&args.select)?;
    let concurrency = args.concurrency.unwrap_or(config.concurrency);
    if concurrency == 0 {
        return Err(Error::Usage("--concurrency must be at least 1".into()));
    }
    let evidence_dir = match &args.out {
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => std::env::current_dir()
            .map(|c| c.join(dir))
            .unwrap_or_else(|_| dir.clone()),
        None => config.evidence.clone(),
    };
    let progress = match args.progress {
        Progress::Auto => ProgressMode::detect(),
        Progress::Plain => ProgressMode::Plain,
        Progress::Quiet => ProgressMode::Quiet,
    };
    let outcome = run_campaign(
        config,
        CampaignOptions {
            criteria,
            evidence_dir,
            concurrency,
            progress,
        },
    )?;
    let s = &outcome.results.summary;
    println!(
        "{} scenarios: {} passed, {} failed ({} steps passed, {} failed, {} undefined, {} skipped)",
        s.scenarios,
        s.scenarios_passed,
        s.scenarios_failed,
        s.steps_passed,
        s.steps_failed,
        s.steps_undefined,
        s.steps_skipped
    );
    for f in &outcome.results.features {
        for sc in f.scenarios.iter().filter(|sc| sc.status != Status::Passed) {
            let why = sc
                .steps
                .iter()
                .find(|st| st.status != Status::Passed)
                .and_then(|st| st.error.clone())
                .unwrap_or_default();
            let first = why.lines().next().unwrap_or_default();
            println!("  FAILED {} ({}): {first}", sc.name, sc.id);
        }
    }
    println!("evidence package: {}", outcome.package_dir.display());
    println!("manifest sha256:  {}", outcome.manifest_digest);
    for blocker in &outcome.results.release_blockers {
        println!("NOT RELEASABLE: {blocker}");
    }
    Ok(if s.scenarios_failed == 0 {
        exit_code::SUCCESS
    } else {
        exit_code::SCENARIOS_FAILED
    })
}
