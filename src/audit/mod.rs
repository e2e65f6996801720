//! The audit trail: an append-only, hash-chained record of who did what to a package, when and
//! why (21 CFR 11.10(e)).

mod entry;
mod run_entries;
mod trail;

pub use entry::{Actor, AuditAction, AuditEntry, NewEntry, ci_job, signer_actor};
pub use run_entries::{RunTrailInput, run_entries, write_run_trail};
pub use trail::{
    AuditTrail, ChainProblem, TRAIL_FILE, TrailError, TrailLine, append_entry, append_entry_locked,
    entry_line, genesis,
};
