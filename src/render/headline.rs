//! The report's headline: the verdict, the identity of what was tested and of this rendition,
//! computed once from a [`PackageState`] and shared by the title, the cover and the conclusion.

use std::collections::BTreeSet;

use super::build::{NOT_RECORDED, generated_at, or_not_recorded};
use super::model::{Field, field};
use super::package_state::{PackageState, RenditionKind};
use crate::evidence::{RunResults, ScenarioResult, Status};
use crate::git::GitInfo;

/// The package's overall verdict, as the cover states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Every scenario passed on a clean, committed revision.
    Passed,
    /// Every scenario passed, but the revision cannot support a release.
    NotReleasable,
    /// At least one scenario failed.
    Failed,
}

impl Verdict {
    fn of(results: &RunResults) -> Self {
        if results.summary.scenarios_failed > 0 {
            Verdict::Failed
        } else if !results.releasable {
            Verdict::NotReleasable
        } else {
            Verdict::Passed
        }
    }

    /// The word on the cover.
    pub(super) fn word(self) -> &'static str {
        match self {
            Verdict::Passed => "PASSED",
            Verdict::NotReleasable => "NOT RELEASABLE",
            Verdict::Failed => "FAILED",
        }
    }

    /// The CSS class of the word.
    pub(super) fn class(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::NotReleasable => "not-releasable",
            Verdict::Failed => "failed",
        }
    }
}

/// What the title and the cover say about the package and this rendition.
pub(super) struct Headline {
    pub verdict: Verdict,
    /// Why the verdict is not PASSED, one line each.
    pub status_reasons: Vec<String>,
    pub project_name: String,
    pub system: String,
    pub stage: String,
    pub git_commit: String,
    pub digest_label: &'static str,
    pub digest: String,
    pub rendition: &'static str,
    pub generated_at: String,
}

/// The headline of `state`, whose scenarios (across features) are `scenarios`.
pub(super) fn headline(state: &PackageState, scenarios: &[&ScenarioResult]) -> Headline {
    let r = &state.results;
    let project = state.project.as_ref().map(|p| &p.project);
    let git_commit = match &state.git {
        Some(GitInfo::Revision(rev)) => rev.commit.clone(),
        Some(GitInfo::NoRepository { reason }) => format!("none: {reason}"),
        None => NOT_RECORDED.into(),
    };
    // A current rendition names the manifest (signatures are outside it); a sealed one cannot
    // (it is listed in the manifest) and names the digest of everything else instead.
    let (digest_label, digest, rendition) = match (&state.kind, &state.manifest) {
        _ if r.trial => (
            "Content digest",
            state.content_digest.clone(),
            "Trial run (qualify run --trial): not sealed, not evidence",
        ),
        (RenditionKind::Current, Some((_, d))) => (
            "Manifest digest",
            d.clone(),
            "Rendition of the package as it stands, signatures included (outside the manifest)",
        ),
        _ => (
            "Content digest",
            state.content_digest.clone(),
            "Rendition sealed inside the package (listed in its manifest)",
        ),
    };
    Headline {
        verdict: Verdict::of(r),
        status_reasons: status_reasons(r, scenarios),
        project_name: project.map(|p| p.name.clone()).unwrap_or_default(),
        system: or_not_recorded(project.map(|p| p.system.as_str()).unwrap_or("")),
        stage: r.selection.stage.clone().unwrap_or_else(|| "all".into()),
        git_commit,
        digest_label,
        digest,
        rendition,
        generated_at: generated_at(state),
    }
}

fn status_reasons(r: &RunResults, scenarios: &[&ScenarioResult]) -> Vec<String> {
    let mut reasons = Vec::new();
    if r.trial {
        reasons.push(
            "Trial run (qualify run --trial): not an evidence package; it is not sealed and \
             cannot be verified, signed or gated"
                .to_string(),
        );
    }
    for sc in scenarios.iter().filter(|s| s.status != Status::Passed) {
        reasons.push(format!("Scenario failed: {} ({})", sc.name, sc.id));
    }
    for b in &r.release_blockers {
        reasons.push(format!("Not releasable: {b}"));
    }
    for p in &r.campaign_problems {
        reasons.push(format!("Campaign problem: {p}"));
    }
    reasons
}

/// The cover page's fields.
pub(super) fn cover(
    state: &PackageState,
    h: &Headline,
    scenarios: &[&ScenarioResult],
) -> Vec<Field> {
    let r = &state.results;
    vec![
        field("Project", or_not_recorded(&h.project_name)),
        field("System under test", h.system.clone()),
        field("Adapters under test", adapters_under_test(scenarios)),
        field("Stage", h.stage.clone()),
        field("Package id", r.package_id.clone()),
        field("Git revision", git_line(state, &h.git_commit)),
        field(h.digest_label, h.digest.clone()),
        field("Overall status", h.verdict.word()),
        field("Campaign", format!("{} to {}", r.started_at, r.finished_at)),
        field(
            "Generated",
            format!("{} (time taken from the package)", h.generated_at),
        ),
        field("Rendition", h.rendition),
        field("Tool", format!("{} {}", r.tool.name, r.tool.version)),
    ]
    .into_iter()
    .chain(shards(r).map(|text| field("Shards", text)))
    .collect()
}

/// A sharded campaign's part on the cover (docs/sharding.md): which share a shard package ran,
/// or which shard packages a merged one was made from, one per line; `None` otherwise.
fn shards(r: &RunResults) -> Option<String> {
    if let Some(s) = &r.selection.shard {
        return Some(format!(
            "shard {} of {} of a campaign of {} scenarios (partition SHA-256 {})",
            s.index,
            s.total,
            s.scenarios_in_campaign.len(),
            s.partition_digest
        ));
    }
    if r.merged_from.is_empty() {
        return None;
    }
    let lines: Vec<String> = r
        .merged_from
        .iter()
        .map(|m| {
            let mut line = format!(
                "shard {}: {}, manifest SHA-256 {}",
                m.index, m.package_id, m.manifest_sha256
            );
            if let Some(host) = &m.host {
                line.push_str(&format!(", host {host}"));
            }
            if let Some(job) = &m.ci_job {
                line.push_str(&format!(", CI job {job}"));
            }
            line
        })
        .collect();
    Some(lines.join("\n"))
}

/// Every adapter the scenarios started, with its identity, one per line, sorted.
fn adapters_under_test(scenarios: &[&ScenarioResult]) -> String {
    let mut adapters = BTreeSet::new();
    for sc in scenarios {
        for a in &sc.adapters {
            let mut s = format!("{} ({})", a.adapter, a.kind);
            if let Some(n) = &a.name {
                s.push_str(&format!(": {n}"));
            }
            if let Some(v) = &a.version {
                s.push_str(&format!(" {v}"));
            }
            if let Some(d) = &a.sha256 {
                s.push_str(&format!(", SHA-256 {d}"));
            }
            adapters.insert(s);
        }
    }
    if adapters.is_empty() {
        "none started".to_string()
    } else {
        adapters.into_iter().collect::<Vec<_>>().join("\n")
    }
}

/// The commit, with its branch and a warning when the working tree was dirty.
fn git_line(state: &PackageState, git_commit: &str) -> String {
    let mut line = git_commit.to_string();
    if let Some(GitInfo::Revision(rev)) = &state.git {
        if let Some(branch) = rev.branch.as_deref().filter(|b| !b.is_empty()) {
            line.push_str(&format!(" (branch {branch})"));
        }
        if rev.dirty {
            line.push_str(" — working tree DIRTY");
        }
    }
    line
}
