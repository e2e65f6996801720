//! [`Record`]: one event of the ledger, stored as one JSON file of a ledger commit.
//!
//! The records are documented field by field in `docs/anchoring.md`. Each file is named after
//! what makes the event unique (the manifest digest of a seal, the envelope digest of a
//! signature), so that appending the same event twice adds nothing.

use serde::{Deserialize, Serialize};

use crate::evidence::sha256_hex;

/// Identifier and version of a ledger record.
pub use qualify_evidence::schema::LEDGER_SCHEMA as RECORD_SCHEMA;

/// One ledger event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// `qualify run` sealed a package.
    Sealed(SealRecord),
    /// A workflow signature or a deviation closure was made (`sign`, `deviation close`).
    Envelope(EnvelopeRecord),
    /// A signing was refused: wrong passphrase, unknown key, role not allowed, ...
    FailedAttempt(FailedAttemptRecord),
    /// A package was superseded by another (`qualify supersede`).
    Superseded(SupersededRecord),
}

/// What every record carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Common {
    /// Always [`RECORD_SCHEMA`].
    pub schema: String,
    /// The package the event concerns.
    pub package_id: String,
    /// When the record was written (UTC, RFC 3339, milliseconds), by the writer's clock.
    pub recorded_at: String,
    /// Who wrote it: the OS user, and the CI job when there is one.
    pub recorded_by: String,
}

/// A sealed package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealRecord {
    /// Shared fields.
    #[serde(flatten)]
    pub common: Common,
    /// `IQ`, `OQ`, `PQ` or `ALL`.
    pub stage: String,
    /// The commit of `git.json`, when there is one.
    pub commit: Option<String>,
    /// SHA-256 of `manifest.json`.
    pub manifest_sha256: String,
    /// `sealed_at` of the manifest.
    pub sealed_at: String,
    /// `passed` or `failed`.
    pub result: String,
}

/// A signature or a closure, with the whole envelope so that it can be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeRecord {
    /// Shared fields.
    #[serde(flatten)]
    pub common: Common,
    /// Package-relative path of the envelope.
    pub path: String,
    /// SHA-256 of the envelope file's bytes.
    pub envelope_sha256: String,
    /// The envelope file's bytes, exactly (it is UTF-8 JSON).
    pub envelope: String,
    /// The manifest digest the statement signs.
    pub manifest_sha256: String,
    /// `executed`, `reviewed`, `approved`, ... or `deviation-closed`.
    pub meaning: String,
    /// For a closure, the deviation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<String>,
    /// The signer's registry id.
    pub signer_id: String,
    /// The key id.
    pub key_id: String,
    /// The statement's `signed_at`.
    pub signed_at: String,
    /// The audit entry's sequence number.
    pub audit_seq: u64,
    /// The audit entry's line (without the newline), so an interrupted signing can be completed.
    pub audit_line: String,
}

/// A refused signing (21 CFR 11.300(d)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedAttemptRecord {
    /// Shared fields.
    #[serde(flatten)]
    pub common: Common,
    /// What was attempted (`sign --meaning approved`, `deviation close DEV-001`).
    pub action: String,
    /// The key file given (the message names the key id and signer when they were known).
    pub claimed_key: String,
    /// Why it was refused.
    pub reason: String,
}

/// A package disposed of in favour of another by a signed supersession record (`qualify
/// supersede`), with the record's exact bytes so that an interrupted supersede can be completed
/// and a removed record file is detected (src/anchor/supersession.rs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupersededRecord {
    /// Shared fields (`package_id`: the superseded package).
    #[serde(flatten)]
    pub common: Common,
    /// SHA-256 of the superseded package's `manifest.json`.
    pub manifest_sha256: String,
    /// The package that replaces it.
    pub superseded_by: String,
    /// SHA-256 of the replacement's `manifest.json`.
    pub replacement_manifest_sha256: String,
    /// The signer's registry id.
    pub signer_id: String,
    /// The role signed in.
    pub role: String,
    /// The key id (fingerprint) that signed the record.
    pub key_id: String,
    /// SHA-256 of the reason text (the text itself is in the signed record).
    pub reason_sha256: String,
    /// The record's `signed_at`.
    pub signed_at: String,
    /// The record file, relative to the repository's root.
    pub path: String,
    /// SHA-256 of the record file's bytes.
    pub envelope_sha256: String,
    /// The record file's bytes, exactly (UTF-8 JSON).
    pub envelope: String,
}

impl Record {
    /// The shared fields.
    pub fn common(&self) -> &Common {
        match self {
            Record::Sealed(r) => &r.common,
            Record::Envelope(r) => &r.common,
            Record::FailedAttempt(r) => &r.common,
            Record::Superseded(r) => &r.common,
        }
    }

    /// The record's file name inside `packages/<package id>/`: what makes the event unique.
    pub fn file_name(&self) -> String {
        match self {
            Record::Sealed(r) => format!("sealed-{}.json", r.manifest_sha256),
            Record::Envelope(r) => format!("envelope-{}.json", r.envelope_sha256),
            Record::FailedAttempt(_) => format!("failed-{}.json", sha256_hex(&self.to_bytes())),
            Record::Superseded(r) => format!("superseded-{}.json", r.envelope_sha256),
        }
    }

    /// The record's bytes: pretty JSON with a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Plain strings and numbers always serialize.
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// The one-line summary used as the ledger commit message.
    pub fn summary(&self) -> String {
        let id = &self.common().package_id;
        match self {
            Record::Sealed(r) => format!("sealed {id} (manifest sha256 {})", r.manifest_sha256),
            Record::Envelope(r) => format!("{} {id}: {} by {}", r.meaning, r.path, r.signer_id),
            Record::FailedAttempt(r) => format!("failed attempt on {id}: {}", r.action),
            Record::Superseded(r) => format!("{id} superseded by {}", r.superseded_by),
        }
    }
}

impl Common {
    /// Shared fields for a record written now by this process.
    pub fn now(package_id: &str) -> Common {
        let ci = crate::evidence::ci_variables(std::env::vars());
        let user = crate::evidence::current_user().unwrap_or_else(|| "unknown".into());
        let recorded_by = match crate::audit::ci_job(&ci) {
            Some(job) => format!("{user} (CI job {job})"),
            None => user,
        };
        Common {
            schema: RECORD_SCHEMA.into(),
            package_id: package_id.to_string(),
            recorded_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            recorded_by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_with_a_kind_tag() {
        let record = Record::Sealed(SealRecord {
            common: Common {
                schema: RECORD_SCHEMA.into(),
                package_id: "p".into(),
                recorded_at: "2025-01-01T00:00:00.000Z".into(),
                recorded_by: "ci".into(),
            },
            stage: "OQ".into(),
            commit: Some("c".into()),
            manifest_sha256: "m".into(),
            sealed_at: "2025-01-01T00:00:00Z".into(),
            result: "passed".into(),
        });
        let json: serde_json::Value = serde_json::from_slice(&record.to_bytes()).unwrap();
        assert_eq!(json["kind"], "sealed");
        assert_eq!(json["package_id"], "p");
        let back: Record = serde_json::from_slice(&record.to_bytes()).unwrap();
        assert_eq!(back, record);
        assert_eq!(record.file_name(), "sealed-m.json");
    }
}
