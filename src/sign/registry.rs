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

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::error::SignError;
use super::keys::PublicKey;

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
            serde_yaml::from_str(text).map_err(|e| SignError::Registry {
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

    /// Appends an entry to the registry file, creating it if missing. The text is appended so
    /// that comments and layout of a committed file survive; the result is parsed again and the
    /// file is replaced atomically only when it still reads back with the new entry.
    pub fn append(path: &Path, entry: &SignerEntry) -> Result<(), SignError> {
        let existing = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(SignError::RegistryWrite {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let registry = Registry::parse(path, &existing)?;
        if let Some(active) = registry
            .signers
            .iter()
            .find(|s| s.entry.id == entry.id && s.entry.revoked_at.is_none())
        {
            return Err(SignError::Refused(format!(
                "signer `{}` already has an active key ({}) in {}; set its revoked_at before \
                 adding a new key",
                entry.id,
                active.key_id,
                path.display()
            )));
        }
        let block = entry_yaml(entry);
        let mut appended = if existing.trim().is_empty() {
            "signers:\n".to_string()
        } else {
            existing.clone()
        };
        if !appended.ends_with('\n') {
            appended.push('\n');
        }
        appended.push_str(&block);
        let text = match Registry::parse(path, &appended) {
            Ok(r) if r.signers.len() == registry.signers.len() + 1 => appended,
            // The file's layout does not allow appending (e.g. `signers: []` or keys after the
            // list): write it out whole instead.
            _ => {
                let mut all: Vec<SignerEntry> =
                    registry.signers.into_iter().map(|s| s.entry).collect();
                all.push(entry.clone());
                let mut text = "signers:\n".to_string();
                for e in &all {
                    text.push_str(&entry_yaml(e));
                }
                text
            }
        };
        Registry::parse(path, &text)?;
        write_atomic(path, text.as_bytes()).map_err(|source| SignError::RegistryWrite {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// The YAML block of one entry, as keygen prints and appends it.
pub fn entry_yaml(entry: &SignerEntry) -> String {
    let mut out = format!(
        "  - id: {}\n    name: {}\n    roles: [{}]\n",
        yaml_scalar(&entry.id),
        yaml_scalar(&entry.name),
        entry
            .roles
            .iter()
            .map(|r| yaml_scalar(r))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(key_id) = &entry.key_id {
        out.push_str(&format!("    key_id: {key_id}\n"));
    }
    out.push_str("    public_key: |\n");
    for line in entry.public_key.trim().lines() {
        out.push_str(&format!("      {line}\n"));
    }
    out.push_str(&format!(
        "    valid_from: {}\n    revoked_at: {}\n",
        rfc3339(entry.valid_from),
        entry
            .revoked_at
            .map(rfc3339)
            .unwrap_or_else(|| "null".into())
    ));
    out
}

/// A YAML scalar: plain when safe, else double-quoted JSON (JSON strings are valid YAML).
fn yaml_scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-'))
        && !value.starts_with([' ', '-'])
        && !value.ends_with(' ')
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "~"
        )
        && value.parse::<f64>().is_err();
    if plain {
        value.to_string()
    } else {
        serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
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

/// UTC, RFC 3339, seconds (milliseconds when there are any).
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    if t.timestamp_subsec_millis() == 0 {
        t.to_rfc3339_opts(SecondsFormat::Secs, true)
    } else {
        t.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// UTC, RFC 3339, always with milliseconds: the form of signing times.
pub(crate) fn rfc3339_millis(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Replaces `path` with `bytes` atomically (temporary file in the same folder, then rename).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.prefix(".tmp-").tempfile_in(&dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    fs::File::open(&dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::sign::PrivateKey;

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
    fn append_keeps_comments_and_reads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("signers.yaml");
        fs::write(&path, "# committed registry\nsigners:\n").unwrap();
        Registry::append(&path, &entry("jdoe")).unwrap();
        Registry::append(&path, &entry("asmith")).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# committed registry\n"));
        let reg = Registry::load(&path).unwrap();
        assert_eq!(reg.signers.len(), 2);
        assert_eq!(reg.signers[0].entry.name, "Jane Q. Doe: \"QA\"");
        // A second active key for the same person is refused.
        let err = Registry::append(&path, &entry("jdoe")).unwrap_err();
        assert!(
            err.to_string().contains("already has an active key"),
            "{err}"
        );
        // `signers: []` cannot take an appended block: the file is rewritten whole.
        fs::write(&path, "signers: []\n").unwrap();
        Registry::append(&path, &entry("x")).unwrap();
        assert_eq!(Registry::load(&path).unwrap().signers.len(), 1);
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
                .contains("valid only from 2025-01-01T00:00:00Z")
        );
        let late = s.validity_at(Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap());
        assert!(
            late.unwrap_err()
                .contains("revoked at 2025-06-01T00:00:00Z")
        );
    }
}
