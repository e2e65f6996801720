//! TLS client configuration for network adapters: rustls with the ring provider, trusting the
//! CA file of qualify.yaml or else the operating system's trust store, with an optional client
//! certificate.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use super::AdapterError;
use crate::config::TlsSettings;

/// The system trust store, loaded once per process (reading it costs milliseconds per start).
fn native_roots() -> &'static Result<Vec<CertificateDer<'static>>, String> {
    static ROOTS: OnceLock<Result<Vec<CertificateDer<'static>>, String>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let found = rustls_native_certs::load_native_certs();
        if found.certs.is_empty() {
            let why = found
                .errors
                .first()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "it holds no certificates".to_string());
            Err(format!(
                "cannot load the system's trusted certificates: {why}; set `tls.ca_file`"
            ))
        } else {
            Ok(found.certs)
        }
    })
}

fn resolve(config_dir: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        config_dir.join(path)
    }
}

/// `pem_file_iter` reports a file that cannot be opened as `pem::Error::Io` before iterating;
/// keep that apart from a malformed PEM section so the message says which of the two it was.
fn open_failure(path: &Path, e: pem::Error) -> String {
    match e {
        pem::Error::Io(io) => format!("cannot open {}: {io}", path.display()),
        other => format!("cannot read {}: {other}", path.display()),
    }
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| open_failure(path, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("cannot read certificates from {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    Ok(certs)
}

/// The first private key (PKCS#8, PKCS#1 or SEC1) in a PEM file.
fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    match PrivateKeyDer::from_pem_file(path) {
        Ok(key) => Ok(key),
        Err(pem::Error::NoItemsFound) => {
            Err(format!("{} holds no PEM private key", path.display()))
        }
        Err(e) => Err(open_failure(path, e)),
    }
}

/// A rustls client configuration for `settings` (relative paths against `config_dir`). Problems
/// with the files are start failures naming the file.
pub(crate) fn client_config(
    adapter: &str,
    settings: Option<&TlsSettings>,
    config_dir: &Path,
) -> Result<Arc<ClientConfig>, AdapterError> {
    let fail = |reason: String| AdapterError::start_failed(adapter, reason);
    let mut roots = RootCertStore::empty();
    match settings.and_then(|s| s.ca_file.as_deref()) {
        Some(ca) => {
            let path = resolve(config_dir, ca);
            let (added, _) = roots.add_parsable_certificates(read_certs(&path).map_err(fail)?);
            if added == 0 {
                return Err(fail(format!(
                    "{} holds no usable CA certificate",
                    path.display()
                )));
            }
        }
        None => {
            let certs = native_roots().as_ref().map_err(|e| fail(e.clone()))?;
            roots.add_parsable_certificates(certs.iter().cloned());
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(format!("TLS set-up failed: {e}")))?
        .with_root_certificates(roots);
    let client_cert = settings.and_then(|s| s.cert_file.as_deref().zip(s.key_file.as_deref()));
    let config = match client_cert {
        Some((cert, key)) => {
            let cert_path = resolve(config_dir, cert);
            let key_path = resolve(config_dir, key);
            let chain = read_certs(&cert_path).map_err(fail)?;
            let key = read_key(&key_path).map_err(fail)?;
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                fail(format!(
                    "the client certificate {} and key {} do not fit: {e}",
                    cert_path.display(),
                    key_path.display()
                ))
            })?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// Variant names of `rustls::Error` as its `Debug` output shows them.
const RUSTLS_ERRORS: [&str; 8] = [
    "InvalidCertificate(",
    "AlertReceived(",
    "PeerIncompatible(",
    "PeerMisbehaved(",
    "NoCertificatesPresented",
    "InvalidCertRevocationList(",
    "HandshakeNotComplete",
    "InappropriateHandshakeMessage",
];

/// Whether an error chain comes from TLS (a rustls error somewhere in it). Some libraries keep
/// the cause out of `source()` (hyper-util's connect errors), so besides walking the chain this
/// looks for rustls's error variants in the chain's `Debug` form.
pub(crate) fn is_tls_error(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>())
        {
            return true;
        }
        current = e.source();
    }
    let debug = format!("{error:?}");
    RUSTLS_ERRORS.iter().any(|variant| debug.contains(variant))
}

/// An error and its sources as one line (`a: b: c`), for messages that must say why.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_errors_are_recognised_through_wrappers() {
        let rustls_error =
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls_error);
        assert!(is_tls_error(&wrapped));
        let twice = std::io::Error::other(wrapped);
        assert!(is_tls_error(&twice), "found by its Debug form");
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(!is_tls_error(&refused));
        assert_eq!(
            error_chain(&std::io::Error::other("outer")),
            "outer",
            "no source, no repetition"
        );
    }

    /// Makes a self-signed certificate and its PKCS#8 key with the `openssl` program (the key
    /// header never appears in tracked files).
    fn openssl_pair(dir: &Path, key_type: &str) -> (PathBuf, PathBuf) {
        let (cert, key) = (dir.join("c.pem"), dir.join("k.pem"));
        let out = std::process::Command::new("openssl")
            .args(["req", "-x509", "-newkey", key_type, "-nodes", "-days", "2"])
            .args(["-subj", "/CN=qualify client", "-keyout"])
            .args([&key, Path::new("-out"), &cert])
            .output()
            .expect("openssl runs (apt-get install openssl)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (cert, key)
    }

    fn client_tls(dir: &Path, ca: &str, cert: &str, key: &str) -> Result<(), String> {
        let settings = TlsSettings {
            ca_file: Some(ca.into()),
            cert_file: Some(cert.into()),
            key_file: Some(key.into()),
        };
        client_config("a", Some(&settings), dir)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn pem_certificates_and_keys_are_read_and_bad_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = openssl_pair(dir.path(), "rsa:2048");
        assert!(cert.is_file() && key.is_file());
        client_tls(dir.path(), "c.pem", "c.pem", "k.pem").expect("chain and key fit");

        let err = client_tls(dir.path(), "c.pem", "c.pem", "missing.pem").unwrap_err();
        assert!(
            err.contains("cannot open") && err.contains("missing.pem"),
            "{err}"
        );
        let err = client_tls(dir.path(), "c.pem", "c.pem", "c.pem").unwrap_err();
        assert!(err.contains("c.pem holds no PEM private key"), "{err}");
        let err = client_tls(dir.path(), "k.pem", "c.pem", "k.pem").unwrap_err();
        assert!(err.contains("k.pem holds no PEM certificate"), "{err}");
        std::fs::write(
            dir.path().join("broken.pem"),
            "-----BEGIN CERTIFICATE-----\n!!\n",
        )
        .unwrap();
        let err = client_tls(dir.path(), "broken.pem", "c.pem", "k.pem").unwrap_err();
        assert!(err.contains("cannot read certificates from"), "{err}");
    }
}
