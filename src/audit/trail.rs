//! [`AuditTrail`]: `audit/trail.jsonl`, the append-only, hash-chained record of everything that
//! happens to a package.
//!
//! Each line is one [`AuditEntry`] in compact JSON. Its `prev` is the SHA-256 of the previous
//! line's bytes (without the newline); the first entry's `prev` is the SHA-256 of
//! `qualify.audit/v1 <package id>`, which ties the trail to its package. Removing, editing or
//! reordering a line breaks the chain at the next line; every entry up to a signature's own is
//! moreover covered by that signature (its predicate names the entry's digest).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::entry::{AuditEntry, NewEntry};
use crate::evidence::sha256_hex;

pub use qualify_evidence::layout::TRAIL_FILE;

/// The chain value before the first entry: the SHA-256 of the chain seed.
pub fn genesis(package_id: &str) -> String {
    sha256_hex(qualify_evidence::chain_seed(package_id).as_bytes())
}

/// One line of a trail as read: the exact text and, when it parses, the entry.
#[derive(Debug, Clone)]
pub struct TrailLine {
    /// 1-based line number.
    pub line: usize,
    /// The line's text without the newline.
    pub text: String,
    /// SHA-256 of `text`.
    pub sha256: String,
    /// The entry, or why the line is not one.
    pub entry: Result<AuditEntry, String>,
}

/// A break in the chain, naming the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainProblem {
    /// 1-based line number (0 for the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A trail read from a package.
#[derive(Debug, Clone)]
pub struct AuditTrail {
    /// The package id the chain starts from.
    pub package_id: String,
    /// The lines in file order.
    pub lines: Vec<TrailLine>,
    /// Whether the file ended without a final newline (a torn write).
    pub unterminated: bool,
}

/// Why the trail could not be read or extended.
#[derive(Debug, thiserror::Error)]
pub enum TrailError {
    /// I/O.
    #[error("cannot access the audit trail {}", path.display())]
    Io {
        /// The trail file.
        path: PathBuf,
        /// The error.
        #[source]
        source: io::Error,
    },
    /// The package transaction that appends failed.
    #[error("cannot append to the audit trail")]
    Transaction(#[source] Box<crate::txn::TxnError>),
    /// The existing trail is broken; it is never extended.
    #[error("the audit trail {} is broken, so nothing is appended to it: {problems}", path.display())]
    Broken {
        /// The trail file.
        path: PathBuf,
        /// The problems, joined.
        problems: String,
    },
}

impl AuditTrail {
    /// Parses trail bytes. Lines end at `\n` only, and each line's digest is over its exact
    /// bytes: a `\r` added before a newline, or bytes that are not UTF-8, change the digest (and
    /// so break the chain) instead of being normalised away by the reading.
    pub fn parse(package_id: &str, bytes: &[u8]) -> AuditTrail {
        let unterminated = !bytes.is_empty() && !bytes.ends_with(b"\n");
        let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let raw_lines: Vec<&[u8]> = if bytes.is_empty() {
            Vec::new()
        } else {
            body.split(|b| *b == b'\n').collect()
        };
        let lines = raw_lines
            .into_iter()
            .enumerate()
            .map(|(i, raw)| TrailLine {
                line: i + 1,
                text: String::from_utf8_lossy(raw).into_owned(),
                sha256: sha256_hex(raw),
                entry: std::str::from_utf8(raw)
                    .map_err(|e| format!("not an audit entry: the line is not UTF-8 text ({e})"))
                    .and_then(|line| {
                        serde_json::from_str(line).map_err(|e| format!("not an audit entry: {e}"))
                    }),
            })
            .collect();
        AuditTrail {
            package_id: package_id.to_string(),
            lines,
            unterminated,
        }
    }

