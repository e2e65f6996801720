//! Checks the audit trail: its hash chain, and that it agrees with what it records (the manifest,
//! the deviation register, the environment's user, every signature and closure).

use std::collections::BTreeMap;

use super::contents::{EnvelopeKind, PackageContents};
use super::finding::{Check, Finding};
use super::signatures::CheckedEnvelope;
use crate::audit::{AuditAction, AuditEntry, TRAIL_FILE};
use crate::evidence::MANIFEST_FILE;

/// The trail's findings.
pub fn check_audit(contents: &PackageContents, envelopes: &[CheckedEnvelope]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let trail = match &contents.trail {
        Ok(trail) => trail,
        Err(reason) => {
            return vec![Finding::error(Check::Audit, TRAIL_FILE, reason.clone())];
        }
    };
    let mut error =
        |message: String| findings.push(Finding::error(Check::Audit, TRAIL_FILE, message));
    for problem in trail.check_chain() {
        error(format!(
            "entry at line {}: {}",
            problem.line, problem.message
        ));
    }
    let entries: Vec<(&crate::audit::TrailLine, &AuditEntry)> = trail.entries().collect();
    let m = &contents.manifest;

    // Run-time entries: created first, one opened entry per deviation, sealed once.
    match entries.first() {
        Some((_, e)) if e.action == AuditAction::Created => {
            if e.subject != m.package_id || e.at != m.created_at {
                error(format!(
                    "entry 1 records the creation of {} at {}, but the manifest says {} at {}",
                    e.subject, e.at, m.package_id, m.created_at
                ));
            }
        }
        _ => error("the first entry is not the package's creation".into()),
    }
    let sealed: Vec<_> = entries
        .iter()
        .filter(|(_, e)| e.action == AuditAction::Sealed)
        .collect();
    match sealed.as_slice() {
        [(line, e)] => {
            if e.subject != MANIFEST_FILE
                || e.sha256.as_deref() != Some(contents.manifest_sha256.as_str())
                || e.at != m.sealed_at
            {
                error(format!(
                    "entry at line {} records sealing with manifest SHA-256 {} at {}, but \
                     manifest.json has SHA-256 {} and says sealed at {}: the manifest or this \
                     entry was changed",
                    line.line,
                    e.sha256.as_deref().unwrap_or("none"),
                    e.at,
                    contents.manifest_sha256,
                    m.sealed_at
                ));
            }
        }
        [] => error("no entry records the sealing of the package (removed?)".into()),
        _ => error("the sealing is recorded more than once".into()),
    }
    if let Ok(register) = &contents.register {
        let opened: Vec<&str> = entries
            .iter()
            .filter(|(_, e)| e.action == AuditAction::DeviationOpened)
            .map(|(_, e)| e.subject.as_str())
            .collect();
        let expected: Vec<&str> = register.deviations.iter().map(|d| d.id.as_str()).collect();
        if opened != expected {
            error(format!(
                "the trail records deviations [{}] opened, but the register holds [{}]",
                opened.join(", "),
                expected.join(", ")
            ));
        }
    }
    if let Ok(env) = &contents.environment {
        let user = env.host.user.as_deref().unwrap_or("unknown");
        for (line, e) in &entries {
            let run_time = matches!(
                e.action,
                AuditAction::Created | AuditAction::DeviationOpened | AuditAction::Sealed
            );
            if run_time && (e.who.id != user || e.who.kind != "os-user") {
                error(format!(
                    "entry at line {} names {} ({}) as the actor, but the run was made by {user}",
                    line.line, e.who.id, e.who.kind
                ));
            }
        }
    }

    // Signature and closure entries agree with their envelopes, and every envelope has one.
    let mut by_seq: BTreeMap<u64, (&crate::audit::TrailLine, &AuditEntry)> = BTreeMap::new();
    for (line, e) in &entries {
        by_seq.insert(e.seq, (line, e));
    }
    let last_run_time = entries
        .iter()
        .filter(|(_, e)| {
            matches!(
                e.action,
                AuditAction::Created | AuditAction::DeviationOpened | AuditAction::Sealed
            )
        })
        .map(|(_, e)| e.seq)
        .max()
        .unwrap_or(0);
    for envelope in envelopes {
        let Some(statement) = &envelope.statement else {
            continue;
        };
        let p = &statement.predicate;
        let reference = &p.audit_entry;
        let action = match envelope.kind {
            EnvelopeKind::Signature => AuditAction::Signed,
            EnvelopeKind::Closure => AuditAction::DeviationClosed,
        };
        match by_seq.get(&reference.seq) {
            None => error(format!(
                "{} names audit entry {}, which the trail does not have (removed?)",
                envelope.path, reference.seq
            )),
            Some((line, e)) => {
                if line.sha256 != reference.sha256 {
                    error(format!(
                        "entry at line {} was changed after {} covered it (SHA-256 {} signed, \
                         {} now)",
                        line.line, envelope.path, reference.sha256, line.sha256
                    ));
                } else if e.action != action
                    || e.subject != envelope.path
                    || e.who.id != p.signer.id
                    || e.who.name != p.signer.name
                    || e.at != p.signed_at
                {
                    error(format!(
                        "entry at line {} does not record {} as signed ({:?} of {} by {} at {})",
                        line.line, envelope.path, e.action, e.subject, e.who.id, e.at
                    ));
                }
                if e.seq <= last_run_time {
                    error(format!(
                        "entry at line {} records a signature before the run's own entries end",
                        line.line
                    ));
                }
            }
        }
    }
    for (line, e) in &entries {
        if !matches!(e.action, AuditAction::Signed | AuditAction::DeviationClosed) {
            continue;
        }
        let covered = envelopes.iter().any(|env| {
            env.path == e.subject
                && env
                    .statement
                    .as_ref()
                    .is_some_and(|s| s.predicate.audit_entry.seq == e.seq)
        });
        if !covered {
            error(format!(
                "entry at line {} records {} ({:?}), which is not in the package or does not \
                 refer to this entry (removed, or the signing was interrupted)",
                line.line, e.subject, e.action
            ));
        }
    }
    findings
}
