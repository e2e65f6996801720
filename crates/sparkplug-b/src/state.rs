//! STATE messages of Sparkplug 3.0: a host application's birth and death on
//! `spBv1.0/STATE/<host id>`, as JSON `{"online": true, "timestamp": <ms>}` (retained, QoS 1).

use serde_json::{Value, json};

/// A STATE payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateMessage {
    /// Whether the host application is online.
    pub online: bool,
    /// When it said so, ms since the Unix epoch.
    pub timestamp: u64,
}

impl StateMessage {
    /// Reads a STATE payload; `Err` says what is wrong.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("a STATE payload is JSON (Sparkplug 3.0): {e}"))?;
        Self::from_json(&value)
    }

    /// Reads the JSON of a STATE payload.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let o = value
            .as_object()
            .ok_or_else(|| format!("a STATE payload is a JSON object, not {value}"))?;
        if let Some(k) = o
            .keys()
            .find(|k| !["online", "timestamp"].contains(&k.as_str()))
        {
            return Err(format!(
                "unknown key {k:?} in a STATE payload (online, timestamp)"
            ));
        }
        let online = o
            .get("online")
            .and_then(Value::as_bool)
            .ok_or("a STATE payload needs \"online\": true or false")?;
        let timestamp = o
            .get("timestamp")
            .and_then(Value::as_u64)
            .ok_or("a STATE payload needs \"timestamp\": ms since the epoch")?;
        Ok(Self { online, timestamp })
    }

    /// The JSON form.
    pub fn to_json(self) -> Value {
        json!({"online": self.online, "timestamp": self.timestamp})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_messages() {
        let birth = StateMessage::parse(br#"{"online": true, "timestamp": 1668114759262}"#);
        assert_eq!(
            birth,
            Ok(StateMessage {
                online: true,
                timestamp: 1668114759262
            })
        );
        assert_eq!(
            StateMessage {
                online: false,
                timestamp: 5
            }
            .to_json(),
            json!({"online": false, "timestamp": 5})
        );
        assert!(StateMessage::parse(b"ONLINE").is_err());
        assert!(StateMessage::parse(br#"{"online": "yes", "timestamp": 1}"#).is_err());
        assert!(StateMessage::parse(br#"{"online": true}"#).is_err());
        assert!(StateMessage::parse(br#"{"online": true, "timestamp": 1, "x": 2}"#).is_err());
    }
}
