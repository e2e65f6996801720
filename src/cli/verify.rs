//! `qualify verify`: the verification report and its exit code.

use std::io::Write;

use super::args::VerifyArgs;
use super::key_input::package_dir;
use super::output::emit;
use super::trust_source::choose;
use super::tsa_source::tsa_policy;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::verify::{TimePolicy, Verification, VerifyOptions, verify_package};

/// Verifies; prints the report; returns 0 or `VERIFICATION_FAILED`. The trust anchor and the
/// workflow come from `--signers`/`--config`, else from the repository's committed files, else
/// the package's embedded keys and the default workflow (see [`choose`]); the report names them.
pub fn verify(
    config: Option<&Config>,
    args: &VerifyArgs,
    out: &mut dyn Write,
) -> Result<i32, Error> {
    let verification = verification(config, args)?;
    let report = &verification.report;
    emit(out, args.format, report, |o| report.write_human(o))?;
    Ok(if report.verified {
        exit_code::SUCCESS
    } else {
        exit_code::VERIFICATION_FAILED
    })
}

/// Verifies the package of `args` with the trust anchor [`choose`] picks, saying on stderr which
/// repository decided it; shared by `verify` and `deviation list`.
pub fn verification(config: Option<&Config>, args: &VerifyArgs) -> Result<Verification, Error> {
    let package = package_dir(&args.package)?;
    let trust = choose(config, args, &package)?;
    // The repository decides the commit check, the committed registry and the ledger check:
    // always say which one, and how it was chosen.
    eprintln!(
        "repository: the one containing {} ({})",
        trust.repo_dir.display(),
        match (&args.repo, config) {
            (Some(_), _) => "--repo",
            (None, Some(_)) => "the folder of --config",
            (None, None) => "the current folder; choose another with --repo DIR",
        }
    );
    let time = TimePolicy {
        tsa: tsa_policy(config, args, &trust.committed_signing)?,
        ..TimePolicy::with_skew_seconds(args.max_clock_skew)
    };
    Ok(verify_package(
        &package,
        &VerifyOptions {
            trust: &trust.anchor,
            workflow: &trust.workflow,
            workflow_source: &trust.workflow_source,
            repo_dir: Some(trust.repo_dir.clone()),
            time,
        },
    ))
}
