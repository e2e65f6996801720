//! File-system helpers shared by the package writer and the manifest check: walking a package,
//! validating package-relative paths, and making writes durable.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a walked entry is. Anything but a regular file or folder (symlinks, sockets, ...) has no
/// place in a package: a symlink could make the manifest describe content outside the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryKind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// Anything else.
    Other,
}

/// One entry below a package root.
#[derive(Debug, Clone)]
pub(crate) struct WalkEntry {
    /// Relative path, `/` separators (lossy for names that are not UTF-8).
    pub rel: String,
    /// Whether the name was valid UTF-8 (a lossy `rel` cannot be found again on disk).
    pub utf8: bool,
    /// The entry's absolute path.
    pub path: PathBuf,
    /// What it is (symlinks are not followed).
    pub kind: EntryKind,
}

/// Every entry below `root` (not `root` itself), sorted by relative path.
pub(crate) fn walk(root: &Path) -> io::Result<Vec<WalkEntry>> {
    let mut out = Vec::new();
    let mut pending = vec![(root.to_path_buf(), String::new(), true)];
    while let Some((dir, prefix, utf8)) = pending.pop() {
        for item in fs::read_dir(&dir)? {
            let item = item?;
            let name = item.file_name();
            let name_utf8 = name.to_str().is_some();
            let rel = format!("{prefix}{}", name.to_string_lossy());
            let file_type = item.file_type()?;
            let kind = if file_type.is_dir() {
                EntryKind::Dir
            } else if file_type.is_file() {
                EntryKind::File
            } else {
                EntryKind::Other
            };
            if kind == EntryKind::Dir {
                pending.push((item.path(), format!("{rel}/"), utf8 && name_utf8));
            }
            out.push(WalkEntry {
                rel,
                utf8: utf8 && name_utf8,
                path: item.path(),
                kind,
            });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// Checks a package-relative path (`/` separators, no `.`/`..`, not absolute) and returns it as a
/// path below `root`.
pub(crate) fn join_relative(root: &Path, rel: &str) -> Result<PathBuf, &'static str> {
    if rel.is_empty() {
        return Err("the path is empty");
    }
    if rel.contains('\\') || rel.contains('\0') {
        return Err("the path contains a backslash or NUL character");
    }
    let mut path = root.to_path_buf();
    for part in rel.split('/') {
        match part {
            "" => return Err("the path is absolute or has an empty component"),
            "." | ".." => return Err("the path has a `.` or `..` component"),
            _ => path.push(part),
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_with_kinds() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("b/c")).unwrap();
        fs::write(root.join("b/c/d.txt"), "d").unwrap();
        fs::write(root.join("a.txt"), "a").unwrap();
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("link")).unwrap();
        let entries = walk(root).unwrap();
        let got: Vec<(&str, EntryKind)> =
            entries.iter().map(|e| (e.rel.as_str(), e.kind)).collect();
        assert_eq!(
            got,
            [
                ("a.txt", EntryKind::File),
                ("b", EntryKind::Dir),
                ("b/c", EntryKind::Dir),
                ("b/c/d.txt", EntryKind::File),
                ("link", EntryKind::Other),
            ]
        );
    }

    #[test]
    fn rejects_escaping_paths() {
        let root = Path::new("/pkg");
        assert_eq!(
            join_relative(root, "a/b.json").unwrap(),
            Path::new("/pkg/a/b.json")
        );
        for bad in ["", "/etc/passwd", "a//b", "../x", "a/./b", "a\\b", "a/"] {
            assert!(join_relative(root, bad).is_err(), "{bad:?} accepted");
        }
    }
}
