//! Electronic signatures: Ed25519 keys in encrypted PKCS#8 files, the signers registry, DSSE
//! envelopes carrying in-toto statements, the workflow rules, and signing a package.

mod dsse;
mod error;
mod failed_attempt;
mod keys;
mod passphrase;
mod pinned_key;
mod registry;
mod registry_append;
mod signed_record;
mod signer_check;
mod signing;
mod signing_build;
mod signing_check;
mod statement;
mod timestamp;
mod workflow;

pub use dsse::{
    Envelope, EnvelopeSignature, EnvelopeSigning, IN_TOTO_PAYLOAD_TYPE, decode_base64, pae,
};
pub use error::SignError;
pub use failed_attempt::{FailedAttempt, RecordError, record_failed_attempt};
pub use keys::{PBKDF2_ITERATIONS, PrivateKey, PublicKey, check_private_mode};
pub use passphrase::{MIN_PASSPHRASE_CHARS, PASSPHRASE_ENV, new_passphrase, passphrase_for};
pub use pinned_key::PinnedKeyExt;
pub use qualify_evidence::schema::ED25519;
pub use qualify_evidence::{DeviationAssessment, PinnedEntry, PinnedKey};
pub use registry::{Registry, Signer, SignerEntry, check_id};
pub use registry_append::entry_yaml;
pub(crate) use signed_record::record_predicate;
pub use signed_record::{
    RecordPredicate, RecordSigner, RoleRule, choose_role, open_record, record_files, signed_record,
    signer_of_key,
};
pub use signer_check::signer_for;
pub use signing::{SignAction, SignRequest, Signed, sign_package};
pub use statement::{
    AuditRef, CLOSURE_MEANING, CLOSURE_PREDICATE_TYPE, DeviationDisposition, FileRef, PackageRef,
    SIGNATURE_PREDICATE_TYPE, STATEMENT_TYPE, SignaturePredicate, SignerRef, Statement, Subject,
};
pub use workflow::{Rule, SignedMeaning, Violation, check_closer, check_next};
