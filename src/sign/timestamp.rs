//! `--tsa URL`: the signing's RFC 3161 time-stamp token, obtained between the build and the
//! commit so that it joins the envelope in the same package transaction (one commit point for
//! both), and so that a TSA failure leaves nothing written.

use super::dsse::{Envelope, decode_base64};
use super::error::SignError;
use super::signing_build::Built;
use crate::tsa::{TsaError, request_token, token_path};
use crate::txn::PlannedFile;

/// Adds the TSA's token over the envelope's signature to the plan, when a TSA is configured.
pub(crate) fn with_token(tsa_url: Option<&str>, mut built: Built) -> Result<Built, SignError> {
    let Some(url) = tsa_url else {
        return Ok(built);
    };
    let signature = signature_bytes(built.envelope_bytes()).map_err(SignError::Timestamp)?;
    let token = request_token(url, &signature).map_err(SignError::Timestamp)?;
    built.plan.files.push(PlannedFile {
        path: token_path(&built.rel_path),
        bytes: token,
    });
    Ok(built)
}

/// The raw signature bytes of a one-signature envelope: what the token stamps.
pub(crate) fn signature_bytes(envelope_json: &[u8]) -> Result<Vec<u8>, TsaError> {
    let envelope: Envelope = serde_json::from_slice(envelope_json)
        .map_err(|e| TsaError::Invalid(format!("the envelope cannot be read: {e}")))?;
    let [signature] = envelope.signatures.as_slice() else {
        return Err(TsaError::Invalid(
            "the envelope does not hold exactly one signature".into(),
        ));
    };
    decode_base64(&signature.sig)
        .map_err(|e| TsaError::Invalid(format!("the envelope's signature is not base64: {e}")))
}
