//! [`Envelope`]: DSSE (Dead Simple Signing Envelope) v1, as stored in the package
//! (`signatures/*.dsse.json`, `deviations/closures/*.dsse.json`).
//!
//! `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where `LEN` is the
//! byte length in ASCII decimal and `SP` one space. The signature is over the PAE bytes, never over
//! the JSON, so any conforming DSSE implementation checks these envelopes. The payload is a
//! [`crate::Statement`] with payload type
//! [`IN_TOTO_PAYLOAD_TYPE`](crate::schema::IN_TOTO_PAYLOAD_TYPE); the signatures are Ed25519, and
//! checking them (with a crypto library of the reader's choice) is left to the reader.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use serde::{Deserialize, Serialize};

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
    /// The decoded payload bytes.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, String> {
        decode_base64(&self.payload).map_err(|e| format!("payload: {e}"))
    }

    /// The bytes a signature of this envelope is over: `PAE(payloadType, payload bytes)`.
    pub fn signed_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(pae(&self.payload_type, &self.payload_bytes()?))
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
    fn payload_decodes_both_alphabets_and_rejects_garbage() {
        let env = Envelope {
            payload_type: "t".into(),
            payload: STANDARD.encode([0xfb, 0xff]),
            signatures: vec![],
        };
        assert_eq!(env.payload_bytes().unwrap(), vec![0xfb, 0xff]);
        assert_eq!(
            env.signed_bytes().unwrap(),
            b"DSSEv1 1 t 2 \xfb\xff".to_vec()
        );
        let url = Envelope {
            payload: URL_SAFE.encode([0xfb, 0xff]),
            ..env.clone()
        };
        assert_eq!(url.payload_bytes().unwrap(), vec![0xfb, 0xff]);
        let bad = Envelope {
            payload: "***".into(),
            ..env
        };
        assert!(
            bad.payload_bytes()
                .unwrap_err()
                .starts_with("payload: invalid base64")
        );
    }
}
