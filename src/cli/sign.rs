//! `qualify sign`: a workflow signature on a sealed package.

use super::args::SignArgs;
use super::key_input::{load_registry, package_dir, read_key, registry_path};
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::sign::{SignAction, SignRequest, sign_package};

/// Signs; prints the manifestation; returns the exit code.
pub fn sign(config: &Config, args: &SignArgs) -> Result<i32, Error> {
    let registry = load_registry(&registry_path(config, args.key.signers.as_deref()))?;
    let key = read_key(&args.key.key)?;
    let package = package_dir(&args.package)?;
    let signed = sign_package(&SignRequest {
        package_dir: &package,
        key: &key,
        key_path: &args.key.key,
        registry: &registry,
        workflow: &config.workflow,
        role: args.key.role.as_deref(),
        repo_dir: Some(config.dir.clone()),
        action: SignAction::Meaning {
            meaning: args.meaning.clone(),
        },
    })?;
    print_signed(&signed);
    Ok(exit_code::SUCCESS)
}

/// Prints the manifestation of a signature just made.
pub fn print_signed(signed: &crate::sign::Signed) {
    let p = &signed.statement.predicate;
    println!(
        "signed {} as `{}`: {} ({}, {}) at {} UTC",
        p.package.id, p.meaning, p.signer.name, p.signer.id, p.signer.role, p.signed_at
    );
    println!("signature: {}", signed.envelope_path.display());
}
