//! `qualify run`: plan, execute, seal, summarise.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::{Format, Progress, RunArgs};
use super::key_input::{load_registry, read_key, registry_path};
use super::refusal::{Attempt, recorded};
use super::run_report::report_run;
use super::run_summary::print_outcome;
use super::select::criteria;
use super::select_locations::narrow_to_locations;
use super::select_shard::narrow_to_shard;
use super::sign::print_signed;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::impact::{ImpactAssessment, assess_project};
use crate::plan::{Criteria, Stage};
use crate::runner::{CampaignOptions, CampaignOutcome, ProgressMode, run_campaign};
use crate::sign::{
    PrivateKey, Registry, SignAction, SignError, SignRequest, SignedMeaning, check_next,
    sign_package, signer_for,
};

fn executed() -> SignAction {
    SignAction::Meaning {
        meaning: "executed".into(),
    }
}

/// A key checked before the campaign runs, to sign its package as `executed`.
struct PreparedSigning<'a> {
    registry: Registry,
    key: PrivateKey,
    path: &'a Path,
}

/// Runs the campaign; prints the summary; returns the exit code. Phases: the options, the impact
/// selection, the signing key (checked before anything runs), the campaign, the summary, and the
/// `executed` signature.
pub fn run(config: &Config, args: &RunArgs) -> Result<i32, Error> {
    if args.format == Format::Json {
        // stdout carries the one JSON document; the summary and status lines go to stderr.
        crate::console::status_to_stderr();
    }
    let mut criteria = criteria(&args.select)?;
    let concurrency = args.concurrency.unwrap_or(config.concurrency);
    if concurrency == 0 {
        return Err(Error::Usage("--concurrency must be at least 1".into()));
    }
    let evidence_dir = evidence_dir(config, args)?;
    let progress = match args.progress {
        Progress::Auto => ProgressMode::detect(),
        Progress::Plain => ProgressMode::Plain,
        Progress::Quiet => ProgressMode::Quiet,
    };
    let impact = match &args.impact {
        Some(baseline) => Some(select_by_impact(
            config,
            baseline,
            &evidence_dir,
            &mut criteria,
        )?),
        None => None,
    };
    narrow_to_locations(config, &args.select.locations, &mut criteria)?;
    let shard = narrow_to_shard(config, args.shard.as_deref(), &mut criteria)?;
    if let Some(share) = &shard {
        crate::outln!(
            "shard {}: {} of the campaign's {} scenarios (partition {})",
            share.spec,
            share.ids.len(),
            share.selection.scenarios_in_campaign.len(),
            &share.partition.digest[..12]
        );
    }
    let signing = match &args.sign_key {
        Some(path) => Some(prepare_signing(config, args, path)?),
        None => None,
    };
    let outcome = run_campaign(
        config,
        CampaignOptions {
            criteria,
            evidence_dir,
            concurrency,
            progress,
            impact,
            trial: args.trial,
            shard: shard.map(|s| s.selection),
        },
    )?;
    print_outcome(&outcome);
    if !args.trial {
        crate::anchor::anchor_seal(&config.dir, &outcome.package_dir);
    }
    for blocker in &outcome.results.release_blockers {
        crate::outln!("NOT RELEASABLE: {blocker}");
    }
    let code = match signing.map(|s| sign_executed(config, args, &outcome, s)) {
        Some(Err(code)) => code,
        _ if outcome.results.summary.scenarios_failed == 0 => exit_code::SUCCESS,
        _ => exit_code::SCENARIOS_FAILED,
    };
    report_run(&outcome, args.format, code)?;
    Ok(code)
}

/// `--out` (relative to the current folder), else the project's evidence folder, or for a trial
/// the project's trials folder (never the evidence store).
fn evidence_dir(config: &Config, args: &RunArgs) -> Result<PathBuf, Error> {
    Ok(match &args.out {
        None if args.trial => crate::evidence::default_trials_dir(&config.dir).map_err(|e| {
            Error::Usage(format!(
                "{}: cannot create the trials folder: {e}",
                config.dir.join(crate::evidence::TRIALS_DIR).display()
            ))
        })?,
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => std::env::current_dir()
            .map(|c| c.join(dir))
            .unwrap_or_else(|_| dir.clone()),
        None => config.evidence.clone(),
    })
}

