//! `qualify gate`: exit 0 when verified, approved evidence covers this revision, else 4.

use std::io::Write;

use super::args::{Format, GateArgs};
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::gate::{GateOptions, gate};
use crate::plan::Stage;

/// Decides; prints every reason; returns the exit code.
pub fn run_gate(config: &Config, args: &GateArgs, out: &mut dyn Write) -> Result<i32, Error> {
    let stage = args
        .stage
        .as_deref()
        .map(|s| {
            s.parse::<Stage>()
                .map_err(|e| Error::Usage(format!("--stage: {e}")))
        })
        .transpose()?;
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
    let written = match args.format {
        Format::Human => report.write_human(out),
        Format::Json => serde_json::to_writer_pretty(&mut *out, &report)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out)),
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => {
            other.map_err(|e| Error::Internal(format!("cannot write the gate report: {e}")))?
        }
    }
    Ok(if report.passed {
        exit_code::SUCCESS
    } else {
        exit_code::GATE_NOT_SATISFIED
    })
}
