//! Checks the audit trail: its hash chain, and that it agrees with what it records (the manifest,
//! the deviation register, the environment's user, every signature and closure).
//!
//! In phases: the readable entries are indexed once ([`TrailIndex`]), then each check returns
//! its problems as messages, and the messages become findings in the order the checks ran.

use std::collections::BTreeMap;

use super::contents::{EnvelopeKind, PackageContents};
use super::finding::{Check, Finding};
use super::signatures::CheckedEnvelope;
use crate::audit::{AuditAction, AuditEntry, TRAIL_FILE, TrailLine};
use crate::evidence::MANIFEST_FILE;

/// The trail's readable entries, indexed for the checks.
struct TrailIndex<'a> {
    /// In trail order.
    entries: Vec<(&'a TrailLine, &'a AuditEntry)>,
    /// By sequence number (the reference signatures and closures carry).
    by_seq: BTreeMap<u64, (&'a TrailLine, &'a AuditEntry)>,
    /// The highest sequence number of the run's own entries: signatures come after it.
    last_run_time: u64,
}

fn is_run_time(action: &AuditAction) -> bool {
    matches!(
        action,
        AuditAction::Created | AuditAction::DeviationOpened | AuditAction::Sealed
    )
}

impl<'a> TrailIndex<'a> {
    fn new(entries: Vec<(&'a TrailLine, &'a AuditEntry)>) -> Self {
        let mut by_seq = BTreeMap::new();
        for (line, e) in &entries {
            by_seq.insert(e.seq, (*line, *e));
        }
        let last_run_time = entries
            .iter()
            .filter(|(_, e)| is_run_time(&e.action))
            .map(|(_, e)| e.seq)
            .max()
            .unwrap_or(0);
        Self {
            entries,
            by_seq,
            last_run_time,
        }
    }
}

/// The trail's findings.
pub fn check_audit(contents: &PackageContents, envelopes: &[CheckedEnvelope]) -> Vec<Finding> {
    let trail = match &contents.trail {
        Ok(trail) => trail,
        Err(reason) => {
            return vec![Finding::error(Check::Audit, TRAIL_FILE, reason.clone())];
        }
    };
    let mut problems: Vec<String> = trail
        .check_chain()
        .into_iter()
        .map(|problem| format!("entry at line {}: {}", problem.line, problem.message))
        .collect();
    let index = TrailIndex::new(trail.entries().collect());
    // Run-time entries: created first, one opened entry per deviation, sealed once.
    problems.extend(check_creation(contents, &index));
    problems.extend(check_sealing(contents, &index));
    problems.extend(check_deviations_opened(contents, &index));
    problems.extend(check_run_actors(contents, &index));
    // Signature and closure entries agree with their envelopes, and every envelope has one.
    problems.extend(check_envelope_references(envelopes, &index));
    problems.extend(check_entries_covered(envelopes, &index));
    problems
        .into_iter()
        .map(|message| Finding::error(Check::Audit, TRAIL_FILE, message))
        .collect()
}

fn check_creation(contents: &PackageContents, index: &TrailIndex) -> Option<String> {
    let m = &contents.manifest;
    match index.entries.first() {
        Some((_, e)) if e.action == AuditAction::Created => {
            (e.subject != m.package_id || e.at != m.created_at).then(|| {
                format!(
                    "entry 1 records the creation of {} at {}, but the manifest says {} at {}",
                    e.subject, e.at, m.package_id, m.created_at
                )
            })
        }
        _ => Some("the first entry is not the package's creation".into()),
    }
}

