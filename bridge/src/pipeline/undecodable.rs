//! Telemetry refused before the pipeline could read it (MQTT mode: a payload that is not
//! Sparkplug B protobuf, or metrics the births do not explain): quarantined like any refusal.

use serde_json::Value;

use crate::bridge::Bridge;
use crate::observation::Origin;
use crate::rejection::Rejection;
use crate::timestamp::now_ms;

impl Bridge {
    /// Quarantines the message `body` (`{"topic", "payload_base64"}`) with `rejection` and returns
    /// the refusal (or the storage error that prevented quarantining it).
    pub fn refuse_telemetry(
        &mut self,
        body: &Value,
        rejection: Rejection,
    ) -> Result<Value, Rejection> {
        self.quarantine_on_error(Err(rejection), Origin::Sparkplug, body, now_ms())
    }
}
