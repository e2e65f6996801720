//! [`PinnedKey`]: the signer's public key and the registry entry it was checked against, carried
//! inside every statement (`predicate.signer_key`). A package copied anywhere can then be checked
//! with nothing but itself; the key id binds the key to the envelope's `keyid`, and a trusted
//! registry (explicit, or committed in git) decides whether the key belonged to an allowed signer.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use qualify_evidence::schema::ED25519;
use qualify_evidence::{PinnedEntry, PinnedKey};

use super::dsse::decode_base64;
use super::keys::{PrivateKey, PublicKey};
use super::registry::{Signer, SignerEntry};

/// Making and checking a [`PinnedKey`] (a `qualify-evidence` type) with qualify's keys and
/// registry.
pub trait PinnedKeyExt {
    /// The pin of `key`, whose registry entry is `signer`.
    fn of(key: &PrivateKey, signer: &Signer) -> PinnedKey;
    /// The pinned key, checked: the algorithm, the 32 bytes, and that their SHA-256 is the
    /// stated key id.
    fn public_key(&self) -> Result<PublicKey, String>;
    /// A signer built from the embedded entry alone: self-asserted, used when no trusted
    /// registry is at hand so that the workflow can still be replayed (and reported as
    /// unanchored).
    fn self_asserted(&self, key: PublicKey) -> Signer;
}

impl PinnedKeyExt for PinnedKey {
    fn of(key: &PrivateKey, signer: &Signer) -> PinnedKey {
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

    fn public_key(&self) -> Result<PublicKey, String> {
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

    fn self_asserted(&self, key: PublicKey) -> Signer {
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
    use chrono::{DateTime, Utc};

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
