//! The qualify evidence package format: where each file of a package lives, the schema id of each
//! JSON document, and serde types that read and write them byte for byte as qualify does.
//!
//! qualify seals every campaign run as an evidence package: a folder of files listed with their
//! SHA-256 in a manifest, signed with DSSE envelopes over in-toto statements, and accompanied by a
//! hash-chained audit trail. This crate is the format alone, with no runtime: an auditor's own
//! tool can depend on it (serde, serde_json, chrono, base64, thiserror) to read, cross-check and
//! report on packages without qualify itself.
//!
//! # Layout
//!
//! [`layout`] names every file and folder of a package; see its documentation for the tree.
//!
//! # Documents and their schema ids
//!
//! | file | type | schema id / type URI |
//! | --- | --- | --- |
//! | `manifest.json` | [`Manifest`] | [`schema::MANIFEST_SCHEMA`] `qualify.manifest/v1` |
//! | `results.json` | [`RunResults`] | [`schema::RESULTS_SCHEMA`] `qualify.results/v1` |
//! | `environment.json` | [`Environment`] | [`schema::ENVIRONMENT_SCHEMA`] `qualify.environment/v1` |
//! | `git.json` | [`GitInfo`] | tagged by `state` (`revision` / `no_repository`) |
//! | `deviations/deviations.json` | [`DeviationRegister`] | [`schema::DEVIATIONS_SCHEMA`] `qualify.deviations/v1` |
//! | `audit/trail.jsonl` | one [`AuditEntry`] per line | chain seeded by [`schema::AUDIT_CHAIN_SEED`] |
//! | `signatures/*.dsse.json`, `deviations/closures/*.dsse.json` | [`Envelope`] of a [`Statement`] | [`schema::IN_TOTO_PAYLOAD_TYPE`], [`schema::STATEMENT_TYPE`], [`schema::SIGNATURE_PREDICATE_TYPE`], [`schema::CLOSURE_PREDICATE_TYPE`] |
//! | supersession records (outside packages) | [`Envelope`] of a [`SupersessionStatement`] | [`schema::SUPERSESSION_PREDICATE_TYPE`] |
//!
//! # Writing byte-identical files
//!
//! qualify writes every JSON document of a package with [`to_package_json`] (pretty JSON and a
//! final newline), the audit trail as compact lines, and envelopes' payloads as compact JSON. A
//! document parsed with these types and written the same way gives the same bytes, so its
//! SHA-256 still matches the manifest.
//!
//! # Reading a package
//!
//! ```no_run
//! use std::path::Path;
//! use qualify_evidence::{Manifest, RunResults, layout};
//!
//! let dir = Path::new("evidence/20261201T170543Z-ALL-c10eb39");
//! let manifest = Manifest::load(dir)?;
//! let results: RunResults =
//!     serde_json::from_slice(&std::fs::read(dir.join(layout::RESULTS_FILE))?)?;
//! println!("{}: {} scenarios", manifest.package_id, results.summary.scenarios);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What this crate does not do: hash files, check Ed25519 signatures or walk the git ledger.
//! Those need a crypto library and a git library of the reader's choice; `qualify verify` is the
//! reference for which checks make a package valid (its `docs/evidence-package.md`).

#![deny(missing_docs)]

pub mod audit;
pub mod deviation;
pub mod dsse;
pub mod environment;
pub mod git;
pub mod layout;
pub mod manifest;
pub mod results;
pub mod schema;
pub mod statement;
pub mod supersession;

pub use audit::{Actor, AuditAction, AuditEntry, NewEntry, chain_seed, ci_job, parse_trail};
pub use deviation::{Deviation, DeviationRegister, ScenarioRef, StepRef};
pub use dsse::{Envelope, EnvelopeSignature, decode_base64, pae};
pub use environment::{Environment, Host, RecordedFile, ToolBinary};
pub use git::{GitInfo, GitRevision};
pub use manifest::{Manifest, ManifestEntry, ManifestError};
pub use results::{
    AdapterIdentity, Assertion, AttachmentRef, DataTable, DocString, FeatureResult, Heading,
    MergedShard, Mismatch, RunResults, ScenarioResult, Selection, ShardSelection, Status,
    StepResult, Summary, ToolInfo, WrittenTag,
};
pub use statement::{
    AuditRef, DeviationAssessment, DeviationDisposition, FileRef, PackageRef, PinnedEntry,
    PinnedKey, SignaturePredicate, SignerRef, Statement, Subject,
};
pub use supersession::{PackageRecord, SupersessionPredicate, SupersessionStatement};

/// `value` as qualify writes a JSON document into a package: pretty-printed (two spaces), with a
/// final newline.
pub fn to_package_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}