fn check_sealing(contents: &PackageContents, index: &TrailIndex) -> Option<String> {
    let m = &contents.manifest;
    let sealed: Vec<_> = index
        .entries
        .iter()
        .filter(|(_, e)| e.action == AuditAction::Sealed)
        .collect();
    match sealed.as_slice() {
        [(line, e)] => (e.subject != MANIFEST_FILE
            || e.sha256.as_deref() != Some(contents.manifest_sha256.as_str())
            || e.at != m.sealed_at)
            .then(|| {
                format!(
                    "entry at line {} records sealing with manifest SHA-256 {} at {}, but \
                     manifest.json has SHA-256 {} and says sealed at {}: the manifest or this \
                     entry was changed",
                    line.line,
                    e.sha256.as_deref().unwrap_or("none"),
                    e.at,
                    contents.manifest_sha256,
                    m.sealed_at
                )
            }),
        [] => Some("no entry records the sealing of the package (removed?)".into()),
        _ => Some("the sealing is recorded more than once".into()),
    }
}

fn check_deviations_opened(contents: &PackageContents, index: &TrailIndex) -> Option<String> {
    let register = contents.register.as_ref().ok()?;
    let opened: Vec<&str> = index
        .entries
        .iter()
        .filter(|(_, e)| e.action == AuditAction::DeviationOpened)
        .map(|(_, e)| e.subject.as_str())
        .collect();
    let expected: Vec<&str> = register.deviations.iter().map(|d| d.id.as_str()).collect();
    (opened != expected).then(|| {
        format!(
            "the trail records deviations [{}] opened, but the register holds [{}]",
            opened.join(", "),
            expected.join(", ")
        )
    })
}

/// The run's own entries name the user who made the run, as environment.json records it.
fn check_run_actors(contents: &PackageContents, index: &TrailIndex) -> Vec<String> {
    let Ok(env) = &contents.environment else {
        return Vec::new();
    };
    let user = env.host.user.as_deref().unwrap_or("unknown");
    index
        .entries
        .iter()
        .filter(|(_, e)| is_run_time(&e.action) && (e.who.id != user || e.who.kind != "os-user"))
        .map(|(line, e)| {
            format!(
                "entry at line {} names {} ({}) as the actor, but the run was made by {user}",
                line.line, e.who.id, e.who.kind
            )
        })
        .collect()
}

/// Every signature and closure names an entry that exists, is unchanged, and records it.
fn check_envelope_references(envelopes: &[CheckedEnvelope], index: &TrailIndex) -> Vec<String> {
    let mut problems = Vec::new();
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
        let Some((line, e)) = index.by_seq.get(&reference.seq) else {
            problems.push(format!(
                "{} names audit entry {}, which the trail does not have (removed?)",
                envelope.path, reference.seq
            ));
            continue;
        };
        if line.sha256 != reference.sha256 {
            problems.push(format!(
                "entry at line {} was changed after {} covered it (SHA-256 {} signed, {} now)",
                line.line, envelope.path, reference.sha256, line.sha256
            ));
        } else if e.action != action
            || e.subject != envelope.path
            || e.who.id != p.signer.id
            || e.who.name != p.signer.name
            || e.at != p.signed_at
        {
            problems.push(format!(
                "entry at line {} does not record {} as signed ({:?} of {} by {} at {})",
                line.line, envelope.path, e.action, e.subject, e.who.id, e.at
            ));
        }
        if e.seq <= index.last_run_time {
            problems.push(format!(
                "entry at line {} records a signature before the run's own entries end",
                line.line
            ));
        }
    }
    problems
}

/// Every signing or closing entry has its envelope in the package, referring back to it.
fn check_entries_covered(envelopes: &[CheckedEnvelope], index: &TrailIndex) -> Vec<String> {
    index
        .entries
        .iter()
        .filter(|(_, e)| matches!(e.action, AuditAction::Signed | AuditAction::DeviationClosed))
        .filter(|(_, e)| {
            !envelopes.iter().any(|env| {
                env.path == e.subject
                    && env
                        .statement
                        .as_ref()
                        .is_some_and(|s| s.predicate.audit_entry.seq == e.seq)
            })
        })
        .map(|(line, e)| {
            format!(
                "entry at line {} records {} ({:?}), which is not in the package or does not \
                 refer to this entry (removed, or the signing was interrupted)",
                line.line, e.subject, e.action
            )
        })
        .collect()
}
