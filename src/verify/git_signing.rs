//! The TSA policy committed with the project: `signing.require_tsa` and `signing.tsa_ca` of the
//! qualify.yaml at the package's commit, the CA file read from the git object at that commit —
//! never from the working tree, which anyone in the auditor's folder can change (a working copy
//! that drops `require_tsa` or swaps the CA changes nothing).

use std::path::{Path, PathBuf};

use git2::{Commit, Repository};

/// `signing:` of the qualify.yaml committed at the package's commit.
#[derive(Debug, Clone)]
pub struct CommittedSigning {
    /// `signing.require_tsa`.
    pub require_tsa: bool,
    /// `signing.tsa_ca`: a name for the report and the PEM bytes, or why they cannot be read.
    pub tsa_ca: Option<Result<(PathBuf, Vec<u8>), String>>,
    /// `qualify.yaml at the package's commit abc1234 (repository …)`.
    pub source: String,
}

/// Reads `signing:` (`value`, when the section is there) of the committed config at `commit`;
/// `prefix` is the project folder inside the repository (`` or `sub/`).
pub fn committed_signing(
    repo: &Repository,
    commit: &Commit<'_>,
    prefix: &str,
    value: Option<&serde_norway::Value>,
    source: String,
) -> CommittedSigning {
    let mut out = CommittedSigning {
        require_tsa: false,
        tsa_ca: None,
        source,
    };
    let Some(value) = value else {
        return out;
    };
    out.require_tsa = value
        .get("require_tsa")
        .and_then(serde_norway::Value::as_bool)
        .unwrap_or(false);
    out.tsa_ca = value.get("tsa_ca").map(|ca| match ca.as_str() {
        None => Err(format!("signing.tsa_ca of {} is not a path", out.source)),
        Some(ca) => read_ca(repo, commit, prefix, ca, &out.source),
    });
    out
}

/// The CA named by a committed `signing.tsa_ca`: a relative path from the git object at the
/// commit; an absolute path (a CA installed on the machine, outside the repository) from the file
/// system, unless it lies in the work tree or the current folder, which never supply trust.
fn read_ca(
    repo: &Repository,
    commit: &Commit<'_>,
    prefix: &str,
    ca: &str,
    source: &str,
) -> Result<(PathBuf, Vec<u8>), String> {
    let short = &commit.id().to_string()[..7];
    if Path::new(ca).is_absolute() {
        let path = PathBuf::from(ca);
        let inside = |dir: Option<PathBuf>| {
            dir.and_then(|d| d.canonicalize().ok())
                .is_some_and(|d| path.canonicalize().unwrap_or(path.clone()).starts_with(d))
        };
        if inside(repo.workdir().map(Path::to_path_buf)) || inside(std::env::current_dir().ok()) {
            return Err(format!(
                "signing.tsa_ca {ca} of {source} is an absolute path inside the work tree or the \
                 current folder, whose files are not trusted: name it relative to qualify.yaml \
                 (read from git) or give --tsa-ca FILE"
            ));
        }
        return std::fs::read(&path)
            .map(|bytes| (path.clone(), bytes))
            .map_err(|e| format!("signing.tsa_ca {ca} of {source} cannot be read: {e}"));
    }
    let rel = super::git_registry::normalize(&format!("{prefix}{ca}"));
    let blob = commit
        .tree()
        .and_then(|t| t.get_path(Path::new(&rel)))
        .and_then(|e| e.to_object(repo))
        .and_then(|o| o.peel_to_blob());
    match blob {
        Ok(blob) => Ok((
            PathBuf::from(format!("{rel}@{short} (git object)")),
            blob.content().to_vec(),
        )),
        Err(_) => Err(format!(
            "signing.tsa_ca of {source} names {rel}, which is not committed at {short}: give \
             the trusted TSA CA with --tsa-ca FILE"
        )),
    }
}
