//! The key phase of a signature's checks: which public key the signature is checked with, and
//! whether that key is anchored in a trusted registry. The statement carries its key
//! (`predicate.signer_key`); a trusted registry, when there is one, must hold the same key id,
//! and its key is the one used. Without one the embedded key is used and the signer is reported
//! as unanchored.

use super::trust_anchor::TrustAnchor;
use crate::sign::{Envelope, EnvelopeSignature, PublicKey, Registry, Signer, Statement};
use crate::sign::{EnvelopeSigning, PinnedKeyExt};

/// The outcome of the key phase.
#[derive(Debug, Default)]
pub(super) struct ResolvedKey {
    /// The signer the key belongs to (the trusted entry, or the self-asserted embedded one).
    pub signer: Option<Signer>,
    /// Whether the Ed25519 signature verified.
    pub trusted: bool,
    /// Whether the signer comes from a trusted registry.
    pub anchored: bool,
    /// HEAD's entry for the key, for git anchors (revocations recorded since the commit).
    pub head_entry: Option<Signer>,
    /// Errors: (is it about the signer rather than the cryptography, message).
    pub errors: Vec<(bool, String)>,
    /// Warnings (about the signer).
    pub warnings: Vec<String>,
}

/// Resolves and checks the key of `signature`.
pub(super) fn resolve_key(
    trust: &TrustAnchor,
    envelope: &Envelope,
    signature: &EnvelopeSignature,
    statement: &Statement,
) -> ResolvedKey {
    let mut out = ResolvedKey::default();
    let pinned = pinned_key(statement, signature, &mut out);
    match trust.membership() {
        Some(registry) => with_registry(trust, registry, envelope, signature, statement, &mut out),
        None => match (&pinned, &statement.predicate.signer_key) {
            (Some(key), Some(pin)) => {
                check_with(envelope, signature, key, &pin.registry_entry.id, &mut out);
                out.signer = Some(pin.self_asserted(*key));
            }
            // The embedded key is unusable: already reported.
            (None, Some(_)) => {}
            _ => out.errors.push((
                true,
                format!(
                    "carries no public key (signed before qualify embedded keys in statements) \
                     and no trusted registry is at hand to check key {}: verify with --signers \
                     REGISTRY, or inside the project's repository (--repo DIR)",
                    signature.keyid
                ),
            )),
        },
    }
    out
}

/// The key the statement carries, when it is well-formed and is the envelope's key.
fn pinned_key(
    statement: &Statement,
    signature: &EnvelopeSignature,
    out: &mut ResolvedKey,
) -> Option<PublicKey> {
    let pin = statement.predicate.signer_key.as_ref()?;
    match pin.public_key() {
        Ok(key) if key.key_id() == signature.keyid => Some(key),
        Ok(key) => {
            out.errors.push((
                false,
                format!(
                    "the embedded key has id {} but the envelope is signed with key {}",
                    key.key_id(),
                    signature.keyid
                ),
            ));
            None
        }
        Err(reason) => {
            out.errors.push((false, reason));
            None
        }
    }
}

/// The signer from the trusted registry (and, for git anchors, HEAD's entry for revocations).
fn with_registry(
    trust: &TrustAnchor,
    registry: &Registry,
    envelope: &Envelope,
    signature: &EnvelopeSignature,
    statement: &Statement,
    out: &mut ResolvedKey,
) {
    let p = &statement.predicate;
    let Some(signer) = registry.by_key_id(&signature.keyid) else {
        let later = matches!(trust.at_head(&signature.keyid), Some(Some(_)));
        out.errors.push((
            true,
            format!(
                "unknown key {}: no signer of the registry {} holds it (signature claims {} \
                 ({})){}",
                signature.keyid,
                registry.path.display(),
                p.signer.name,
                p.signer.id,
                if later {
                    "; the key was added to the registry after the package's commit"
                } else {
                    ""
                }
            ),
        ));
        return;
    };
    check_with(
        envelope,
        signature,
        &signer.public_key,
        &signer.entry.id,
        out,
    );
    out.signer = Some(signer.clone());
    out.anchored = true;
    match trust.at_head(&signature.keyid) {
        Some(Some(head)) => out.head_entry = Some(head.clone()),
        Some(None) => out.warnings.push(format!(
            "key {} of {} ({}) is no longer listed in the registry at HEAD",
            signature.keyid, signer.entry.name, signer.entry.id
        )),
        None => {}
    }
}

/// The Ed25519 signature over the envelope's PAE with `key`.
fn check_with(
    envelope: &Envelope,
    signature: &EnvelopeSignature,
    key: &PublicKey,
    owner: &str,
    out: &mut ResolvedKey,
) {
    match envelope.verify(signature, key) {
        Ok(()) => out.trusted = true,
        Err(reason) => out.errors.push((
            false,
            format!(
                "bad signature by key {} ({owner}): {reason}; the envelope was altered after \
                 signing",
                signature.keyid
            ),
        )),
    }
}
