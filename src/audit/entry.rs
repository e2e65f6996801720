//! [`AuditEntry`]: one line of the audit trail: who did what, when, and why. The types are the
//! `qualify-evidence` crate's ([`qualify_evidence::audit`]).

pub use qualify_evidence::audit::{Actor, AuditAction, AuditEntry, NewEntry, ci_job};

/// A signer from the registry, acting in the CI job of the current environment (if any).
pub fn signer_actor(id: &str, name: &str) -> Actor {
    let ci = crate::evidence::ci_variables(std::env::vars());
    Actor::signer(id, name, &ci)
}
