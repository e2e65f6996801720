//! `signing:` in `qualify.yaml`: RFC 3161 time-stamping (docs/configuration.md, "signing").

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `signing:` settings. Every field is optional, so the section may be left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningSettings {
    /// The plant's time-stamping authority (RFC 3161 over HTTP): `sign` and `deviation close`
    /// store its token beside each envelope. `--tsa URL` overrides it.
    #[serde(default)]
    pub tsa_url: Option<String>,
    /// The trusted TSA CA certificates (PEM), relative to the config's folder: `verify` checks
    /// tokens against them. `--tsa-ca FILE` overrides it.
    #[serde(default)]
    pub tsa_ca: Option<PathBuf>,
    /// Whether every signature and closure must carry a time-stamp token: `verify` reports a
    /// missing one as an error.
    #[serde(default)]
    pub require_tsa: bool,
}

impl SigningSettings {
    /// Refuses settings that cannot work: an empty or non-HTTP TSA URL.
    pub fn check(&self) -> Result<(), String> {
        if let Some(url) = &self.tsa_url {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| format!("signing.tsa_url {url:?} is not a URL: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!(
                    "signing.tsa_url {url:?}: a time-stamping authority is reached over http or \
                     https"
                ));
            }
        }
        Ok(())
    }
}
