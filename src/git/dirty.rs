//! Which paths make a working tree dirty, leaving out the evidence folder.
//!
//! The evidence folder is excluded because writing a package into a project's `evidence/` would
//! otherwise make the very next run report a dirty tree.

use std::path::{Component, Path, PathBuf};

use git2::{Repository, Status, StatusOptions};

/// Paths (relative to the working tree, `/` separators, sorted) that differ from HEAD: modified,
/// staged, deleted, renamed or untracked files; ignored files do not count. Paths at or below
/// `exclude` are left out. A bare repository has no working tree and is never dirty.
pub(super) fn dirty_paths(
    repo: &Repository,
    exclude: Option<&Path>,
) -> Result<Vec<String>, git2::Error> {
    let Some(workdir) = repo.workdir() else {
        return Ok(Vec::new());
    };
    let excluded = exclude.and_then(|dir| relative_prefix(workdir, dir));

    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        // Recursing lists untracked files one by one, so an excluded folder nested inside an
        // otherwise untracked folder is told apart from its siblings.
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .include_unmodified(false);
    let statuses = repo.statuses(Some(&mut options))?;

    let mut paths: Vec<String> = statuses
        .iter()
        .filter(|entry| {
            let status = entry.status();
            !status.is_empty() && status != Status::CURRENT && !status.contains(Status::IGNORED)
        })
        .map(|entry| String::from_utf8_lossy(entry.path_bytes()).into_owned())
        .filter(|path| !is_within(path, excluded.as_deref()))
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// `dir` relative to `workdir` with `/` separators, or `None` when it lies outside (or is the
/// working tree itself, which cannot be excluded without hiding everything).
fn relative_prefix(workdir: &Path, dir: &Path) -> Option<String> {
    let workdir = resolve(workdir);
    let dir = resolve(dir);
    let rel = dir.strip_prefix(&workdir).ok()?;
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("/"))
    }
}

/// Absolute path with symlinks resolved as far as the path exists, so that a not yet created
/// evidence folder still compares equal to the working tree prefix.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut existing = absolute.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

fn is_within(path: &str, prefix: Option<&str>) -> bool {
    match prefix {
        Some(prefix) => {
            let path = path.trim_end_matches('/');
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_matches_whole_components_only() {
        assert!(is_within("evidence", Some("evidence")));
        assert!(is_within("evidence/", Some("evidence")));
        assert!(is_within("evidence/a/b.json", Some("evidence")));
        assert!(!is_within("evidence2/a", Some("evidence")));
        assert!(!is_within("src/evidence", Some("evidence")));
        assert!(!is_within("evidence", None));
    }

    #[test]
    fn relative_prefix_handles_missing_and_outside_dirs() {
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join("work");
        std::fs::create_dir(&work).unwrap();
        assert_eq!(
            relative_prefix(&work, &work.join("out/evidence")),
            Some("out/evidence".into())
        );
        assert_eq!(relative_prefix(&work, &tmp.path().join("elsewhere")), None);
        assert_eq!(relative_prefix(&work, &work), None);
    }
}
