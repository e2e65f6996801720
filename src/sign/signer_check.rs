//! Who signs: the registry entry of a key, valid at the signing time, and the role it signs in.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::error::SignError;
use super::keys::PrivateKey;
use super::registry::{Registry, Signer};
use super::signing::SignAction;
use crate::config::WorkflowConfig;

/// The registry entry of `key`, valid now, and the role it signs `action` in. Used before a long
/// campaign too, so that a wrong key fails before anything runs.
pub fn signer_for<'r>(
    registry: &'r Registry,
    key: &PrivateKey,
    key_path: &Path,
    workflow: &WorkflowConfig,
    action: &SignAction,
    role: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(&'r Signer, String), SignError> {
    let key_id = key.key_id();
    let signer = registry.by_key_id(&key_id).ok_or_else(|| {
        SignError::Refused(format!(
            "unknown key: {} (key id {key_id}) is not in the signers registry {}; add it with \
             `qualify keygen --signers` or by hand",
            key_path.display(),
            registry.path.display()
        ))
    })?;
    signer.validity_at(now).map_err(SignError::Refused)?;
    let allowed: Vec<String> = match action {
        SignAction::Meaning { meaning } => match workflow.meaning(meaning) {
            Some((_, rule)) => rule.roles.clone(),
            None => {
                return Err(SignError::Refused(format!(
                    "meaning `{meaning}` is not part of the workflow ({})",
                    workflow
                        .meanings
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        },
        SignAction::CloseDeviation { .. } => workflow.deviation_closers.clone(),
    };
    let held = &signer.entry.roles;
    let role = match role {
        Some(r) => r.to_string(),
        None => {
            let usable: Vec<&String> = held.iter().filter(|r| allowed.contains(r)).collect();
            match usable.as_slice() {
                [one] => (*one).clone(),
                [] => {
                    return Err(SignError::Refused(format!(
                        "{} ({}) holds the roles {}, none of which may sign this; allowed: {}",
                        signer.entry.name,
                        signer.entry.id,
                        held.join(", "),
                        allowed.join(", ")
                    )));
                }
                many => {
                    return Err(SignError::Refused(format!(
                        "{} ({}) may sign this as {}; choose one with --role",
                        signer.entry.name,
                        signer.entry.id,
                        many.iter()
                            .map(|r| r.as_str())
                            .collect::<Vec<_>>()
                            .join(" or ")
                    )));
                }
            }
        }
    };
    Ok((signer, role))
}
