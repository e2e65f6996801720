//! [`SignError`]: why a key could not be made or read, or a package could not be signed.

use std::io;
use std::path::PathBuf;

use crate::exit_code;

/// Why a key, the signers registry or a signing operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// No passphrase could be obtained.
    #[error(
        "no passphrase: set the environment variable QUALIFY_KEY_PASSPHRASE, or run in a terminal \
         to be asked for it"
    )]
    NoPassphrase {
        /// Why the terminal could not be used.
        #[source]
        source: io::Error,
    },
    /// A passphrase that cannot protect a key.
    #[error("{0}")]
    WeakPassphrase(String),
    /// The two passphrases typed at keygen differ.
    #[error("the two passphrases differ; nothing was written")]
    PassphraseMismatch,
    /// The key file cannot be decrypted with the passphrase.
    #[error(
        "cannot decrypt the key {}: wrong passphrase, or not an encrypted Ed25519 PKCS#8 key \
         ({reason})",
        path.display()
    )]
    WrongPassphrase {
        /// The key file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// The key file holds no encrypted private key at all (another file, a public key, an
    /// unencrypted key).
    #[error(
        "{} is not a qualify key file: {reason}. A key file is the encrypted PEM \
         (-----BEGIN ENCRYPTED PRIVATE KEY-----) that `qualify keygen` writes; check --key",
        path.display()
    )]
    NotAKeyFile {
        /// The file given as key.
        path: PathBuf,
        /// What it holds instead.
        reason: String,
    },
    /// A new key file cannot be written.
    #[error("cannot write the key file {}", path.display())]
    KeyFileWrite {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The key file is readable or writable by others.
    #[error(
        "the key {} can be read by other users (mode {mode:04o}); a private key must be readable \
         by its owner only: run `chmod 600 {}`",
        path.display(), path.display()
    )]
    KeyFileExposed {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The key file cannot be read or written.
    #[error("cannot access the key file {}", path.display())]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// keygen refuses to overwrite a file.
    #[error("{} already exists; keygen never overwrites a key, choose another --out", path.display())]
    KeyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// Encoding or encrypting a key failed.
    #[error("cannot encode the key: {0}")]
    KeyEncoding(String),
    /// The operating system's random generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    /// The signers registry is unreadable or invalid.
    #[error("signers registry {}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Registry {
        /// The registry file.
        path: PathBuf,
        /// The line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The registry cannot be written.
    #[error("cannot write the signers registry {}", path.display())]
    RegistryWrite {
        /// The registry file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// An argument or request that the rules refuse (unknown key, role, workflow order...).
    #[error("{0}")]
    Refused(String),
    /// The package does not verify, so it cannot be signed.
    #[error("{message}")]
    PackageDoesNotVerify {
        /// The findings, one per line.
        message: String,
    },
    /// The package transaction (src/txn) or the recovery of an interrupted one failed.
    #[error(transparent)]
    Transaction(#[from] crate::txn::TxnError),
    /// The signing could not be anchored in the git ledger (or an anchored one restored).
    #[error("the git ledger")]
    Anchor(#[from] crate::anchor::AnchorError),
    /// `--tsa`: no usable time-stamp token; nothing was signed or written.
    #[error("no trusted time-stamp could be obtained, so nothing was signed or written")]
    Timestamp(#[source] crate::tsa::TsaError),
    /// The package cannot be read or written.
    #[error("cannot update the package at {}", path.display())]
    Package {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

impl SignError {
    /// The documented exit code: 3 when the package fails verification, 5 for I/O failures and a
    /// time-stamping authority that gives no usable token, 2
    /// for everything the user can correct (passphrase, key, registry, workflow).
    pub fn exit_code(&self) -> i32 {
        match self {
            SignError::PackageDoesNotVerify { .. } => exit_code::VERIFICATION_FAILED,
            SignError::Random(_)
            | SignError::Package { .. }
            | SignError::Transaction(_)
            | SignError::RegistryWrite { .. }
            | SignError::KeyFileWrite { .. }
            | SignError::Anchor(_)
            | SignError::Timestamp(_) => exit_code::INTERNAL_ERROR,
            SignError::KeyFile { source, .. } if source.kind() != io::ErrorKind::NotFound => {
                exit_code::INTERNAL_ERROR
            }
            _ => exit_code::INPUT_ERROR,
        }
    }
}
