//! Which trust anchor and workflow `qualify verify` uses, decided from the command line only:
//! `--signers` and `--config` name them explicitly; otherwise they are read from git objects of
//! the repository (`--repo`, default the one containing the current folder); otherwise the
//! package's embedded keys and the default workflow apply. Every choice is echoed in the report.

use qualify_evidence::layout::GIT_FILE;
use std::path::{Path, PathBuf};

use super::args::VerifyArgs;
use super::key_input::absolute;
use crate::config::{Config, WorkflowConfig};
use crate::errors::Error;
use crate::git::GitInfo;
use crate::sign::Registry;
use crate::verify::{CommittedSigning, GitTrustError, TrustAnchor, read_git_trust};

/// What a verification is checked against.
pub struct TrustChoice {
    /// Signer membership and revocation.
    pub anchor: TrustAnchor,
    /// The workflow rules.
    pub workflow: WorkflowConfig,
    /// Where the rules came from.
    pub workflow_source: String,
    /// The repository for the commit check.
    pub repo_dir: PathBuf,
    /// `signing:` of the qualify.yaml committed at the package's commit, or why there is none.
    pub committed_signing: Result<CommittedSigning, String>,
}

/// Decides the trust anchor for verifying `package`.
pub fn choose(
    config: Option<&Config>,
    args: &VerifyArgs,
    package: &Path,
) -> Result<TrustChoice, Error> {
    let cwd = absolute(".".as_ref());
    let repo_dir = match (&args.repo, config) {
        (Some(repo), _) => {
            let repo = absolute(repo);
            git2::Repository::discover(&repo).map_err(|e| {
                Error::Usage(format!(
                    "--repo {}: not a git repository ({})",
                    repo.display(),
                    e.message()
                ))
            })?;
            repo
        }
        (None, Some(c)) => c.dir.clone(),
        (None, None) => cwd.clone(),
    };
    // Explicitly named registries must load: a missing file is an input error naming it.
    let explicit = match (&args.signers, config) {
        (Some(path), _) => Some((absolute(path), "--signers".to_string())),
        (None, Some(c)) => Some((
            c.signers.clone(),
            format!("`signers:` of --config {}", c.path.display()),
        )),
        (None, None) => None,
    };
    let explicit = explicit
        .map(|(path, how)| -> Result<TrustAnchor, Error> {
            let registry = Registry::load(&path)?;
            Ok(TrustAnchor::loaded(&registry, &how))
        })
        .transpose()?;
    // The committed files count only for what was not named explicitly (an explicit registry
    // and --config win); the committed TSA policy is always read, as it can only add to one.
    let (git_anchor, git_workflow, committed_signing) = match git_trust(&repo_dir, package, &cwd) {
        Ok(t) => (
            Some(t.anchor),
            t.workflow,
            t.signing
                .ok_or_else(|| "no qualify.yaml is committed at the package's commit".to_string()),
        ),
        Err(failure) => {
            let (anchor, why) = *failure;
            (Some(anchor), None, Err(why))
        }
    };
    let (workflow, workflow_source) = match (config, git_workflow) {
        (Some(c), _) => (
            c.workflow.clone(),
            format!("{} (--config)", c.path.display()),
        ),
        (None, Some(committed)) => committed,
        (None, None) => (
            WorkflowConfig::default(),
            "the default workflow (no qualify.yaml named with --config or committed at the \
             package's commit)"
                .to_string(),
        ),
    };
    let anchor = explicit
        .or(git_anchor)
        .unwrap_or_else(|| TrustAnchor::EmbeddedKeys {
            reason: "no registry named or committed".into(),
        });
    Ok(TrustChoice {
        anchor,
        workflow,
        workflow_source,
        repo_dir,
        committed_signing,
    })
}

/// The registry, workflow and TSA policy committed in the repository at the package's commit,
/// or the anchor to use when they cannot be read (embedded keys, or an unusable registry) and
/// why.
fn git_trust(
    repo_dir: &Path,
    package: &Path,
    cwd: &Path,
) -> Result<crate::verify::GitTrust, Box<(TrustAnchor, String)>> {
    let commit = std::fs::read(package.join(GIT_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<GitInfo>(&b).ok())
        .and_then(|g| g.revision().map(|r| r.commit.clone()));
    let Some(commit) = commit else {
        let reason = "the package names no git commit to read a committed registry at";
        return Err(Box::new((
            TrustAnchor::EmbeddedKeys {
                reason: reason.into(),
            },
            reason.into(),
        )));
    };
    read_git_trust(
        repo_dir,
        &commit,
        &[package.to_path_buf(), cwd.to_path_buf()],
    )
    .map_err(|e| {
        let why = e.to_string();
        let anchor = match e {
            GitTrustError::Invalid { .. } => TrustAnchor::Unusable {
                source: "the registry committed in git".into(),
                error: why.clone(),
            },
            GitTrustError::NoRepository { .. } | GitTrustError::NoCommit { .. } => {
                TrustAnchor::EmbeddedKeys {
                    reason: why.clone(),
                }
            }
        };
        Box::new((anchor, why))
    })
}
