//! `qualify deviation close`: a signed disposition for a deviation.

use super::args::DeviationCommand;
use super::sign::print_signed;
use super::sign_command::sign_recorded;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;

/// Runs a deviation subcommand. A refused closure is recorded in the package's trail and in the
/// git ledger (src/cli/sign_command.rs).
pub fn deviation(config: &Config, command: &DeviationCommand) -> Result<i32, Error> {
    match command {
        DeviationCommand::Close(args) => {
            let signed = sign_recorded(config, args)?;
            print_signed(&signed);
            Ok(exit_code::SUCCESS)
        }
        // Dispatched before a qualify.yaml is loaded (src/cli/dispatch.rs), like verify.
        DeviationCommand::List(_) => Err(Error::Internal("unreachable".into())),
    }
}
