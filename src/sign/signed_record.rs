//! Signed records kept in the project rather than in a package: supersession records
//! (src/gate/supersession.rs) and human impact assessments (src/impact/human.rs). Both are one
//! DSSE envelope over an in-toto statement whose predicate names its signer; this module holds
//! what they share: finding the signer of a key, choosing the role, signing the statement, listing
//! the record files, and opening one against a registry.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use qualify_evidence::layout::ENVELOPE_SUFFIX;
use qualify_evidence::schema::{IN_TOTO_PAYLOAD_TYPE, STATEMENT_TYPE};
use qualify_evidence::{Envelope, Statement, Subject};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::dsse::EnvelopeSigning;
use super::error::SignError;
use super::keys::PrivateKey;
use super::registry::{Registry, Signer};
use crate::verify::{MAX_ENVELOPE_BYTES, read_regular};

/// The signer as a record's predicate names it.
#[derive(Debug, Clone, Copy)]
pub struct RecordSigner<'a> {
    /// Key id.
    pub key_id: &'a str,
    /// Signer id in the registry.
    pub signer_id: &'a str,
    /// The role signed in.
    pub role: &'a str,
    /// Printed name.
    pub signer_name: &'a str,
    /// UTC signing time (RFC 3339).
    pub signed_at: &'a str,
}

/// A predicate of a signed record.
pub trait RecordPredicate: Serialize + DeserializeOwned {
    /// Its `predicateType`.
    const PREDICATE_TYPE: &'static str;
    /// What the statement is, for errors (`a supersession statement`).
    const WHAT: &'static str;
    /// The signer it names.
    fn signer(&self) -> RecordSigner<'_>;
}

/// Implements [`RecordPredicate`] for a predicate with the fields `key_id`, `signer_id`,
/// `signer_name` and `signed_at` (both record kinds name their signer alike).
macro_rules! record_predicate {
    ($predicate:ty, $predicate_type:expr, $what:literal) => {
        impl $crate::sign::RecordPredicate for $predicate {
            const PREDICATE_TYPE: &'static str = $predicate_type;
            const WHAT: &'static str = $what;
            fn signer(&self) -> $crate::sign::RecordSigner<'_> {
                $crate::sign::RecordSigner {
                    key_id: &self.key_id,
                    signer_id: &self.signer_id,
                    role: &self.role,
                    signer_name: &self.signer_name,
                    signed_at: &self.signed_at,
                }
            }
        }
    };
}
pub(crate) use record_predicate;

/// The registry entry of `key`, allowed to sign now; and now.
pub fn signer_of_key<'r>(
    registry: &'r Registry,
    key: &PrivateKey,
) -> Result<(&'r Signer, DateTime<Utc>), SignError> {
    let signer = registry.by_key_id(&key.key_id()).ok_or_else(|| {
        SignError::Refused(format!(
            "unknown key: key id {} is not in the signers registry {}",
            key.key_id(),
            registry.path.display()
        ))
    })?;
    let now = crate::utc::now();
    signer.validity_at(now).map_err(SignError::Refused)?;
    Ok((signer, now))
}

/// Which roles may sign a kind of record, and how to name it in refusals.
#[derive(Debug, Clone, Copy)]
pub struct RoleRule<'a> {
    /// The roles allowed (from qualify.yaml).
    pub allowed: &'a [String],
    /// The record, as in "may not sign a supersession record".
    pub record: &'a str,
    /// The records, as in "may not sign supersession records".
    pub records: &'a str,
    /// The configuration key of `allowed` (`impact.superseders`).
    pub setting: &'a str,
}

impl RoleRule<'_> {
    /// Whether `signer` holds `role` and it is allowed.
    fn check(&self, signer: &Signer, role: &str) -> Result<(), String> {
        let role = role.to_string();
        if signer.entry.roles.contains(&role) && self.allowed.contains(&role) {
            return Ok(());
        }
        Err(format!(
            "role {role} may not sign {} ({}: {})",
            self.records,
            self.setting,
            self.allowed.join(", ")
        ))
    }
}

