//! Phase 2 of signing: the rules. A workflow signature must be next in the workflow; a closure
//! needs a closer role, an existing open deviation and a disposition. Nothing is written here.

use super::error::SignError;
use super::signing::{Checked, DeviationAssessment, Prepared, SignAction, SignRequest};
use super::statement::{CLOSURE_MEANING, DeviationDisposition};
use super::workflow::{SignedMeaning, Violation, check_closer, check_next};
use crate::deviation::closure_path;
use crate::verify::SIGNATURES_DIR;

/// What is signed, once the rules allow it.
pub(crate) fn check(request: &SignRequest<'_>, p: &Prepared) -> Result<Checked, SignError> {
    let (checked, violations) = match &request.action {
        SignAction::Meaning { meaning } => check_meaning(request, p, meaning),
        SignAction::CloseDeviation {
            id,
            disposition,
            assessment,
        } => check_closure(request, p, id, disposition, assessment)?,
    };
    if !violations.is_empty() {
        return Err(SignError::Refused(format!(
            "refused by the workflow:\n{}",
            violations
                .iter()
                .map(|v| format!("  {}", v.message))
                .collect::<Vec<_>>()
                .join("\n")
        )));
    }
    let envelope_path = request.package_dir.join(&checked.rel_path);
    if envelope_path.exists() {
        return Err(SignError::Refused(format!(
            "{} already exists",
            envelope_path.display()
        )));
    }
    Ok(checked)
}

fn check_meaning(
    request: &SignRequest<'_>,
    p: &Prepared,
    meaning: &str,
) -> (Checked, Vec<Violation>) {
    let next = SignedMeaning {
        meaning: meaning.to_string(),
        signer_id: p.signer.id.clone(),
        signer_name: p.signer.name.clone(),
        role: p.role.clone(),
    };
    let violations = check_next(
        request.workflow,
        &p.state.signed,
        &next,
        &p.signer.roles,
        &p.state.open,
    );
    let rel_path = format!(
        "{SIGNATURES_DIR}/{:02}-{meaning}-{}.dsse.json",
        p.state.signed.len() + 1,
        p.signer.id
    );
    let checked = Checked {
        meaning: meaning.to_string(),
        statement_text: request.workflow.statement(meaning),
        rel_path,
        deviation: None,
    };
    (checked, violations)
}

fn check_closure(
    request: &SignRequest<'_>,
    p: &Prepared,
    id: &str,
    disposition: &str,
    assessment: &DeviationAssessment,
) -> Result<(Checked, Vec<Violation>), SignError> {
    let violations = check_closer(request.workflow, &p.role, &p.signer.roles);
    let register = p
        .contents
        .register
        .as_ref()
        .map_err(|e| SignError::Refused(format!("the package's deviation register: {e}")))?;
    if register.get(id).is_none() {
        let known: Vec<&str> = register.deviations.iter().map(|d| d.id.as_str()).collect();
        return Err(SignError::Refused(format!(
            "the package has no deviation {id}; it has {}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    }
    if let Some(by) = p.state.closed.get(id) {
        return Err(SignError::Refused(format!(
            "{id} is already closed by {by}"
        )));
    }
    if disposition.trim().is_empty() {
        return Err(SignError::Refused(
            "the disposition is empty; say what was decided and why".into(),
        ));
    }
    let checked = Checked {
        meaning: CLOSURE_MEANING.to_string(),
        statement_text: format!("I close deviation {id} with the disposition recorded here."),
        rel_path: closure_path(id),
        deviation: Some(DeviationDisposition {
            id: id.to_string(),
            disposition: disposition.to_string(),
            assessment: assessment.clone(),
        }),
    };
    Ok((checked, violations))
}
