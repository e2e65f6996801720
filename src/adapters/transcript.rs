//! Transcripts: one JSON object per line, each stamped with the UTC time it was written.
//!
//! Process adapters record every protocol line raw (`dir` = `sent` / `received`) plus lifecycle
//! events; SQL adapters record statements and their results. Entries go straight to an
//! [`AttachmentWriter`], so memory stays flat however long the conversation.

use qualify_evidence::layout::attachment_path;
use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use super::AdapterError;
use super::secrets::Secrets;
use crate::evidence::{AttachmentRef, AttachmentStore, AttachmentWriter};

/// An open JSON-lines transcript file.
pub(crate) struct Transcript {
    adapter: String,
    writer: AttachmentWriter,
    /// Set after the first write error: later writes fail too, so a gap never goes unnoticed.
    broken: bool,
    /// Values replaced by `[redacted]` in every entry (passwords, tokens).
    secrets: Secrets,
}

#[derive(Serialize)]
struct LineEntry<'a> {
    at: String,
    dir: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<&'a str>,
    /// Lines that are not UTF-8 are kept byte for byte, hex encoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    line_hex: Option<String>,
}

#[derive(Serialize)]
struct EventEntry<'a, T: Serialize> {
    at: String,
    event: &'a str,
    detail: &'a T,
}

/// The current UTC time in qualify's one format (src/utc.rs).
pub(crate) fn now() -> String {
    crate::utc::now_string()
}

impl Transcript {
    /// Creates `attachments/<relative>`.
    pub(crate) fn create(
        store: &AttachmentStore,
        adapter: &str,
        relative: &str,
        description: &str,
    ) -> Result<Self, AdapterError> {
        let writer = store
            .create(relative, "application/jsonl", description)
            .map_err(|error| AdapterError::Evidence {
                adapter: adapter.to_string(),
                path: attachment_path(relative),
                error,
            })?;
        Ok(Self {
            adapter: adapter.to_string(),
            writer,
            broken: false,
            secrets: Secrets::default(),
        })
    }

    /// Redacts these secrets from every later entry.
    pub(crate) fn set_secrets(&mut self, secrets: Secrets) {
        self.secrets = secrets;
    }

    /// Path relative to the package root.
    pub(crate) fn path(&self) -> &str {
        self.writer.path()
    }

    /// Records a protocol line written to the adapter.
    pub(crate) fn sent(&mut self, line: &str) -> Result<(), AdapterError> {
        self.write(&LineEntry {
            at: now(),
            dir: "sent",
            line: Some(line),
            line_hex: None,
        })
    }

    /// Records a line read from the adapter, exactly as received (without its `\n`).
    pub(crate) fn received(&mut self, raw: &[u8]) -> Result<(), AdapterError> {
        let entry = match std::str::from_utf8(raw) {
            Ok(line) => LineEntry {
                at: now(),
                dir: "received",
                line: Some(line),
                line_hex: None,
            },
            Err(_) => LineEntry {
                at: now(),
                dir: "received",
                line: None,
                line_hex: Some(hex::encode(raw)),
            },
        };
        self.write(&entry)
    }

    /// Records a lifecycle event (`spawned`, `killed`, `exited`, ...) or, for SQL, a statement.
    pub(crate) fn event(
        &mut self,
        event: &str,
        detail: &impl Serialize,
    ) -> Result<(), AdapterError> {
        self.write(&EventEntry {
            at: now(),
            event,
            detail,
        })
    }

    /// Like [`Transcript::event`] for places where the failure being reported matters more than
    /// a failing log line; a write error still marks the transcript broken.
    pub(crate) fn note(&mut self, event: &str, detail: &Value) {
        let _ = self.event(event, detail);
    }

    fn write(&mut self, entry: &impl Serialize) -> Result<(), AdapterError> {
        let result = if self.broken {
            Err(std::io::Error::other(
                "an earlier write to this file failed",
            ))
        } else {
            serde_json::to_string(entry)
                .map_err(std::io::Error::from)
                .and_then(|line| {
                    let line = self.secrets.redact(&line);
                    self.writer.write_all(line.as_bytes())?;
                    self.writer.write_all(b"\n")
                })
        };
        result.map_err(|error| {
            self.broken = true;
            AdapterError::Evidence {
                adapter: self.adapter.clone(),
                path: self.path().to_string(),
                error,
            }
        })
    }

    /// Closes the file (flush and fsync, so run it off the scenario thread).
    pub(crate) fn into_writer(self) -> AttachmentWriter {
        self.writer
    }
}

/// Closes attachment files on the blocking pool (each ends with an fsync) and collects their
/// references; failures are described in `problems`.
pub(crate) async fn close_all(
    writers: Vec<AttachmentWriter>,
    problems: &mut Vec<String>,
) -> Vec<AttachmentRef> {
    let joined = tokio::task::spawn_blocking(move || {
        writers
            .into_iter()
            .map(|w| {
                let path = w.path().to_string();
                w.finish()
                    .map_err(|e| format!("could not close evidence file {path}: {e}"))
            })
            .collect::<Vec<_>>()
    })
    .await;
    let mut refs = Vec::new();
    match joined {
        Ok(results) => {
            for r in results {
                match r {
                    Ok(reference) => refs.push(reference),
                    Err(problem) => problems.push(problem),
                }
            }
        }
        Err(e) => problems.push(format!("closing evidence files failed: {e}")),
    }
    refs
}
