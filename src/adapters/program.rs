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

/// The arguments of `command` as the program gets them. An argument is a path relative to the
/// folder of qualify.yaml when it does not start with `-`, is not absolute, and names an existing
/// regular file there (`x.py`, `./scripts/x.js`, `bridge/config.yaml`); such an argument is passed
/// as that file's absolute path, because the program runs in the scenario's folder, not the
/// config's. Every other argument is passed as written (options, `--config=x.yaml`, names of
/// files the adapter creates, paths that exist only in the scenario's folder).
pub(crate) fn resolve_args(args: &[String], config_dir: &Path) -> Vec<String> {
    args.iter()
        .map(|arg| match config_file(arg, config_dir) {
            Some(path) => path.display().to_string(),
            None => arg.clone(),
        })
        .collect()
}

/// `config_dir/arg` when `arg` is a relative path naming an existing regular file there.
fn config_file(arg: &str, config_dir: &Path) -> Option<PathBuf> {
    let path = Path::new(arg);
    if arg.is_empty() || arg.starts_with('-') || path.is_absolute() {
        return None;
    }
    let relative: PathBuf = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let full = config_dir.join(relative);
    full.is_file().then_some(full)
}

/// The files the (resolved) arguments name: each absolute argument that is an existing regular
/// file. For `python3 x.py` that is the script, which the interpreter's digest does not cover.
pub(crate) fn named_files(resolved_args: &[String]) -> Vec<PathBuf> {
    resolved_args
        .iter()
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && p.is_file())
        .collect()
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
    fn arguments_naming_files_of_the_config_folder_are_made_absolute() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("scripts")).unwrap();
        std::fs::write(dir.join("x.py"), "").unwrap();
        std::fs::write(dir.join("scripts/y.js"), "").unwrap();
        let args: Vec<String> = [
            "x.py",
            "./scripts/y.js",
            "-u",
            "--config=x.py",
            "out.txt",
            "scripts",
            "-x.py",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let resolved = resolve_args(&args, dir);
        let x = dir.join("x.py").display().to_string();
        let y = dir.join("scripts/y.js").display().to_string();
        assert_eq!(
            resolved,
            [
                x.as_str(),
                y.as_str(),
                "-u",
                "--config=x.py",
                "out.txt",
                "scripts",
                "-x.py"
            ]
        );
        assert_eq!(
            named_files(&resolved),
            [dir.join("x.py"), dir.join("scripts/y.js")]
        );
    }

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
