//! The signature algorithms a token or a TSA certificate may use: RSA PKCS#1 v1.5 with SHA-256,
//! SHA-384 or SHA-512 (what plant TSAs and `openssl ts` issue). Anything else is refused by name,
//! never accepted unchecked.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::Encode;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::SubjectPublicKeyInfoOwned;

/// A hash qualify accepts in tokens and certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// The hash named by a digest algorithm OID.
    pub fn from_digest_oid(oid: &ObjectIdentifier) -> Result<Hash, String> {
        match *oid {
            rfc5912::ID_SHA_256 => Ok(Hash::Sha256),
            rfc5912::ID_SHA_384 => Ok(Hash::Sha384),
            rfc5912::ID_SHA_512 => Ok(Hash::Sha512),
            other => Err(format!(
                "digest algorithm {other} is not supported (SHA-256/384/512)"
            )),
        }
    }

    /// The hash of an RSA signature algorithm OID (`sha256WithRSAEncryption`, ...).
    pub fn from_rsa_signature_oid(oid: &ObjectIdentifier) -> Result<Hash, String> {
        match *oid {
            rfc5912::SHA_256_WITH_RSA_ENCRYPTION => Ok(Hash::Sha256),
            rfc5912::SHA_384_WITH_RSA_ENCRYPTION => Ok(Hash::Sha384),
            rfc5912::SHA_512_WITH_RSA_ENCRYPTION => Ok(Hash::Sha512),
            other => Err(format!(
                "signature algorithm {other} is not supported (RSA PKCS#1 v1.5 with SHA-256/384/512)"
            )),
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// Verifies an RSA PKCS#1 v1.5 signature over `message` with the key in `spki`.
pub fn verify_rsa(
    spki: &SubjectPublicKeyInfoOwned,
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    if spki.algorithm.oid != rfc5912::RSA_ENCRYPTION {
        return Err(format!(
            "the key is of algorithm {}; qualify checks RSA time-stamp signatures only",
            spki.algorithm.oid
        ));
    }
    let spki_der = spki
        .to_der()
        .map_err(|e| format!("the public key cannot be encoded: {e}"))?;
    let key = rsa::PublicKey::from_public_key_der(&spki_der)
        .map_err(|e| format!("not a usable RSA public key: {e}"))?;
    let signature =
        Signature::try_from(signature).map_err(|e| format!("not an RSA signature: {e}"))?;
    let checked = match hash {
        Hash::Sha256 => VerifyingKey::<Sha256>::new(key).verify(message, &signature),
        Hash::Sha384 => VerifyingKey::<Sha384>::new(key).verify(message, &signature),
        Hash::Sha512 => VerifyingKey::<Sha512>::new(key).verify(message, &signature),
    };
    checked.map_err(|_| "the signature does not verify with the key".to_string())
}
