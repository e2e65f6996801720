//! Signing and checking DSSE envelopes ([`Envelope`], a `qualify-evidence` type) with qualify's
//! Ed25519 keys. The signature is over `PAE(payloadType, payload)` ([`pae`]), never over the
//! JSON, so any conforming DSSE implementation checks these envelopes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub use qualify_evidence::dsse::{Envelope, EnvelopeSignature, decode_base64, pae};
pub use qualify_evidence::schema::IN_TOTO_PAYLOAD_TYPE;

use super::keys::{PrivateKey, PublicKey};

/// Signing and checking an [`Envelope`] with qualify's keys.
pub trait EnvelopeSigning {
    /// Signs `payload` with one key.
    fn sign(payload_type: &str, payload: &[u8], key: &PrivateKey) -> Envelope;
    /// Checks `signature` over this envelope's PAE with `key`.
    fn verify(&self, signature: &EnvelopeSignature, key: &PublicKey) -> Result<(), String>;
}

impl EnvelopeSigning for Envelope {
    fn sign(payload_type: &str, payload: &[u8], key: &PrivateKey) -> Envelope {
        let signature = key.sign(&pae(payload_type, payload));
        Envelope {
            payload_type: payload_type.to_string(),
            payload: STANDARD.encode(payload),
            signatures: vec![EnvelopeSignature {
                keyid: key.key_id(),
                sig: STANDARD.encode(signature),
            }],
        }
    }

    fn verify(&self, signature: &EnvelopeSignature, key: &PublicKey) -> Result<(), String> {
        let payload = self.payload_bytes()?;
        let sig = decode_base64(&signature.sig).map_err(|e| format!("signature: {e}"))?;
        if key.verify(&pae(&self.payload_type, &payload), &sig) {
            Ok(())
        } else {
            Err("the Ed25519 signature does not match the envelope's content".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_verify_and_reject_changes() {
        let key = PrivateKey::generate().unwrap();
        let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":1}", &key);
        let public = key.public_key();
        assert_eq!(env.signatures[0].keyid, key.key_id());
        env.verify(&env.signatures[0], &public).unwrap();
        let json = serde_json::to_value(&env).unwrap();
        assert_eq!(json["payloadType"], IN_TOTO_PAYLOAD_TYPE);

        let mut changed = env.clone();
        changed.payload = STANDARD.encode(b"{\"a\":2}");
        assert!(changed.verify(&changed.signatures[0], &public).is_err());
        let mut retyped = env.clone();
        retyped.payload_type = "text/plain".into();
        assert!(retyped.verify(&retyped.signatures[0], &public).is_err());
        let other = PrivateKey::generate().unwrap().public_key();
        assert!(env.verify(&env.signatures[0], &other).is_err());
        let mut garbled = env.clone();
        garbled.signatures[0].sig = "***".into();
        assert!(garbled.verify(&garbled.signatures[0], &public).is_err());
    }
}
