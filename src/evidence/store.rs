//! The evidence store as a folder of package folders.

use std::path::{Path, PathBuf};

/// The package folders of the store at `evidence_dir`, newest first by name (ids begin with
/// their UTC time); hidden folders (staging folders, `.pending`) left out, symlinks not followed.
/// A store that cannot be read has none.
pub fn package_dirs_newest_first(evidence_dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(evidence_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs.reverse();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_newest_first_without_hidden_ones_files_or_links() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "20250101T000000Z-OQ-a",
            "20260101T000000Z-OQ-b",
            ".staging-x-1",
        ] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        std::fs::write(dir.path().join("20270101T000000Z-file"), "").unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("20250101T000000Z-OQ-a"),
            dir.path().join("20280101T000000Z-link"),
        )
        .unwrap();
        let names: Vec<String> = package_dirs_newest_first(dir.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["20260101T000000Z-OQ-b", "20250101T000000Z-OQ-a"]);
        assert!(package_dirs_newest_first(&dir.path().join("missing")).is_empty());
    }
}
