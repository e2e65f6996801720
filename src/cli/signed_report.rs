//! What `sign` and `deviation close` print: the manifestation of the signature just made, as text
//! or as one JSON document (`--format json`, schema `qualify.signed/v1`).

use std::io::Write;

use serde::Serialize;

use super::args::Format;
use super::output::emit;
use crate::errors::Error;
use crate::sign::Signed;

/// Schema id of the JSON form.
pub const SIGNED_SCHEMA: &str = "qualify.signed/v1";

#[derive(Serialize)]
struct SignedReport<'a> {
    schema: &'static str,
    package_id: &'a str,
    manifest_sha256: &'a str,
    meaning: &'a str,
    signer: SignerPart<'a>,
    signed_at: String,
    /// The envelope written, as a path.
    envelope: String,
    /// An interrupted run of the same command had signed; its signature was completed.
    completed_after_interruption: bool,
    /// The approved-baseline tag made for an approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_baseline_tag: Option<&'a str>,
}

#[derive(Serialize)]
struct SignerPart<'a> {
    id: &'a str,
    name: &'a str,
    role: &'a str,
}

/// Prints `signed` in `format`; `tag` is the approved-baseline tag, when one was made.
pub fn report_signed(
    signed: &Signed,
    format: Format,
    tag: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let p = &signed.statement.predicate;
    let report = SignedReport {
        schema: SIGNED_SCHEMA,
        package_id: &p.package.id,
        manifest_sha256: &p.package.manifest_sha256,
        meaning: &p.meaning,
        signer: SignerPart {
            id: &p.signer.id,
            name: &p.signer.name,
            role: &p.signer.role,
        },
        signed_at: p.signed_at.to_string(),
        envelope: signed.envelope_path.display().to_string(),
        completed_after_interruption: signed.completed_after_interruption,
        approved_baseline_tag: tag,
    };
    emit(out, format, &report, |o| {
        if signed.completed_after_interruption {
            writeln!(
                o,
                "an interrupted run of this command had already signed; its signature was \
                 completed (recorded in the audit trail)"
            )?;
        }
        writeln!(
            o,
            "signed {} as `{}`: {} ({}, {}) at {} UTC",
            p.package.id, p.meaning, p.signer.name, p.signer.id, p.signer.role, p.signed_at
        )?;
        writeln!(o, "signature: {}", signed.envelope_path.display())
    })
}
