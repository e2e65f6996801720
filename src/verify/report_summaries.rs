//! The summaries of a verification report built from the checked envelopes and the replayed
//! workflow: one line per deviation and per signature, and the envelopes the next signature must
//! list.

use super::contents::PackageContents;
use super::finding::{Check, Finding, Severity};
use super::report::{DeviationSummary, SignatureSummary};
use super::signatures::CheckedEnvelope;
use super::workflow_check::WorkflowState;
use crate::sign::FileRef;

/// Every deviation of the register, open or closed, and a warning for each open one (it blocks
/// approval).
pub(super) fn deviation_summaries(
    contents: &PackageContents,
    state: &WorkflowState,
    envelopes: &[CheckedEnvelope],
) -> (Vec<DeviationSummary>, Vec<Finding>) {
    let (mut summaries, mut findings) = (Vec::new(), Vec::new());
    let Ok(register) = &contents.register else {
        return (summaries, findings);
    };
    for d in &register.deviations {
        let closed_by = state.closed.get(&d.id).cloned();
        // The disposition the valid closure signed (the workflow replay found it valid).
        let closure = closed_by.as_ref().and_then(|path| {
            let envelope = envelopes.iter().find(|e| &e.path == path)?;
            let signed = envelope.statement.as_ref()?.predicate.deviation.clone()?;
            (signed.id == d.id).then_some(signed)
        });
        if closed_by.is_none() {
            findings.push(Finding::warning(
                Check::Deviation,
                &d.id,
                format!("open: {}; it blocks approval until closed", d.summary()),
            ));
        }
        summaries.push(DeviationSummary {
            id: d.id.clone(),
            status: if closed_by.is_some() {
                "closed"
            } else {
                "open"
            }
            .into(),
            summary: d.summary(),
            closed_by,
            closure,
        });
    }
    (summaries, findings)
}

/// One summary per readable envelope, in signing order.
pub(super) fn signature_summaries(
    ordered: &[&CheckedEnvelope],
    findings: &[Finding],
) -> Vec<SignatureSummary> {
    ordered
        .iter()
        .filter_map(|e| {
            let p = &e.statement.as_ref()?.predicate;
            Some(SignatureSummary {
                path: e.path.clone(),
                meaning: p.meaning.clone(),
                name: p.signer.name.clone(),
                signer_id: p.signer.id.clone(),
                role: p.signer.role.clone(),
                signed_at: p.signed_at.clone(),
                key_id: p.key_id.clone(),
                // Invalid when any check found an error about this envelope (a revoked key, a
                // back-dated time, a workflow rule), not only when the cryptography fails.
                valid: e.valid
                    && !findings
                        .iter()
                        .any(|f| f.severity == Severity::Error && f.subject == e.path),
                anchored: e.anchored,
                deviation: p.deviation.as_ref().map(|d| d.id.clone()),
                timestamp: e.timestamp.clone(),
            })
        })
        .collect()
}

/// Every envelope in signing order, as the next signature's `earlier_signatures` lists them.
pub(super) fn earlier_signatures(ordered: &[&CheckedEnvelope]) -> Vec<FileRef> {
    ordered
        .iter()
        .map(|e| FileRef {
            path: e.path.clone(),
            sha256: e.sha256.clone(),
        })
        .collect()
}
