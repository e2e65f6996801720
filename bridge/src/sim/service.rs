//! The simulator as a process adapter: `generate_shift` writes the file into the working folder
//! and answers with its name, digest and the expected figures.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::spec::ShiftSpec;
use super::stream::generate;
use crate::protocol::{Identity, Service};
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::timestamp::iso_from_ms;

/// The `shift-sim` adapter.
pub struct Simulator {
    workdir: PathBuf,
}

impl Simulator {
    /// A simulator writing into `workdir`.
    pub fn new(workdir: PathBuf) -> Self {
        Self { workdir }
    }

    /// `generate_shift {..ShiftSpec}`.
    pub fn generate_shift(&self, body: &Value) -> Result<Value, Rejection> {
        let invalid = |message: String| Rejection::new(ReasonCode::InvalidRequest, message);
        let spec: ShiftSpec = serde_json::from_value(body.clone())
            .map_err(|err| invalid(format!("generate_shift: {err}")))?;
        let shift = generate(&spec).map_err(invalid)?;
        let mut text = String::new();
        for line in &shift.lines {
            text.push_str(&line.to_string());
            text.push('\n');
        }
        let path = self.workdir.join(&spec.file);
        let storage = |err: std::io::Error| {
            Rejection::new(
                ReasonCode::StorageError,
                format!("{}: {err}", path.display()),
            )
        };
        let mut file = std::fs::File::create(&path).map_err(storage)?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(storage)?;
        let (from, to, breaks) = shift.window;
        Ok(json!({
            "file": spec.file,
            "path": path.display().to_string(),
            "sha256": hex::encode(Sha256::digest(text.as_bytes())),
            "messages": shift.lines.len(),
            "seed": spec.seed,
            "device_id": format!("{}/{}/{}", spec.group, spec.edge_node, spec.device),
            "order_id": spec.order_id,
            "report": {
                "from": iso_from_ms(from), "to": iso_from_ms(to),
                "from_ms": from, "to_ms": to, "planned_break_ms": breaks,
            },
            "expected": shift.truth.expected(),
        }))
    }
}

impl Service for Simulator {
    fn identity(&self) -> Identity {
        Identity {
            name: "shift-sim".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            capabilities: vec!["reset".into()],
        }
    }

    fn handle(&mut self, kind: &str, body: &Value) -> Result<Value, Rejection> {
        match kind {
            "generate_shift" => self.generate_shift(body),
            "reset" => {
                let workdir = body.get("workdir").and_then(Value::as_str).ok_or_else(|| {
                    Rejection::new(ReasonCode::InvalidRequest, "reset needs a workdir")
                })?;
                self.workdir = PathBuf::from(workdir);
                Ok(json!({}))
            }
            other => Err(Rejection::new(
                ReasonCode::UnknownKind,
                format!("unknown request kind {other:?}"),
            )),
        }
    }

    fn shutdown(&mut self) {}
}
