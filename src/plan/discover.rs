//! Finding `.feature` files: recursively, in a stable (sorted) order.

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
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), PlanError> {
    let entries = std::fs::read_dir(dir).map_err(|e| PlanError::Features {
        path: dir.display().to_string(),
        message: format!("cannot read the folder: {e}"),
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| PlanError::Features {
            path: dir.display().to_string(),
            message: format!("cannot read the folder: {e}"),
        })?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
    Ok(())
}
