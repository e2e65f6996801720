//! The signature workflow in `qualify.yaml`: which meanings exist, in which order, who may sign
//! each, separation of duties, and who may close deviations.

use serde::{Deserialize, Serialize};

/// `workflow:` in `qualify.yaml`. Every field has a default, so the section may be left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowConfig {
    /// The meanings, in the order they must be signed.
    #[serde(default = "default_meanings")]
    pub meanings: Vec<MeaningRule>,
    /// When true, no person signs two meanings of the same package (separation of duties).
    #[serde(default = "default_true")]
    pub distinct_signers: bool,
    /// Roles that may close a deviation with a signed disposition.
    #[serde(default = "default_closers")]
    pub deviation_closers: Vec<String>,
}

/// One meaning of the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeaningRule {
    /// The meaning (`executed`, `reviewed`, `approved`).
    pub name: String,
    /// Roles allowed to sign it.
    pub roles: Vec<String>,
    /// The statement the signer puts their name to; a default is given for the three standard
    /// meanings.
    #[serde(default)]
    pub statement: Option<String>,
    /// Whether every deviation must be closed before this meaning is signed. Default: true for
    /// the last meaning of the list (the approval), false for the others.
    #[serde(default)]
    pub requires_closed_deviations: Option<bool>,
}

impl Default for WorkflowConfig {
    fn default() -> Self {
        WorkflowConfig {
            meanings: default_meanings(),
            distinct_signers: true,
            deviation_closers: default_closers(),
        }
    }
}

impl WorkflowConfig {
    /// The rule of a meaning and its position in the order.
    pub fn meaning(&self, name: &str) -> Option<(usize, &MeaningRule)> {
        self.meanings
            .iter()
            .enumerate()
            .find(|(_, m)| m.name == name)
    }

    /// Whether `name` requires every deviation to be closed first.
    pub fn requires_closed_deviations(&self, name: &str) -> bool {
        match self.meaning(name) {
            Some((i, rule)) => rule
                .requires_closed_deviations
                .unwrap_or(i + 1 == self.meanings.len()),
            None => false,
        }
    }

    /// The statement signed with `name`.
    pub fn statement(&self, name: &str) -> String {
        if let Some((_, rule)) = self.meaning(name)
            && let Some(text) = &rule.statement
        {
            return text.clone();
        }
        match name {
            "executed" => "I executed this campaign; the package records what was run and what \
                           was observed."
                .into(),
            "reviewed" => "I reviewed the evidence of this package and found it complete, \
                           correct and traceable to its requirements."
                .into(),
            "approved" => "I approve the results recorded in this package.".into(),
            other => format!("I sign this package as {other}."),
        }
    }

    /// Checks names, roles and uniqueness; returns what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.meanings.is_empty() {
            return Err("workflow.meanings is empty; list at least one meaning".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for m in &self.meanings {
            crate::sign::check_id(&m.name).map_err(|e| format!("workflow meaning: {e}"))?;
            if m.name == crate::sign::CLOSURE_MEANING {
                return Err(format!(
                    "workflow meaning `{}` is reserved for deviation closures",
                    m.name
                ));
            }
            if !seen.insert(m.name.as_str()) {
                return Err(format!("workflow meaning `{}` is listed twice", m.name));
            }
            if m.roles.is_empty() {
                return Err(format!(
                    "workflow meaning `{}` has no roles; list who may sign it",
                    m.name
                ));
            }
            for role in &m.roles {
                crate::sign::check_id(role).map_err(|e| format!("workflow role: {e}"))?;
            }
        }
        if self.deviation_closers.is_empty() {
            return Err(
                "workflow.deviation_closers is empty; list who may close deviations".into(),
            );
        }
        Ok(())
    }
}

fn default_true() -> bool {
    true
}

fn default_closers() -> Vec<String> {
    vec!["validation-lead".into(), "quality-assurance".into()]
}

fn default_meanings() -> Vec<MeaningRule> {
    let rule = |name: &str, roles: &[&str]| MeaningRule {
        name: name.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        statement: None,
        requires_closed_deviations: None,
    };
    vec![
        rule("executed", &["validation-engineer", "ci"]),
        rule("reviewed", &["validation-lead"]),
        rule("approved", &["quality-assurance"]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_checks() {
        let w = WorkflowConfig::default();
        w.check().unwrap();
        assert!(w.requires_closed_deviations("approved"));
        assert!(!w.requires_closed_deviations("reviewed"));
        assert_eq!(w.meaning("reviewed").unwrap().0, 1);
        assert!(w.statement("approved").starts_with("I approve"));

        let parsed: WorkflowConfig =
            serde_norway::from_str("meanings:\n  - {name: executed, roles: [ci]}\n").unwrap();
        assert!(parsed.distinct_signers);
        assert!(parsed.requires_closed_deviations("executed"));
        assert!(serde_norway::from_str::<WorkflowConfig>("order: []\n").is_err());

        let mut dup = WorkflowConfig::default();
        dup.meanings.push(dup.meanings[0].clone());
        assert!(dup.check().unwrap_err().contains("listed twice"));
        let mut reserved = WorkflowConfig::default();
        reserved.meanings[0].name = "deviation-closed".into();
        assert!(reserved.check().unwrap_err().contains("reserved"));
    }
}
