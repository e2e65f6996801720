//! TLS client configuration for network adapters: rustls with the ring provider, trusting the
//! CA file of qualify.yaml or else the operating system's trust store, with an optional client
//! certificate.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::pki_types::CertificateDer;
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

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let certs = rustls_pemfile::certs(&mut BufReader::new(file))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("cannot read certificates from {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    Ok(certs)
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
            let file = std::fs::File::open(&key_path)
                .map_err(|e| fail(format!("cannot open {}: {e}", key_path.display())))?;
            let key = rustls_pemfile::private_key(&mut BufReader::new(file))
                .map_err(|e| fail(format!("cannot read {}: {e}", key_path.display())))?
                .ok_or_else(|| fail(format!("{} holds no PEM private key", key_path.display())))?;
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
}
