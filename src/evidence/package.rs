//! [`PackageWriter`]: writes an evidence package into a staging folder and seals it atomically.
//!
//! Everything is written below `evidence/.staging-<id>-<pid>/`. Sealing lists every file in
//! `manifest.json`, flushes files and folders to the disk, and renames the staging folder to
//! `evidence/<id>` in one step. A crash before that rename leaves only a folder whose
//! `.staging-` name says it is incomplete; an existing package is never written into or replaced.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use thiserror::Error;

use super::attachment::AttachmentStore;
use super::digest::{HashingWriter, sha256_file, sha256_hex};
use super::package_files::{EntryKind, join_relative, walk};
use super::package_id::reserve;
use crate::fsio::{AtomicFile, create_dir_durable};
use qualify_evidence::layout::MANIFEST_FILE;
use qualify_evidence::schema::MANIFEST_SCHEMA;
use qualify_evidence::{Manifest, ManifestEntry};

/// Why a package could not be created, written or sealed.
#[derive(Debug, Error)]
pub enum PackageError {
    /// The evidence folder cannot be created or written.
    #[error(
        "cannot write evidence packages to {}: make the folder writable for this user, or choose \
         another evidence folder",
        path.display()
    )]
    NotWritable {
        /// The evidence folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A path given for a file inside the package is not a plain relative path.
    #[error("invalid path {path:?} inside the package: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Writing a file of the package failed.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A staging entry that is not a regular file or folder (a symlink, ...).
    #[error("{} is not a regular file; a package holds only regular files", path.display())]
    NotAFile {
        /// The offending entry.
        path: PathBuf,
    },
    /// The final package folder already exists.
    #[error(
        "cannot seal the package: {} already exists, and an earlier package is never overwritten; \
         the unsealed content stays in {}",
        target.display(),
        staging.display()
    )]
    AlreadyExists {
        /// The package folder that exists.
        target: PathBuf,
        /// The staging folder, left in place.
        staging: PathBuf,
    },
    /// Sealing failed (hashing, syncing, renaming).
    #[error("cannot seal the package in {}", path.display())]
    Seal {
        /// The file or folder involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

/// A package being written. Files go below [`PackageWriter::root`] (the staging folder).
///
/// Dropping the writer without [`PackageWriter::finalize`] leaves the staging folder in place,
/// still named `.staging-…`: it never looks like a complete package, and its content stays
/// available for diagnosis. Call [`PackageWriter::discard`] to remove it.
#[derive(Debug)]
pub struct PackageWriter {
    id: String,
    evidence_dir: PathBuf,
    staging: PathBuf,
    created_at: DateTime<Utc>,
}

/// A sealed package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedPackage {
    /// The package folder, `evidence_dir/<id>`.
    pub path: PathBuf,
    /// The package id.
    pub id: String,
    /// SHA-256 of the bytes of `manifest.json`: identifies the package's exact content.
    pub manifest_sha256: String,
}

impl PackageWriter {
    /// Starts a package in `evidence_dir` (created if missing). The id is
    /// `<YYYYMMDDTHHMMSSZ>-<stage_label>-<short_commit or "norev">`, with `-2`, `-3`, … appended
    /// when that id is taken. Fails with [`PackageError::NotWritable`] when the folder cannot be
    /// written, so call this before running any scenario.
    pub fn create(
        evidence_dir: &Path,
        stage_label: &str,
        short_commit: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<PackageWriter, PackageError> {
        let not_writable = |source| PackageError::NotWritable {
            path: evidence_dir.into(),
            source,
        };
        create_dir_durable(evidence_dir).map_err(not_writable)?;
        let (id, staging) =
            reserve(evidence_dir, stage_label, short_commit, now).map_err(not_writable)?;
        Ok(PackageWriter {
            id,
            evidence_dir: evidence_dir.to_path_buf(),
            staging,
            // The one precision of recorded times (src/utc.rs).
            created_at: now.trunc_subsecs(crate::utc::FRACTION_DIGITS),
        })
    }

    /// The package id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The staging folder: the package root while writing.
    pub fn root(&self) -> &Path {
        &self.staging
    }

    /// The evidence folder the package will be sealed into.
    pub fn evidence_dir(&self) -> &Path {
        &self.evidence_dir
    }

    /// The folder the package will have once sealed, `evidence_dir/<id>`.
    pub fn final_path(&self) -> PathBuf {
        self.evidence_dir.join(&self.id)
    }

    /// An attachment store writing into this package.
    pub fn attachments(&self) -> AttachmentStore {
        AttachmentStore::new(&self.staging)
    }

    /// Writes `value` as pretty JSON (with a final newline) to `rel` (a `/`-separated path below
    /// the root), atomically: readers see the old file or the new one, never a partial one.
    pub fn write_json<T: Serialize + ?Sized>(
        &self,
        rel: &str,
        value: &T,
    ) -> Result<ManifestEntry, PackageError> {
        self.write_with(rel, |out| {
            serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::other)?;
            out.write_all(b"\n")
        })
    }