/// Assesses the change since `baseline` and narrows `criteria` to exactly what the rules select,
/// plus every IQ scenario.
fn select_by_impact(
    config: &Config,
    baseline: &str,
    evidence_dir: &Path,
    criteria: &mut Criteria,
) -> Result<ImpactAssessment, Error> {
    let (assessment, plan) = assess_project(config, baseline, evidence_dir)?;
    let ids: BTreeSet<String> = assessment
        .scenarios
        .iter()
        .map(|s| s.id.clone())
        .chain(
            plan.scenarios
                .iter()
                .filter(|s| s.stage == Stage::IQ)
                .map(|s| s.id.clone()),
        )
        .collect();
    criteria.ids = Some(Arc::new(ids));
    Ok(assessment)
}

/// Checks the key, its passphrase and the signer before anything runs: a wrong passphrase must
/// not cost a whole campaign.
fn prepare_signing<'a>(
    config: &Config,
    args: &RunArgs,
    path: &'a Path,
) -> Result<PreparedSigning<'a>, Error> {
    let registry = load_registry(&registry_path(config, args.signers.as_deref()))?;
    let key = read_key(path)?;
    let (signer, role) = signer_for(
        &registry,
        &key,
        path,
        &config.workflow,
        &executed(),
        args.role.as_deref(),
        chrono::Utc::now(),
    )?;
    // What the workflow can tell before the package exists (the meaning's place in the order,
    // the role); open deviations are known only after the run.
    let next = SignedMeaning {
        meaning: "executed".into(),
        signer_id: signer.entry.id.clone(),
        signer_name: signer.entry.name.clone(),
        role,
    };
    let violations = check_next(&config.workflow, &[], &next, &signer.entry.roles, &[]);
    if let Some(v) = violations.first() {
        return Err(SignError::Refused(format!(
            "--sign-key: cannot sign `executed` on a new package: {}",
            v.message
        ))
        .into());
    }
    Ok(PreparedSigning {
        registry,
        key,
        path,
    })
}

/// Signs the sealed package as `executed`; on refusal, `Err` with the exit code after saying
/// that the package is intact and how to sign it later.
fn sign_executed(
    config: &Config,
    args: &RunArgs,
    outcome: &CampaignOutcome,
    signing: PreparedSigning<'_>,
) -> Result<(), i32> {
    let PreparedSigning {
        registry,
        key,
        path: key_path,
    } = signing;
    let signed = sign_package(&SignRequest {
        package_dir: &outcome.package_dir,
        key: &key,
        key_path,
        registry: &registry,
        workflow: &config.workflow,
        role: args.role.as_deref(),
        repo_dir: Some(config.dir.clone()),
        tsa_url: config.signing.tsa_url.as_deref(),
        action: executed(),
    });
    let attempt = Attempt {
        package: &outcome.package_dir,
        key_path,
        key: Some(&key),
        registry: Some(&registry),
        attempted: "sign as executed".into(),
    };
    let signed = recorded(&attempt, signed.map_err(Error::from));
    // In the ledger too, as `sign` does: the refusal is visible in a fresh clone and status.
    crate::anchor::note_failed_attempt(
        &config.dir,
        &outcome.package_dir,
        key_path,
        "run --sign-key (sign --meaning executed)",
        &signed,
    );
    match signed {
        Ok(signed) => {
            print_signed(&signed);
            Ok(())
        }
        Err(err) => {
            // The package is sealed and stays as it is (the refusal is recorded in its trail);
            // say so, and how to sign it later.
            eprintln!("{}", err.report());
            eprintln!(
                "the package {} is sealed and intact but NOT signed; sign it with: qualify \
                 sign {} --meaning executed --key {}",
                outcome.package_dir.display(),
                outcome.package_dir.display(),
                key_path.display()
            );
            Err(err.exit_code())
        }
    }
}
