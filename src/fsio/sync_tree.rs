//! Making a whole folder tree durable before it is sealed by a rename.
//!
//! A package has a folder per scenario and an attachment per adapter and scenario: flushing each
//! file and folder on its own took three `fsync`s per scenario, and on a busy disk those were
//! about half of a campaign's wall time (docs/performance.md). On Linux one `syncfs(2)` of the
//! file system holding the tree writes every file and folder of it to the disk in one go, with
//! the same guarantee (since Linux 5.8 it also reports write-back errors, which fail the seal as
//! an `fsync` error did). Elsewhere, or when the kernel has no `syncfs`, every file and folder
//! below the root is flushed one by one, deepest folders first and the root last.

use std::fs::{self, File};
use std::io;
use std::path::Path;

use super::dirs::{sync_dir, sync_file};

/// Flushes every file and folder below `root`, and `root` itself, to the disk.
pub fn sync_tree(root: &Path) -> io::Result<()> {
    if sync_filesystem(root)? {
        return Ok(());
    }
    sync_each(root)
}

/// One `syncfs(2)` of the file system holding `root`; `false` when the kernel does not have it.
#[cfg(target_os = "linux")]
fn sync_filesystem(root: &Path) -> io::Result<bool> {
    let dir = File::open(root)?;
    match rustix::fs::syncfs(&dir) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::NOSYS) => Ok(false),
        Err(e) => Err(io::Error::from(e)),
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_filesystem(root: &Path) -> io::Result<bool> {
    File::open(root).map(|_| false)
}

/// Every file, then every folder deepest first, then `root`, each flushed on its own.
fn sync_each(root: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
                dirs.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    for file in &files {
        sync_file(file)?;
    }
    dirs.sort_by_key(|d: &std::path::PathBuf| std::cmp::Reverse(depth(d)));
    for dir in dirs.iter().chain(std::iter::once(&root.to_path_buf())) {
        sync_dir(dir)?;
    }
    Ok(())
}

fn depth(path: &Path) -> usize {
    path.components().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flushes_a_tree_both_ways_and_fails_on_a_missing_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("pkg");
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/b/f.txt"), "x").unwrap();
        fs::write(root.join("top.json"), "{}").unwrap();
        sync_tree(&root).unwrap();
        sync_each(&root).unwrap();
        assert!(sync_tree(&tmp.path().join("missing")).is_err());
    }
}
