//! The signers registry: a committed YAML file naming who may sign, with which roles and keys.
//!
//! ```yaml
//! signers:
//!   - id: jdoe
//!     name: Jane Doe
//!     roles: [validation-lead]
//!     key_id: 3f1c…            # optional; checked against public_key when present
//!     public_key: |
//!       -----BEGIN PUBLIC KEY-----
//!       MCowBQYDK2VwAyEA…
//!       -----END PUBLIC KEY-----
//!     valid_from: 2025-01-01T00:00:00Z
//!     revoked_at: null
//! ```
//!
//! One entry per key. A person who changes keys gets a new entry with the same id once the old
//! entry has a `revoked_at`; old signatures keep verifying against the old entry.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::SignError;
use super::keys::PublicKey;
use crate::utc::format as rfc3339;

/// One signer's key as written in the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerEntry {
    /// Short unique id of the person (`jdoe`): letters, digits, `.`, `_`, `-`.
    pub id: String,
    /// Printed name, as it appears in every signature manifestation.
    pub name: String,
    /// Roles the person holds (`validation-lead`, `quality-assurance`, ...).
    pub roles: Vec<String>,
    /// SHA-256 of the raw public key, hex. Optional: computed from `public_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// SubjectPublicKeyInfo PEM of the Ed25519 public key.
    pub public_key: String,
    /// From when signatures with this key are valid.
    pub valid_from: DateTime<Utc>,
    /// When the key was revoked; signatures made at or after this instant are invalid.
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    signers: Vec<SignerEntry>,
}

/// A signer whose entry has been checked, with its parsed key.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The entry as written.
    pub entry: SignerEntry,
    /// The parsed public key.
    pub public_key: PublicKey,
    /// Its key id.
    pub key_id: String,
}

impl Signer {
    /// Whether the key was valid at `at`: not before `valid_from`, and before `revoked_at`.
    pub fn validity_at(&self, at: DateTime<Utc>) -> Result<(), String> {
        let e = &self.entry;
        if at < e.valid_from {
            return Err(format!(
                "the key of {} ({}) is valid only from {}, after the signing time {}",
                e.name,
                e.id,
                rfc3339(e.valid_from),
                rfc3339(at)
            ));
        }
        if let Some(revoked) = e.revoked_at
            && revoked <= at
        {
            return Err(format!(
                "the key of {} ({}) was revoked at {}, before the signing time {}",
                e.name,
                e.id,
                rfc3339(revoked),
                rfc3339(at)
            ));
        }
        Ok(())
    }
}

/// The loaded registry.
#[derive(Debug, Clone)]
pub struct Registry {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its signers, in file order.
    pub signers: Vec<Signer>,
}

impl Registry {
    /// Reads and checks a registry file: ids well-formed, roles present, keys parse, key ids
    /// match, no key listed twice, `revoked_at` not before `valid_from`.
    pub fn load(path: &Path) -> Result<Registry, SignError> {
        let text = fs::read_to_string(path).map_err(|e| SignError::Registry {
            path: path.to_path_buf(),
            line: None,
            message: if e.kind() == std::io::ErrorKind::NotFound {
                "not found; create it with `qualify keygen --signers FILE`, or name it with \
                 --signers or `signers:` in qualify.yaml"
                    .into()
            } else {
                format!("cannot read it: {e}")
            },
        })?;
        Registry::parse(path, &text)
    }

