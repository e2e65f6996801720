//! Durable folder operations: a new name, a rename or a removal only survives a crash once the
//! folder holding it is flushed, which POSIX does by `fsync` on the folder itself.

use std::fs::{self, File};
use std::io;
use std::path::Path;

/// Flushes a file's content and metadata to the disk.
pub fn sync_file(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

/// Flushes a folder's entries (new names, renames, removals) to the disk.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    File::open(path)?.sync_all()
}

/// Creates `path` and any missing parents, flushing the parent of each folder created so that the
/// whole chain survives a crash. An existing folder is left as it is.
pub fn create_dir_durable(path: &Path) -> io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_durable(parent)?;
    }
    match fs::create_dir(path) {
        Ok(()) => {}
        // Another process made it in the meantime: fine, it is there.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => return Ok(()),
        Err(e) => return Err(e),
    }
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Renames `from` to `to` (same file system) and flushes both folders.
pub fn rename_durable(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)?;
    let to_dir = to.parent().unwrap_or(Path::new("."));
    sync_dir(to_dir)?;
    match from.parent() {
        Some(from_dir) if from_dir != to_dir => sync_dir(from_dir),
        _ => Ok(()),
    }
}

/// Removes the folder `path` with everything in it (nothing when it is absent) and flushes its
/// parent.
pub fn remove_dir_durable(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_renames_and_removes_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b/c");
        create_dir_durable(&deep).unwrap();
        create_dir_durable(&deep).unwrap();
        assert!(deep.is_dir());
        fs::write(deep.join("f"), "f").unwrap();
        rename_durable(&deep.join("f"), &tmp.path().join("a/g")).unwrap();
        assert_eq!(fs::read_to_string(tmp.path().join("a/g")).unwrap(), "f");
        remove_dir_durable(&tmp.path().join("a/b")).unwrap();
        remove_dir_durable(&tmp.path().join("a/b")).unwrap();
        assert!(!tmp.path().join("a/b").exists());
        sync_file(&tmp.path().join("a/g")).unwrap();
    }
}
