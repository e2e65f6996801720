//! [`AtomicFile`]: a file replaced in one step, durably.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::dirs::sync_dir;

/// Name prefix of temporary files; the writer's pid follows.
pub const TEMP_PREFIX: &str = ".tmp-";

/// A file being written under a temporary name next to its final `path`. [`AtomicFile::commit`]
/// makes it the file at `path`; dropping it without commit removes the temporary file.
#[derive(Debug)]
pub struct AtomicFile {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
    dir: PathBuf,
}

impl AtomicFile {
    /// Starts the file that will replace `path`, with the permissions of any newly created file
    /// (0666 less the umask; tempfile's own 0600 would hide package files from reviewers).
    pub fn new(path: &Path) -> io::Result<AtomicFile> {
        AtomicFile::with_mode(path, 0o666)
    }

    /// Like [`AtomicFile::new`] with the given permission bits (less the umask), e.g. 0600 for a
    /// private key.
    pub fn with_mode(path: &Path, mode: u32) -> io::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(mode));
        }
        #[cfg(not(unix))]
        let _ = mode;
        let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
        let temp = builder.prefix(&prefix).tempfile_in(&dir)?;
        Ok(AtomicFile {
            temp,
            path: path.to_path_buf(),
            dir,
        })
    }

    /// The open temporary file.
    pub fn file(&self) -> &File {
        self.temp.as_file()
    }

    /// Flushes the content, renames it over `path`, and flushes the folder.
    pub fn commit(self) -> io::Result<()> {
        self.temp.as_file().sync_all()?;
        self.temp.persist(&self.path).map_err(|e| e.error)?;
        sync_dir(&self.dir)
    }

    /// Like [`AtomicFile::commit`], but fails with `AlreadyExists` instead of replacing a file
    /// that is already at `path` (the temporary file is then removed).
    pub fn commit_new(self) -> io::Result<()> {
        self.temp.as_file().sync_all()?;
        self.temp
            .persist_noclobber(&self.path)
            .map_err(|e| e.error)?;
        sync_dir(&self.dir)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Replaces `path` with `bytes`, atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::new(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// Writes `bytes` as a new file `path` with permissions `mode` (less the umask), atomically and
/// durably; fails with `AlreadyExists` when `path` exists, which is never replaced.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    if fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", path.display()),
        ));
    }
    let mut file = AtomicFile::with_mode(path, mode)?;
    file.write_all(bytes)?;
    file.commit_new()
}

/// Writes `bytes` to `path` (created or truncated) and flushes it, without the rename: for files
/// inside a folder that is itself committed or discarded as a whole (a staging folder), where a
/// torn file is never read as a complete one.
pub fn write_durable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn replaces_whole_files_and_leaves_no_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(names(tmp.path()), ["a.json"]);

        // Dropped before commit: the old file stays, the temporary file goes.
        let mut dropped = AtomicFile::new(&path).unwrap();
        dropped.write_all(b"three").unwrap();
        let temp_name = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(TEMP_PREFIX))
            .unwrap();
        assert!(temp_name.starts_with(&format!("{TEMP_PREFIX}{}-", std::process::id())));
        drop(dropped);
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(names(tmp.path()), ["a.json"]);
    }

    #[test]
    fn write_new_never_replaces_and_sets_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("key.pem");
        write_new(&path, b"secret", 0o600).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let err = write_new(&path, b"other", 0o600).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"secret");
        assert_eq!(names(tmp.path()), ["key.pem"]);
    }
}
