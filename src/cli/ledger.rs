//! `qualify ledger merge`: joins a diverged ledger into refs/qualify/ledger; `qualify ledger
//! check`: its consistency (src/cli/ledger_check.rs).

use super::args::LedgerCommand;
use crate::anchor::{Appended, LEDGER_REF, Ledger};
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::sign::SignError;

/// Runs a ledger subcommand.
pub fn ledger(config: &Config, command: &LedgerCommand) -> Result<i32, Error> {
    match command {
        LedgerCommand::Merge(args) => {
            let ledger = Ledger::discover(&config.dir).map_err(Error::Usage)?;
            match ledger.merge(&args.reference).map_err(SignError::from)? {
                Appended::New(commit) => crate::outln!(
                    "merged {} into {LEDGER_REF} (now {commit}); publish it with `git push origin 'refs/qualify/*'`",
                    args.reference
                ),
                Appended::AlreadyThere => crate::outln!(
                    "{LEDGER_REF} already holds everything {} holds",
                    args.reference
                ),
            }
            Ok(exit_code::SUCCESS)
        }
        LedgerCommand::Check => super::ledger_check::check(config),
    }
}
