//! [`Manifest`] (`manifest.json`, defined in the `qualify-evidence` crate) checked against the
//! files of its package folder: [`VerifyManifest::verify_files`] and the [`ManifestProblem`]s it
//! finds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
#[cfg(test)]
use std::fs;
use std::path::Path;

use qualify_evidence::Manifest;
use qualify_evidence::layout::MANIFEST_FILE;
use serde::{Deserialize, Serialize};

use super::digest::sha256_file;
use super::package_files::{EntryKind, join_relative, walk};

/// A difference between a manifest and the package folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ManifestProblem {
    /// The file's content differs from what the manifest records.
    Changed {
        /// Package-relative path.
        path: String,
        /// Digest in the manifest.
        expected_sha256: String,
        /// Digest of the file now.
        actual_sha256: String,
        /// Size in the manifest.
        expected_size: u64,
        /// Size of the file now.
        actual_size: u64,
    },
    /// The manifest lists a file that is not there.
    Missing {
        /// Package-relative path.
        path: String,
    },
    /// A file is there that the manifest does not list.
    Added {
        /// Package-relative path.
        path: String,
    },
    /// A listed path is a symlink, folder or other non-regular file.
    NotAFile {
        /// Package-relative path.
        path: String,
    },
    /// A listed file exists but could not be read.
    Unreadable {
        /// Package-relative path (empty for the package folder itself).
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// A manifest entry is malformed (escaping or duplicate path).
    InvalidEntry {
        /// The path as written in the manifest.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl ManifestProblem {
    /// The package-relative path the problem is about.
    pub fn path(&self) -> &str {
        match self {
            ManifestProblem::Changed { path, .. }
            | ManifestProblem::Missing { path }
            | ManifestProblem::Added { path }
            | ManifestProblem::NotAFile { path }
            | ManifestProblem::Unreadable { path, .. }
            | ManifestProblem::InvalidEntry { path, .. } => path,
        }
    }
}

impl fmt::Display for ManifestProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestProblem::Changed {
                path,
                expected_sha256,
                actual_sha256,
                ..
            } => write!(
                f,
                "{path}: content changed (manifest SHA-256 {expected_sha256}, file now {actual_sha256})"
            ),
            ManifestProblem::Missing { path } => {
                write!(f, "{path}: listed in the manifest but missing")
            }
            ManifestProblem::Added { path } => write!(f, "{path}: not listed in the manifest"),
            ManifestProblem::NotAFile { path } => write!(f, "{path}: not a regular file"),
            ManifestProblem::Unreadable { path, reason } => {
                write!(f, "{path}: cannot be read: {reason}")
            }
            ManifestProblem::InvalidEntry { path, reason } => {
                write!(f, "{path:?}: invalid manifest entry: {reason}")
            }
        }
    }
}

/// The files [`VerifyManifest::verify_files`] hashes, in the order it meets them: the entries
/// that are valid, listed once and a regular file on disk (the same tests, in the same order).
fn hashable(
    manifest: &Manifest,
    package_dir: &Path,
    on_disk: &BTreeMap<String, (EntryKind, bool)>,
) -> Vec<std::path::PathBuf> {
    let mut listed = BTreeSet::new();
    let mut out = Vec::new();
    for entry in &manifest.files {
        let Ok(full) = join_relative(package_dir, &entry.path) else {
            continue;
        };
        if entry.path == MANIFEST_FILE || !listed.insert(entry.path.as_str()) {
            continue;
        }
        if let Some((EntryKind::File, true)) = on_disk.get(&entry.path) {
            out.push(full);
        }
    }
    out
}

/// The check of a [`Manifest`] against the files of its package folder: qualify's, not the
/// format crate's, because it hashes files.
pub trait VerifyManifest {
    /// Compares the manifest with the files under `package_dir`: every changed, missing, added
    /// or non-regular file, sorted by path. Empty means the files are exactly those sealed.
    /// `manifest.json` itself is not compared (it cannot list its own digest).
    fn verify_files(&self, package_dir: &Path) -> Vec<ManifestProblem>;
}

