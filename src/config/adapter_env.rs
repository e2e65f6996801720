//! `env:` and `pass_env:` of a process adapter: the only ways a variable of qualify's own
//! environment reaches an adapter beyond the scrubbed default (src/adapters/child_env.rs).

use serde::{Deserialize, Serialize};

/// The value of one `env:` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EnvValue {
    /// A value written in qualify.yaml (committed and recorded as evidence: never a secret).
    Literal(String),
    /// The value of a variable of qualify's environment when the adapter starts.
    From(FromEnv),
}

/// `{from_env: VAR}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FromEnv {
    /// The variable of qualify's environment to take the value from.
    pub from_env: String,
}

/// Why a variable may not be handed to an adapter explicitly, if it may not.
pub fn refused_variable(var: &str) -> Option<String> {
    if var.is_empty() || var.contains(['=', '\0']) {
        return Some(format!(
            "`{var}` is not the name of an environment variable"
        ));
    }
    if var.to_ascii_uppercase().starts_with("QUALIFY_") {
        return Some(format!(
            "`{var}`: qualify's own variables (QUALIFY_*, such as the signing passphrase) never reach an adapter"
        ));
    }
    None
}

/// Checks `env` and `pass_env` of adapter `name`.
pub(crate) fn check_env(
    name: &str,
    env: &std::collections::BTreeMap<String, EnvValue>,
    pass_env: &[String],
) -> Result<(), String> {
    for (var, value) in env {
        if var.is_empty() || var.contains(['=', '\0']) {
            return Err(format!(
                "adapter `{name}`: `env` key `{var}` is not the name of an environment variable"
            ));
        }
        if let EnvValue::From(from) = value
            && let Some(why) = refused_variable(&from.from_env)
        {
            return Err(format!("adapter `{name}`: `env.{var}.from_env` {why}"));
        }
    }
    for var in pass_env {
        if let Some(why) = refused_variable(var) {
            return Err(format!("adapter `{name}`: `pass_env` {why}"));
        }
    }
    Ok(())
}
