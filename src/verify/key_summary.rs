//! What the report says about keys and refused attempts: each signer's key fingerprint, for the
//! auditor to compare with the key ids the signers published, and every refused signing attempt
//! the audit trail records (21 CFR 11.300(d)).

use std::io::{self, Write};

use serde::Serialize;

use super::contents::PackageContents;
use super::signatures::CheckedEnvelope;
use super::trust_anchor::TrustSummary;
use crate::audit::AuditAction;

/// One signing key of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeySummary {
    /// The fingerprint: SHA-256 of the 32 raw Ed25519 public key bytes, hex (the key id).
    pub key_id: String,
    /// The signer's registry id (from the trusted registry, else as the statement claims).
    pub signer_id: String,
    /// Printed name.
    pub name: String,
    /// Whether a trusted registry holds the key.
    pub anchored: bool,
    /// The envelopes signed with it.
    pub envelopes: Vec<String>,
}

/// A refused signing attempt, as the trail records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedAttempt {
    /// Trail position.
    pub seq: u64,
    /// When.
    pub at: String,
    /// Who claimed to sign (registry id, or the OS user when the key could not be read).
    pub who: String,
    /// The key claimed (key id, or key file and its digest).
    pub claimed_key: String,
    /// What was attempted and why it was refused.
    pub reason: String,
}

/// The keys of the envelopes, first use first.
pub fn key_summaries(envelopes: &[&CheckedEnvelope]) -> Vec<KeySummary> {
    let mut keys: Vec<KeySummary> = Vec::new();
    for e in envelopes {
        let Some(statement) = &e.statement else {
            continue;
        };
        let p = &statement.predicate;
        if let Some(k) = keys.iter_mut().find(|k| k.key_id == p.key_id) {
            k.envelopes.push(e.path.clone());
            continue;
        }
        let (signer_id, name) = match &e.signer {
            Some(s) => (s.entry.id.clone(), s.entry.name.clone()),
            None => (p.signer.id.clone(), p.signer.name.clone()),
        };
        keys.push(KeySummary {
            key_id: p.key_id.clone(),
            signer_id,
            name,
            anchored: e.anchored,
            envelopes: vec![e.path.clone()],
        });
    }
    keys
}

/// The refused attempts of the trail.
pub fn refused_attempts(contents: &PackageContents) -> Vec<RefusedAttempt> {
    let Ok(trail) = &contents.trail else {
        return Vec::new();
    };
    trail
        .entries()
        .filter(|(_, e)| e.action == AuditAction::SigningRefused)
        .map(|(_, e)| RefusedAttempt {
            seq: e.seq,
            at: e.at.clone(),
            who: format!("{} ({})", e.who.name, e.who.id),
            claimed_key: e.subject.clone(),
            reason: format!("{}: {}", e.what, e.why),
        })
        .collect()
}

/// The human lines: trust anchor, keys with fingerprints, refused attempts.
pub fn write_trust(
    out: &mut dyn Write,
    trust: &TrustSummary,
    keys: &[KeySummary],
    refused: &[RefusedAttempt],
) -> io::Result<()> {
    writeln!(out, "registry  {}", trust.registry)?;
    writeln!(out, "workflow  {}", trust.workflow)?;
    if !trust.tsa.is_empty() {
        writeln!(out, "tsa       {}", trust.tsa)?;
    }
    if !keys.is_empty() {
        writeln!(
            out,
            "keys (fingerprint = SHA-256 of the raw Ed25519 public key; compare with the key ids \
             the signers published):"
        )?;
        for k in keys {
            writeln!(
                out,
                "  {}  {} ({})  {}",
                k.key_id,
                k.name,
                k.signer_id,
                if k.anchored {
                    "in the trusted registry"
                } else {
                    "NOT checked against a trusted registry"
                }
            )?;
        }
    }
    if !refused.is_empty() {
        writeln!(out, "refused signing attempts:")?;
        for r in refused {
            writeln!(
                out,
                "  {}  {} with {}: {}",
                r.at, r.who, r.claimed_key, r.reason
            )?;
        }
    }
    Ok(())
}
