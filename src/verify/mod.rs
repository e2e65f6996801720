//! `qualify verify`: integrity, signatures, signer authority, workflow, audit trail, deviations
//! and the git link of an evidence package. Every finding names the file or signature and why.

mod audit_check;
mod contents;
mod finding;
mod git_check;
mod rendition_check;
mod report;
mod sequence;
mod signatures;
mod verification;
mod workflow_check;

pub use audit_check::check_audit;
pub use contents::{EnvelopeKind, PackageContents, SIGNATURES_DIR, StoredEnvelope, parse_envelope};
pub use finding::{Check, Finding, Severity};
pub use report::{DeviationSummary, SignatureSummary, VERIFY_SCHEMA, VerifyReport};
pub use sequence::signing_order;
pub use signatures::{CheckedEnvelope, check_envelopes};
pub use verification::{Verification, VerifyOptions, verify_package};
pub use workflow_check::WorkflowState;
