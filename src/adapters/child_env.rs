//! The environment a process adapter runs with: qualify's own, scrubbed of secrets, plus what
//! qualify.yaml hands it explicitly.
//!
//! An adapter is code under test; whatever it can read it may log, and its logs become sealed,
//! signed evidence. So it never inherits qualify's own variables (`QUALIFY_*`, among them the
//! signing passphrase), secret-looking names (the deny-list of src/evidence/ci_vars.rs), values
//! that carry URL credentials, or a copy of any of those values under another name. A variable it
//! needs is given explicitly: `env: {NAME: value}`, `env: {NAME: {from_env: VAR}}`, or
//! `pass_env: [VAR]`. What it was given is recorded, secret values redacted.

use std::collections::{BTreeMap, BTreeSet};

use super::AdapterError;
use super::secrets::{REDACTED, Secrets};
use crate::config::{AdapterConfig, EnvValue, refused_variable};
use crate::evidence::{has_url_credentials, is_secret_name, mask_url_credentials};

/// Values shorter than this are not treated as copies of a secret (too likely to be `1`, `true`).
const MIN_SECRET_COPY: usize = 6;

/// The environment of one adapter process.
#[derive(Debug, Clone)]
pub(crate) struct ChildEnv {
    /// Every variable the process gets (its environment is cleared first).
    pub(crate) vars: BTreeMap<String, String>,
    /// The same names with the values as recorded in evidence: secrets `[redacted]`, URL
    /// credentials masked.
    pub(crate) recorded: BTreeMap<String, String>,
    /// The secret values handed over explicitly, redacted from the adapter's transcripts.
    pub(crate) secrets: Secrets,
}

/// qualify's environment as text (variables that are not Unicode cannot be checked or recorded,
/// so they are never passed on).
pub(crate) fn parent_environment() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

fn is_withheld_name(name: &str) -> bool {
    refused_variable(name).is_some() || is_secret_name(name)
}

/// Builds the environment of adapter `adapter` from `parent` (qualify's environment).
pub(crate) fn child_environment(
    adapter: &str,
    config: &AdapterConfig,
    parent: &[(String, String)],
) -> Result<ChildEnv, AdapterError> {
    let secret_values: BTreeSet<&str> = parent
        .iter()
        .filter(|(n, v)| is_withheld_name(n) && v.chars().count() >= MIN_SECRET_COPY)
        .map(|(_, v)| v.as_str())
        .collect();
    let explicit: BTreeSet<&str> = config
        .pass_env
        .iter()
        .map(String::as_str)
        .filter(|n| refused_variable(n).is_none())
        .collect();
    let mut vars = BTreeMap::new();
    let mut secret_names = BTreeSet::new();
    for (name, value) in parent {
        let withheld = is_withheld_name(name)
            || has_url_credentials(value)
            || secret_values.contains(value.as_str());
        if explicit.contains(name.as_str()) {
            if withheld {
                secret_names.insert(name.clone());
            }
            vars.insert(name.clone(), value.clone());
        } else if !withheld {
            vars.insert(name.clone(), value.clone());
        }
    }
    for (name, value) in &config.env {
        let value = match value {
            EnvValue::Literal(v) => v.clone(),
            EnvValue::From(from) => {
                let var = &from.from_env;
                let found = parent.iter().find(|(n, _)| n == var).map(|(_, v)| v);
                let Some(v) = found.filter(|_| refused_variable(var).is_none()) else {
                    return Err(AdapterError::start_failed(
                        adapter,
                        format!(
                            "the environment variable {var} (named by `env.{name}.from_env`) is not set"
                        ),
                    ));
                };
                if is_secret_name(var) || has_url_credentials(v) {
                    secret_names.insert(name.clone());
                }
                v.clone()
            }
        };
        vars.insert(name.clone(), value);
    }
    Ok(record(vars, &secret_names, &secret_values))
}

fn record(
    vars: BTreeMap<String, String>,
    secret_names: &BTreeSet<String>,
    secret_values: &BTreeSet<&str>,
) -> ChildEnv {
    let mut secrets = Secrets::default();
    let mut recorded = BTreeMap::new();
    for (name, value) in &vars {
        let secret = secret_names.contains(name)
            || is_secret_name(name)
            || secret_values.contains(value.as_str());
        let shown = if secret {
            secrets.add(value);
            REDACTED.to_string()
        } else {
            mask_url_credentials(value)
        };
        recorded.insert(name.clone(), shown);
    }
    ChildEnv {
        vars,
        recorded,
        secrets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AdapterKind, FromEnv};

    fn parent() -> Vec<(String, String)> {
        [
            ("PATH", "/usr/bin"),
            ("HOME", "/home/u"),
            ("QUALIFY_KEY_PASSPHRASE", "correct horse battery"),
            ("QUALIFY_OTHER", "x"),
            ("DB_PASS", "pw-123456"),
            ("GITHUB_TOKEN", "ghs_abcdef"),
            ("COPY", "correct horse battery"),
            ("PROXY", "http://u:p@proxy:3128"),
            ("PLANT_DB_PASSWORD", "hunter2-secret"),
            ("LINE", "L1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn scrubs_secrets_and_adds_explicit_variables() {
        let mut c = AdapterConfig::new(AdapterKind::Process);
        c.env
            .insert("MODE".into(), EnvValue::Literal("strict".into()));
        c.env.insert(
            "BRIDGE_DB".into(),
            EnvValue::From(FromEnv {
                from_env: "PLANT_DB_PASSWORD".into(),
            }),
        );
        c.env.insert(
            "LINE_ID".into(),
            EnvValue::From(FromEnv {
                from_env: "LINE".into(),
            }),
        );
        c.pass_env = vec!["DB_PASS".into()];
        let env = child_environment("a", &c, &parent()).unwrap();
        let names: Vec<&str> = env.vars.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "BRIDGE_DB",
                "DB_PASS",
                "HOME",
                "LINE",
                "LINE_ID",
                "MODE",
                "PATH"
            ]
        );
        assert_eq!(env.vars["BRIDGE_DB"], "hunter2-secret");
        assert_eq!(env.recorded["BRIDGE_DB"], REDACTED);
        assert_eq!(env.recorded["DB_PASS"], REDACTED);
        assert_eq!(env.recorded["LINE_ID"], "L1");
        assert_eq!(env.recorded["MODE"], "strict");
        assert_eq!(
            env.secrets.redact("x hunter2-secret pw-123456"),
            "x [redacted] [redacted]"
        );
    }

    #[test]
    fn a_missing_from_env_variable_fails_the_start() {
        let mut c = AdapterConfig::new(AdapterKind::Process);
        c.env.insert(
            "X".into(),
            EnvValue::From(FromEnv {
                from_env: "SURELY_UNSET_VAR".into(),
            }),
        );
        let err = child_environment("a", &c, &parent()).unwrap_err();
        assert!(err.to_string().contains("SURELY_UNSET_VAR"), "{err}");
    }
}
