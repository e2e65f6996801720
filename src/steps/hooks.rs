//! Scenario set-up and tear-down: a working folder and adapters before, evidence after.

use futures::future::LocalBoxFuture;

use super::record::ScenarioRecord;
use super::world::{QualifyWorld, ScenarioState, builtin_variables};
use crate::adapters::ScenarioAdapters;
use crate::matching::Variables;
use crate::runner::fail;

/// Filesystem-safe form of a scenario id (`features/a.feature:12` → `features-a.feature-12`).
pub fn slug(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The `before` hook.
pub fn before<'a>(
    feature: &'a gherkin::Feature,
    _rule: Option<&'a gherkin::Rule>,
    scenario: &'a gherkin::Scenario,
    w: &'a mut QualifyWorld,
) -> LocalBoxFuture<'a, ()> {
    Box::pin(async move {
        let id = crate::plan::scenario_id(&w.ctx.config.dir, feature, scenario);
        let slug = slug(&id);
        let dir = w.ctx.work_root.join(&slug);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            fail(format!(
                "cannot create the scenario folder {}: {e}",
                dir.display()
            ));
        }
        let mut vars = Variables::default();
        for (k, v) in builtin_variables(&dir, &w.ctx.config.dir) {
            vars.set(k, v);
        }
        let adapters = ScenarioAdapters::new(
            w.ctx.registry.clone(),
            dir.clone(),
            w.ctx.store.clone(),
            slug.clone(),
        );
        w.state = Some(ScenarioState {
            id,
            slug,
            dir,
            adapters,
            vars,
            last: None,
            record: ScenarioRecord::default(),
            step_line: 0,
        });
    })
}

/// The `after` hook: stops the adapters, closes transcripts and hands the record to the context.
pub fn after<'a>(
    _feature: &'a gherkin::Feature,
    _rule: Option<&'a gherkin::Rule>,
    _scenario: &'a gherkin::Scenario,
    _finished: &'a cucumber::event::ScenarioFinished,
    w: Option<&'a mut QualifyWorld>,
) -> LocalBoxFuture<'a, ()> {
    Box::pin(async move {
        let Some(w) = w else { return };
        let Some(state) = w.state.take() else { return };
        let ScenarioState {
            id,
            adapters,
            mut record,
            dir,
            ..
        } = state;
        let report = adapters.finish().await;
        record.attachments = report.attachments;
        record.teardown_errors = report.problems;
        // The working folder holds scratch state (databases, generated files); the evidence is
        // in the transcripts. Keep the disk from filling up on long campaigns.
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(mut records) = w.ctx.records.lock() {
            records.insert(id, record);
        }
    })
}
