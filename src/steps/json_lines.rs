//! A JSON-lines file streamed by a step (replayed requests, published messages): one value per
//! non-empty line, read lazily so memory does not grow with the file.

use std::fs::File;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::world::QualifyWorld;
use crate::runner::fail;

/// An open JSON-lines file; iterating yields `(line number, value)` and fails the step on a line
/// that cannot be read or is not JSON, naming the file and line.
pub struct JsonLines {
    path: PathBuf,
    lines: std::iter::Enumerate<Lines<BufReader<File>>>,
}

impl JsonLines {
    /// Opens `file`: absolute, or relative to the scenario's working folder.
    pub fn open(w: &mut QualifyWorld, file: &str) -> JsonLines {
        let p = PathBuf::from(file);
        let path = if p.is_absolute() {
            p
        } else {
            w.state().dir.join(p)
        };
        match File::open(&path) {
            Ok(f) => JsonLines {
                lines: BufReader::new(f).lines().enumerate(),
                path,
            },
            Err(e) => fail(format!("cannot open {}: {e}", path.display())),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Iterator for JsonLines {
    type Item = (usize, Value);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (i, line) = self.lines.next()?;
            let line = match line {
                Ok(l) => l,
                Err(e) => fail(format!(
                    "cannot read {} line {}: {e}",
                    self.path.display(),
                    i + 1
                )),
            };
            if line.trim().is_empty() {
                continue;
            }
            return match serde_json::from_str(&line) {
                Ok(v) => Some((i + 1, v)),
                Err(e) => fail(format!(
                    "{} line {}: not JSON: {e}",
                    self.path.display(),
                    i + 1
                )),
            };
        }
    }
}
