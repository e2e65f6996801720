//! Finding `.feature` files: recursively, in a stable (sorted) order.
//!
//! Symbolic links are followed (a plant may link a shared folder of features in), but every
//! folder and every feature file must be reached once. A link back into a folder being searched
//! (a loop) or a second way to the same folder or file is an error naming the link: skipping it
//! would silently drop or double protocol scenarios, and a validation tool must do neither.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::PlanError;

/// All `.feature` files under `dir`, sorted by path.
pub fn feature_files(dir: &Path) -> Result<Vec<PathBuf>, PlanError> {
    if !dir.is_dir() {
        return Err(PlanError::Features {
            path: dir.display().to_string(),
            message: "features folder not found; create it or set `features:` in qualify.yaml"
                .into(),
        });
    }
    let mut walk = Walk::default();
    let root = canonical(dir)?;
    walk.enter(dir, root)?;
    let mut out = walk.files;
    out.sort();
    Ok(out)
}

/// The state of one search: the canonical folders on the way down (a loop returns to one of
/// them), and every canonical folder and file reached so far with the path it was reached by.
#[derive(Default)]
struct Walk {
    ancestors: Vec<PathBuf>,
    folders: BTreeMap<PathBuf, PathBuf>,
    seen_files: BTreeMap<PathBuf, PathBuf>,
    files: Vec<PathBuf>,
}

impl Walk {
    /// Searches `dir`, whose canonical path is `real`.
    fn enter(&mut self, dir: &Path, real: PathBuf) -> Result<(), PlanError> {
        self.folders.insert(real.clone(), dir.to_path_buf());
        self.ancestors.push(real);
        for path in entries(dir)? {
            if path.is_dir() {
                let real = canonical(&path)?;
                self.check_folder(&path, &real)?;
                self.enter(&path, real)?;
            } else if path.extension().is_some_and(|e| e == "feature") {
                self.add_file(path)?;
            }
        }
        self.ancestors.pop();
        Ok(())
    }

    /// Refuses a folder that is one of its own ancestors (a loop) or was reached before.
    fn check_folder(&self, path: &Path, real: &Path) -> Result<(), PlanError> {
        if self.ancestors.iter().any(|a| a == real) {
            return Err(PlanError::SymlinkLoop {
                link: path.to_path_buf(),
                target: real.to_path_buf(),
            });
        }
        if let Some(first) = self.folders.get(real) {
            return Err(PlanError::ReachedTwice {
                link: path.to_path_buf(),
                first: first.clone(),
            });
        }
        Ok(())
    }

    /// Adds a feature file, unless the same file was reached before by another path.
    fn add_file(&mut self, path: PathBuf) -> Result<(), PlanError> {
        let real = canonical(&path)?;
        if let Some(first) = self.seen_files.get(&real) {
            return Err(PlanError::ReachedTwice {
                link: path,
                first: first.clone(),
            });
        }
        self.seen_files.insert(real, path.clone());
        self.files.push(path);
        Ok(())
    }
}

/// The entries of `dir`, sorted (so that "reached first" is the same on every machine).
fn entries(dir: &Path) -> Result<Vec<PathBuf>, PlanError> {
    let unreadable = |e: std::io::Error| PlanError::Features {
        path: dir.display().to_string(),
        message: format!("cannot read the folder: {e}"),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        paths.push(entry.map_err(unreadable)?.path());
    }
    paths.sort();
    Ok(paths)
}

fn canonical(path: &Path) -> Result<PathBuf, PlanError> {
    path.canonicalize().map_err(|e| PlanError::Features {
        path: path.display().to_string(),
        message: format!(
            "cannot resolve it: {e}; a symbolic link that leads nowhere or in circles must be \
             removed or fixed"
        ),
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("features/sub")).unwrap();
        std::fs::write(tmp.path().join("features/a.feature"), "Feature: A\n").unwrap();
        std::fs::write(tmp.path().join("features/sub/b.feature"), "Feature: B\n").unwrap();
        tmp
    }

    #[test]
    fn a_link_to_a_folder_outside_is_followed_once() {
        let tmp = tree();
        std::fs::create_dir_all(tmp.path().join("shared")).unwrap();
        std::fs::write(tmp.path().join("shared/c.feature"), "Feature: C\n").unwrap();
        symlink(
            tmp.path().join("shared"),
            tmp.path().join("features/shared"),
        )
        .unwrap();
        let files = feature_files(&tmp.path().join("features")).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(tmp.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            [
                Path::new("features/a.feature"),
                Path::new("features/shared/c.feature"),
                Path::new("features/sub/b.feature"),
            ]
        );
    }

    #[test]
    fn a_loop_is_an_error_naming_the_link() {
        let tmp = tree();
        let link = tmp.path().join("features/sub/up");
        symlink("..", &link).unwrap();
        let err = feature_files(&tmp.path().join("features")).unwrap_err();
        assert!(
            matches!(&err, PlanError::SymlinkLoop { link: l, .. } if *l == link),
            "{err}"
        );
    }

    #[test]
    fn the_same_folder_or_file_twice_is_an_error() {
        let tmp = tree();
        symlink("sub", tmp.path().join("features/zz")).unwrap();
        let err = feature_files(&tmp.path().join("features")).unwrap_err();
        assert!(
            matches!(&err, PlanError::ReachedTwice { link, .. } if link.ends_with("features/zz")),
            "{err}"
        );
        std::fs::remove_file(tmp.path().join("features/zz")).unwrap();
        symlink("a.feature", tmp.path().join("features/b.feature")).unwrap();
        let err = feature_files(&tmp.path().join("features")).unwrap_err();
        assert!(
            matches!(&err, PlanError::ReachedTwice { link, first } if link.ends_with("b.feature") && first.ends_with("a.feature")),
            "{err}"
        );
    }
}
