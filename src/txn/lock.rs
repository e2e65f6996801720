//! [`PackageLock`]: one changing command at a time per package.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::error::TxnError;
use crate::evidence::MANIFEST_FILE;

/// An exclusive advisory lock on a package's `manifest.json`, released when dropped (also when
/// the process is killed: the kernel drops the lock with the process). Recovery runs only under
/// it, so it never mistakes a live operation's `.pending/` for a leftover.
#[derive(Debug)]
pub struct PackageLock {
    _file: File,
    dir: PathBuf,
}

impl PackageLock {
    /// Waits for and takes the lock of the package at `dir`.
    pub fn acquire(dir: &Path) -> Result<PackageLock, TxnError> {
        let path = dir.join(MANIFEST_FILE);
        let file = File::open(&path).map_err(TxnError::io(&path))?;
        file.lock().map_err(TxnError::io(&path))?;
        Ok(PackageLock {
            _file: file,
            dir: dir.to_path_buf(),
        })
    }

    /// The package folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
