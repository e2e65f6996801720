//! `qualify gate`: exit 0 when verified, approved evidence covers this revision, else 4.

use std::io::Write;

use super::args::GateArgs;
use super::output::emit;
use super::select::parse_stage;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::gate::{GateOptions, gate};

/// Decides; prints every reason; returns the exit code.
pub fn run_gate(config: &Config, args: &GateArgs, out: &mut dyn Write) -> Result<i32, Error> {
    let stage = parse_stage(args.stage.as_deref())?;
    let evidence_dir = args
        .evidence
        .clone()
        .unwrap_or_else(|| config.evidence.clone());
    let report = gate(
        config,
        &GateOptions {
            stage,
            baseline: args.baseline.clone(),
            evidence_dir,
        },
    )?;
    emit(out, args.format, &report, |o| report.write_human(o))?;
    Ok(if report.passed {
        exit_code::SUCCESS
    } else {
        exit_code::GATE_NOT_SATISFIED
    })
}