    /// Writes `rel` by streaming through `write` (atomically, like [`PackageWriter::write_json`]).
    pub fn write_with<F>(&self, rel: &str, write: F) -> Result<ManifestEntry, PackageError>
    where
        F: FnOnce(&mut dyn Write) -> io::Result<()>,
    {
        let invalid = |reason: &str| PackageError::InvalidPath {
            path: rel.into(),
            reason: reason.into(),
        };
        let target = join_relative(&self.staging, rel).map_err(invalid)?;
        if rel == MANIFEST_FILE {
            return Err(invalid("manifest.json is written by finalize"));
        }
        let write_err = |source| PackageError::Write {
            path: target.clone(),
            source,
        };
        let parent = target.parent().unwrap_or(&self.staging);
        create_dir_durable(parent).map_err(write_err)?;
        let temp = AtomicFile::new(&target).map_err(write_err)?;
        let mut out = HashingWriter::new(BufWriter::new(temp));
        write(&mut out).map_err(write_err)?;
        let (buffered, sha256, size) = out.finish();
        let temp = buffered
            .into_inner()
            .map_err(|e| write_err(e.into_error()))?;
        temp.commit().map_err(write_err)?;
        Ok(ManifestEntry {
            path: rel.to_string(),
            sha256,
            size,
        })
    }

    /// Seals the package: writes `manifest.json` listing every file under the root, flushes
    /// everything to the disk, and renames the staging folder to `evidence_dir/<id>`. On error the
    /// staging folder stays where it is.
    pub fn finalize(self) -> Result<SealedPackage, PackageError> {
        self.finalize_with(|_, _, _| Ok(()))
    }

    /// Like [`PackageWriter::finalize`], and calls `after_manifest(root, manifest,
    /// manifest_sha256)` once the manifest is written, before anything is flushed and renamed.
    /// Files it writes are not listed in the manifest but move into place with the package in the
    /// same rename: this is how the audit trail, which must name the manifest digest, is part of
    /// the package from the first moment it exists. An error leaves the staging folder in place.
    pub fn finalize_with<F>(self, after_manifest: F) -> Result<SealedPackage, PackageError>
    where
        F: FnOnce(&Path, &Manifest, &str) -> io::Result<()>,
    {
        let files = self.list_staged_files()?;
        let manifest = self.manifest_of(files);
        let bytes = self.write_manifest(&manifest)?;
        after_manifest(&self.staging, &manifest, &sha256_hex(&bytes))
            .map_err(seal_error(&self.staging))?;
        self.flush_tree()?;
        self.move_into_place(&bytes)
    }