/// The role `signer` signs in: `role` when given and allowed, else the only allowed role held.
pub fn choose_role(
    signer: &Signer,
    role: Option<&str>,
    rule: &RoleRule<'_>,
) -> Result<String, SignError> {
    let allowed = rule.allowed;
    let usable: Vec<&String> = signer
        .entry
        .roles
        .iter()
        .filter(|r| allowed.contains(r))
        .collect();
    match (role, usable.as_slice()) {
        (Some(r), _) if usable.iter().any(|u| *u == r) => Ok(r.to_string()),
        (None, [one]) => Ok((*one).clone()),
        _ => Err(SignError::Refused(format!(
            "{} ({}) may not sign {} in {}: allowed roles are {} ({})",
            signer.entry.name,
            signer.entry.id,
            rule.record,
            role.map(|r| format!("role {r}"))
                .unwrap_or_else(|| "any held role".into()),
            allowed.join(", "),
            rule.setting
        ))),
    }
}

/// The statement of `predicate` about `subject`, and its envelope signed with `key`.
pub fn signed_record<P: RecordPredicate>(
    subject: Vec<Subject>,
    predicate: P,
    key: &PrivateKey,
) -> Result<(Statement<P>, Envelope), SignError> {
    let statement = Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject,
        predicate_type: P::PREDICATE_TYPE.into(),
        predicate,
    };
    let payload = serde_json::to_vec(&statement)
        .map_err(|e| SignError::Refused(format!("cannot encode {}: {e}", P::WHAT)))?;
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &payload, key);
    Ok((statement, envelope))
}

/// The record files (`*.dsse.json`) of `dir`, sorted; none when it does not exist.
pub fn record_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(ENVELOPE_SUFFIX))
        .collect();
    files.sort();
    files
}

/// Reads and checks the record at `file`: one signature, by a key of `registry`, that verifies;
/// the predicate type; the signer named inside is the key's registry entry, allowed to sign at
/// the time it states, in a role `rule` allows. The subject is the caller's to check.
pub fn open_record<P: RecordPredicate>(
    registry: Option<&Registry>,
    file: &Path,
    rule: &RoleRule<'_>,
) -> Result<Statement<P>, String> {
    let registry = registry.ok_or("no signers registry to check it against")?;
    let bytes = read_regular(file, MAX_ENVELOPE_BYTES).map_err(|e| e.to_string())?;
    let envelope: Envelope =
        serde_json::from_slice(&bytes).map_err(|e| format!("not a DSSE envelope: {e}"))?;
    let statement: Statement<P> = serde_json::from_slice(&envelope.payload_bytes()?)
        .map_err(|e| format!("payload is not {}: {e}", P::WHAT))?;
    if statement.predicate_type != P::PREDICATE_TYPE {
        return Err(format!(
            "predicateType is {}, not {}",
            statement.predicate_type,
            P::PREDICATE_TYPE
        ));
    }
    let [sig] = envelope.signatures.as_slice() else {
        return Err("expected exactly one signature".into());
    };
    let signer = registry.by_key_id(&sig.keyid).ok_or_else(|| {
        format!(
            "signed by key {}, which is not in the signers registry",
            sig.keyid
        )
    })?;
    envelope.verify(sig, &signer.public_key)?;
    let named = statement.predicate.signer();
    if named.key_id != sig.keyid
        || named.signer_id != signer.entry.id
        || named.signer_name != signer.entry.name
    {
        return Err(
            "the signer named inside does not match the signing key's registry entry".into(),
        );
    }
    let at: DateTime<Utc> = named
        .signed_at
        .parse()
        .map_err(|e| format!("signed_at: {e}"))?;
    signer.validity_at(at)?;
    rule.check(signer, named.role)?;
    Ok(statement)
}
