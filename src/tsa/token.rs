//! A stored token parsed: the CMS SignedData (RFC 5652) that wraps the TSTInfo, and from the
//! TSTInfo what qualify checks (imprint, genTime, nonce).

use chrono::{DateTime, NaiveDateTime, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfo};
use const_oid::db::{rfc3161, rfc5911, rfc5912};
use der::{Decode, Encode};
use x509_cert::Certificate;

use super::asn1::TstInfo;
use super::error::TsaError;

/// A parsed token.
#[derive(Debug, Clone)]
pub struct Token {
    /// The signed content: the TSTInfo's DER, which the signer info's message digest covers.
    pub tst_info_der: Vec<u8>,
    /// The stamped hash (SHA-256 is the only algorithm accepted).
    pub imprint: Vec<u8>,
    /// The TSA's time.
    pub gen_time: DateTime<Utc>,
    /// The nonce's DER, when the token carries one.
    pub nonce_der: Option<Vec<u8>>,
    /// The token's serial number, as hex, for the report.
    pub serial: String,
    /// The one signer info.
    pub signer: SignerInfo,
    /// The certificates the token carries.
    pub certificates: Vec<Certificate>,
}

/// Parses a token's DER.
pub fn parse_token(der_bytes: &[u8]) -> Result<Token, TsaError> {
    let info = ContentInfo::from_der(der_bytes).map_err(TsaError::der("the token"))?;
    if info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(TsaError::Invalid(format!(
            "the token's content type is {}, not CMS SignedData",
            info.content_type
        )));
    }
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(TsaError::der("the token's SignedData"))?;
    let encap = &signed.encap_content_info;
    if encap.econtent_type != rfc3161::ID_CT_TST_INFO {
        return Err(TsaError::Invalid(format!(
            "the token signs content of type {}, not a TSTInfo",
            encap.econtent_type
        )));
    }
    // eContent is an OCTET STRING whose contents are the TSTInfo's DER.
    let tst_info_der = encap
        .econtent
        .as_ref()
        .ok_or_else(|| TsaError::Invalid("the token carries no TSTInfo".into()))?
        .value()
        .to_vec();
    let tst = TstInfo::from_der(&tst_info_der).map_err(TsaError::der("the TSTInfo"))?;
    let imprint = &tst.message_imprint;
    if imprint.hash_algorithm.oid != rfc5912::ID_SHA_256 {
        return Err(TsaError::Invalid(format!(
            "the token stamps a {} hash; qualify asks for and accepts SHA-256 only",
            imprint.hash_algorithm.oid
        )));
    }
    let signers = signed.signer_infos.0.as_slice();
    let [signer] = signers else {
        return Err(TsaError::Invalid(format!(
            "the token has {} signer infos; a time-stamp token has exactly one",
            signers.len()
        )));
    };
    Ok(Token {
        imprint: imprint.hashed_message.as_bytes().to_vec(),
        gen_time: gen_time(tst.gen_time.value())?,
        nonce_der: match &tst.nonce {
            Some(n) => Some(n.to_der().map_err(TsaError::der("the nonce"))?),
            None => None,
        },
        serial: hex::encode(tst.serial_number.as_bytes()),
        signer: signer.clone(),
        certificates: certificates(&signed),
        tst_info_der,
    })
}

/// The certificates of the SignedData (other certificate formats are ignored).
fn certificates(signed: &SignedData) -> Vec<Certificate> {
    let Some(set) = &signed.certificates else {
        return Vec::new();
    };
    set.0
        .iter()
        .filter_map(|choice| match choice {
            cms::cert::CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// A GeneralizedTime's text (`YYYYMMDDHHMMSS[.fff]Z`), UTC.
fn gen_time(value: &[u8]) -> Result<DateTime<Utc>, TsaError> {
    let bad = || {
        TsaError::Invalid(format!(
            "genTime {:?} is not a UTC GeneralizedTime",
            String::from_utf8_lossy(value)
        ))
    };
    let text = std::str::from_utf8(value).map_err(|_| bad())?;
    let text = text.strip_suffix('Z').ok_or_else(bad)?;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let naive = NaiveDateTime::parse_from_str(whole, "%Y%m%d%H%M%S").map_err(|_| bad())?;
    let mut at = naive.and_utc();
    if !fraction.is_empty() {
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let nanos: String = fraction
            .chars()
            .chain("000000000".chars())
            .take(9)
            .collect();
        at += chrono::Duration::nanoseconds(nanos.parse().map_err(|_| bad())?);
    }
    Ok(at)
}
