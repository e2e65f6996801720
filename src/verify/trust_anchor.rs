//! [`TrustAnchor`]: what decides whether a key belonged to an allowed signer. Never the folder
//! the auditor stands in: a registry named explicitly (`--signers`, `--config`, the project's own
//! registry when signing), the registry committed in git (membership at the package's commit,
//! revocations at HEAD, read from git objects), or nothing, in which case every signature is
//! checked against the key its statement carries and the report says that membership and
//! revocation were not checked.

use std::path::Path;

use serde::Serialize;

use crate::sign::{Registry, Signer};

/// The source of trust for signer membership and revocation.
#[derive(Debug, Clone)]
pub enum TrustAnchor {
    /// A registry named explicitly.
    Registry {
        /// The registry.
        registry: Registry,
        /// Where it came from, for the report.
        source: String,
    },
    /// The registry committed in git.
    Git {
        /// The registry at the package's commit: who was an allowed signer, with which roles.
        at_commit: Registry,
        /// The registry at HEAD: revocations recorded since.
        at_head: Option<Registry>,
        /// Where they came from, for the report.
        source: String,
    },
    /// No trusted registry: only the keys the statements carry.
    EmbeddedKeys {
        /// Why there is no registry.
        reason: String,
    },
    /// A registry was named but cannot be used: an error, not a fallback.
    Unusable {
        /// What was named.
        source: String,
        /// Why it cannot be used.
        error: String,
    },
}

/// How the report names the trust anchor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrustSummary {
    /// `registry`, `git`, `embedded-keys` or `unusable`.
    pub mode: String,
    /// Whether signer membership and revocation were checked against a trusted registry.
    pub anchored: bool,
    /// The registry used, or why there is none.
    pub registry: String,
    /// The workflow rules used and where they came from.
    pub workflow: String,
    /// The TSA policy used (trusted TSA CA, whether tokens are required) and where it came from;
    /// empty when the caller states none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tsa: String,
}

impl TrustAnchor {
    /// The registry at `path`, named explicitly (`source` says how, e.g. `--signers`).
    pub fn explicit(path: &Path, how: &str) -> TrustAnchor {
        let source = format!("{} ({how})", path.display());
        match Registry::load(path) {
            Ok(registry) => TrustAnchor::Registry { registry, source },
            Err(e) => TrustAnchor::Unusable {
                source,
                error: e.to_string(),
            },
        }
    }

    /// An already loaded registry (the project's, when signing).
    pub fn loaded(registry: &Registry, how: &str) -> TrustAnchor {
        TrustAnchor::Registry {
            source: format!("{} ({how})", registry.path.display()),
            registry: registry.clone(),
        }
    }

    /// The registry that decides membership (who may sign, with which roles), when trusted.
    pub fn membership(&self) -> Option<&Registry> {
        match self {
            TrustAnchor::Registry { registry, .. } => Some(registry),
            TrustAnchor::Git { at_commit, .. } => Some(at_commit),
            TrustAnchor::EmbeddedKeys { .. } | TrustAnchor::Unusable { .. } => None,
        }
    }

    /// The entry of `key_id` in the registry of revocations (HEAD), for git anchors: `None` when
    /// not a git anchor, `Some(None)` when HEAD's registry no longer lists the key.
    pub fn at_head(&self, key_id: &str) -> Option<Option<&Signer>> {
        match self {
            TrustAnchor::Git {
                at_head: Some(head),
                ..
            } => Some(head.by_key_id(key_id)),
            _ => None,
        }
    }

    /// The report's description, given where the workflow came from.
    pub fn summary(&self, workflow: &str) -> TrustSummary {
        let (mode, registry) = match self {
            TrustAnchor::Registry { source, .. } => ("registry", source.clone()),
            TrustAnchor::Git { source, .. } => ("git", source.clone()),
            TrustAnchor::EmbeddedKeys { reason } => (
                "embedded-keys",
                format!("none ({reason}): keys embedded in the signatures only"),
            ),
            TrustAnchor::Unusable { source, error } => ("unusable", format!("{source}: {error}")),
        };
        TrustSummary {
            mode: mode.into(),
            anchored: self.membership().is_some(),
            registry,
            workflow: workflow.into(),
            tsa: String::new(),
        }
    }
}
