//! [`Statement`]: the signed payload of every envelope, an in-toto Statement v1 whose subjects
//! are the package's files and whose predicate is the Part 11 signature manifestation
//! ([`SIGNATURE_PREDICATE_TYPE`](crate::schema::SIGNATURE_PREDICATE_TYPE) for workflow
//! signatures, [`CLOSURE_PREDICATE_TYPE`](crate::schema::CLOSURE_PREDICATE_TYPE) for deviation
//! closures). Documented field by field in qualify's `docs/signatures.md`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::layout::MANIFEST_FILE;

/// An in-toto Statement v1 with predicate `P`: a [`SignaturePredicate`] in every package
/// envelope; other predicates for records kept outside packages (for example
/// [`crate::SupersessionStatement`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement<P = SignaturePredicate> {
    /// Always [`STATEMENT_TYPE`](crate::schema::STATEMENT_TYPE).
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// The files signed, with their digests.
    pub subject: Vec<Subject>,
    /// [`SIGNATURE_PREDICATE_TYPE`](crate::schema::SIGNATURE_PREDICATE_TYPE) or
    /// [`CLOSURE_PREDICATE_TYPE`](crate::schema::CLOSURE_PREDICATE_TYPE).
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The manifestation.
    pub predicate: P,
}

/// One signed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Package-relative path, `/` separators.
    pub name: String,
    /// `{"sha256": "<hex>"}`.
    pub digest: BTreeMap<String, String>,
}

impl Subject {
    /// The subjects of a package: every file of its manifest and the manifest itself, sorted.
    pub fn of_package(manifest: &crate::Manifest, manifest_sha256: &str) -> Vec<Subject> {
        let mut subjects: Vec<Subject> = manifest
            .files
            .iter()
            .map(|f| Subject::sha256(&f.path, &f.sha256))
            .collect();
        subjects.push(Subject::sha256(MANIFEST_FILE, manifest_sha256));
        subjects.sort_by(|a, b| a.name.cmp(&b.name));
        subjects
    }

    /// A subject with a SHA-256 digest.
    pub fn sha256(name: &str, sha256: &str) -> Subject {
        Subject {
            name: name.to_string(),
            digest: BTreeMap::from([("sha256".to_string(), sha256.to_string())]),
        }
    }
}

/// The signature manifestation (21 CFR 11.50) and what binds it to the package (11.70).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignaturePredicate {
    /// Who signed.
    pub signer: SignerRef,
    /// What the signature means (`executed`, `reviewed`, `approved`, or `deviation-closed`).
    pub meaning: String,
    /// The statement the signer put their name to.
    pub statement: String,
    /// When, in UTC (RFC 3339, milliseconds).
    pub signed_at: String,
    /// SHA-256 of the signer's raw public key, hex.
    pub key_id: String,
    /// The package signed.
    pub package: PackageRef,
    /// The commit the package was made from (`git.json`), `null` without one.
    pub git_commit: Option<String>,
    /// Every envelope of the package that existed when this one was made, in signing order.
    pub earlier_signatures: Vec<FileRef>,
    /// This signature's entry in the audit trail.
    pub audit_entry: AuditRef,
    /// For a deviation closure: which deviation, and the disposition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<DeviationDisposition>,
    /// The signer's public key and registry entry at signing time (absent in packages signed
    /// before keys were embedded; those verify against an explicit registry only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_key: Option<PinnedKey>,
}

/// The signer as named in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerRef {
    /// Registry id.
    pub id: String,
    /// Printed name.
    pub name: String,
    /// The role signed in.
    pub role: String,
}

/// The package a signature belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageRef {
    /// Package id.
    pub id: String,
    /// SHA-256 of `manifest.json`.
    pub manifest_sha256: String,
}

/// A file of the package by path and digest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileRef {
    /// Package-relative path.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// An audit trail entry by position and digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRef {
    /// 1-based sequence number.
    pub seq: u64,
    /// SHA-256 of the entry's line (without the newline).
    pub sha256: String,
}

/// A signed disposition of a deviation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviationDisposition {
    /// Deviation id (`DEV-001`).
    pub id: String,
    /// What was decided and why.
    pub disposition: String,
    /// Classification, impact, root cause and CAPA, as far as the closer recorded them (each
    /// absent when not given, and in closures made before they existed).
    #[serde(flatten)]
    pub assessment: DeviationAssessment,
}

/// How a deviation was assessed when it was closed: what an inspector asks of every deviation
/// besides the decision itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviationAssessment {
    /// `minor`, `major` or `critical`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// Its impact on the validated state and on product quality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    /// Its root cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<String>,
    /// The CAPA (corrective and preventive action) reference, e.g. `CAPA-2026-014`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capa: Option<String>,
}

impl DeviationAssessment {
    /// `classification major; impact …; root cause …; CAPA …`, the fields given, for reports.
    pub fn summary(&self) -> String {
        [
            ("classification", &self.classification),
            ("impact", &self.impact),
            ("root cause", &self.root_cause),
            ("CAPA", &self.capa),
        ]
        .iter()
        .filter_map(|(label, v)| v.as_ref().map(|v| format!("{label}: {v}")))
        .collect::<Vec<_>>()
        .join("; ")
    }
}

/// The signer's key and registry entry as they stood when the signature was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedKey {
    /// Always [`ED25519`](crate::schema::ED25519).
    pub algorithm: String,
    /// Base64 (standard, padded) of the 32 raw public key bytes.
    pub public_key: String,
    /// SHA-256 of those 32 bytes, lowercase hex: the fingerprint to compare.
    pub key_id: String,
    /// The registry entry of the key at signing time.
    pub registry_entry: PinnedEntry,
}

/// A registry entry as written in signers.yaml, without the key (which [`PinnedKey`] holds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedEntry {
    /// The person's registry id.
    pub id: String,
    /// Printed name.
    pub name: String,
    /// Roles the registry gave the person.
    pub roles: Vec<String>,
    /// Start of the key's validity.
    pub valid_from: DateTime<Utc>,
    /// Revocation recorded at signing time (always absent for a signature that was accepted).
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{SIGNATURE_PREDICATE_TYPE, STATEMENT_TYPE};

    #[test]
    fn statement_serializes_with_in_toto_field_names() {
        let statement = Statement {
            statement_type: STATEMENT_TYPE.into(),
            subject: vec![Subject::sha256("results.json", "ab")],
            predicate_type: SIGNATURE_PREDICATE_TYPE.into(),
            predicate: SignaturePredicate {
                signer: SignerRef {
                    id: "jdoe".into(),
                    name: "Jane Doe".into(),
                    role: "validation-lead".into(),
                },
                meaning: "reviewed".into(),
                statement: "I reviewed it".into(),
                signed_at: "2025-01-01T00:00:00.000Z".into(),
                key_id: "k".into(),
                package: PackageRef {
                    id: "p".into(),
                    manifest_sha256: "m".into(),
                },
                git_commit: None,
                earlier_signatures: vec![],
                audit_entry: AuditRef {
                    seq: 4,
                    sha256: "e".into(),
                },
                deviation: None,
                signer_key: None,
            },
        };
        let json = serde_json::to_value(&statement).unwrap();
        assert_eq!(json["_type"], STATEMENT_TYPE);
        assert_eq!(json["predicateType"], SIGNATURE_PREDICATE_TYPE);
        assert_eq!(json["subject"][0]["digest"]["sha256"], "ab");
        assert!(json["predicate"].get("deviation").is_none());
        let back: Statement = serde_json::from_value(json).unwrap();
        assert_eq!(back, statement);
    }
}
