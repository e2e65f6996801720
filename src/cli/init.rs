//! `qualify init [DIR]`: a validation project that runs green at once.
//!
//! The files come from `assets/init/` (compiled in): qualify.yaml, requirements.yaml, an IQ/OQ/PQ
//! protocol in features/, an example process adapter, a .gitignore and CI snippets. Nothing is
//! ever overwritten: when any of the files exists, init names them and writes nothing. A folder
//! that is not inside a git repository becomes one (the evidence links every run to a commit).

use std::path::{Path, PathBuf};

use super::args::InitArgs;
use crate::errors::Error;
use crate::exit_code;

/// (path in the project, contents, mode).
const FILES: &[(&str, &str, u32)] = &[
    (
        "qualify.yaml",
        include_str!("../../assets/init/qualify.yaml"),
        0o644,
    ),
    (
        "requirements.yaml",
        include_str!("../../assets/init/requirements.yaml"),
        0o644,
    ),
    (
        "features/iq/installation.feature",
        include_str!("../../assets/init/features/iq/installation.feature"),
        0o644,
    ),
    (
        "features/oq/oee.feature",
        include_str!("../../assets/init/features/oq/oee.feature"),
        0o644,
    ),
    (
        "features/pq/week.feature",
        include_str!("../../assets/init/features/pq/week.feature"),
        0o644,
    ),
    (
        "adapters/example_adapter.py",
        include_str!("../../assets/init/adapters/example_adapter.py"),
        0o755,
    ),
    (
        ".gitignore",
        include_str!("../../assets/init/gitignore"),
        0o644,
    ),
    (
        "ci/github-actions.yml",
        include_str!("../../assets/init/ci/github-actions.yml"),
        0o644,
    ),
    (
        "ci/gitlab-ci.yml",
        include_str!("../../assets/init/ci/gitlab-ci.yml"),
        0o644,
    ),
    (
        "README.md",
        include_str!("../../assets/init/README.md"),
        0o644,
    ),
];

/// Writes the project into `args.dir`; returns the exit code.
pub fn init(args: &InitArgs) -> Result<i32, Error> {
    let dir = &args.dir;
    let existing: Vec<&str> = FILES
        .iter()
        .map(|(rel, _, _)| *rel)
        .filter(|rel| std::fs::symlink_metadata(dir.join(rel)).is_ok())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Usage(format!(
            "{}: {} already exist{}; qualify init never overwrites. Choose an empty folder: \
             qualify init NEW_FOLDER",
            dir.display(),
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        )));
    }
    for (rel, text, mode) in FILES {
        write_file(&dir.join(rel), text, *mode)?;
    }
    let repo = ensure_repository(dir)?;
    crate::outln!("made a validation project in {}", dir.display());
    if let Some(repo) = repo {
        crate::outln!("made the git repository {}", repo.display());
    }
    crate::outln!(
        "next: cd {} && qualify list && git add -A && git commit -m \"Validation project\" && \
         qualify run",
        dir.display()
    );
    Ok(exit_code::SUCCESS)
}

fn write_file(path: &Path, text: &str, mode: u32) -> Result<(), Error> {
    let failed =
        |e: std::io::Error| Error::Internal(format!("cannot write {}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        crate::fsio::create_dir_durable(parent).map_err(failed)?;
    }
    crate::fsio::write_new(path, text.as_bytes(), mode).map_err(failed)
}

/// Makes `dir` a git repository unless it lies in one already; returns it when made.
fn ensure_repository(dir: &Path) -> Result<Option<PathBuf>, Error> {
    if git2::Repository::discover(dir).is_ok() {
        return Ok(None);
    }
    git2::Repository::init(dir)
        .map(|_| Some(dir.to_path_buf()))
        .map_err(|e| {
            Error::Internal(format!(
                "cannot make a git repository in {}: {e}",
                dir.display()
            ))
        })
}
