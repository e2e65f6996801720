//! A message normalised from either protocol: named readings with source and reference times.

use serde_json::Value;

use crate::quality::Quality;
use crate::timestamp::EpochMs;

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A Sparkplug B message (`telemetry` request).
    Sparkplug,
    /// OPC UA data values (`opcua` request).
    OpcUa,
}

impl Origin {
    /// `sparkplug` or `opcua`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sparkplug => "sparkplug",
            Self::OpcUa => "opcua",
        }
    }
}

/// One named value.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Metric or node name (`Production/Serial`).
    pub name: String,
    /// The value.
    pub value: Value,
    /// When the value was produced at the source (PLC clock), if known.
    pub source_ms: Option<EpochMs>,
    /// The time stamped by the system that passed the value on (Sparkplug payload timestamp,
    /// OPC UA serverTimestamp); compared with `source_ms` for clock skew.
    pub reference_ms: Option<EpochMs>,
    /// Replayed from a store-and-forward buffer.
    pub historical: bool,
    /// Status of the value.
    pub quality: Quality,
}

/// A normalised message.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Protocol of origin.
    pub origin: Origin,
    /// The id the master-data mapping knows the source by.
    pub device_id: String,
    /// The Sparkplug topic, if any.
    pub topic: Option<String>,
    /// The values.
    pub readings: Vec<Reading>,
}

impl Observation {
    /// The reading with this name. Names are unique within an observation (checked when events
    /// are extracted).
    pub fn reading(&self, name: &str) -> Option<&Reading> {
        self.readings.iter().find(|r| r.name == name)
    }

    /// The newest source time among the readings: how far this device's clock has advanced.
    pub fn latest_source_ms(&self) -> Option<EpochMs> {
        self.readings.iter().filter_map(|r| r.source_ms).max()
    }
}
