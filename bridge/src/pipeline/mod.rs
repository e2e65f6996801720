//! The message pipeline: parse → session and `seq` → quality → clock skew → master data →
//! context and system-of-record checks → duplicates → reorder window → commit.
//! A refused message is answered with its reason code and written to the quarantine table.

mod admit;
mod admitted;
mod commit;
mod ingest;
mod undecodable;

pub use admitted::{Admitted, AdmittedKind};
