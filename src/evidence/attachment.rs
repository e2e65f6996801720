//! Attachments: raw adapter traffic and logs, streamed into the package being written.
//!
//! An [`AttachmentWriter`] appends to one file and hashes as it goes, so memory stays flat however
//! much an adapter says. The package root is the staging folder; paths recorded in the results are
//! relative to it.

use qualify_evidence::layout::attachment_path;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::digest::HashingWriter;
use qualify_evidence::results::AttachmentRef;

/// Creates attachment files under `<package>/attachments/`.
#[derive(Debug, Clone)]
pub struct AttachmentStore {
    package_root: PathBuf,
}

impl AttachmentStore {
    /// A store writing below `package_root` (the staging folder of the package).
    pub fn new(package_root: impl Into<PathBuf>) -> Self {
        Self {
            package_root: package_root.into(),
        }
    }

    /// The package root this store writes into.
    pub fn package_root(&self) -> &Path {
        &self.package_root
    }

    /// Opens `attachments/<relative>` for streaming. `relative` uses `/` separators, for example
    /// `features-bridge-feature-12/bridge.jsonl`. Parent folders are created.
    pub fn create(
        &self,
        relative: &str,
        media_type: &str,
        description: &str,
    ) -> io::Result<AttachmentWriter> {
        let rel = attachment_path(relative);
        let path = self.package_root.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let file = File::create(&path)?;
        Ok(AttachmentWriter {
            out: HashingWriter::new(BufWriter::new(file)),
            rel,
            media_type: media_type.to_string(),
            description: description.to_string(),
        })
    }
}

/// An open attachment; call [`AttachmentWriter::finish`] to get its reference.
pub struct AttachmentWriter {
    out: HashingWriter<BufWriter<File>>,
    rel: String,
    media_type: String,
    description: String,
}

impl std::fmt::Debug for AttachmentWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentWriter")
            .field("path", &self.rel)
            .finish()
    }
}

impl AttachmentWriter {
    /// Path relative to the package root.
    pub fn path(&self) -> &str {
        &self.rel
    }

    /// Flushes and closes the file; returns its reference with digest and size.
    ///
    /// Not `fsync`ed here: an attachment lives in the staging folder, which counts for nothing
    /// until the seal, and the seal makes every file of the package durable at once
    /// (src/fsio/sync_tree.rs). An `fsync` per attachment was one per scenario and adapter, and
    /// on a busy disk most of a campaign's time (docs/performance.md).
    pub fn finish(self) -> io::Result<AttachmentRef> {
        let (buf, sha256, size) = self.out.finish();
        let file = buf.into_inner().map_err(|e| e.into_error())?;
        drop(file);
        Ok(AttachmentRef {
            path: self.rel,
            sha256,
            size,
            media_type: self.media_type,
            description: self.description,
        })
    }
}

impl Write for AttachmentWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
