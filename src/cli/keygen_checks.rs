//! What `qualify keygen` checks before it asks for a passphrase: that every role is one the
//! workflow knows, and that the key's folder exists (made private when it does not).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::WorkflowConfig;
use crate::errors::Error;

/// Where the known roles come from, for the error message.
#[derive(Debug)]
pub struct KnownRoles {
    /// Every role a meaning or a deviation closure accepts.
    pub roles: BTreeSet<String>,
    /// `qualify.yaml` read, or `None` for the default workflow.
    pub source: Option<PathBuf>,
}

/// Only the workflow of qualify.yaml: a key belongs to a person, so keygen must not fail on the
/// rest of a project file (adapters, requirements) it has no use for.
#[derive(Deserialize)]
struct WorkflowOnly {
    #[serde(default)]
    workflow: WorkflowConfig,
}

/// The roles of the workflow in `--config`, else in ./qualify.yaml when there is one, else of
/// the default workflow.
pub fn known_roles(config: Option<&Path>) -> Result<KnownRoles, Error> {
    let default = Path::new("qualify.yaml");
    let path = match config {
        Some(p) => Some(p),
        None => default.is_file().then_some(default),
    };
    let workflow = match path {
        None => WorkflowConfig::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                Error::Usage(format!(
                    "cannot read {}: {e}; pass --config FILE",
                    p.display()
                ))
            })?;
            let only: WorkflowOnly = serde_norway::from_str(&text).map_err(|e| {
                Error::Usage(format!("{}: the workflow cannot be read: {e}", p.display()))
            })?;
            only.workflow
        }
    };
    let mut roles: BTreeSet<String> = workflow
        .meanings
        .iter()
        .flat_map(|m| m.roles.iter().cloned())
        .collect();
    roles.extend(workflow.deviation_closers.iter().cloned());
    Ok(KnownRoles {
        roles,
        source: path.map(Path::to_path_buf),
    })
}

/// Refuses a role no meaning and no deviation closure accepts: a typo would make a key that can
/// sign nothing, found out only at the first signature.
pub fn check_role(role: &str, known: &KnownRoles) -> Result<(), Error> {
    if known.roles.contains(role) {
        return Ok(());
    }
    let nearest = known
        .roles
        .iter()
        .map(|r| (strsim::damerau_levenshtein(role, r), r))
        .filter(|(d, r)| *d <= 2.max(r.len() / 3))
        .min();
    let hint = match nearest {
        Some((_, r)) => format!("did you mean `{r}`? "),
        None => String::new(),
    };
    let source = match &known.source {
        Some(p) => format!("the workflow of {}", p.display()),
        None => "the default workflow (no qualify.yaml here; pass --config FILE for yours)".into(),
    };
    let list: Vec<&str> = known.roles.iter().map(String::as_str).collect();
    Err(Error::Usage(format!(
        "--role `{role}` is not a role of {source}, which knows: {}. {hint}Add the role to \
         workflow.meanings or workflow.deviation_closers first, or pass --any-role",
        list.join(", ")
    )))
}

/// Makes the key's folder (and any missing parent) with mode 0700 when it is missing, so that
/// `--out ~/.qualify/jdoe.pem` works on a fresh machine. Returns the folder when it was made.
pub fn ensure_key_folder(out: &Path) -> Result<Option<PathBuf>, Error> {
    let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(None);
    };
    if dir.is_dir() {
        return Ok(None);
    }
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| {
            Error::Usage(format!(
                "cannot create the folder {} for the key file: {e}; create it (mode 0700) or \
                 choose another --out",
                dir.display()
            ))
        })?;
    Ok(Some(dir.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_roles() -> KnownRoles {
        let roles = WorkflowConfig::default()
            .meanings
            .iter()
            .flat_map(|m| m.roles.clone())
            .collect();
        KnownRoles {
            roles,
            source: None,
        }
    }

    #[test]
    fn a_typo_is_refused_with_the_nearest_role() {
        let known = default_roles();
        assert!(check_role("quality-assurance", &known).is_ok());
        let err = check_role("quality-assurence", &known)
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean `quality-assurance`?"), "{err}");
        let err = check_role("zzz", &known).unwrap_err().to_string();
        assert!(!err.contains("did you mean"), "{err}");
        assert!(err.contains("validation-lead"), "{err}");
    }
}
