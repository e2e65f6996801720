//! Schema ids and type URIs: the `schema` field of each JSON document qualify writes, and the
//! in-toto / DSSE type strings of its signed statements. A reader compares the id before trusting
//! any other field; a writer bumps the version whenever a field changes meaning or disappears.

/// `manifest.json` ([`crate::Manifest`]).
pub const MANIFEST_SCHEMA: &str = "qualify.manifest/v1";
/// `results.json` ([`crate::RunResults`]).
pub const RESULTS_SCHEMA: &str = "qualify.results/v1";
/// `environment.json` ([`crate::Environment`]).
pub const ENVIRONMENT_SCHEMA: &str = "qualify.environment/v1";
/// `deviations/deviations.json` ([`crate::DeviationRegister`]).
pub const DEVIATIONS_SCHEMA: &str = "qualify.deviations/v1";
/// The first audit entry's `prev` is the SHA-256 of `"<AUDIT_CHAIN_SEED> <package id>"`.
pub const AUDIT_CHAIN_SEED: &str = "qualify.audit/v1";
/// `.pending/intent.json`, an operation in progress.
pub const INTENT_SCHEMA: &str = "qualify.pending/v1";
/// `project.json`.
pub const PROJECT_SCHEMA: &str = "qualify.project/v1";
/// `impact.json`.
pub const IMPACT_SCHEMA: &str = "qualify.impact/v1";
/// A record of the git ledger (`refs/qualify/ledger`).
pub const LEDGER_SCHEMA: &str = "qualify.ledger/v1";
/// The JSON report of `qualify gate`. v2: structured findings with codes replace v1's free-text
/// reasons.
pub const GATE_SCHEMA: &str = "qualify.gate/v2";
/// The JSON report of `qualify verify`.
pub const VERIFY_SCHEMA: &str = "qualify.verify/v1";
/// The JSON report of `qualify status`.
pub const STATUS_SCHEMA: &str = "qualify.status/v1";

/// `_type` of an in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// `payloadType` of a DSSE envelope carrying an in-toto Statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// `predicateType` of a workflow signature (executed, reviewed, approved, ...).
pub const SIGNATURE_PREDICATE_TYPE: &str = "urn:qualify:predicate:signature:v1";
/// `predicateType` of a signed deviation disposition.
pub const CLOSURE_PREDICATE_TYPE: &str = "urn:qualify:predicate:deviation-closure:v1";
/// `predicateType` of a signed supersession record (a package replacing an earlier one).
pub const SUPERSESSION_PREDICATE_TYPE: &str = "urn:qualify:predicate:supersession:v1";
/// `predicateType` of a signed human impact assessment.
pub const ASSESSMENT_PREDICATE_TYPE: &str = "urn:qualify:predicate:impact-assessment:v1";
/// The `meaning` of a deviation closure (never a workflow meaning).
pub const CLOSURE_MEANING: &str = "deviation-closed";
/// The only signature algorithm qualify uses (`predicate.signer_key.algorithm`).
pub const ED25519: &str = "ed25519";
