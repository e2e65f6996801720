//! Rows the bridge writes and aggregates it reads back.

use crate::context::CompletionContext;
use crate::events::PartResult;
use crate::observation::Origin;
use crate::timestamp::EpochMs;

/// An operation completion with its full context.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionRecord {
    /// Resolved context.
    pub context: CompletionContext,
    /// The device that reported it.
    pub device_id: String,
    /// Good or reject.
    pub result: PartResult,
    /// Source time.
    pub source_ms: EpochMs,
    /// When the bridge received it.
    pub received_ms: EpochMs,
    /// Replayed from store-and-forward.
    pub historical: bool,
    /// Protocol of origin.
    pub origin: Origin,
}

/// A refused message, as kept for review.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarantineEntry {
    /// When it was received.
    pub received_ms: EpochMs,
    /// Reason code.
    pub reason_code: String,
    /// Protocol of origin.
    pub origin: Origin,
    /// Device id, when it could be read.
    pub device_id: Option<String>,
    /// Sparkplug topic, when there was one.
    pub topic: Option<String>,
    /// Human-readable reason.
    pub reason: String,
    /// The message as received (JSON text).
    pub message: String,
    /// Structured details (JSON text).
    pub details: Option<String>,
}

/// Completions of one part number in a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountsByPart {
    /// Part number.
    pub part_number: String,
    /// All completions.
    pub total: u64,
    /// Good ones.
    pub good: u64,
}

/// A downtime overlapping a window (end `None` while still open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowntimeSpan {
    /// Reason code.
    pub reason: String,
    /// Start (source time).
    pub start_ms: EpochMs,
    /// End (source time), if closed.
    pub end_ms: Option<EpochMs>,
}

/// Where and when an event happened, for the rows that record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSource<'a> {
    /// MES work center.
    pub equipment_id: &'a str,
    /// Maintenance asset.
    pub asset_id: &'a str,
    /// Reporting device.
    pub device_id: &'a str,
    /// Source time.
    pub source_ms: EpochMs,
    /// Replayed from store-and-forward.
    pub historical: bool,
    /// When the bridge received it.
    pub received_ms: EpochMs,
}
