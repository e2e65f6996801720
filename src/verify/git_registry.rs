//! Reads the project's qualify.yaml and signers registry from git objects (never the working
//! tree, which anyone in the auditor's folder can change): at the package's commit for membership,
//! the workflow and the TSA policy (src/verify/git_signing.rs), at HEAD for revocations recorded
//! since.

use std::path::{Path, PathBuf};

use git2::{Commit, Oid, Repository};

use super::git_signing::{CommittedSigning, committed_signing};
use super::trust_anchor::TrustAnchor;
use crate::config::WorkflowConfig;
use crate::sign::Registry;

/// Why the repository could not serve as a trust anchor.
#[derive(Debug, thiserror::Error)]
pub enum GitTrustError {
    /// No repository at the folder.
    #[error("{} is not in a git repository", dir.display())]
    NoRepository {
        /// The folder given.
        dir: PathBuf,
        /// What libgit2 said.
        #[source]
        source: git2::Error,
    },
    /// The repository lacks the package's commit.
    #[error("the repository at {repo} does not have the package's commit {commit}")]
    NoCommit {
        /// The repository.
        repo: String,
        /// The commit of git.json.
        commit: String,
    },
    /// A committed file that does not parse.
    #[error("{what}: {message}")]
    Invalid {
        /// `qualify.yaml at commit …`.
        what: String,
        /// What is wrong.
        message: String,
    },
}

/// The committed project files a verification relies on.
#[derive(Debug)]
pub struct GitTrust {
    /// The registry anchor (git, or embedded keys when none is committed).
    pub anchor: TrustAnchor,
    /// The workflow at the package's commit, with its description, when qualify.yaml is there.
    pub workflow: Option<(WorkflowConfig, String)>,
    /// Its `signing:` (TSA policy), when qualify.yaml is there.
    pub signing: Option<CommittedSigning>,
}

/// Reads the trust anchor of the package made from `commit` out of the repository containing
/// `repo_dir`. The project folder inside the repository is the nearest folder above one of
/// `hints` (the package, the current folder) whose qualify.yaml is committed, else the root.
pub fn read_git_trust(
    repo_dir: &Path,
    commit: &str,
    hints: &[PathBuf],
) -> Result<GitTrust, GitTrustError> {
    let repo = Repository::discover(repo_dir).map_err(|source| GitTrustError::NoRepository {
        dir: repo_dir.to_path_buf(),
        source,
    })?;
    let location = repo
        .workdir()
        .unwrap_or_else(|| repo.path())
        .display()
        .to_string();
    let at_commit = Oid::from_str(commit)
        .ok()
        .and_then(|oid| repo.find_commit(oid).ok())
        .ok_or_else(|| GitTrustError::NoCommit {
            repo: location.clone(),
            commit: commit.into(),
        })?;
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let prefix = project_prefix(&repo, &at_commit, hints);
    let short = |c: &Commit| c.id().to_string()[..7].to_string();
    let config_path = format!("{prefix}qualify.yaml");
    let config = committed_config(&repo, &at_commit, &config_path)?;
    let signers_rel = config
        .as_ref()
        .map(|c| c.signers.clone())
        .unwrap_or_else(|| "signers.yaml".into());
    let signers_path = normalize(&format!("{prefix}{signers_rel}"));
    let config_source = format!(
        "{config_path} at the package's commit {} (repository {location})",
        short(&at_commit)
    );
    let signing = config.as_ref().map(|c| {
        committed_signing(
            &repo,
            &at_commit,
            &prefix,
            c.signing.as_ref(),
            config_source.clone(),
        )
    });
    let workflow = config.map(|c| (c.workflow, config_source));
    let Some(registry) = committed_registry(&repo, &at_commit, &signers_path)? else {
        return Ok(GitTrust {
            anchor: TrustAnchor::EmbeddedKeys {
                reason: format!(
                    "the repository at {location} has no {signers_path} at the package's commit {}",
                    short(&at_commit)
                ),
            },
            workflow,
            signing,
        });
    };
    let (at_head, head_note) = match &head {
        Some(h) => match committed_registry(&repo, h, &signers_path)? {
            Some(r) => (Some(r), format!("and at HEAD {} (revocations)", short(h))),
            None => (
                None,
                format!(
                    "(HEAD {} no longer has it: revocations not checked)",
                    short(h)
                ),
            ),
        },
        None => (None, "(no HEAD: revocations not checked)".into()),
    };
    Ok(GitTrust {
        anchor: TrustAnchor::Git {
            at_commit: registry,
            at_head,
            source: format!(
                "{signers_path} at the package's commit {} (membership) {head_note}, from git \
                 objects of the repository {location}",
                short(&at_commit)
            ),
        },
        workflow,
        signing,
    })
}

