//! `qualify verify`: integrity, signatures, signer authority, workflow, audit trail, deviations
//! and the git link of an evidence package. Every finding names the file or signature and why.

mod audit_check;
mod contents;
mod finding;
mod git_check;
mod git_registry;
mod git_signing;
mod key_check;
mod key_summary;
mod pending_check;
mod rendition_check;
mod report;
mod report_summaries;
mod safe_read;
mod sequence;
mod shard_check;
mod signatures;
mod time_check;
mod trust_anchor;
mod tsa_check;
mod validity;
mod verification;
mod workflow_check;

pub use audit_check::check_audit;
pub use contents::{EnvelopeKind, PackageContents, SIGNATURES_DIR, StoredEnvelope, parse_envelope};
pub use finding::{Check, Finding, Severity};
pub use git_registry::{GitTrust, GitTrustError, read_git_trust};
pub use git_signing::CommittedSigning;
pub use key_summary::{KeySummary, RefusedAttempt};
pub use rendition_check::check_rendition_target;
pub use report::{DeviationSummary, SignatureSummary, VERIFY_SCHEMA, VerifyReport};
pub use safe_read::{
    MAX_ENVELOPE_BYTES, MAX_METADATA_BYTES, SafeReadError, open_regular, read_regular,
};
pub use sequence::signing_order;
pub use signatures::{CheckedEnvelope, check_envelopes};
pub use time_check::{DEFAULT_MAX_SKEW_SECONDS, TimePolicy};
pub use trust_anchor::{TrustAnchor, TrustSummary};
pub use tsa_check::TsaPolicy;
pub use validity::envelope_validity;
pub use verification::{Verification, VerifyOptions, verify_package};
pub use workflow_check::WorkflowState;
