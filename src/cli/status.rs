//! `qualify status`: the overview of the evidence store, the ledger and the gate for HEAD.

use std::io::Write;

use super::args::StatusArgs;
use super::key_input::absolute;
use super::output::emit;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;

/// Prints the overview; always exit code 0 (the gate decides, this reports).
pub fn status(config: &Config, args: &StatusArgs, out: &mut dyn Write) -> Result<i32, Error> {
    let evidence = args
        .evidence
        .as_deref()
        .map(absolute)
        .unwrap_or_else(|| config.evidence.clone());
    let report = crate::status::status(config, &evidence)?;
    emit(out, args.format, &report, |o| report.write_human(o))?;
    Ok(exit_code::SUCCESS)
}
