//! `qualify deviation close`: a signed disposition for a deviation.

use super::args::{DeviationCloseArgs, DeviationCommand};
use super::key_input::{load_registry, package_dir, read_key, registry_path};
use super::refusal::{Attempt, recorded};
use super::sign::print_signed;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::sign::{SignAction, SignRequest, sign_package};

/// Runs a deviation subcommand.
pub fn deviation(config: &Config, command: &DeviationCommand) -> Result<i32, Error> {
    match command {
        DeviationCommand::Close(args) => {
            let outcome = close(config, args);
            let action = format!("deviation close {}", args.id);
            crate::anchor::note_failed_attempt(
                &config.dir,
                &args.package,
                &args.key.key,
                &action,
                &outcome,
            );
            outcome
        }
    }
}

fn close(config: &Config, args: &DeviationCloseArgs) -> Result<i32, Error> {
    let registry = load_registry(&registry_path(config, args.key.signers.as_deref()))?;
    let package = package_dir(&args.package)?;
    let mut attempt = Attempt {
        package: &package,
        key_path: &args.key.key,
        key: None,
        registry: Some(&registry),
        attempted: format!("close {}", args.id),
    };
    let key = recorded(&attempt, read_key(&args.key.key))?;
    attempt.key = Some(&key);
    let signed = sign_package(&SignRequest {
        package_dir: &package,
        key: &key,
        key_path: &args.key.key,
        registry: &registry,
        workflow: &config.workflow,
        role: args.key.role.as_deref(),
        repo_dir: Some(config.dir.clone()),
        tsa_url: args.tsa.as_deref().or(config.signing.tsa_url.as_deref()),
        action: SignAction::CloseDeviation {
            id: args.id.clone(),
            disposition: args.disposition.clone(),
        },
    });
    let signed = recorded(&attempt, signed.map_err(Error::from))?;
    print_signed(&signed);
    Ok(exit_code::SUCCESS)
}