    /// Reads the trail of the package at `package_dir`; `Ok(None)` when there is none.
    pub fn read(package_dir: &Path, package_id: &str) -> Result<Option<AuditTrail>, TrailError> {
        let path = package_dir.join(TRAIL_FILE);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(AuditTrail::parse(package_id, &bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(TrailError::Io { path, source }),
        }
    }

    /// Every break of the chain: unparsable lines, wrong sequence numbers, `prev` values that do
    /// not match the previous line, a torn last line.
    pub fn check_chain(&self) -> Vec<ChainProblem> {
        let mut problems = Vec::new();
        let mut prev = genesis(&self.package_id);
        for (i, line) in self.lines.iter().enumerate() {
            let expected_seq = i as u64 + 1;
            match &line.entry {
                Err(e) => problems.push(ChainProblem {
                    line: line.line,
                    message: e.clone(),
                }),
                Ok(entry) => {
                    if entry.seq != expected_seq {
                        problems.push(ChainProblem {
                            line: line.line,
                            message: format!(
                                "entry numbered {} stands at position {expected_seq}: an entry \
                                 was removed, inserted or moved",
                                entry.seq
                            ),
                        });
                    }
                    if entry.prev != prev {
                        problems.push(ChainProblem {
                            line: line.line,
                            message: if i == 0 {
                                format!(
                                    "the first entry does not start the chain of package {} \
                                     (the trail belongs to another package, or its first \
                                     entry was removed)",
                                    self.package_id
                                )
                            } else {
                                format!(
                                    "prev {} does not match the SHA-256 of the line before \
                                     ({prev}): the previous entry was edited, removed or \
                                     reordered",
                                    entry.prev
                                )
                            },
                        });
                    }
                }
            }
            prev = line.sha256.clone();
        }
        if self.unterminated {
            problems.push(ChainProblem {
                line: self.lines.len(),
                message: "the last line has no final newline (an interrupted write?)".into(),
            });
        }
        problems
    }

    /// The parsed entries (lines that do not parse are left out).
    pub fn entries(&self) -> impl Iterator<Item = (&TrailLine, &AuditEntry)> {
        self.lines
            .iter()
            .filter_map(|l| l.entry.as_ref().ok().map(|e| (l, e)))
    }

    /// The chain value after the last line.
    pub fn head(&self) -> String {
        self.lines
            .last()
            .map(|l| l.sha256.clone())
            .unwrap_or_else(|| genesis(&self.package_id))
    }

    /// Serializes `entries` as a new trail (for `qualify run`).
    pub fn render_new(package_id: &str, entries: Vec<NewEntry>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut prev = genesis(package_id);
        for (i, entry) in entries.into_iter().enumerate() {
            let line = entry_line(&entry.chain(i as u64 + 1, prev));
            prev = sha256_hex(line.as_bytes());
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// The bytes of this trail with `entry` appended, the entry as chained, and its line's
    /// SHA-256. Refuses to extend a broken trail.
    pub fn appended(
        &self,
        path: &Path,
        entry: NewEntry,
    ) -> Result<(Vec<u8>, AuditEntry, String), TrailError> {
        let problems = self.check_chain();
        if !problems.is_empty() {
            return Err(TrailError::Broken {
                path: path.to_path_buf(),
                problems: problems
                    .iter()
                    .map(|p| format!("line {}: {}", p.line, p.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
        let chained = entry.chain(self.lines.len() as u64 + 1, self.head());
        let line = entry_line(&chained);
        let sha = sha256_hex(line.as_bytes());
        let mut bytes = Vec::new();
        for l in &self.lines {
            bytes.extend_from_slice(l.text.as_bytes());
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        Ok((bytes, chained, sha))
    }
}

/// Appends `entry` to the trail of the package at `package_dir` as a package transaction
/// (src/txn: locked, leftovers of interrupted operations recovered first, one commit point),
/// refusing a broken or missing trail. For actions without a file of their own; signatures,
/// closures and renderings commit their entries together with their files. Takes the package
/// lock: never call it while holding a [`crate::txn::PackageLock`] of the same package.
pub fn append_entry(
    package_dir: &Path,
    package_id: &str,
    entry: NewEntry,
) -> Result<AuditEntry, TrailError> {
    use crate::txn::{PackageLock, recover};
    let txn = |e: crate::txn::TxnError| TrailError::Transaction(Box::new(e));
    let lock = PackageLock::acquire(package_dir).map_err(txn)?;
    recover(&lock, "audit append").map_err(txn)?;
    append_entry_locked(&lock, package_id, entry)
}

/// [`append_entry`] for a caller that already holds the package lock (and has recovered): a
/// second lock on the same package from the same process would wait for ever.
pub fn append_entry_locked(
    lock: &crate::txn::PackageLock,
    package_id: &str,
    entry: NewEntry,
) -> Result<AuditEntry, TrailError> {
    use crate::txn::{Plan, apply};
    let txn = |e: crate::txn::TxnError| TrailError::Transaction(Box::new(e));
    let package_dir = lock.dir();
    let path = package_dir.join(TRAIL_FILE);
    let trail = AuditTrail::read(package_dir, package_id)?.ok_or_else(|| TrailError::Io {
        path: path.clone(),
        source: io::Error::new(io::ErrorKind::NotFound, "the package has no audit trail"),
    })?;
    let operation = format!("{:?}", entry.action).to_lowercase();
    let (bytes, chained, sha) = trail.appended(&path, entry)?;
    apply(
        lock,
        Plan {
            operation: format!("audit {operation}"),
            request: format!("audit {operation}"),
            key_id: None,
            trail_bytes: bytes,
            trail_entries: vec![sha],
            files: Vec::new(),
        },
    )
    .map_err(txn)?;
    Ok(chained)
}

/// The line of an entry: compact JSON, fields in declaration order.
pub fn entry_line(entry: &AuditEntry) -> String {
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string(entry).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Actor, AuditAction};

    fn new(action: AuditAction, subject: &str) -> NewEntry {
        NewEntry {
            at: "2025-01-01T00:00:00Z".into(),
            action,
            who: Actor {
                kind: "os-user".into(),
                id: "jdoe".into(),
                name: "jdoe".into(),
                ci_job: None,
            },
            what: format!("{action:?}"),
            why: "test".into(),
            subject: subject.into(),
            sha256: None,
        }
    }

    fn three() -> Vec<u8> {
        AuditTrail::render_new(
            "pkg",
            vec![
                new(AuditAction::Created, "pkg"),
                new(AuditAction::DeviationOpened, "DEV-001"),
                new(AuditAction::Sealed, "manifest.json"),
            ],
        )
    }

    fn lines(bytes: &[u8]) -> Vec<String> {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    fn join(lines: &[String]) -> Vec<u8> {
        lines
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn line_digests_are_over_the_exact_bytes() {
        // Found by the property test `any_byte_change_before_the_last_line_of_an_audit_trail_
        // breaks_its_chain`: digests were taken over the text as decoded lossily and split by
        // `str::lines`, so deleting one byte of a U+FFFD (which decodes to U+FFFD again) or
        // adding a `\r` before a newline changed the file without breaking the chain.
        let mut first = new(AuditAction::Created, "pkg");
        first.why = "a\u{fffd}\u{fffd}".into();
        let bytes = AuditTrail::render_new(
            "pkg",
            vec![first, new(AuditAction::Sealed, "manifest.json")],
        );
        assert!(AuditTrail::parse("pkg", &bytes).check_chain().is_empty());

        let cut = bytes
            .windows(3)
            .rposition(|w| w == "\u{fffd}".as_bytes())
            .unwrap();
        let mut truncated_char = bytes.clone();
        truncated_char.remove(cut + 1);
        let p = AuditTrail::parse("pkg", &truncated_char).check_chain();
        assert!(
            p.iter()
                .any(|p| p.line == 1 && p.message.contains("not UTF-8")),
            "{p:?}"
        );
        assert!(p.iter().any(|p| p.line == 2), "{p:?}");

        let newline = bytes.iter().position(|b| *b == b'\n').unwrap();
        let mut crlf = bytes.clone();
        crlf.insert(newline, b'\r');
        let p = AuditTrail::parse("pkg", &crlf).check_chain();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, 2);
        assert!(p[0].message.contains("previous entry was edited"));
    }

    #[test]
    fn an_intact_chain_has_no_problems_and_extends() {
        let trail = AuditTrail::parse("pkg", &three());
        assert!(trail.check_chain().is_empty());
        let (bytes, entry, sha) = trail
            .appended(Path::new("t"), new(AuditAction::Signed, "signatures/x"))
            .unwrap();
        assert_eq!(entry.seq, 4);
        assert_eq!(entry.prev, trail.head());
        let again = AuditTrail::parse("pkg", &bytes);
        assert!(again.check_chain().is_empty());
        assert_eq!(again.head(), sha);
    }

    #[test]
    fn removal_edit_reorder_and_foreign_trails_are_detected() {
        let l = lines(&three());
        let removed = join(&[l[0].clone(), l[2].clone()]);
        let p = AuditTrail::parse("pkg", &removed).check_chain();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p.iter().all(|p| p.line == 2));

        let edited = join(&[
            l[0].replace("\"why\":\"test\"", "\"why\":\"other\""),
            l[1].clone(),
            l[2].clone(),
        ]);
        let p = AuditTrail::parse("pkg", &edited).check_chain();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, 2);
        assert!(p[0].message.contains("previous entry was edited"));

        let reordered = join(&[l[0].clone(), l[2].clone(), l[1].clone()]);
        let p = AuditTrail::parse("pkg", &reordered).check_chain();
        assert!(
            p.iter().any(|p| p.line == 2) && p.iter().any(|p| p.line == 3),
            "{p:?}"
        );

        let foreign = AuditTrail::parse("other", &three()).check_chain();
        assert_eq!(foreign.len(), 1);
        assert!(foreign[0].message.contains("another package"));

        let mut torn = three();
        torn.truncate(torn.len() - 5);
        let p = AuditTrail::parse("pkg", &torn).check_chain();
        assert!(p.iter().any(|p| p.message.contains("not an audit entry")));
        assert!(p.iter().any(|p| p.message.contains("final newline")));

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("audit")).unwrap();
        // The package lock is taken on the manifest.
        std::fs::write(dir.path().join(crate::evidence::MANIFEST_FILE), "{}").unwrap();
        std::fs::write(dir.path().join(TRAIL_FILE), &edited).unwrap();
        assert!(matches!(
            append_entry(dir.path(), "pkg", new(AuditAction::Rendered, "report.html")),
            Err(TrailError::Broken { .. })
        ));
        std::fs::write(dir.path().join(TRAIL_FILE), three()).unwrap();
        let e = append_entry(dir.path(), "pkg", new(AuditAction::Rendered, "report.html")).unwrap();
        assert_eq!(e.seq, 4);
        let bytes = std::fs::read(dir.path().join(TRAIL_FILE)).unwrap();
        assert!(AuditTrail::parse("pkg", &bytes).check_chain().is_empty());

        let broken = AuditTrail::parse("pkg", &edited);
        assert!(matches!(
            broken.appended(Path::new("t"), new(AuditAction::Signed, "s")),
            Err(TrailError::Broken { .. })
        ));
    }
}
