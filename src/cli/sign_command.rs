//! The one path of every signing asked on the command line (`qualify sign`, `qualify deviation
//! close`): the registry and key loaded, the package signed, and a refusal recorded twice — in the
//! package's audit trail (src/cli/refusal.rs) and in the git ledger (`anchor::note_failed_attempt`)
//! — so that no command can sign without recording its refused attempts (21 CFR 11.300(d)).

use std::path::Path;

use super::args::KeyArgs;
use super::key_input::{load_registry, package_dir, read_key, registry_path};
use super::refusal::{Attempt, recorded};
use crate::config::Config;
use crate::errors::Error;
use crate::sign::{SignAction, SignRequest, Signed, sign_package};

/// A signing as the command line asks for it.
pub struct SigningCommand<'a> {
    /// The package folder as given.
    pub package: &'a Path,
    /// `--key`, `--signers`, `--role`.
    pub key: &'a KeyArgs,
    /// `--tsa URL`, when given (else `signing.tsa_url` of qualify.yaml).
    pub tsa: Option<&'a str>,
    /// What is signed.
    pub action: SignAction,
    /// The ledger's name of the attempt (`sign --meaning approved`, `deviation close DEV-001`).
    pub ledger_action: String,
    /// The trail's name of the attempt (`sign as approved`, `close DEV-001`).
    pub attempted: String,
}

/// Signs; a refused attempt is recorded in the package's trail and in the git ledger.
pub fn sign_recorded(config: &Config, command: SigningCommand<'_>) -> Result<Signed, Error> {
    let outcome = sign_attempt(config, &command);
    crate::anchor::note_failed_attempt(
        &config.dir,
        command.package,
        &command.key.key,
        &command.ledger_action,
        &outcome,
    );
    outcome
}

fn sign_attempt(config: &Config, command: &SigningCommand<'_>) -> Result<Signed, Error> {
    let registry = load_registry(&registry_path(config, command.key.signers.as_deref()))?;
    let package = package_dir(command.package)?;
    let mut attempt = Attempt {
        package: &package,
        key_path: &command.key.key,
        key: None,
        registry: Some(&registry),
        attempted: command.attempted.clone(),
    };
    let key = recorded(&attempt, read_key(&command.key.key))?;
    attempt.key = Some(&key);
    let signed = sign_package(&SignRequest {
        package_dir: &package,
        key: &key,
        key_path: &command.key.key,
        registry: &registry,
        workflow: &config.workflow,
        role: command.key.role.as_deref(),
        repo_dir: Some(config.dir.clone()),
        tsa_url: command.tsa.or(config.signing.tsa_url.as_deref()),
        action: command.action.clone(),
    });
    recorded(&attempt, signed.map_err(Error::from))
}
