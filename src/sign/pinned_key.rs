//! [`PinnedKey`]: the signer's public key and the registry entry it was checked against, carried
//! inside every statement (`predicate.signer_key`). A package copied anywhere can then be checked
//! with nothing but itself; the key id binds the key to the envelope's `keyid`, and a trusted
//! registry (explicit, or committed in git) decides whether the key belonged to an allowed signer.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::dsse::decode_base64;
use super::keys::{PrivateKey, PublicKey};
use super::registry::{Signer, SignerEntry};

/// The only algorithm qualify signs with.
pub const ED25519: &str = "ed25519";

/// The signer's key and registry entry as they stood when the signature was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedKey {
    /// Always [`ED25519`].
    pub algorithm: String,
    /// Base64 (standard, padded) of the 32 raw public key bytes.
    pub public_key: String,
    /// SHA-256 of those 32 bytes, lowercase hex: the fingerprint to compare.
    pub key_id: String,
    /// The registry entry of the key at signing time.
    pub registry_entry: PinnedEntry,
}

/// A registry entry as written in signers.yaml, without the key (which [`PinnedKey`] holds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedEntry {
    /// The person's registry id.
    pub id: String,
    /// Printed name.
    pub name: String,
    /// Roles the registry gave the person.
    pub roles: Vec<String>,
    /// Start of the key's validity.
    pub valid_from: DateTime<Utc>,
    /// Revocation recorded at signing time (always absent for a signature that was accepted).
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl PinnedKey {
    /// The pin of `key`, whose registry entry is `signer`.
    pub fn of(key: &PrivateKey, signer: &Signer) -> PinnedKey {
        let public = key.public_key();
        let e = &signer.entry;
        PinnedKey {
            algorithm: ED25519.into(),
            public_key: STANDARD.encode(public.raw_bytes()),
            key_id: public.key_id(),
            registry_entry: PinnedEntry {
                id: e.id.clone(),
                name: e.name.clone(),
                roles: e.roles.clone(),
                valid_from: e.valid_from,
                revoked_at: e.revoked_at,
            },
        }
    }

    /// The pinned key, checked: the algorithm, the 32 bytes, and that their SHA-256 is the stated
    /// key id.
    pub fn public_key(&self) -> Result<PublicKey, String> {
        if self.algorithm != ED25519 {
            return Err(format!(
                "the embedded key is {:?}; qualify signs with {ED25519:?}",
                self.algorithm
            ));
        }
        let bytes = decode_base64(&self.public_key).map_err(|e| format!("embedded key: {e}"))?;
        let key = PublicKey::from_raw(&bytes).map_err(|e| format!("embedded key: {e}"))?;
        if key.key_id() != self.key_id {
            return Err(format!(
                "the embedded key's SHA-256 is {}, not the key id {} it states",
                key.key_id(),
                self.key_id
            ));
        }
        Ok(key)
    }

    /// A signer built from the embedded entry alone: self-asserted, used when no trusted registry
    /// is at hand so that the workflow can still be replayed (and reported as unanchored).
    pub fn self_asserted(&self, key: PublicKey) -> Signer {
        let e = &self.registry_entry;
        Signer {
            entry: SignerEntry {
                id: e.id.clone(),
                name: e.name.clone(),
                roles: e.roles.clone(),
                key_id: Some(self.key_id.clone()),
                public_key: key.to_pem(),
                valid_from: e.valid_from,
                revoked_at: e.revoked_at,
            },
            key_id: key.key_id(),
            public_key: key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(key: &PrivateKey) -> Signer {
        let public = key.public_key();
        Signer {
            entry: SignerEntry {
                id: "qa".into(),
                name: "Quinn".into(),
                roles: vec!["quality-assurance".into()],
                key_id: None,
                public_key: public.to_pem(),
                valid_from: DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc),
                revoked_at: None,
            },
            key_id: public.key_id(),
            public_key: public,
        }
    }

    #[test]
    fn a_pin_round_trips_and_its_key_id_is_checked() {
        let key = PrivateKey::generate().unwrap();
        let pin = PinnedKey::of(&key, &signer(&key));
        assert_eq!(pin.public_key().unwrap(), key.public_key());
        let json = serde_json::to_value(&pin).unwrap();
        assert_eq!(json["registry_entry"]["roles"][0], "quality-assurance");
        assert_eq!(
            json["registry_entry"]["revoked_at"],
            serde_json::Value::Null
        );

        let mut other = pin.clone();
        other.key_id = PrivateKey::generate().unwrap().key_id();
        assert!(other.public_key().unwrap_err().contains("not the key id"));
        let mut short = pin.clone();
        short.public_key = STANDARD.encode([1u8; 31]);
        assert!(short.public_key().unwrap_err().contains("32 bytes"));
        let mut rsa = pin;
        rsa.algorithm = "rsa".into();
        assert!(rsa.public_key().is_err());
    }
}