/// A repository path with `.` and `..` resolved (`sub/../signers.yaml` → `signers.yaml`), as
/// git trees hold no such components.
pub(super) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// `sub/dir/` or `` (root): the project folder inside the repository.
fn project_prefix(repo: &Repository, commit: &Commit<'_>, hints: &[PathBuf]) -> String {
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return String::new();
    };
    let Ok(tree) = commit.tree() else {
        return String::new();
    };
    for hint in hints {
        let Some(rel) = hint
            .canonicalize()
            .ok()
            .and_then(|h| h.strip_prefix(&workdir).ok().map(Path::to_path_buf))
        else {
            continue;
        };
        for dir in rel.ancestors() {
            if tree.get_path(&dir.join("qualify.yaml")).is_ok() {
                let text = dir.to_string_lossy().replace('\\', "/");
                return if text.is_empty() {
                    text
                } else {
                    format!("{text}/")
                };
            }
        }
    }
    String::new()
}

fn blob_text(
    repo: &Repository,
    commit: &Commit<'_>,
    path: &str,
) -> Result<Option<String>, GitTrustError> {
    let Ok(entry) = commit.tree().and_then(|t| t.get_path(Path::new(path))) else {
        return Ok(None);
    };
    let what = || format!("{path} at commit {}", commit.id());
    let blob = entry
        .to_object(repo)
        .and_then(|o| o.peel_to_blob())
        .map_err(|e| GitTrustError::Invalid {
            what: what(),
            message: e.message().to_string(),
        })?;
    String::from_utf8(blob.content().to_vec())
        .map(Some)
        .map_err(|_| GitTrustError::Invalid {
            what: what(),
            message: "not UTF-8 text".into(),
        })
}

/// What verify takes from a committed qualify.yaml.
struct CommittedConfig {
    /// `signers:`.
    signers: String,
    /// `workflow:`, checked.
    workflow: WorkflowConfig,
    /// `signing:`, when present.
    signing: Option<serde_norway::Value>,
}

/// The `signers:` path, the checked workflow and `signing:` of a committed qualify.yaml.
fn committed_config(
    repo: &Repository,
    commit: &Commit<'_>,
    path: &str,
) -> Result<Option<CommittedConfig>, GitTrustError> {
    let Some(text) = blob_text(repo, commit, path)? else {
        return Ok(None);
    };
    let invalid = |message: String| GitTrustError::Invalid {
        what: format!("{path} at commit {}", commit.id()),
        message,
    };
    let value: serde_norway::Value =
        serde_norway::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    let signers = match value.get("signers") {
        None => "signers.yaml".to_string(),
        Some(v) => v
            .as_str()
            .ok_or_else(|| invalid("`signers:` is not a path".into()))?
            .to_string(),
    };
    let workflow: WorkflowConfig = match value.get("workflow") {
        None => WorkflowConfig::default(),
        Some(v) => serde_norway::from_value(v.clone()).map_err(|e| invalid(e.to_string()))?,
    };
    workflow.check().map_err(invalid)?;
    Ok(Some(CommittedConfig {
        signers,
        workflow,
        signing: value.get("signing").cloned(),
    }))
}

fn committed_registry(
    repo: &Repository,
    commit: &Commit<'_>,
    path: &str,
) -> Result<Option<Registry>, GitTrustError> {
    let Some(text) = blob_text(repo, commit, path)? else {
        return Ok(None);
    };
    let name = PathBuf::from(format!("{path}@{}", &commit.id().to_string()[..7]));
    Registry::parse(&name, &text)
        .map(Some)
        .map_err(|e| GitTrustError::Invalid {
            what: format!("{path} at commit {}", commit.id()),
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn committed_paths_are_normalized() {
        assert_eq!(normalize("sub/../signers.yaml"), "signers.yaml");
        assert_eq!(normalize("a/./b/signers.yaml"), "a/b/signers.yaml");
        assert_eq!(normalize("signers.yaml"), "signers.yaml");
    }
}
