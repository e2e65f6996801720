//! `qualify deviation close`: a signed disposition for a deviation.

use super::args::DeviationCommand;
use super::args::Format;
use super::sign_command::sign_recorded;
use super::signed_report::report_signed;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;

/// Runs a deviation subcommand. A refused closure is recorded in the package's trail and in the
/// git ledger (src/cli/sign_command.rs).
pub fn deviation(config: &Config, command: &DeviationCommand) -> Result<i32, Error> {
    match command {
        DeviationCommand::Close(args) => {
            if args.format == Format::Json {
                crate::console::status_to_stderr();
            }
            let signed = sign_recorded(config, args)?;
            report_signed(&signed, args.format, None, &mut std::io::stdout().lock())?;
            Ok(exit_code::SUCCESS)
        }
        // Dispatched before a qualify.yaml is loaded (src/cli/dispatch.rs), like verify.
        DeviationCommand::List(_) => Err(Error::Internal("unreachable".into())),
    }
}
