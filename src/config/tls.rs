//! TLS settings of network adapters (`tls:` under an mqtt or http adapter).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How a network adapter verifies the server and, optionally, proves its own identity.
///
/// TLS itself is chosen by the URL scheme (`mqtts://`, `https://`); these settings only say which
/// certificates to use. Relative paths are resolved against the folder of qualify.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    /// PEM file of the certificate authorities to trust. When set, only these are trusted (a
    /// plant's private PKI); when absent, the operating system's trust store is used.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate chain, for brokers and APIs that require mutual TLS.
    #[serde(default)]
    pub cert_file: Option<PathBuf>,
    /// PEM private key of `cert_file` (PKCS#8, PKCS#1 or SEC1).
    #[serde(default)]
    pub key_file: Option<PathBuf>,
}
