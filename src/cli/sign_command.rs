//! The one path of every signing asked on the command line (`qualify sign`, `qualify deviation
//! close`): the registry and key loaded, the package signed, and a refusal recorded twice — in the
//! package's audit trail (src/cli/refusal.rs) and in the git ledger (`anchor::note_failed_attempt`)
//! — so that no command can sign without recording its refused attempts (21 CFR 11.300(d)).

use std::path::Path;

use super::args::{DeviationCloseArgs, KeyArgs, SignArgs};
use super::key_input::{load_registry, package_dir, read_key, registry_path};
use super::refusal::{Attempt, recorded};
use crate::config::Config;
use crate::errors::Error;
use crate::sign::{SignAction, SignRequest, Signed, sign_package};

/// The package, key and TSA a signing command names.
pub struct Target<'a> {
    /// The package folder as given.
    package: &'a Path,
    /// `--key`, `--signers`, `--role`.
    key: &'a KeyArgs,
    /// `--tsa URL`, when given (else `signing.tsa_url` of qualify.yaml).
    tsa: Option<&'a str>,
}

/// A signing as the command line asks for it: `qualify sign` and `qualify deviation close` name
/// a [`Target`] and what is signed.
pub trait SigningArgs {
    /// Package, key and TSA.
    fn target(&self) -> Target<'_>;
    /// What is signed.
    fn action(&self) -> SignAction;
}

impl SigningArgs for SignArgs {
    fn target(&self) -> Target<'_> {
        target(&self.package, &self.key, &self.tsa)
    }
    fn action(&self) -> SignAction {
        let meaning = self.meaning.clone();
        SignAction::Meaning { meaning }
    }
}

impl SigningArgs for DeviationCloseArgs {
    fn target(&self) -> Target<'_> {
        target(&self.package, &self.key, &self.tsa)
    }
    fn action(&self) -> SignAction {
        SignAction::CloseDeviation {
            id: self.id.clone(),
            disposition: self.disposition.clone(),
            assessment: crate::sign::DeviationAssessment {
                classification: self.classification.map(|c| c.as_str().to_string()),
                impact: self.impact.clone(),
                root_cause: self.root_cause.clone(),
                capa: self.capa.clone(),
            },
        }
    }
}

fn target<'a>(package: &'a Path, key: &'a KeyArgs, tsa: &'a Option<String>) -> Target<'a> {
    let tsa = tsa.as_deref();
    Target { package, key, tsa }
}

/// The ledger's name of the attempt (`sign --meaning approved`, `deviation close DEV-001`) and
/// the trail's (`sign as approved`, `close DEV-001`).
fn names(action: &SignAction) -> (String, String) {
    match action {
        SignAction::Meaning { meaning } => (
            format!("sign --meaning {meaning}"),
            format!("sign as {meaning}"),
        ),
        SignAction::CloseDeviation { id, .. } => {
            (format!("deviation close {id}"), format!("close {id}"))
        }
    }
}

/// Signs; a refused attempt is recorded in the package's trail and in the git ledger.
pub fn sign_recorded(config: &Config, args: &dyn SigningArgs) -> Result<Signed, Error> {
    let (target, action) = (args.target(), args.action());
    let (ledger_action, attempted) = names(&action);
    let outcome = sign_attempt(config, &target, action, attempted);
    crate::anchor::note_failed_attempt(
        &config.dir,
        target.package,
        &target.key.key,
        &ledger_action,
        &outcome,
    );
    outcome
}

fn sign_attempt(
    config: &Config,
    target: &Target<'_>,
    action: SignAction,
    attempted: String,
) -> Result<Signed, Error> {
    let key_args = target.key;
    let registry = load_registry(&registry_path(config, key_args.signers.as_deref()))?;
    let package = package_dir(target.package)?;
    let mut attempt = Attempt {
        package: &package,
        key_path: &key_args.key,
        key: None,
        registry: Some(&registry),
        attempted,
    };
    let key = recorded(&attempt, read_key(&key_args.key))?;
    attempt.key = Some(&key);
    let signed = sign_package(&SignRequest {
        package_dir: &package,
        key: &key,
        key_path: &key_args.key,
        registry: &registry,
        workflow: &config.workflow,
        role: key_args.role.as_deref(),
        repo_dir: Some(config.dir.clone()),
        tsa_url: target.tsa.or(config.signing.tsa_url.as_deref()),
        action,
    });
    recorded(&attempt, signed.map_err(Error::from))
}
