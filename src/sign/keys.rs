//! Ed25519 keys: generation, the encrypted PKCS#8 PEM key file, public keys and key ids.
//!
//! The private key file is PKCS#8 v1 (`OneAsymmetricKey` without the optional public key, which
//! OpenSSL 3.0 cannot read) encrypted with PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC, the scheme
//! every OpenSSL reads (`openssl pkey -in FILE -passin env:VAR`). It is written with mode 0600 and
//! never overwritten. The key id is the SHA-256 of the 32 raw public key bytes, lowercase hex.

use std::fs;
use std::path::Path;

use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};
use ed25519_dalek::pkcs8::{DecodePublicKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use pkcs8::pkcs5::pbes2;
use pkcs8::{LineEnding, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use super::error::SignError;
use crate::evidence::sha256_hex;

/// PBKDF2 iterations for new key files: OWASP's recommendation for PBKDF2-HMAC-SHA256.
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// Tells a file that is no encrypted key (whose decryption would fail as a "wrong passphrase")
/// from one whose passphrase is wrong, by its PEM label.
fn check_key_label(pem: &str, path: &Path) -> Result<(), SignError> {
    let first = pem.trim_start().lines().next().unwrap_or("").trim_end();
    let reason = match first {
        "-----BEGIN ENCRYPTED PRIVATE KEY-----" => return Ok(()),
        "" => "it is empty".to_string(),
        "-----BEGIN PRIVATE KEY-----" | "-----BEGIN OPENSSH PRIVATE KEY-----" => {
            "it holds an unencrypted private key; qualify keeps keys encrypted at rest \
             (make one with `qualify keygen`)"
                .to_string()
        }
        "-----BEGIN PUBLIC KEY-----" => "it holds a public key, not the private key".to_string(),
        other if other.starts_with("-----BEGIN ") => format!("it holds a PEM `{other}`"),
        _ => "it is not a PEM file".to_string(),
    };
    Err(SignError::NotAKeyFile {
        path: path.to_path_buf(),
        reason,
    })
}

/// A private key loaded for signing.
pub struct PrivateKey {
    key: SigningKey,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        write!(f, "PrivateKey({})", self.key_id())
    }
}

impl PrivateKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<PrivateKey, SignError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        getrandom::fill(secret.as_mut()).map_err(|e| SignError::Random(e.to_string()))?;
        Ok(PrivateKey {
            key: SigningKey::from_bytes(&secret),
        })
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            key: self.key.verifying_key(),
        }
    }

    /// The key id of the public half.
    pub fn key_id(&self) -> String {
        self.public_key().key_id()
    }

    /// An Ed25519 signature over `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        self.key.sign(message).to_bytes()
    }

    /// The key as encrypted PKCS#8 v1 PEM (`ENCRYPTED PRIVATE KEY`).
    pub fn to_encrypted_pem(&self, passphrase: &str) -> Result<Zeroizing<String>, SignError> {
        let encoding = |e: &dyn std::fmt::Display| SignError::KeyEncoding(e.to_string());
        let plain = KeypairBytes {
            secret_key: self.key.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_der()
        .map_err(|e| encoding(&e))?;
        let info = PrivateKeyInfoRef::try_from(plain.as_bytes()).map_err(|e| encoding(&e))?;
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| SignError::Random(e.to_string()))?;
        getrandom::fill(&mut iv).map_err(|e| SignError::Random(e.to_string()))?;
        let params =
            pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, iv)
                .map_err(|e| encoding(&e))?;
        let encrypted = info
            .encrypt_with_params(params, passphrase.as_bytes())
            .map_err(|e| encoding(&e))?;
        encrypted
            .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
            .map_err(|e| encoding(&e))
    }

    /// Decrypts an encrypted PKCS#8 PEM key. `path` only names the file in errors.
    pub fn from_encrypted_pem(
        pem: &str,
        passphrase: &str,
        path: &Path,
    ) -> Result<PrivateKey, SignError> {
        check_key_label(pem, path)?;
        let key =
            SigningKey::from_pkcs8_encrypted_pem(pem, passphrase.as_bytes()).map_err(|e| {
                SignError::WrongPassphrase {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                }
            })?;
        Ok(PrivateKey { key })
    }

    /// Writes the key, encrypted, to a new file with mode 0600. Refuses to replace a file.
    pub fn write_encrypted(&self, path: &Path, passphrase: &str) -> Result<(), SignError> {
        let pem = self.to_encrypted_pem(passphrase)?;
        // Whole or absent, never replacing a file, mode 0600 from the first byte.
        crate::fsio::write_new(path, pem.as_bytes(), 0o600).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                SignError::KeyExists {
                    path: path.to_path_buf(),
                }
            } else {
                SignError::KeyFileWrite {
                    path: path.to_path_buf(),
                    source: e,
                }
            }
        })
    }

    /// Reads and decrypts a key file after checking that no other user can read it.
    pub fn read_encrypted(path: &Path, passphrase: &str) -> Result<PrivateKey, SignError> {
        check_private_mode(path)?;
        let bytes = Zeroizing::new(fs::read(path).map_err(|source| SignError::KeyFile {
            path: path.to_path_buf(),
            source,
        })?);
        let pem = Zeroizing::new(String::from_utf8(bytes.to_vec()).map_err(|_| {
            SignError::NotAKeyFile {
                path: path.to_path_buf(),
                reason: "it is not text (a binary file?)".into(),
            }
        })?);
        PrivateKey::from_encrypted_pem(&pem, passphrase, path)
    }
}

