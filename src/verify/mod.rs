//! `qualify verify`: integrity, signatures, signer authority, workflow, audit trail, deviations
//! and the git link of an evidence package. Every finding names the file or signature and why.

mod audit_check;
mod contents;
mod finding;
mod git_check;
mod rendition_check;
mod report;
mod safe_read;
mod sequence;
mod signatures;
mod verification;
mod workflow_check;

pub use contents::{EnvelopeKind, PackageContents, SIGNATURES_DIR, StoredEnvelope};
pub use finding::{Check, Finding, Severity};
pub use rendition_check::check_rendition_target;
pub use report::{DeviationSummary, SignatureSummary, VERIFY_SCHEMA, VerifyReport};
pub use safe_read::{
    MAX_ENVELOPE_BYTES, MAX_METADATA_BYTES, SafeReadError, open_regular, read_regular,
};
pub use sequence::signing_order;
pub use signatures::{CheckedEnvelope, check_envelopes};
pub use verification::{Verification, VerifyOptions, verify_package};
pub use workflow_check::WorkflowState;
