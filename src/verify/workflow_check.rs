//! Replays the signatures in signing order against the workflow: closures close deviations,
//! workflow signatures must respect roles, order, separation of duties and open deviations.

use std::collections::BTreeMap;

use super::contents::EnvelopeKind;
use super::finding::{Check, Finding};
use super::signatures::CheckedEnvelope;
use crate::config::WorkflowConfig;
use crate::deviation::{DeviationRegister, closure_path};
use crate::sign::{SignedMeaning, check_closer, check_next};

/// The workflow state of a package after replaying its trusted signatures.
#[derive(Debug, Clone, Default)]
pub struct WorkflowState {
    /// Workflow signatures in signing order.
    pub signed: Vec<SignedMeaning>,
    /// Deviation id → path of the closure that closed it.
    pub closed: BTreeMap<String, String>,
    /// Deviations not closed, in register order.
    pub open: Vec<String>,
}

/// Replays `ordered`. Only envelopes valid on their own count: a closure signed with a revoked
/// key (or otherwise invalid) closes nothing, so its deviation stays open.
pub fn replay(
    workflow: &WorkflowConfig,
    register: Option<&DeviationRegister>,
    ordered: &[&CheckedEnvelope],
) -> (WorkflowState, Vec<Finding>) {
    let mut state = WorkflowState::default();
    let mut findings = Vec::new();
    let all_ids: Vec<String> = register
        .map(|r| r.deviations.iter().map(|d| d.id.clone()).collect())
        .unwrap_or_default();
    for envelope in ordered {
        let (Some(statement), Some(signer), true) =
            (&envelope.statement, &envelope.signer, envelope.valid)
        else {
            continue;
        };
        let p = &statement.predicate;
        let open: Vec<String> = all_ids
            .iter()
            .filter(|id| !state.closed.contains_key(*id))
            .cloned()
            .collect();
        let mut error = |check, message: String| {
            findings.push(Finding::error(check, &envelope.path, message));
        };
        match envelope.kind {
            EnvelopeKind::Closure => {
                let Some(d) = &p.deviation else { continue };
                if !all_ids.contains(&d.id) {
                    error(
                        Check::Deviation,
                        format!("closes {}, which is not a deviation of this package", d.id),
                    );
                    continue;
                }
                if envelope.path != closure_path(&d.id) {
                    error(
                        Check::Deviation,
                        format!(
                            "closes {} but is stored as {} instead of {}",
                            d.id,
                            envelope.path,
                            closure_path(&d.id)
                        ),
                    );
                }
                if let Some(first) = state.closed.get(&d.id) {
                    error(
                        Check::Deviation,
                        format!("closes {} again; {first} closed it already", d.id),
                    );
                    continue;
                }
                for v in check_closer(workflow, &p.signer.role, &signer.entry.roles) {
                    error(Check::Workflow, v.message);
                }
                state.closed.insert(d.id.clone(), envelope.path.clone());
            }
            EnvelopeKind::Signature => {
                let next = SignedMeaning {
                    meaning: p.meaning.clone(),
                    signer_id: p.signer.id.clone(),
                    signer_name: p.signer.name.clone(),
                    role: p.signer.role.clone(),
                };
                for v in check_next(workflow, &state.signed, &next, &signer.entry.roles, &open) {
                    error(Check::Workflow, v.message);
                }
                state.signed.push(next);
            }
        }
    }
    state.open = all_ids
        .into_iter()
        .filter(|id| !state.closed.contains_key(id))
        .collect();
    (state, findings)
}