    /// Seal phase 1: every file of the staging folder digested (the manifest's entries, in the
    /// walk's sorted order), hashed on every core.
    fn list_staged_files(&self) -> Result<Vec<ManifestEntry>, PackageError> {
        let entries = walk(&self.staging).map_err(seal_error(&self.staging))?;
        let mut to_seal = Vec::new();
        for entry in entries {
            match entry.kind {
                EntryKind::Dir => {}
                EntryKind::File if entry.rel == MANIFEST_FILE => {}
                EntryKind::File if entry.utf8 => to_seal.push(entry),
                EntryKind::File => {
                    return Err(PackageError::InvalidPath {
                        path: entry.rel,
                        reason: "the file name is not valid UTF-8, so the manifest cannot name it"
                            .into(),
                    });
                }
                EntryKind::Other => return Err(PackageError::NotAFile { path: entry.path }),
            }
        }
        let digests = super::parallel_digest::parallel_map(&to_seal, |e| sha256_file(&e.path));
        let mut files = Vec::with_capacity(to_seal.len());
        for (entry, result) in to_seal.into_iter().zip(digests) {
            let (sha256, size) = result.map_err(seal_error(&entry.path))?;
            files.push(ManifestEntry {
                path: entry.rel,
                sha256,
                size,
            });
        }
        Ok(files)
    }

    /// Seal phase 2: the manifest of `files`, sealed now.
    fn manifest_of(&self, files: Vec<ManifestEntry>) -> Manifest {
        Manifest {
            schema: MANIFEST_SCHEMA.to_string(),
            package_id: self.id.clone(),
            created_at: crate::utc::format(self.created_at),
            sealed_at: crate::utc::now_string(),
            files,
        }
    }

    /// Seal phase 3: `manifest.json` written atomically; returns its bytes (their digest names
    /// the package).
    fn write_manifest(&self, manifest: &Manifest) -> Result<Vec<u8>, PackageError> {
        let bytes = qualify_evidence::to_package_json(manifest)
            .map_err(io::Error::other)
            .map_err(seal_error(&self.staging))?;
        let manifest_path = self.staging.join(MANIFEST_FILE);
        crate::fsio::write_atomic(&manifest_path, &bytes).map_err(seal_error(&manifest_path))?;
        Ok(bytes)
    }

    /// Seal phase 4: every file and folder written so far, the callback's included, durable
    /// before the rename: one syncfs(2) where there is one, not an fsync per file and folder
    /// (three per scenario, half a campaign's time on a busy disk; src/fsio/sync_tree.rs).
    fn flush_tree(&self) -> Result<(), PackageError> {
        crate::fsio::sync_tree(&self.staging).map_err(seal_error(&self.staging))
    }

    /// Seal phase 5, the seal itself: one rename of the staging folder to `evidence_dir/<id>`,
    /// then the evidence folder flushed (rename_durable).
    fn move_into_place(self, manifest_bytes: &[u8]) -> Result<SealedPackage, PackageError> {
        let target = self.rename_into_place()?;
        Ok(SealedPackage {
            path: target,
            id: self.id,
            manifest_sha256: sha256_hex(manifest_bytes),
        })
    }

    /// Ends a trial run (`qualify run --trial`): the folder moves to `evidence_dir/<id>` as it is,
    /// without a manifest, so nothing about it claims to be sealed. The rename keeps a reader from
    /// ever seeing a half-written trial.
    pub fn finish_unsealed(self) -> Result<PathBuf, PackageError> {
        crate::fsio::sync_tree(&self.staging).map_err(seal_error(&self.staging))?;
        self.rename_into_place()
    }

    /// One rename of the staging folder to `evidence_dir/<id>`, then the evidence folder flushed.
    fn rename_into_place(&self) -> Result<PathBuf, PackageError> {
        let target = self.final_path();
        // rename(2) replaces an existing *empty* folder, so check first; a non-empty one (any
        // real package) makes the rename itself fail, which closes the remaining race.
        if fs::symlink_metadata(&target).is_ok() {
            return Err(PackageError::AlreadyExists {
                target,
                staging: self.staging.clone(),
            });
        }
        crate::fsio::rename_durable(&self.staging, &target).map_err(|source| {
            match source.kind() {
                io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty => {
                    PackageError::AlreadyExists {
                        target: target.clone(),
                        staging: self.staging.clone(),
                    }
                }
                _ => PackageError::Seal {
                    path: target.clone(),
                    source,
                },
            }
        })?;
        Ok(target)
    }

