//! The workflow rules, as pure functions shared by `sign` (before signing) and `verify` (replaying
//! the signatures of a package in order).

use serde::Serialize;

use crate::config::{MeaningRule, WorkflowConfig};

/// A workflow signature as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedMeaning {
    /// The meaning signed.
    pub meaning: String,
    /// Registry id of the signer.
    pub signer_id: String,
    /// Printed name of the signer.
    pub signer_name: String,
    /// The role signed in.
    pub role: String,
}

/// Which rule a signature breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The meaning is not part of the workflow.
    UnknownMeaning,
    /// The role may not sign this meaning.
    RoleNotAllowed,
    /// The signer does not hold the role in the registry.
    RoleNotHeld,
    /// The meaning was signed already.
    AlreadySigned,
    /// An earlier meaning of the order is not signed yet.
    OutOfOrder,
    /// The same person signed another meaning (separation of duties).
    SameSigner,
    /// A deviation is open and the meaning requires all to be closed.
    OpenDeviation,
}

/// A broken rule with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule.
    pub rule: Rule,
    /// What happened, naming the meaning, person and role.
    pub message: String,
}

/// Checks `next` against the workflow given the signatures made before it (in order), the roles
/// the signer holds in the registry, and the deviations open at that point. Phases: the meaning
/// (unknown ends the check), the role, the order, the signer, the deviations.
pub fn check_next(
    workflow: &WorkflowConfig,
    earlier: &[SignedMeaning],
    next: &SignedMeaning,
    held_roles: &[String],
    open_deviations: &[String],
) -> Vec<Violation> {
    let Some((position, rule)) = workflow.meaning(&next.meaning) else {
        let known: Vec<&str> = workflow.meanings.iter().map(|m| m.name.as_str()).collect();
        return vec![Violation {
            rule: Rule::UnknownMeaning,
            message: format!(
                "meaning `{}` is not part of the workflow ({})",
                next.meaning,
                known.join(" → ")
            ),
        }];
    };
    let mut out = role_violations(rule, next, held_roles);
    out.extend(order_violations(workflow, position, earlier, next));
    out.extend(same_signer_violation(workflow, earlier, next));
    out.extend(open_deviation_violation(workflow, next, open_deviations));
    out
}

fn who(next: &SignedMeaning) -> String {
    format!("{} ({})", next.signer_name, next.signer_id)
}

/// The role must be allowed for the meaning and held by the signer.
fn role_violations(rule: &MeaningRule, next: &SignedMeaning, held: &[String]) -> Vec<Violation> {
    let mut out = Vec::new();
    if !rule.roles.contains(&next.role) {
        out.push(Violation {
            rule: Rule::RoleNotAllowed,
            message: format!(
                "role `{}` may not sign `{}`; the workflow allows {}",
                next.role,
                next.meaning,
                rule.roles.join(", ")
            ),
        });
    }
    if !held.contains(&next.role) {
        out.push(Violation {
            rule: Rule::RoleNotHeld,
            message: format!(
                "{} does not hold the role `{}` in the signers registry (roles: {})",
                who(next),
                next.role,
                held.join(", ")
            ),
        });
    }
    out
}

/// The meaning must not be signed yet, and every meaning before it must be.
fn order_violations(
    workflow: &WorkflowConfig,
    position: usize,
    earlier: &[SignedMeaning],
    next: &SignedMeaning,
) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(done) = earlier.iter().find(|s| s.meaning == next.meaning) {
        out.push(Violation {
            rule: Rule::AlreadySigned,
            message: format!(
                "`{}` is already signed, by {} ({})",
                next.meaning, done.signer_name, done.signer_id
            ),
        });
    }
    let missing: Vec<&str> = workflow.meanings[..position]
        .iter()
        .map(|m| m.name.as_str())
        .filter(|m| !earlier.iter().any(|s| s.meaning == *m))
        .collect();
    if !missing.is_empty() {
        let order: Vec<&str> = workflow.meanings.iter().map(|m| m.name.as_str()).collect();
        out.push(Violation {
            rule: Rule::OutOfOrder,
            message: format!(
                "`{}` signed before `{}`: the workflow order is {}",
                next.meaning,
                missing.join("`, `"),
                order.join(" → ")
            ),
        });
    }
    out
}

/// Separation of duties: with `distinct_signers`, one person signs one meaning.
fn same_signer_violation(
    workflow: &WorkflowConfig,
    earlier: &[SignedMeaning],
    next: &SignedMeaning,
) -> Option<Violation> {
    if !workflow.distinct_signers {
        return None;
    }
    let same = earlier.iter().find(|s| s.signer_id == next.signer_id)?;
    Some(Violation {
        rule: Rule::SameSigner,
        message: format!(
            "{} signs `{}` but already signed `{}`: the workflow requires a different person \
             for each meaning (separation of duties)",
            who(next),
            next.meaning,
            same.meaning
        ),
    })
}