/// Refuses a key file that users other than its owner may read or write (any group or other
/// permission bit), as OpenSSH does.
pub fn check_private_mode(path: &Path) -> Result<(), SignError> {
    let meta = fs::metadata(path).map_err(|source| SignError::KeyFile {
        path: path.to_path_buf(),
        source,
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(SignError::KeyFileExposed {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    Ok(())
}

/// An Ed25519 public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    /// SHA-256 of the 32 raw key bytes, lowercase hex.
    pub fn key_id(&self) -> String {
        sha256_hex(self.key.as_bytes())
    }

    /// The 32 raw key bytes (RFC 8032 encoding): what a statement pins and the key id hashes.
    pub fn raw_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// A key from its 32 raw bytes; refuses encodings that are not a valid Ed25519 point.
    pub fn from_raw(bytes: &[u8]) -> Result<PublicKey, String> {
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("an Ed25519 public key has 32 bytes, not {}", bytes.len()))?;
        VerifyingKey::from_bytes(&bytes)
            .map(|key| PublicKey { key })
            .map_err(|e| format!("not an Ed25519 public key: {e}"))
    }

    /// SubjectPublicKeyInfo PEM (`PUBLIC KEY`), as `openssl pkey -pubout` writes it.
    pub fn to_pem(&self) -> String {
        // Encoding 32 bytes into a fixed structure cannot fail.
        self.key
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// Parses a SubjectPublicKeyInfo PEM.
    pub fn from_pem(pem: &str) -> Result<PublicKey, String> {
        VerifyingKey::from_public_key_pem(pem.trim())
            .map(|key| PublicKey { key })
            .map_err(|e| format!("not an Ed25519 public key in PEM form: {e}"))
    }

    /// Whether `signature` is a valid Ed25519 signature of `message` by this key (strict
    /// verification: rejects malleable and small-order encodings).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify_strict(message, &signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_pem_round_trips_and_rejects_a_wrong_passphrase() {
        let key = PrivateKey::generate().unwrap();
        let pem = key.to_encrypted_pem("correct horse").unwrap();
        assert!(pem.starts_with(concat!("-----BEGIN ENCRYPTED ", "PRIVATE KEY-----\n")));
        let back = PrivateKey::from_encrypted_pem(&pem, "correct horse", Path::new("k")).unwrap();
        assert_eq!(back.key_id(), key.key_id());
        let err = PrivateKey::from_encrypted_pem(&pem, "wrong", Path::new("k")).unwrap_err();
        assert!(matches!(err, SignError::WrongPassphrase { .. }), "{err}");
    }

    #[test]
    fn signatures_verify_with_the_public_pem_only() {
        let key = PrivateKey::generate().unwrap();
        let public = PublicKey::from_pem(&key.public_key().to_pem()).unwrap();
        assert_eq!(public.key_id().len(), 64);
        let sig = key.sign(b"message");
        assert!(public.verify(b"message", &sig));
        assert!(!public.verify(b"messagf", &sig));
        assert!(!public.verify(b"message", &sig[..63]));
        assert!(PublicKey::from_pem("not a key").is_err());
    }

    #[test]
    fn key_files_are_private_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("k.pem");
        let key = PrivateKey::generate().unwrap();
        key.write_encrypted(&path, "passphrase").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(matches!(
            key.write_encrypted(&path, "passphrase"),
            Err(SignError::KeyExists { .. })
        ));
        let read = PrivateKey::read_encrypted(&path, "passphrase").unwrap();
        assert_eq!(read.key_id(), key.key_id());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let err = PrivateKey::read_encrypted(&path, "passphrase").unwrap_err();
        assert!(
            matches!(err, SignError::KeyFileExposed { mode: 0o640, .. }),
            "{err}"
        );
    }
}
