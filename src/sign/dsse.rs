//! DSSE (Dead Simple Signing Envelope) v1: the pre-authentication encoding and the JSON envelope.
//!
//! `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where `LEN` is the
//! byte length in ASCII decimal and `SP` one space. The signature is over the PAE bytes, never over
//! the JSON, so any conforming DSSE implementation checks our envelopes.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use serde::{Deserialize, Serialize};

use super::keys::{PrivateKey, PublicKey};

/// The payload type of an in-toto Statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A DSSE envelope as stored in the package (`*.dsse.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Media type of the payload.
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// Base64 (standard alphabet, padded) of the payload bytes.
    pub payload: String,
    /// The signatures over `PAE(payloadType, payload bytes)`.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// The key id (SHA-256 of the raw public key, hex).
    #[serde(default)]
    pub keyid: String,
    /// Base64 of the 64-byte Ed25519 signature.
    pub sig: String,
}

/// The pre-authentication encoding of DSSE v1.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Base64 decoding that accepts the standard and the URL-safe alphabet, as the DSSE spec asks.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .map_err(|e| format!("invalid base64: {e}"))
}

impl Envelope {
    /// Signs `payload` with one key.
    pub fn sign(payload_type: &str, payload: &[u8], key: &PrivateKey) -> Envelope {
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

    /// The decoded payload bytes.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, String> {
        decode_base64(&self.payload).map_err(|e| format!("payload: {e}"))
    }

    /// Checks `signature` over this envelope's PAE with `key`.
    pub fn verify(&self, signature: &EnvelopeSignature, key: &PublicKey) -> Result<(), String> {
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
    fn pae_matches_the_spec_test_vector() {
        // From the DSSE protocol description.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
        // Lengths are bytes, not characters.
        assert_eq!(pae("t", "é".as_bytes()), "DSSEv1 1 t 2 é".as_bytes());
    }

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
