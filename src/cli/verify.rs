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
/// default workflow applies, the registry is `--signers` or ./signers.yaml, and the commit is
/// looked up in the repository containing the current folder.
pub fn verify(
    config: Option<&Config>,
    args: &VerifyArgs,
    out: &mut dyn Write,
) -> Result<i32, Error> {
    let default_workflow = WorkflowConfig::default();
    let (workflow, registry_path, repo_dir) = match config {
        Some(c) => (
            &c.workflow,
            args.signers
                .as_deref()
                .map(absolute)
                .unwrap_or_else(|| c.signers.clone()),
            c.dir.clone(),
        ),
        None => {
            eprintln!("note: no qualify.yaml here: checking against the default workflow");
            (
                &default_workflow,
                absolute(args.signers.as_deref().unwrap_or("signers.yaml".as_ref())),
                absolute(".".as_ref()),
            )
        }
    };
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
