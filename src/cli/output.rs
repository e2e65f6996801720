//! Writing a command's report to stdout: one place for the JSON form and for a closed pipe.

use std::io::{self, Write};

use serde::Serialize;

use super::args::Format;
use crate::errors::Error;

/// Writes `value` as pretty JSON, or the human form from `human`. A closed pipe
/// (`qualify … | head`) is not an error.
pub fn emit<T: Serialize>(
    out: &mut dyn Write,
    format: Format,
    value: &T,
    human: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    let written = match format {
        Format::Human => human(out),
        Format::Json => serde_json::to_writer_pretty(&mut *out, value)
            .map_err(io::Error::other)
            .and_then(|()| writeln!(out)),
    };
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Error::Internal(format!("cannot write to stdout: {e}"))),
    }
}
