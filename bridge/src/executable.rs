//! The identity of the running executable, for installation qualification.

use std::io::Read;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Path and SHA-256 of the program file this process runs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutableIdentity {
    /// Absolute path, when the OS tells it.
    pub path: Option<String>,
    /// SHA-256 of the file (lowercase hex), when it could be read.
    pub sha256: Option<String>,
    /// Why path or digest are missing.
    pub error: Option<String>,
}

impl ExecutableIdentity {
    /// Hashes the current executable (`/proc/self/exe` on Linux).
    pub fn current() -> Self {
        let path = match std::env::current_exe() {
            Ok(path) => path,
            Err(err) => {
                return Self {
                    path: None,
                    sha256: None,
                    error: Some(format!("current_exe: {err}")),
                };
            }
        };
        let shown = Some(path.display().to_string());
        match hash_file(&path) {
            Ok(sha256) => Self {
                path: shown,
                sha256: Some(sha256),
                error: None,
            },
            Err(err) => Self {
                path: shown,
                sha256: None,
                error: Some(format!("cannot read {}: {err}", path.display())),
            },
        }
    }

    /// `{path, sha256}` (plus `error` if any) for the `config` answer.
    pub fn to_json(&self) -> Value {
        let mut value = json!({"path": self.path, "sha256": self.sha256});
        if let (Some(error), Some(object)) = (&self.error, value.as_object_mut()) {
            object.insert("error".into(), json!(error));
        }
        value
    }
}

fn hash_file(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(buffer.get(..read).unwrap_or_default());
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_the_test_binary_itself() {
        let identity = ExecutableIdentity::current();
        let path = identity.path.clone().expect("path");
        let bytes = std::fs::read(&path).expect("readable");
        assert_eq!(identity.sha256, Some(hex::encode(Sha256::digest(&bytes))));
        assert_eq!(identity.to_json()["sha256"], json!(identity.sha256));
    }
}
