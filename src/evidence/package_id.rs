//! Package ids, and reserving a free one in an evidence folder.
//!
//! An id is `<UTC YYYYMMDDTHHMMSSZ>-<stage label>-<short commit or "norev">`: it sorts by time,
//! and says at a glance what was run on which revision.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use qualify_evidence::layout::STAGING_PREFIX;

/// How many suffixes (`-2`, `-3`, …) are tried before giving up.
const MAX_SUFFIX: u32 = 10_000;

/// The id before any uniqueness suffix. Characters outside `[A-Za-z0-9_-]` become `_`, so an id
/// is always a plain folder name; an empty label becomes `all`.
pub fn package_id(stage_label: &str, short_commit: Option<&str>, now: DateTime<Utc>) -> String {
    let label = if stage_label.is_empty() {
        "all".to_string()
    } else {
        clean(stage_label)
    };
    let commit = match short_commit {
        Some(commit) if !commit.is_empty() => clean(commit),
        _ => "norev".to_string(),
    };
    format!("{}-{label}-{commit}", crate::utc::id_stamp(now))
}

fn clean(part: &str) -> String {
    part.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Picks the first free id (no package folder and no staging folder of that id exists) and
/// creates its staging folder `.staging-<id>-<pid>`. Returns the id and the staging folder.
pub(crate) fn reserve(
    evidence_dir: &Path,
    stage_label: &str,
    short_commit: Option<&str>,
    now: DateTime<Utc>,
) -> io::Result<(String, PathBuf)> {
    let base = package_id(stage_label, short_commit, now);
    let mut taken = taken_ids(evidence_dir)?;
    let pid = std::process::id();
    for n in 1..=MAX_SUFFIX {
        let id = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if taken.contains(&id) || fs::symlink_metadata(evidence_dir.join(&id)).is_ok() {
            continue;
        }
        let staging = evidence_dir.join(format!("{STAGING_PREFIX}{id}-{pid}"));
        // create_dir (not create_dir_all) fails when the folder exists, which settles a race
        // with another writer of this process choosing the same id.
        match fs::create_dir(&staging) {
            Ok(()) => return Ok((id, staging)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                taken.insert(id);
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "no free package id for {base} after {MAX_SUFFIX} attempts"
    )))
}

/// Ids used by packages and by staging folders (`.staging-<id>-<pid>`) in `evidence_dir`.
fn taken_ids(evidence_dir: &Path) -> io::Result<BTreeSet<String>> {
    let mut taken = BTreeSet::new();
    for entry in fs::read_dir(evidence_dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        match name.strip_prefix(STAGING_PREFIX) {
            Some(rest) => {
                let staged = rest
                    .rsplit_once('-')
                    .filter(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
                if let Some((id, _)) = staged {
                    taken.insert(id.to_string());
                }
            }
            None => {
                taken.insert(name);
            }
        }
    }
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 14, 9, 26, 53).unwrap()
    }

    #[test]
    fn formats_ids() {
        assert_eq!(
            package_id("OQ", Some("1a2b3c4"), at()),
            "20250314T092653Z-OQ-1a2b3c4"
        );
        assert_eq!(package_id("", None, at()), "20250314T092653Z-all-norev");
        assert_eq!(
            package_id("O/Q x", Some(""), at()),
            "20250314T092653Z-O_Q_x-norev"
        );
    }

    #[test]
    fn skips_packages_and_staging_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir(dir.join("20250314T092653Z-OQ-norev")).unwrap();
        fs::create_dir(dir.join(".staging-20250314T092653Z-OQ-norev-2-999")).unwrap();
        let (id, staging) = reserve(dir, "OQ", None, at()).unwrap();
        assert_eq!(id, "20250314T092653Z-OQ-norev-3");
        assert_eq!(
            staging,
            dir.join(format!(
                ".staging-20250314T092653Z-OQ-norev-3-{}",
                std::process::id()
            ))
        );
        assert!(staging.is_dir());
        let (again, _) = reserve(dir, "OQ", None, at()).unwrap();
        assert_eq!(again, "20250314T092653Z-OQ-norev-4");
    }
}
