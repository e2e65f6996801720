//! Finding an adapter's executable and fingerprinting it.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::evidence::sha256_file;

/// Resolves the program of `command`: a path with a separator is taken relative to the config
/// folder, a bare name is looked up on `PATH` (the adapter's own `env.PATH` when it sets one, as
/// that is the environment the program runs in). `Err` explains what was not found.
pub(crate) fn resolve_program(
    program: &str,
    config_dir: &Path,
    env: &BTreeMap<String, String>,
) -> Result<PathBuf, String> {
    if program.is_empty() {
        return Err("`command` is empty".to_string());
    }
    if program.contains('/') || program.contains(std::path::MAIN_SEPARATOR) {
        // `./x` reads better in evidence as `<config dir>/x`.
        let relative: PathBuf = Path::new(program)
            .components()
            .filter(|c| *c != Component::CurDir)
            .collect();
        return Ok(config_dir.join(relative));
    }
    let path: Option<OsString> = env
        .get("PATH")
        .map(OsString::from)
        .or_else(|| std::env::var_os("PATH"));
    let found = path
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|c| {
            c.metadata()
                .map(|m| m.is_file() && is_executable(&m))
                .unwrap_or(false)
        });
    found.ok_or_else(|| format!("\"{program}\" was not found on PATH"))
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    true
}

/// SHA-256 of executables, remembered per path, modification time and size: with `isolation:
/// process` every scenario starts the program again, and rehashing a large binary each time would
/// cost more than the scenario.
#[derive(Debug, Default)]
pub(crate) struct DigestCache {
    known: Mutex<HashMap<PathBuf, (SystemTime, u64, String)>>,
}

impl DigestCache {
    /// The lowercase hex digest of `path`, hashed on the blocking pool when not known yet.
    pub(crate) async fn digest(&self, path: &Path) -> io::Result<String> {
        let meta = tokio::fs::metadata(path).await?;
        if !meta.is_file() {
            return Err(io::Error::other("not a regular file"));
        }
        let stamp = (meta.modified()?, meta.len());
        if let Some((modified, len, digest)) = self.lock().get(path)
            && (*modified, *len) == stamp
        {
            return Ok(digest.clone());
        }
        let digest = hash_blocking(path.to_path_buf()).await?;
        self.lock()
            .insert(path.to_path_buf(), (stamp.0, stamp.1, digest.clone()));
        Ok(digest)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, (SystemTime, u64, String)>> {
        self.known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Hashes a file on the blocking pool.
pub(crate) async fn hash_blocking(path: PathBuf) -> io::Result<String> {
    tokio::task::spawn_blocking(move || sha256_file(&path).map(|(digest, _)| digest))
        .await
        .map_err(io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution() {
        let dir = Path::new("/project");
        let none = BTreeMap::new();
        assert_eq!(
            resolve_program("bin/a", dir, &none).unwrap(),
            Path::new("/project/bin/a")
        );
        assert_eq!(
            resolve_program("./bin/./a", dir, &none).unwrap(),
            Path::new("/project/bin/a")
        );
        assert_eq!(
            resolve_program("/abs/a", dir, &none).unwrap(),
            Path::new("/abs/a")
        );
        assert!(resolve_program("", dir, &none).is_err());
        let sh = resolve_program("sh", dir, &none).unwrap();
        assert!(sh.is_absolute() && sh.ends_with("sh"));
        let mut env = BTreeMap::new();
        env.insert("PATH".to_string(), "/nonexistent-qualify-dir".to_string());
        let err = resolve_program("sh", dir, &env).unwrap_err();
        assert!(err.contains("not found on PATH"), "{err}");
    }
}
