//! Checks a stored token against its envelope: the stamped imprint is the SHA-256 of the
//! envelope's signature bytes, the TSA's CMS signature over the signed attributes verifies with
//! the TSA certificate, whose chain leads to a trusted TSA CA. The nonce only matters when the
//! token is received (src/tsa/request.rs), not here.

use chrono::{DateTime, Utc};
use cms::signed_data::{SignerIdentifier, SignerInfo};
use const_oid::db::{rfc3161, rfc5911, rfc5912};
use der::Encode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

pub use super::chain::TsaTrust;
use super::chain::check_chain;
use super::crypto::{Hash, verify_rsa};
use super::error::TsaError;
use super::request::imprint_of;
use super::token::{Token, parse_token};

/// A token that stamps the envelope's signature.
#[derive(Debug, Clone)]
pub struct StampedTime {
    /// The TSA's time.
    pub gen_time: DateTime<Utc>,
    /// The token's serial number (hex).
    pub serial: String,
    /// The TSA certificate's subject, when the token names one.
    pub tsa: Option<String>,
    /// Whether the TSA's signature and chain were checked against a trusted TSA CA.
    pub trusted: bool,
}

/// Checks `token_der` against the envelope's `signature_bytes`; the TSA's signature and chain
/// too when `trust` is given (without it the result says `trusted: false`).
pub fn verify_token(
    token_der: &[u8],
    signature_bytes: &[u8],
    trust: Option<&TsaTrust>,
) -> Result<StampedTime, TsaError> {
    let token = parse_token(token_der)?;
    if token.imprint != imprint_of(signature_bytes) {
        return Err(TsaError::Invalid(
            "the token stamps another message imprint than the SHA-256 of this envelope's \
             signature: it belongs to another signature"
                .into(),
        ));
    }
    let signer_cert = signer_certificate(&token);
    let mut stamped = StampedTime {
        gen_time: token.gen_time,
        serial: token.serial.clone(),
        tsa: signer_cert.map(|c| c.tbs_certificate().subject().to_string()),
        trusted: false,
    };
    let Some(trust) = trust else {
        return Ok(stamped);
    };
    let cert = signer_cert.ok_or_else(|| {
        TsaError::Invalid(
            "the token does not carry the TSA's certificate, so its signature cannot be \
             checked (qualify asks TSAs for it with certReq)"
                .into(),
        )
    })?;
    signed_attributes(&token)?;
    tsa_signature(&token.signer, cert)?;
    check_chain(cert, &token.certificates, trust, token.gen_time)?;
    stamped.trusted = true;
    Ok(stamped)
}

/// The certificate the signer info names, among the token's certificates.
fn signer_certificate(token: &Token) -> Option<&Certificate> {
    token.certificates.iter().find(|c| {
        let tbs = c.tbs_certificate();
        match &token.signer.sid {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                tbs.issuer() == &id.issuer && tbs.serial_number() == &id.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => matches!(
                tbs.get_extension::<SubjectKeyIdentifier>(),
                Ok(Some((_, own))) if own == *ski
            ),
        }
    })
}

/// The signed attributes: content type TSTInfo, and a message digest of the TSTInfo.
fn signed_attributes(token: &Token) -> Result<(), TsaError> {
    let signer = &token.signer;
    let attrs = signer.signed_attrs.as_ref().ok_or_else(|| {
        TsaError::Invalid("the token's signer info has no signed attributes".into())
    })?;
    let value_of = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let content_type = value_of(rfc5911::ID_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<const_oid::ObjectIdentifier>().ok());
    if content_type != Some(rfc3161::ID_CT_TST_INFO) {
        return Err(TsaError::Invalid(
            "the token's signed content-type attribute is not id-ct-TSTInfo".into(),
        ));
    }
    let hash = Hash::from_digest_oid(&signer.digest_alg.oid).map_err(TsaError::Invalid)?;
    let digest = value_of(rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<der::asn1::OctetString>().ok());
    match digest {
        Some(d) if d.as_bytes() == hash.digest(&token.tst_info_der) => Ok(()),
        _ => Err(TsaError::Invalid(
            "the token's TSTInfo does not match the message digest the TSA signed: the token \
             was altered"
                .into(),
        )),
    }
}

/// The TSA's signature over the DER of the signed attributes (a SET OF, RFC 5652 §5.4).
fn tsa_signature(signer: &SignerInfo, cert: &Certificate) -> Result<(), TsaError> {
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or_else(|| TsaError::Invalid("no signed attributes".into()))?;
    let message = attrs
        .to_der()
        .map_err(TsaError::der("the signed attributes"))?;
    let oid = &signer.signature_algorithm.oid;
    let hash = if *oid == rfc5912::RSA_ENCRYPTION {
        Hash::from_digest_oid(&signer.digest_alg.oid)
    } else {
        Hash::from_rsa_signature_oid(oid)
    }
    .map_err(TsaError::Invalid)?;
    verify_rsa(
        cert.tbs_certificate().subject_public_key_info(),
        hash,
        &message,
        signer.signature.as_bytes(),
    )
    .map_err(|e| TsaError::Invalid(format!("the TSA's signature on the token: {e}")))
}