impl VerifyManifest for Manifest {
    fn verify_files(&self, package_dir: &Path) -> Vec<ManifestProblem> {
        let mut problems = Vec::new();
        let on_disk: BTreeMap<String, (EntryKind, bool)> = match walk(package_dir) {
            Ok(entries) => entries
                .into_iter()
                .map(|e| (e.rel, (e.kind, e.utf8)))
                .collect(),
            Err(e) => {
                return vec![ManifestProblem::Unreadable {
                    path: String::new(),
                    reason: format!("cannot list {}: {e}", package_dir.display()),
                }];
            }
        };

        // Every listed regular file is hashed up front, on all cores (the comparison below only
        // reads the digests); what cannot be hashed there is reported as before.
        let mut digests =
            super::parallel_digest::sha256_files(&hashable(self, package_dir, &on_disk))
                .into_iter();
        let mut listed = BTreeSet::new();
        for entry in &self.files {
            let path = entry.path.clone();
            let full = match join_relative(package_dir, &entry.path) {
                Ok(full) if entry.path != MANIFEST_FILE => full,
                Ok(_) => {
                    let reason = "the manifest cannot list itself".to_string();
                    problems.push(ManifestProblem::InvalidEntry { path, reason });
                    continue;
                }
                Err(reason) => {
                    problems.push(ManifestProblem::InvalidEntry {
                        path,
                        reason: reason.into(),
                    });
                    continue;
                }
            };
            if !listed.insert(entry.path.as_str()) {
                let reason = "listed more than once".to_string();
                problems.push(ManifestProblem::InvalidEntry { path, reason });
                continue;
            }
            match on_disk.get(&entry.path) {
                None => problems.push(ManifestProblem::Missing { path }),
                Some((EntryKind::File, true)) => match digests
                    .next()
                    .unwrap_or_else(|| sha256_file(&full))
                {
                    Ok((sha256, size)) if sha256 == entry.sha256 && size == entry.size => {}
                    Ok((actual_sha256, actual_size)) => problems.push(ManifestProblem::Changed {
                        path,
                        expected_sha256: entry.sha256.clone(),
                        actual_sha256,
                        expected_size: entry.size,
                        actual_size,
                    }),
                    Err(e) => problems.push(ManifestProblem::Unreadable {
                        path,
                        reason: e.to_string(),
                    }),
                },
                Some(_) => problems.push(ManifestProblem::NotAFile { path }),
            }
        }

        for (rel, (kind, utf8)) in &on_disk {
            let unlisted = !listed.contains(rel.as_str()) || !utf8;
            if *kind != EntryKind::Dir && unlisted && rel != MANIFEST_FILE {
                problems.push(ManifestProblem::Added { path: rel.clone() });
            }
        }
        problems.sort_by(|a, b| a.path().cmp(b.path()));
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::sha256_hex;
    use qualify_evidence::schema::MANIFEST_SCHEMA;
    use qualify_evidence::{ManifestEntry, ManifestError};

    fn manifest(files: Vec<ManifestEntry>) -> Manifest {
        Manifest {
            schema: MANIFEST_SCHEMA.into(),
            package_id: "p".into(),
            created_at: "2025-01-01T00:00:00Z".into(),
            sealed_at: "2025-01-01T00:00:01Z".into(),
            files,
        }
    }

    fn entry(path: &str, content: &[u8]) -> ManifestEntry {
        ManifestEntry {
            path: path.into(),
            sha256: sha256_hex(content),
            size: content.len() as u64,
        }
    }

    #[test]
    fn load_checks_schema_and_syntax() {
        let tmp = tempfile::tempdir().unwrap();
        let good = manifest(vec![entry("a", b"a")]);
        fs::write(
            tmp.path().join(MANIFEST_FILE),
            serde_json::to_vec(&good).unwrap(),
        )
        .unwrap();
        assert_eq!(Manifest::load(tmp.path()).unwrap(), good);
        assert_eq!(
            Manifest::load(&tmp.path().join(MANIFEST_FILE)).unwrap(),
            good
        );

        let mut other = good.clone();
        other.schema = "qualify.manifest/v9".into();
        fs::write(
            tmp.path().join(MANIFEST_FILE),
            serde_json::to_vec(&other).unwrap(),
        )
        .unwrap();
        let err = Manifest::load(tmp.path()).unwrap_err();
        assert!(
            matches!(err, ManifestError::UnsupportedSchema { ref found, .. } if found == "qualify.manifest/v9")
        );

        fs::write(tmp.path().join(MANIFEST_FILE), b"{not json").unwrap();
        assert!(matches!(
            Manifest::load(tmp.path()),
            Err(ManifestError::Parse { .. })
        ));
        assert!(matches!(
            Manifest::load(&tmp.path().join("missing.json")),
            Err(ManifestError::Read { .. })
        ));
    }

    #[test]
    fn verify_reports_malformed_entries_and_non_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::write(root.join("a"), b"a").unwrap();
        fs::create_dir(root.join("d")).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("link")).unwrap();
        let m = manifest(vec![
            entry("a", b"a"),
            entry("a", b"a"),
            entry("../escape", b""),
            entry(MANIFEST_FILE, b""),
            entry("d", b""),
            entry("link", b"a"),
        ]);
        let problems = m.verify_files(root);
        let expected = vec![
            ManifestProblem::InvalidEntry {
                path: "../escape".into(),
                reason: "the path has a `.` or `..` component".into(),
            },
            ManifestProblem::InvalidEntry {
                path: "a".into(),
                reason: "listed more than once".into(),
            },
            ManifestProblem::NotAFile { path: "d".into() },
            ManifestProblem::NotAFile {
                path: "link".into(),
            },
            ManifestProblem::InvalidEntry {
                path: MANIFEST_FILE.into(),
                reason: "the manifest cannot list itself".into(),
            },
        ];
        assert_eq!(problems, expected);
        assert_eq!(problems[2].to_string(), "d: not a regular file");
    }

    #[test]
    fn verify_of_a_missing_folder_is_one_problem() {
        let tmp = tempfile::tempdir().unwrap();
        let problems = manifest(vec![]).verify_files(&tmp.path().join("gone"));
        assert!(
            matches!(problems.as_slice(), [ManifestProblem::Unreadable { path, .. }] if path.is_empty())
        );
    }
}
