//! Reading a file of a package that may have been prepared by an attacker.
//!
//! `verify` and `gate` trust nothing in the package folder, not even the kind of its files: a
//! symlink could make them read (and report on) a file outside the package, a FIFO would block
//! `open` forever, and a link to `/dev/zero` never ends. So every read here opens with
//! `O_NOFOLLOW | O_NONBLOCK` (a symlink fails, a FIFO opens without waiting for a writer), checks
//! on the open descriptor that it is a regular file, and reads at most a stated number of bytes.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Largest metadata file verify reads that the manifest does not size (manifest.json, the audit
/// trail): 64 MiB, far above any real package (a trail line is a few hundred bytes).
pub const MAX_METADATA_BYTES: u64 = 64 * 1024 * 1024;

/// Largest signature envelope verify reads: 1 MiB (real ones are a few KiB).
pub const MAX_ENVELOPE_BYTES: u64 = 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum SafeReadError {
    /// The path is a symbolic link; it is never followed.
    #[error("is a symbolic link (never followed: it could point outside the package)")]
    Symlink,
    /// A FIFO, device, socket or folder.
    #[error("is not a regular file (a {0}); only regular files are read")]
    NotRegular(&'static str),
    /// Larger than allowed.
    #[error("is larger than the {limit} bytes allowed ({size} bytes): not read")]
    TooLarge {
        /// The limit.
        limit: u64,
        /// Its size (or at least how much was there).
        size: u64,
    },
    /// Missing or unreadable.
    #[error("cannot read it: {0}")]
    Io(#[source] io::Error),
}

/// Opens `path` as a regular file without following a final symlink and without blocking.
pub fn open_regular(path: &Path) -> Result<File, SafeReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        // ELOOP is what O_NOFOLLOW gives for a symlink.
        Err(e) if is_symlink_error(&e, path) => return Err(SafeReadError::Symlink),
        Err(e) => return Err(SafeReadError::Io(e)),
    };
    let kind = file.metadata().map_err(SafeReadError::Io)?.file_type();
    if !kind.is_file() {
        return Err(SafeReadError::NotRegular(kind_name(&kind)));
    }
    Ok(file)
}

/// Reads the regular file at `path`, refusing anything above `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, SafeReadError> {
    let file = open_regular(path)?;
    let size = file.metadata().map_err(SafeReadError::Io)?.len();
    if size > limit {
        return Err(SafeReadError::TooLarge { limit, size });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The size can change between fstat and read; never take more than the limit plus one byte.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(SafeReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(SafeReadError::TooLarge {
            limit,
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

fn is_symlink_error(e: &io::Error, path: &Path) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return true;
    }
    let _ = e;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn kind_name(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "device";
        }
        if kind.is_socket() {
            return "socket";
        }
    }
    if kind.is_dir() {
        "folder"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_symlinks_fifos_devices_and_large_files() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        std::fs::write(&file, b"hello").unwrap();
        assert_eq!(read_regular(&file, 5).unwrap(), b"hello");
        assert!(matches!(
            read_regular(&file, 4),
            Err(SafeReadError::TooLarge { .. })
        ));
        let link = tmp.path().join("l");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(matches!(
            read_regular(&link, 100),
            Err(SafeReadError::Symlink)
        ));
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 100),
            Err(SafeReadError::NotRegular("device"))
        ));
        assert!(matches!(
            read_regular(tmp.path(), 100),
            Err(SafeReadError::NotRegular("folder"))
        ));
        let fifo = tmp.path().join("p");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        // Returns at once: O_NONBLOCK does not wait for a writer.
        assert!(matches!(
            read_regular(&fifo, 100),
            Err(SafeReadError::NotRegular("FIFO"))
        ));
    }
}
