//! The TSA certificate's chain to a trusted TSA CA, named explicitly (`--tsa-ca`, or the
//! committed qualify.yaml's `signing.tsa_ca`), never taken from the token or the current folder:
//! each link's signature checked, every certificate valid at genTime, intermediates from the
//! token only when they are CAs, and the TSA certificate's extendedKeyUsage timeStamping.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use der::Encode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage};

use super::crypto::{Hash, verify_rsa};
use super::error::TsaError;

/// The longest chain followed (TSA certificate, intermediates, CA).
const MAX_DEPTH: usize = 6;

/// Trusted TSA CA certificates, from a PEM file named explicitly.
#[derive(Debug, Clone)]
pub struct TsaTrust {
    /// The file, named in the report.
    pub path: PathBuf,
    /// Its certificates.
    pub cas: Vec<Certificate>,
}

impl TsaTrust {
    /// Loads the PEM certificates of `path` (one or more).
    pub fn load(path: &Path) -> Result<TsaTrust, TsaError> {
        let pem = std::fs::read(path).map_err(|e| TsaError::TrustFile {
            path: path.to_path_buf(),
            message: format!("cannot be read: {e}"),
        })?;
        TsaTrust::from_pem(path, &pem)
    }

    /// The PEM certificates `pem`, named `path` in the report (a file, or a git object such as
    /// `tsa-ca.pem@4e1c2a9 (git object)` when read from a commit).
    pub fn from_pem(path: &Path, pem: &[u8]) -> Result<TsaTrust, TsaError> {
        let failed = |message: String| TsaError::TrustFile {
            path: path.to_path_buf(),
            message,
        };
        let cas = Certificate::load_pem_chain(pem)
            .map_err(|e| failed(format!("not PEM certificates: {e}")))?;
        if cas.is_empty() {
            return Err(failed("holds no certificate".into()));
        }
        Ok(TsaTrust {
            path: path.to_path_buf(),
            cas,
        })
    }
}

/// Checks that `tsa_cert` is a time-stamping certificate chaining to `trust` at `at`.
pub fn check_chain(
    tsa_cert: &Certificate,
    intermediates: &[Certificate],
    trust: &TsaTrust,
    at: DateTime<Utc>,
) -> Result<(), TsaError> {
    time_stamping_usage(tsa_cert)?;
    let mut current = tsa_cert.clone();
    for _ in 0..MAX_DEPTH {
        valid_at(&current, at)?;
        if let Some(ca) = issuer_among(&current, &trust.cas) {
            return valid_at(ca, at);
        }
        let Some(next) = issuer_among(&current, intermediates) else {
            return Err(TsaError::Invalid(format!(
                "the TSA certificate ({}) does not chain to a trusted TSA CA of {}: no \
                 certificate there (or in the token) issued {}",
                tsa_cert.tbs_certificate().subject(),
                trust.path.display(),
                current.tbs_certificate().subject()
            )));
        };
        if next == &current || !is_ca(next) {
            return Err(TsaError::Invalid(format!(
                "certificate {} in the token is not a CA and cannot issue {}",
                next.tbs_certificate().subject(),
                current.tbs_certificate().subject()
            )));
        }
        current = next.clone();
    }
    Err(TsaError::Invalid(format!(
        "the TSA certificate's chain is longer than {MAX_DEPTH} certificates"
    )))
}

/// The certificate of `candidates` whose subject issued `cert` and whose key signed it.
fn issuer_among<'c>(cert: &Certificate, candidates: &'c [Certificate]) -> Option<&'c Certificate> {
    let tbs = cert.tbs_certificate();
    let tbs_der = tbs.to_der().ok()?;
    let hash = Hash::from_rsa_signature_oid(&cert.signature_algorithm().oid).ok()?;
    candidates.iter().find(|c| {
        c.tbs_certificate().subject() == tbs.issuer()
            && verify_rsa(
                c.tbs_certificate().subject_public_key_info(),
                hash,
                &tbs_der,
                cert.signature().raw_bytes(),
            )
            .is_ok()
    })
}

/// RFC 3161 §2.3: the TSA's certificate has extendedKeyUsage timeStamping (and only that,
/// marked critical; qualify requires the usage and reports the rest as found).
fn time_stamping_usage(cert: &Certificate) -> Result<(), TsaError> {
    let usage = cert
        .tbs_certificate()
        .get_extension::<ExtendedKeyUsage>()
        .map_err(TsaError::der("the TSA certificate's extendedKeyUsage"))?;
    match usage {
        Some((_, eku)) if eku.0.contains(&const_oid::db::rfc5280::ID_KP_TIME_STAMPING) => Ok(()),
        _ => Err(TsaError::Invalid(format!(
            "the token's signing certificate ({}) has no extendedKeyUsage timeStamping: it is \
             not a time-stamping authority's certificate",
            cert.tbs_certificate().subject()
        ))),
    }
}

/// Whether a certificate is a CA (basicConstraints cA).
fn is_ca(cert: &Certificate) -> bool {
    matches!(
        cert.tbs_certificate().get_extension::<BasicConstraints>(),
        Ok(Some((_, BasicConstraints { ca: true, .. })))
    )
}

/// The certificate's validity period contains `at`.
fn valid_at(cert: &Certificate, at: DateTime<Utc>) -> Result<(), TsaError> {
    let validity = cert.tbs_certificate().validity();
    let secs = |t: x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
    let t = at.timestamp();
    if t < secs(validity.not_before) || t > secs(validity.not_after) {
        return Err(TsaError::Invalid(format!(
            "certificate {} is not valid at genTime {} (valid {} to {})",
            cert.tbs_certificate().subject(),
            at.to_rfc3339(),
            validity.not_before,
            validity.not_after
        )));
    }
    Ok(())
}
