//! Loading what a signing needs from the command line: the registry and the decrypted key.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::errors::Error;
use crate::sign::{PrivateKey, Registry, passphrase_for};

/// The registry named by `--signers`, else by qualify.yaml.
pub fn registry_path(config: &Config, signers: Option<&Path>) -> PathBuf {
    match signers {
        Some(p) => absolute(p),
        None => config.signers.clone(),
    }
}

/// Reads the key at `path`, asking for its passphrase (environment, else terminal).
pub fn read_key(path: &Path) -> Result<PrivateKey, Error> {
    // Check the file before asking for a passphrase that would be wasted on it.
    crate::sign::check_private_mode(path)?;
    let passphrase = passphrase_for(&format!("Passphrase for {}: ", path.display()))?;
    Ok(PrivateKey::read_encrypted(path, &passphrase)?)
}

/// Loads the registry.
pub fn load_registry(path: &Path) -> Result<Registry, Error> {
    Ok(Registry::load(path)?)
}

/// A path made absolute against the current directory.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// The package folder given on the command line, made absolute; an input error when it is not a
/// folder, or is a trial run's folder (`qualify run --trial`), which is never evidence.
pub fn package_dir(path: &Path) -> Result<PathBuf, Error> {
    let dir = absolute(path);
    if let Some(refusal) = crate::evidence::refuse_trial(&dir, path) {
        return Err(Error::Usage(refusal));
    }
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(Error::Usage(format!(
            "{}: no such package folder (give evidence/<package id>)",
            path.display()
        )))
    }
}
