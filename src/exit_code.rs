//! Process exit codes: the one place where they are defined.
//!
//! CI pipelines branch on these numbers, so they are part of the public contract and documented in
//! `docs/exit-codes.md`. Never reuse a number for another meaning.

/// Everything that was asked for succeeded (all scenarios passed, the package verifies, the gate
/// is satisfied).
pub const SUCCESS: i32 = 0;
/// The campaign ran and sealed its evidence, but at least one scenario failed.
pub const SCENARIOS_FAILED: i32 = 1;
/// The command line, the configuration or an input file (feature, requirements) is wrong; nothing
/// was run. The message names the file, line and what to do.
pub const INPUT_ERROR: i32 = 2;
/// `qualify verify` found the package damaged, altered or improperly signed.
pub const VERIFICATION_FAILED: i32 = 3;
/// `qualify gate` found no acceptable evidence for this revision.
pub const GATE_NOT_SATISFIED: i32 = 4;
/// An environmental or internal failure: the evidence folder is not writable, an I/O error, a bug.
pub const INTERNAL_ERROR: i32 = 5;
