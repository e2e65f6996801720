//! Asking a time-stamping authority for a token (RFC 3161 over HTTP, RFC 3161 §3.4): a
//! `TimeStampReq` with the SHA-256 imprint of the envelope's signature bytes, a fresh nonce and
//! `certReq`, POSTed as `application/timestamp-query`. The answer is checked before the signing
//! goes on: status granted, the imprint and the nonce ours, the token parseable. Nothing is
//! written here; the caller puts the token into the package transaction.

use std::time::Duration;

use der::asn1::OctetString;
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;

use super::asn1::{MessageImprint, PkiStatus, TimeStampReq, TimeStampResp};
use super::error::TsaError;
use super::token::parse_token;

/// How long a TSA may take to answer: a signing waits for it, but not forever.
const TSA_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response accepted (a token with a certificate chain is a few kB).
const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// The SHA-256 of the time-stamped data: the envelope signature's raw bytes.
pub fn imprint_of(signature_bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(signature_bytes).to_vec()
}

/// Asks the TSA at `url` for a token over `signature_bytes`; returns the token (the DER of the
/// CMS ContentInfo), checked against the request.
pub fn request_token(url: &str, signature_bytes: &[u8]) -> Result<Vec<u8>, TsaError> {
    let imprint = imprint_of(signature_bytes);
    let nonce = fresh_nonce()?;
    let body = request_der(&imprint, nonce)?;
    let answer = post(url, body)?;
    let response = TimeStampResp::from_der(&answer).map_err(TsaError::der("the TSA's response"))?;
    let token = granted_token(url, response)?;
    let parsed = parse_token(&token)?;
    if parsed.imprint != imprint {
        return Err(TsaError::Invalid(format!(
            "time-stamping authority {url} stamped another message imprint than the one asked \
             for: its token cannot be used"
        )));
    }
    if parsed.nonce_der != Some(nonce.to_der().map_err(TsaError::der("the nonce"))?) {
        return Err(TsaError::Invalid(format!(
            "time-stamping authority {url} answered with another nonce than the request's: the \
             answer may be a replay and is not used"
        )));
    }
    Ok(token)
}

/// A random positive 63-bit nonce (positive so that its DER INTEGER has no sign surprises).
fn fresh_nonce() -> Result<u64, TsaError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| TsaError::Invalid(format!("no random source for the TSA nonce: {e}")))?;
    Ok(u64::from_be_bytes(bytes) >> 1)
}

/// The DER of the request.
fn request_der(imprint: &[u8], nonce: u64) -> Result<Vec<u8>, TsaError> {
    let request = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: const_oid::db::rfc5912::ID_SHA_256,
                parameters: None,
            },
            hashed_message: OctetString::new(imprint).map_err(TsaError::der("the imprint"))?,
        },
        req_policy: None,
        nonce: Some(nonce),
        cert_req: true,
        extensions: None,
    };
    request.to_der().map_err(TsaError::der("the request"))
}

/// POSTs the request; returns the response body. Runs its own small runtime: signing is
/// synchronous and one request does not need more.
fn post(url: &str, body: Vec<u8>) -> Result<Vec<u8>, TsaError> {
    let failed = |message: String, source: Option<reqwest::Error>| TsaError::Unreachable {
        url: url.to_string(),
        message,
        source,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("cannot start the HTTP client: {e}"), None))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(TSA_TIMEOUT)
            .build()
            .map_err(|e| failed("cannot build the HTTP client".into(), Some(e)))?;
        let response = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/timestamp-query")
            .body(body)
            .send()
            .await
            .map_err(|e| failed(format!("not reachable ({e})"), Some(e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!("answered HTTP {status}"), None));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| failed(format!("the answer could not be read ({e})"), Some(e)))?;
        if bytes.len() > MAX_RESPONSE_BYTES {
            return Err(failed(
                format!("answered {} bytes, more than a token can be", bytes.len()),
                None,
            ));
        }
        Ok(bytes.to_vec())
    })
}

/// The token of a granted response, or the TSA's reasons.
fn granted_token(url: &str, response: TimeStampResp) -> Result<Vec<u8>, TsaError> {
    let info = &response.status;
    let granted = matches!(info.status, PkiStatus::Granted | PkiStatus::GrantedWithMods);
    match (granted, response.time_stamp_token) {
        (true, Some(token)) => token.to_der().map_err(TsaError::der("the token")),
        (true, None) => Err(TsaError::Refused {
            url: url.into(),
            message: "status granted but no token in the response".into(),
        }),
        (false, _) => Err(TsaError::Refused {
            url: url.into(),
            message: format!(
                "status {:?}{}{}",
                info.status,
                info.status_string
                    .as_ref()
                    .map(|s| format!(": {}", s.join("; ")))
                    .unwrap_or_default(),
                info.fail_info
                    .as_ref()
                    .map(|f| format!(" (failure info bits {:?})", f.raw_bytes()))
                    .unwrap_or_default()
            ),
        }),
    }
}