    /// Parses registry text; `path` names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Registry, SignError> {
        let file: RegistryFile = if text.trim().is_empty() {
            RegistryFile::default()
        } else {
            serde_norway::from_str(text).map_err(|e| SignError::Registry {
                path: path.to_path_buf(),
                line: e.location().map(|l| l.line()),
                message: e.to_string(),
            })?
        };
        let mut signers = Vec::new();
        let mut keys = BTreeSet::new();
        for entry in file.signers {
            let invalid = |message: String| SignError::Registry {
                path: path.to_path_buf(),
                line: text
                    .lines()
                    .position(|l| l.contains(&format!("id: {}", entry.id)))
                    .map(|i| i + 1),
                message,
            };
            check_id(&entry.id).map_err(|m| invalid(format!("signer `{}`: {m}", entry.id)))?;
            if entry.name.trim().is_empty() {
                return Err(invalid(format!(
                    "signer `{}` has no printed name",
                    entry.id
                )));
            }
            if entry.roles.is_empty() {
                return Err(invalid(format!("signer `{}` has no roles", entry.id)));
            }
            let public_key = PublicKey::from_pem(&entry.public_key)
                .map_err(|m| invalid(format!("signer `{}`: {m}", entry.id)))?;
            let key_id = public_key.key_id();
            if let Some(written) = &entry.key_id
                && *written != key_id
            {
                return Err(invalid(format!(
                    "signer `{}`: key_id {written} does not match its public key (whose id is \
                     {key_id})",
                    entry.id
                )));
            }
            if !keys.insert(key_id.clone()) {
                return Err(invalid(format!(
                    "signer `{}`: this public key is already listed; one entry per key",
                    entry.id
                )));
            }
            if let Some(revoked) = entry.revoked_at
                && revoked < entry.valid_from
            {
                return Err(invalid(format!(
                    "signer `{}`: revoked_at is before valid_from",
                    entry.id
                )));
            }
            signers.push(Signer {
                entry,
                public_key,
                key_id,
            });
        }
        Ok(Registry {
            path: path.to_path_buf(),
            signers,
        })
    }

    /// The signer holding the key with this id.
    pub fn by_key_id(&self, key_id: &str) -> Option<&Signer> {
        self.signers.iter().find(|s| s.key_id == key_id)
    }
}

/// Signer ids and roles: a letter or digit, then letters, digits, `.`, `_`, `-`.
pub fn check_id(id: &str) -> Result<(), String> {
    let mut chars = id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    if first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && id.len() <= 64
    {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not a valid id: use up to 64 letters, digits, `.`, `_` and `-`, starting \
             with a letter or digit"
        ))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::sign::{PrivateKey, entry_yaml};

    fn entry(id: &str) -> SignerEntry {
        let key = PrivateKey::generate().unwrap();
        SignerEntry {
            id: id.into(),
            name: "Jane Q. Doe: \"QA\"".into(),
            roles: vec!["quality-assurance".into()],
            key_id: Some(key.key_id()),
            public_key: key.public_key().to_pem(),
            valid_from: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            revoked_at: None,
        }
    }

    #[test]
    fn invalid_entries_are_refused_with_the_line() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.yaml");
        let mut e = entry("jdoe");
        e.key_id = Some("00".into());
        let text = format!("signers:\n{}", entry_yaml(&e));
        let err = Registry::parse(&path, &text).unwrap_err();
        assert!(
            err.to_string().contains(":2: signer `jdoe`: key_id 00"),
            "{err}"
        );
        let err = Registry::parse(&path, "signers:\n  - id: x\n    nme: y\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `nme`"), "{err}");
        let bad_id = entry("has space");
        let err =
            Registry::parse(&path, &format!("signers:\n{}", entry_yaml(&bad_id))).unwrap_err();
        assert!(err.to_string().contains("not a valid id"), "{err}");
    }

    #[test]
    fn validity_window() {
        let key = PrivateKey::generate().unwrap();
        let mut e = entry("jdoe");
        e.public_key = key.public_key().to_pem();
        e.key_id = None;
        e.revoked_at = Some(Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap());
        let reg =
            Registry::parse(Path::new("s"), &format!("signers:\n{}", entry_yaml(&e))).unwrap();
        let s = reg.by_key_id(&key.key_id()).unwrap();
        assert!(
            s.validity_at(Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap())
                .is_ok()
        );
        let early = s.validity_at(Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap());
        assert!(
            early
                .unwrap_err()
                .contains("valid only from 2025-01-01T00:00:00.000Z")
        );
        let late = s.validity_at(Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap());
        assert!(
            late.unwrap_err()
                .contains("revoked at 2025-06-01T00:00:00.000Z")
        );
    }
}
