//! Library-level switches for the bridge's controls.
//!
//! The shipped binary always uses [`Safeguards::default`] (every control on) and has no option to
//! change it. The switches exist so that `examples/bridge_without_context_check.rs` can build a
//! deliberately defective bridge and prove that the validation suite notices.

/// Which controls are enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Safeguards {
    /// Refuse completions whose work order, serial, operation, part, revision or batch is missing
    /// (`missing_context`). Off only in the defective example.
    pub require_context: bool,
}

impl Default for Safeguards {
    fn default() -> Self {
        Self {
            require_context: true,
        }
    }
}
