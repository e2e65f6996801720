//! `qualify verify`: the verification report and its exit code.

use std::io::Write;

use super::args::VerifyArgs;
use super::key_input::{absolute, package_dir};
use super::output::emit;
use crate::config::{Config, WorkflowConfig};
use crate::errors::Error;
use crate::exit_code;
use crate::sign::Registry;
use crate::verify::{VerifyOptions, verify_package};

/// Verifies; prints the report; returns 0 or `VERIFICATION_FAILED`. Without a qualify.yaml the
/// default workflow applies and the registry is `--signers` or ./signers.yaml. The commit and the
/// ledger are looked up in the repository of `--repo`, else the one containing the current
/// folder; which one is always said.
pub fn verify(
    config: Option<&Config>,
    args: &VerifyArgs,
    out: &mut dyn Write,
) -> Result<i32, Error> {
    let default_workflow = WorkflowConfig::default();
    let (workflow, registry_path) = match config {
        Some(c) => (
            &c.workflow,
            args.signers
                .as_deref()
                .map(absolute)
                .unwrap_or_else(|| c.signers.clone()),
        ),
        None => {
            eprintln!("note: no qualify.yaml here: checking against the default workflow");
            (
                &default_workflow,
                absolute(args.signers.as_deref().unwrap_or("signers.yaml".as_ref())),
            )
        }
    };
    let repo_dir = absolute(args.repo.as_deref().unwrap_or(".".as_ref()));
    eprintln!(
        "repository: the one containing {} ({})",
        repo_dir.display(),
        if args.repo.is_some() {
            "--repo"
        } else {
            "the current folder; choose another with --repo DIR"
        }
    );
    let package = package_dir(&args.package)?;
    let registry = Registry::load(&registry_path);
    let verification = verify_package(
        &package,
        &VerifyOptions {
            registry: registry.as_ref(),
            workflow,
            repo_dir: Some(repo_dir),
        },
    );
    let report = &verification.report;
    emit(out, args.format, report, |o| report.write_human(o))?;
    Ok(if report.verified {
        exit_code::SUCCESS
    } else {
        exit_code::VERIFICATION_FAILED
    })
}
