//! Adding a signer to the registry file, as `qualify keygen --signers` does, and the YAML form of
//! an entry.

use std::fs;
use std::path::Path;

use super::error::SignError;
use super::registry::{Registry, SignerEntry};
use crate::fsio::write_atomic;
use crate::utc::format as rfc3339;

impl Registry {
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

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

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
}
