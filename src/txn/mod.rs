//! Package transactions: how `qualify sign`, `qualify deviation close` and `qualify render`
//! change a sealed package so that a crash at any point leaves it either as it was or as it
//! should become — never half-changed.
//!
//! An operation adds files (an envelope, renditions) and audit-trail lines. It goes in four
//! steps, under an exclusive lock on the package ([`PackageLock`]):
//!
//! 1. **Stage.** Everything new is written into `<package>/.pending/` ([`PENDING_DIR`]): the
//!    intent record `intent.json` first (what the operation is and which trail lines and files it
//!    adds, with their SHA-256), then each new file, then the whole new trail; every file and the
//!    folder are flushed.
//! 2. **Commit.** The new trail is renamed over `audit/trail.jsonl`. This one rename is the
//!    commit point: before it the package is exactly as it was, after it the trail records the
//!    operation.
//! 3. **Install.** Each staged file is renamed to its place in the package.
//! 4. **Clean.** `.pending/` is removed.
//!
//! The next command that changes the package ([`recover`], called by sign, close and render)
//! finds a leftover `.pending/`: when the trail does not hold the operation's lines, it rolls it
//! back (removes `.pending/`); when it does, it completes it (installs the remaining files). Either
//! way it appends a `recovered` entry to the trail saying what it found and did. `qualify verify`
//! reads the same state ([`inspect`]) without changing anything.

mod apply;
mod error;
mod intent;
mod lock;
mod recover;

pub use apply::{Plan, PlannedFile, apply};
pub use error::TxnError;
pub use intent::{INTENT_FILE, INTENT_SCHEMA, Intent, PENDING_DIR, StagedFile};
pub use lock::PackageLock;
pub use recover::{Pending, PendingState, Recovered, discard_uncommitted, inspect, recover};

#[cfg(test)]
mod tests;
