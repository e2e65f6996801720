//! `qualify impact`: what a change touches and what must be re-tested.

use std::io::Write;

use super::args::{Format, ImpactArgs};
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::impact::{assess_project, markdown};

/// Writes the assessment; returns the exit code.
pub fn impact(config: &Config, args: &ImpactArgs, out: &mut dyn Write) -> Result<i32, Error> {
    let (assessment, _plan) = assess_project(config, &args.baseline, &config.evidence)?;
    let json = serde_json::to_string_pretty(&assessment)
        .map_err(|e| Error::Internal(format!("cannot serialise the assessment: {e}")))?;
    let md = markdown(&assessment, &config.dir)
        .map_err(|e| Error::Usage(format!("impact template: {e}")))?;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .and_then(|_| write_atomic(&dir.join("impact.json"), json.as_bytes()))
            .and_then(|_| write_atomic(&dir.join("impact.md"), md.as_bytes()))
            .map_err(|e| Error::Evidence(format!("cannot write to {}: {e}", dir.display())))?;
    }
    let text = match args.format {
        Format::Json => json,
        Format::Human => md,
    };
    match writeln!(out, "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(Error::Internal(format!("cannot write the assessment: {e}")));
        }
        _ => {}
    }
    Ok(exit_code::SUCCESS)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
