//! The order of the signatures. Every envelope lists the envelopes that existed when it was made
//! (`earlier_signatures`, path and digest); sorting by the length of that list gives the signing
//! order, and each list must then be exactly the envelopes before it. A removed, replaced or
//! inserted envelope breaks this.

use super::finding::{Check, Finding};
use super::signatures::CheckedEnvelope;
use crate::sign::FileRef;

/// The envelopes whose statement could be read, in signing order, with the problems found.
pub fn signing_order(envelopes: &[CheckedEnvelope]) -> (Vec<&CheckedEnvelope>, Vec<Finding>) {
    let mut ordered: Vec<&CheckedEnvelope> =
        envelopes.iter().filter(|e| e.statement.is_some()).collect();
    ordered.sort_by(|a, b| {
        let key = |e: &CheckedEnvelope| {
            (
                e.statement
                    .as_ref()
                    .map(|s| s.predicate.earlier_signatures.len())
                    .unwrap_or(0),
                e.signed_at,
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.path.cmp(&b.path))
    });
    let mut findings = Vec::new();
    for (i, envelope) in ordered.iter().enumerate() {
        let Some(statement) = &envelope.statement else {
            continue;
        };
        let listed = &statement.predicate.earlier_signatures;
        let expected: Vec<FileRef> = ordered[..i]
            .iter()
            .map(|e| FileRef {
                path: e.path.clone(),
                sha256: e.sha256.clone(),
            })
            .collect();
        if *listed == expected {
            continue;
        }
        let before = findings.len();
        let mut error = |message: String| {
            findings.push(Finding::error(Check::Signature, &envelope.path, message));
        };
        for item in listed {
            match envelopes.iter().find(|e| e.path == item.path) {
                None => error(format!(
                    "was made after {}, which is no longer in the package (removed or renamed)",
                    item.path
                )),
                Some(e) if e.sha256 != item.sha256 => error(format!(
                    "was made after {} with SHA-256 {}, but that file now has SHA-256 {}: it was \
                     replaced or altered",
                    item.path, item.sha256, e.sha256
                )),
                Some(_) => {}
            }
        }
        for before in &expected {
            if !listed.iter().any(|l| l.path == before.path) {
                error(format!(
                    "does not list {} among its earlier signatures although it comes after it: \
                     the two were not made one after the other on this package",
                    before.path
                ));
            }
        }
        if findings.len() == before {
            findings.push(Finding::error(
                Check::Signature,
                &envelope.path,
                "lists its earlier signatures in an order that is not the signing order",
            ));
        }
    }
    (ordered, findings)
}