    /// Removes the staging folder and everything written so far.
    pub fn discard(self) -> Result<(), PackageError> {
        fs::remove_dir_all(&self.staging).map_err(|source| PackageError::Write {
            path: self.staging.clone(),
            source,
        })
    }
}

/// The error of a sealing step on `path`.
fn seal_error(path: &Path) -> impl FnOnce(io::Error) -> PackageError + use<> {
    let path = path.to_path_buf();
    move |source| PackageError::Seal { path, source }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap()
    }

    #[test]
    fn writes_json_atomically_and_rejects_bad_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let writer =
            PackageWriter::create(&tmp.path().join("ev"), "IQ", Some("abc1234"), now()).unwrap();
        assert_eq!(writer.id(), "20250102T030405Z-IQ-abc1234");
        let entry = writer
            .write_json("sub/x.json", &serde_json::json!({"a": 1}))
            .unwrap();
        let bytes = fs::read(writer.root().join("sub/x.json")).unwrap();
        assert_eq!(bytes, b"{\n  \"a\": 1\n}\n");
        assert_eq!(
            entry,
            ManifestEntry {
                path: "sub/x.json".into(),
                sha256: sha256_hex(&bytes),
                size: 13
            }
        );
        // Only the target file remains: the temporary file was renamed onto it.
        let names: Vec<_> = fs::read_dir(writer.root().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["x.json"]);
        // Same mode as a file created the ordinary way (an attachment), not tempfile's 0600.
        use std::os::unix::fs::PermissionsExt;
        let ordinary = writer.root().join("ordinary");
        fs::write(&ordinary, "x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&writer.root().join("sub/x.json")), mode(&ordinary));
        fs::remove_file(ordinary).unwrap();

        for bad in ["/abs.json", "../up.json", MANIFEST_FILE, ""] {
            let err = writer.write_json(bad, &1).unwrap_err();
            assert!(
                matches!(err, PackageError::InvalidPath { .. }),
                "{bad:?}: {err}"
            );
        }
        // A failing writer leaves no file behind.
        let err = writer
            .write_with("broken.txt", |_| Err(io::Error::other("boom")))
            .unwrap_err();
        assert!(matches!(err, PackageError::Write { .. }));
        assert!(!writer.root().join("broken.txt").exists());
        writer.discard().unwrap();
        assert_eq!(fs::read_dir(tmp.path().join("ev")).unwrap().count(), 0);
    }

    #[test]
    fn dropped_writer_leaves_a_staging_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = {
            let writer = PackageWriter::create(tmp.path(), "OQ", None, now()).unwrap();
            writer.write_json("results.json", &1).unwrap();
            writer.root().to_path_buf()
        };
        assert!(staging.join("results.json").is_file());
        let name = staging.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".staging-20250102T030405Z-OQ-norev-"),
            "{name}"
        );
        // The abandoned id is not reused.
        let next = PackageWriter::create(tmp.path(), "OQ", None, now()).unwrap();
        assert_eq!(next.id(), "20250102T030405Z-OQ-norev-2");
    }

    #[test]
    fn finalize_refuses_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let writer = PackageWriter::create(tmp.path(), "OQ", None, now()).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", writer.root().join("link")).unwrap();
        let staging = writer.root().to_path_buf();
        let err = writer.finalize().unwrap_err();
        assert!(matches!(err, PackageError::NotAFile { .. }), "{err}");
        assert!(staging.is_dir());
    }

    #[test]
    fn finalize_never_replaces_an_existing_package() {
        let tmp = tempfile::tempdir().unwrap();
        let writer = PackageWriter::create(tmp.path(), "PQ", None, now()).unwrap();
        writer.write_json("results.json", &1).unwrap();
        // Another writer took the id after this one reserved it.
        let target = writer.final_path();
        fs::create_dir(&target).unwrap();
        fs::write(target.join("results.json"), "earlier").unwrap();
        let err = writer.finalize().unwrap_err();
        assert!(matches!(err, PackageError::AlreadyExists { .. }), "{err}");
        assert_eq!(
            fs::read_to_string(target.join("results.json")).unwrap(),
            "earlier"
        );
    }
}
