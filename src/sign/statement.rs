//! The signed payload: an in-toto Statement v1 whose subjects are the package's content files and
//! whose predicate is the Part 11 signature manifestation. The types are the `qualify-evidence`
//! crate's ([`qualify_evidence::statement`]); documented field by field in `docs/signatures.md`.

pub use qualify_evidence::schema::{
    CLOSURE_MEANING, CLOSURE_PREDICATE_TYPE, SIGNATURE_PREDICATE_TYPE, STATEMENT_TYPE,
};
pub use qualify_evidence::statement::{
    AuditRef, DeviationDisposition, FileRef, PackageRef, SignaturePredicate, SignerRef, Statement,
    Subject,
};
