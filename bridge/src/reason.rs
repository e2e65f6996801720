//! The reason codes the bridge answers with (`error.code`) and writes to the quarantine table.

use std::fmt;

use serde::Serialize;

/// Why a request or a message was refused. Scenarios assert on the `snake_case` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// The request kind is not one the bridge knows.
    UnknownKind,
    /// A request body (other than telemetry) is malformed.
    InvalidRequest,
    /// A telemetry message is malformed (topic, payload, timestamp, metric types).
    InvalidMessage,
    /// Data from an edge node without a live, in-sequence session (never born, dead, or waiting
    /// for the rebirth requested after a gap).
    NoSession,
    /// The Sparkplug `seq` skipped numbers: messages were lost; a rebirth is requested.
    SequenceGap,
    /// The message (same `seq`) or the record (same order, operation, serial) was already received.
    Duplicate,
    /// An NDEATH whose `bdSeq` belongs to an older session.
    StaleDeath,
    /// An OPC UA status (or Sparkplug quality) that is Bad or Uncertain.
    BadQuality,
    /// Source and server timestamps differ by more than the configured tolerance.
    ClockSkew,
    /// No validated master-data mapping has been loaded yet.
    MasterDataNotLoaded,
    /// The device id has no row in the equipment mapping.
    UnmappedEquipment,
    /// Work order, serial, operation, part, revision, batch, reason code or source time missing.
    MissingContext,
    /// The work order named by the telemetry does not exist in the MES.
    UnknownOrder,
    /// The work order is scheduled on another work center than the device maps to.
    EquipmentMismatch,
    /// The work order is not `running` in the MES.
    OrderNotActive,
    /// An event older than the reorder window allows (and not marked historical).
    LateEvent,
    /// The mapping table holds the same row more than once.
    MappingDuplicate,
    /// The mapping table maps one device, work center or asset more than one way.
    MappingConflict,
    /// A mapping row is incomplete or names a work center the MES does not know.
    MappingInvalid,
    /// The database could not be read or written.
    StorageError,
    /// The database carries another schema version than this bridge.
    SchemaMismatch,
}

impl ReasonCode {
    /// The `snake_case` code as sent on the wire and stored in the quarantine table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownKind => "unknown_kind",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidMessage => "invalid_message",
            Self::NoSession => "no_session",
            Self::SequenceGap => "sequence_gap",
            Self::Duplicate => "duplicate",
            Self::StaleDeath => "stale_death",
            Self::BadQuality => "bad_quality",
            Self::ClockSkew => "clock_skew",
            Self::MasterDataNotLoaded => "master_data_not_loaded",
            Self::UnmappedEquipment => "unmapped_equipment",
            Self::MissingContext => "missing_context",
            Self::UnknownOrder => "unknown_order",
            Self::EquipmentMismatch => "equipment_mismatch",
            Self::OrderNotActive => "order_not_active",
            Self::LateEvent => "late_event",
            Self::MappingDuplicate => "mapping_duplicate",
            Self::MappingConflict => "mapping_conflict",
            Self::MappingInvalid => "mapping_invalid",
            Self::StorageError => "storage_error",
            Self::SchemaMismatch => "schema_mismatch",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_name_and_as_str_agree() {
        for code in [
            ReasonCode::MissingContext,
            ReasonCode::SequenceGap,
            ReasonCode::MasterDataNotLoaded,
        ] {
            let json = serde_json::to_value(code).unwrap_or_default();
            assert_eq!(json, serde_json::Value::from(code.as_str()));
        }
    }
}
