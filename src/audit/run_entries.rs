//! The first entries of a trail, written by `qualify run` when it seals the package: created,
//! one per deviation opened, sealed.

use super::entry::{Actor, AuditAction, NewEntry};
use crate::deviation::DeviationRegister;
use crate::evidence::{Environment, MANIFEST_FILE, Manifest, RunResults};

/// What the run-time entries are made from.
pub struct RunTrailInput<'a> {
    /// The manifest just written.
    pub manifest: &'a Manifest,
    /// Its SHA-256.
    pub manifest_sha256: &'a str,
    /// The recorded environment (the OS user and CI job are the actor).
    pub environment: &'a Environment,
    /// The results sealed.
    pub results: &'a RunResults,
    /// The deviations opened.
    pub register: &'a DeviationRegister,
}

/// The entries, in order: created, deviations opened, sealed.
pub fn run_entries(input: &RunTrailInput<'_>) -> Vec<NewEntry> {
    let who = Actor::os_user(
        input.environment.host.user.as_deref(),
        &input.environment.ci,
    );
    let selection = &input.results.selection;
    let mut entries = vec![NewEntry {
        at: input.manifest.created_at.clone(),
        action: AuditAction::Created,
        who: who.clone(),
        what: format!("evidence package {} created", input.manifest.package_id),
        why: format!(
            "{}: stage {}, tags {}, {} scenario{} selected",
            created_by(input.results),
            selection.stage.as_deref().unwrap_or("all"),
            selection.tags.as_deref().unwrap_or("any"),
            selection.scenarios,
            if selection.scenarios == 1 { "" } else { "s" }
        ),
        subject: input.manifest.package_id.clone(),
        sha256: None,
    }];
    for d in &input.register.deviations {
        entries.push(NewEntry {
            // A run's deviations open after its package was created. A merged package is created
            // after its shards ran: its deviations open with it (the register keeps the time the
            // step failed), so that the trail stays in order. Both are RFC 3339 UTC of one
            // precision, so the text orders as the time does.
            at: d.opened_at.clone().max(input.manifest.created_at.clone()),
            action: AuditAction::DeviationOpened,
            who: who.clone(),
            what: format!(
                "deviation {} opened: step at line {} of scenario {} ({}) did not pass",
                d.id, d.step.line, d.scenario.name, d.scenario.id
            ),
            why: d.error.lines().next().unwrap_or_default().to_string(),
            subject: d.id.clone(),
            sha256: None,
        });
    }
    let s = &input.results.summary;
    entries.push(NewEntry {
        at: input.manifest.sealed_at.clone(),
        action: AuditAction::Sealed,
        who,
        what: format!(
            "package sealed: manifest lists {} files",
            input.manifest.files.len()
        ),
        why: format!(
            "campaign finished: {} scenarios, {} passed, {} failed; {} deviation{} opened",
            s.scenarios,
            s.scenarios_passed,
            s.scenarios_failed,
            input.register.deviations.len(),
            if input.register.deviations.len() == 1 {
                ""
            } else {
                "s"
            }
        ),
        subject: MANIFEST_FILE.into(),
        sha256: Some(input.manifest_sha256.to_string()),
    });
    entries
}

/// The command that made the package: a run, or a merge of shard packages (named by id).
fn created_by(results: &RunResults) -> String {
    match results.merged_from.as_slice() {
        [] => "qualify run".to_string(),
        shards => format!(
            "qualify merge of {} shard packages ({})",
            shards.len(),
            shards
                .iter()
                .map(|s| s.package_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Writes the run-time trail into the package root being sealed (`audit/trail.jsonl`), flushed.
pub fn write_run_trail(root: &std::path::Path, input: &RunTrailInput<'_>) -> std::io::Result<()> {
    let bytes = super::AuditTrail::render_new(&input.manifest.package_id, run_entries(input));
    let path = root.join(super::TRAIL_FILE);
    if let Some(dir) = path.parent() {
        crate::fsio::create_dir_durable(dir)?;
    }
    crate::fsio::write_atomic(&path, &bytes)
}
