//! `qualify keygen`: a new Ed25519 key pair for a signer.

use std::io::Write;

use std::path::Path;

use serde::Serialize;

use super::args::KeygenArgs;
use super::key_input::absolute;
use super::keygen_checks::{check_role, ensure_key_folder, known_roles};
use super::output::emit;
use crate::errors::Error;
use crate::exit_code;
use crate::sign::{PrivateKey, Registry, SignerEntry, check_id, entry_yaml, new_passphrase};

/// Makes the key, writes it, prints (and optionally registers) the public entry.
/// Schema id of `keygen --format json`.
pub const KEYGEN_SCHEMA: &str = "qualify.keygen/v1";

/// `keygen --format json`: the registry entry, where the key went and the registry appended to.
#[derive(Serialize)]
struct KeygenReport<'a> {
    schema: &'static str,
    entry: &'a SignerEntry,
    key_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    registry: Option<String>,
}

/// `config` is `--config`: its workflow (else ./qualify.yaml's, else the default) names the roles
/// a key may hold.
pub fn keygen(args: &KeygenArgs, config: Option<&Path>, out: &mut dyn Write) -> Result<i32, Error> {
    check_id(&args.id).map_err(|e| Error::Usage(format!("--id: {e}")))?;
    if args.name.trim().is_empty() {
        return Err(Error::Usage("--name: the printed name is empty".into()));
    }
    let roles = checked_roles(args, config)?;
    let valid_from = match &args.valid_from {
        Some(text) => {
            crate::utc::parse(text).map_err(|e| Error::Usage(format!("--valid-from: {e}")))?
        }
        None => crate::utc::now(),
    };
    if args.out.exists() {
        return Err(crate::sign::SignError::KeyExists {
            path: args.out.clone(),
        }
        .into());
    }
    let registry = args.signers.as_deref().map(absolute);
    if let Some(path) = &registry
        && path.exists()
    {
        // Fail on a broken or conflicting registry before a passphrase is asked for.
        let existing = Registry::load(path)?;
        if let Some(active) = existing
            .signers
            .iter()
            .find(|s| s.entry.id == args.id && s.entry.revoked_at.is_none())
        {
            return Err(Error::Usage(format!(
                "signer `{}` already has an active key ({}) in {}; set its revoked_at before \
                 adding a new key",
                args.id,
                active.key_id,
                path.display()
            )));
        }
    }
    let passphrase = new_passphrase()?;
    if let Some(dir) = ensure_key_folder(&args.out)? {
        eprintln!("created the folder {} (mode 0700)", dir.display());
    }
    let key = PrivateKey::generate()?;
    key.write_encrypted(&args.out, &passphrase)?;
    let entry = SignerEntry {
        id: args.id.clone(),
        name: args.name.trim().to_string(),
        roles,
        key_id: Some(key.key_id()),
        public_key: key.public_key().to_pem(),
        valid_from,
        revoked_at: None,
    };
    if let Some(path) = &registry
        && let Err(e) = Registry::append(path, &entry)
    {
        // The key is useless without its entry; do not leave it behind.
        let _ = std::fs::remove_file(&args.out);
        return Err(e.into());
    }
    let report = KeygenReport {
        schema: KEYGEN_SCHEMA,
        entry: &entry,
        key_file: args.out.display().to_string(),
        registry: registry.as_ref().map(|p| p.display().to_string()),
    };
    // The key is written; a reader that stopped reading (`| head`) changes nothing (emit).
    emit(out, args.format, &report, |o| {
        writeln!(o, "{}", entry_yaml(&entry).trim_end())?;
        o.flush()
    })?;
    eprintln!("private key written to {} (mode 0600)", args.out.display());
    match &registry {
        Some(path) => eprintln!("public entry appended to {}", path.display()),
        None => eprintln!(
            "add the entry above to the signers registry (or run with --signers REGISTRY)"
        ),
    }
    Ok(exit_code::SUCCESS)
}

/// The roles given, trimmed, without repeats, each a valid id and (unless `--any-role`) a role
/// the workflow knows.
fn checked_roles(args: &KeygenArgs, config: Option<&Path>) -> Result<Vec<String>, Error> {
    let known = if args.any_role {
        None
    } else {
        Some(known_roles(config)?)
    };
    let mut roles = Vec::new();
    for role in &args.roles {
        let role = role.trim();
        check_id(role).map_err(|e| Error::Usage(format!("--role: {e}")))?;
        if let Some(known) = &known {
            check_role(role, known)?;
        }
        if !roles.iter().any(|r| r == role) {
            roles.push(role.to_string());
        }
    }
    Ok(roles)
}