/// A meaning that requires closed deviations cannot be signed while any is open.
fn open_deviation_violation(
    workflow: &WorkflowConfig,
    next: &SignedMeaning,
    open: &[String],
) -> Option<Violation> {
    if !workflow.requires_closed_deviations(&next.meaning) || open.is_empty() {
        return None;
    }
    Some(Violation {
        rule: Rule::OpenDeviation,
        message: format!(
            "`{}` requires every deviation to be closed, but {} {} open",
            next.meaning,
            open.join(", "),
            if open.len() == 1 { "is" } else { "are" }
        ),
    })
}

/// Checks that a signer may close a deviation: a closer role that the signer holds.
pub fn check_closer(
    workflow: &WorkflowConfig,
    role: &str,
    held_roles: &[String],
) -> Vec<Violation> {
    let mut out = Vec::new();
    if !workflow.deviation_closers.iter().any(|r| r == role) {
        out.push(Violation {
            rule: Rule::RoleNotAllowed,
            message: format!(
                "role `{role}` may not close deviations; the workflow allows {}",
                workflow.deviation_closers.join(", ")
            ),
        });
    }
    if !held_roles.iter().any(|r| r == role) {
        out.push(Violation {
            rule: Rule::RoleNotHeld,
            message: format!(
                "the signer does not hold the role `{role}` in the signers registry (roles: {})",
                held_roles.join(", ")
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(meaning: &str, id: &str, role: &str) -> SignedMeaning {
        SignedMeaning {
            meaning: meaning.into(),
            signer_id: id.into(),
            signer_name: id.to_uppercase(),
            role: role.into(),
        }
    }

    fn rules(v: &[Violation]) -> Vec<Rule> {
        v.iter().map(|v| v.rule).collect()
    }

    fn roles(r: &[&str]) -> Vec<String> {
        r.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_default_workflow_in_order_passes() {
        let w = WorkflowConfig::default();
        let e = s("executed", "eng", "ci");
        let r = s("reviewed", "lead", "validation-lead");
        let a = s("approved", "qa", "quality-assurance");
        assert!(check_next(&w, &[], &e, &roles(&["ci"]), &[]).is_empty());
        assert!(
            check_next(
                &w,
                std::slice::from_ref(&e),
                &r,
                &roles(&["validation-lead"]),
                &[]
            )
            .is_empty()
        );
        let v = check_next(&w, &[e, r], &a, &roles(&["quality-assurance"]), &[]);
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn each_rule_is_reported() {
        let w = WorkflowConfig::default();
        let e = s("executed", "eng", "validation-engineer");
        let v = check_next(&w, &[], &s("signed-off", "x", "ci"), &roles(&["ci"]), &[]);
        assert_eq!(rules(&v), [Rule::UnknownMeaning]);
        assert!(v[0].message.contains("executed → reviewed → approved"));

        let v = check_next(
            &w,
            &[],
            &s("executed", "x", "quality-assurance"),
            &roles(&["ci"]),
            &[],
        );
        assert_eq!(rules(&v), [Rule::RoleNotAllowed, Rule::RoleNotHeld]);

        let v = check_next(
            &w,
            std::slice::from_ref(&e),
            &s("approved", "qa", "quality-assurance"),
            &roles(&["quality-assurance"]),
            &[],
        );
        assert_eq!(rules(&v), [Rule::OutOfOrder]);
        assert!(v[0].message.contains("`approved` signed before `reviewed`"));

        let v = check_next(
            &w,
            std::slice::from_ref(&e),
            &s("executed", "eng2", "ci"),
            &roles(&["ci"]),
            &[],
        );
        assert_eq!(rules(&v), [Rule::AlreadySigned]);

        let both = roles(&["validation-engineer", "validation-lead"]);
        let v = check_next(
            &w,
            std::slice::from_ref(&e),
            &s("reviewed", "eng", "validation-lead"),
            &both,
            &[],
        );
        assert_eq!(rules(&v), [Rule::SameSigner]);
        let mut lax = w.clone();
        lax.distinct_signers = false;
        assert!(
            check_next(
                &lax,
                std::slice::from_ref(&e),
                &s("reviewed", "eng", "validation-lead"),
                &both,
                &[]
            )
            .is_empty()
        );

        let r = s("reviewed", "lead", "validation-lead");
        let open = vec!["DEV-001".to_string()];
        let v = check_next(
            &w,
            &[e.clone(), r.clone()],
            &s("approved", "qa", "quality-assurance"),
            &roles(&["quality-assurance"]),
            &open,
        );
        assert_eq!(rules(&v), [Rule::OpenDeviation]);
        assert!(v[0].message.contains("DEV-001 is open"));
        // Reviewing with an open deviation is fine.
        assert!(check_next(&w, &[e], &r, &roles(&["validation-lead"]), &open).is_empty());
    }

    #[test]
    fn closers() {
        let w = WorkflowConfig::default();
        assert!(check_closer(&w, "validation-lead", &roles(&["validation-lead"])).is_empty());
        let v = check_closer(&w, "ci", &roles(&["ci"]));
        assert_eq!(rules(&v), [Rule::RoleNotAllowed]);
        let v = check_closer(&w, "quality-assurance", &roles(&["ci"]));
        assert_eq!(rules(&v), [Rule::RoleNotHeld]);
    }
}
