//! `qualify recover`: completes interrupted signings and supersessions from the git ledger.

use super::args::RecoverArgs;
use super::key_input::package_dir;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::sign::SignError;
use crate::txn::{PackageLock, recover as recover_txn};

/// Restores anchored-but-missing envelopes; 0 when none is left missing, 3 otherwise.
pub fn recover(config: &Config, args: &RecoverArgs) -> Result<i32, Error> {
    let package = package_dir(&args.package)?;
    // The package lock: never restore while a signing is writing; an interrupted package
    // transaction is recovered first (src/txn), as every changing command does.
    let lock = PackageLock::acquire(&package).map_err(SignError::from)?;
    recover_txn(&lock, "recover").map_err(SignError::from)?;
    let mut outcome =
        crate::anchor::restore_missing(&lock, Some(&config.dir)).map_err(SignError::from)?;
    super::recover_supersession::restore(config, &package, &mut outcome)?;
    for path in &outcome.restored {
        crate::outln!(
            "restored {path} from the ledger {}",
            crate::anchor::LEDGER_REF
        );
    }
    for why in &outcome.not_restorable {
        eprintln!("error: {why}");
    }
    if outcome.restored.is_empty() && outcome.not_restorable.is_empty() {
        crate::outln!(
            "nothing to restore: the package holds every envelope the ledger anchors for it, and \
             its anchored supersession records are in place"
        );
    }
    Ok(if outcome.not_restorable.is_empty() {
        exit_code::SUCCESS
    } else {
        exit_code::VERIFICATION_FAILED
    })
}
