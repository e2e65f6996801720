//! The bridge behind the adapter protocol: request kinds and their bodies.

use serde_json::Value;

use crate::bridge::{Bridge, NAME, VERSION};
use crate::protocol::{Identity, Service};
use crate::reason::ReasonCode;
use crate::rejection::Rejection;
use crate::report::oee_request;

/// The request kinds the bridge answers (besides `hello` and `shutdown`).
pub const KINDS: [&str; 8] = [
    "reset",
    "config",
    "load_master_data",
    "telemetry",
    "opcua",
    "flush",
    "report",
    "oee",
];

impl Service for Bridge {
    fn identity(&self) -> Identity {
        Identity {
            name: NAME.into(),
            version: VERSION.into(),
            capabilities: vec!["reset".into()],
        }
    }

    fn handle(&mut self, kind: &str, body: &Value) -> Result<Value, Rejection> {
        match kind {
            "reset" => self.reset(body),
            "config" => self.config_info(),
            "load_master_data" => self.load_master_data(),
            "telemetry" => self.telemetry(body),
            "opcua" => self.opcua(body),
            "flush" => self.flush(),
            "report" => self.report(body),
            "oee" => oee_request(body),
            other => Err(Rejection::new(
                ReasonCode::UnknownKind,
                format!("unknown request kind {other:?}"),
            )),
        }
    }

    fn shutdown(&mut self) {
        Bridge::shutdown(self);
    }
}
