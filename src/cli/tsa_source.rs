//! Which TSA policy `qualify verify` applies, and the report's line saying where it came from.
//! The trusted TSA CA: `--tsa-ca FILE`, else `signing.tsa_ca` of the qualify.yaml named with
//! `--config`, else of the qualify.yaml committed at the package's commit (the CA read from the
//! git object at that commit). Tokens are required when `--require-tsa`, the `--config` file or
//! the committed file says so: a requirement is only ever added, so neither a working copy of
//! qualify.yaml nor a `--config` can drop the committed one. The current folder is never read.

use std::sync::Arc;

use super::args::VerifyArgs;
use crate::config::Config;
use crate::errors::Error;
use crate::tsa::TsaTrust;
use crate::verify::{CommittedSigning, TsaPolicy};

/// The policy, with its `source` filled in for the report.
pub fn tsa_policy(
    config: Option<&Config>,
    args: &VerifyArgs,
    committed: &Result<CommittedSigning, String>,
) -> Result<TsaPolicy, Error> {
    let usage = |e: crate::tsa::TsaError| Error::Usage(e.to_string());
    let named = config.map(|c| (&c.signing, format!("--config {}", c.path.display())));
    let (trust, ca_source) = if let Some(path) = &args.tsa_ca {
        let trust = TsaTrust::load(path).map_err(usage)?;
        (Some(trust), format!("{} (--tsa-ca)", path.display()))
    } else if let Some((path, how)) = named
        .as_ref()
        .and_then(|(s, how)| s.tsa_ca.as_ref().map(|p| (p, how)))
    {
        let trust = TsaTrust::load(path).map_err(usage)?;
        (
            Some(trust),
            format!("{} (signing.tsa_ca of {how})", path.display()),
        )
    } else {
        match committed
            .as_ref()
            .ok()
            .and_then(|c| c.tsa_ca.as_ref().map(|r| (c, r)))
        {
            Some((_, Err(why))) => return Err(Error::Usage(why.clone())),
            Some((c, Ok((name, pem)))) => (
                Some(TsaTrust::from_pem(name, pem).map_err(usage)?),
                format!("{} (signing.tsa_ca of {})", name.display(), c.source),
            ),
            None => (None, String::new()),
        }
    };
    let mut required_by = Vec::new();
    if args.require_tsa {
        required_by.push("--require-tsa".to_string());
    }
    if let Some((s, how)) = &named
        && s.require_tsa
    {
        required_by.push(format!("signing.require_tsa of {how}"));
    }
    if let Ok(c) = committed
        && c.require_tsa
    {
        required_by.push(format!("signing.require_tsa of {}", c.source));
    }
    let source = describe(&ca_source, &required_by, committed);
    Ok(TsaPolicy {
        trust: trust.map(Arc::new),
        required: !required_by.is_empty(),
        source,
    })
}

/// `trusted TSA CA …; tokens required (…)`, and what could not be read.
fn describe(
    ca_source: &str,
    required_by: &[String],
    committed: &Result<CommittedSigning, String>,
) -> String {
    let ca = if ca_source.is_empty() {
        "no trusted TSA CA (tokens are listed, their TSA signature NOT checked)".to_string()
    } else {
        format!("trusted TSA CA {ca_source}")
    };
    let required = if required_by.is_empty() {
        "tokens not required".to_string()
    } else {
        format!("tokens required ({})", required_by.join("; "))
    };
    let committed = match committed {
        Ok(c) => format!("the committed policy read from {}", c.source),
        Err(why) => format!(
            "the project's committed TSA policy (signing: of qualify.yaml at the package's \
             commit) was NOT checked: {why}"
        ),
    };
    format!("{ca}; {required}; {committed}")
}
