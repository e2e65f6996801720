//! RFC 3161 time-stamp tokens beside the envelopes (`signatures/NN-meaning-id.tsr`): each is
//! checked against its envelope's signature and, when a trusted TSA CA is given explicitly, the
//! TSA's signature and chain (src/tsa). A verified token is an outside clock: the signed time
//! may not be later than the TSA's genTime (plus the skew), and the signer's key must still have
//! been valid at genTime, which closes the back-dating gap that signed times alone leave open.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::contents::PackageContents;
use super::finding::{Check, Finding};
use super::safe_read::{MAX_ENVELOPE_BYTES, read_regular};
use super::time_check::TimePolicy;
use crate::sign::{EnvelopeSignature, decode_base64};
use crate::tsa::{StampedTime, TsaTrust, token_path, verify_token};

/// What the verifier knows about time-stamping authorities.
#[derive(Debug, Clone, Default)]
pub struct TsaPolicy {
    /// Trusted TSA CA certificates, named explicitly; tokens are not checked without them.
    pub trust: Option<Arc<TsaTrust>>,
    /// Whether every envelope must carry a token.
    pub required: bool,
    /// Where the CA and the requirement came from, for the report (`trust.tsa`); empty when the
    /// caller states no policy (sign, gate and status verify with the project's own).
    pub source: String,
}

impl TsaPolicy {
    /// The project's own policy (`signing:` of the loaded qualify.yaml), for commands that run in
    /// the project (gate, status, sign): a CA that cannot be loaded is an error naming it.
    pub fn of_project(signing: &crate::config::SigningSettings) -> Result<TsaPolicy, String> {
        let trust = match &signing.tsa_ca {
            Some(path) => Some(Arc::new(TsaTrust::load(path).map_err(|e| e.to_string())?)),
            None => None,
        };
        Ok(TsaPolicy {
            trust,
            required: signing.require_tsa,
            source: "signing: of the project's qualify.yaml".into(),
        })
    }
}

/// The outcome of an envelope's token.
#[derive(Debug, Default)]
pub struct TokenOutcome {
    /// Findings about the token (subject: the token's path).
    pub findings: Vec<Finding>,
    /// The TSA's time, when the token stamps this envelope's signature.
    pub gen_time: Option<DateTime<Utc>>,
    /// One line for the report, when there is a token.
    pub summary: Option<String>,
}

/// Checks the token of the envelope at `envelope_path`, if any.
pub fn check_token(
    contents: &PackageContents,
    time: &TimePolicy,
    envelope_path: &str,
    signature: &EnvelopeSignature,
    signed_at: Option<DateTime<Utc>>,
) -> TokenOutcome {
    let path = token_path(envelope_path);
    let mut out = TokenOutcome::default();
    if !contents.tokens.contains(&path) {
        if time.tsa.required {
            out.findings.push(Finding::error(
                Check::Time,
                envelope_path,
                "has no RFC 3161 time-stamp token, which the project requires \
                 (signing.require_tsa / --require-tsa): sign again with --tsa URL",
            ));
        }
        return out;
    }
    let stamped = read_regular(&contents.dir.join(&path), MAX_ENVELOPE_BYTES)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            let sig = decode_base64(&signature.sig)?;
            verify_token(&bytes, &sig, time.tsa.trust.as_deref()).map_err(|e| e.to_string())
        });
    let stamped = match stamped {
        Ok(stamped) => stamped,
        Err(reason) => {
            out.findings.push(Finding::error(
                Check::Time,
                &path,
                format!("time-stamp token of {envelope_path}: {reason}"),
            ));
            return out;
        }
    };
    time_findings(&mut out, time, &path, &stamped, signed_at);
    if !stamped.trusted {
        out.findings.push(Finding::warning(
            Check::Time,
            &path,
            "the TSA's signature and certificate were not checked: no trusted TSA CA was given \
             (--tsa-ca FILE, signing.tsa_ca of the qualify.yaml named with --config, or of the \
             one committed at the package's commit)",
        ));
    }
    out.summary = Some(summary(&stamped, time));
    out.gen_time = Some(stamped.gen_time);
    out
}

/// genTime against the signed time and the verifier's clock.
fn time_findings(
    out: &mut TokenOutcome,
    time: &TimePolicy,
    path: &str,
    stamped: &StampedTime,
    signed_at: Option<DateTime<Utc>>,
) {
    let tsa_time = stamped.gen_time;
    let fmt = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    if let Some(reason) = time.future(tsa_time) {
        out.findings.push(Finding::error(
            Check::Time,
            path,
            format!("TSA time {reason}"),
        ));
    }
    let Some(signed) = signed_at else { return };
    if signed > tsa_time + time.max_skew {
        out.findings.push(Finding::error(
            Check::Time,
            path,
            format!(
                "the signature claims {} but the TSA stamped it at {}: a signature cannot be \
                 made after the token that proves it existed (more than {} s of skew)",
                fmt(signed),
                fmt(tsa_time),
                time.max_skew.num_seconds()
            ),
        ));
    } else if tsa_time > signed + time.max_skew {
        out.findings.push(Finding::warning(
            Check::Time,
            path,
            format!(
                "the TSA stamped the signature at {}, {} s after its signed time {}: the TSA's \
                 time decides the key's validity",
                fmt(tsa_time),
                (tsa_time - signed).num_seconds(),
                fmt(signed)
            ),
        ));
    }
}

/// The report's line: the TSA time, the token and whether it was checked.
fn summary(stamped: &StampedTime, time: &TimePolicy) -> String {
    let checked = match &time.tsa.trust {
        Some(trust) if stamped.trusted => format!("checked against {}", trust.path.display()),
        _ => "NOT checked: no trusted TSA CA".into(),
    };
    format!(
        "TSA time {} (token serial {}{}; {checked})",
        stamped
            .gen_time
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        stamped.serial,
        stamped
            .tsa
            .as_ref()
            .map(|t| format!(", TSA {t}"))
            .unwrap_or_default()
    )
}

/// Tokens without their envelope: planted, or left by a deleted signature.
pub fn orphan_tokens(contents: &PackageContents) -> Vec<Finding> {
    contents
        .tokens
        .iter()
        .filter(|token| {
            !contents
                .envelopes
                .iter()
                .any(|e| &token_path(&e.path) == *token)
        })
        .map(|token| {
            Finding::error(
                Check::Time,
                token,
                "a time-stamp token without its signature envelope: a signature was removed, or \
                 the file does not belong to this package",
            )
        })
        .collect()
}
