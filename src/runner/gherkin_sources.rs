//! The feature files of a campaign as Cucumber Messages need them (src/evidence/messages): the
//! text of each and what the plan's one parse made of it (src/gherkin, ids unique across the
//! campaign: the plan numbers every file's nodes in one sequence).

use std::sync::Arc;

use crate::evidence::FeatureSource;
use crate::gherkin::ParsedFeature;
use crate::plan::Plan;

/// One feature file, parsed.
pub(crate) struct GherkinSource {
    uri: String,
    source: Arc<str>,
    parsed: Arc<ParsedFeature>,
}

impl GherkinSource {
    /// The file at project-relative `uri` with text `source`, parsed as `parsed` (a merged
    /// package takes them from its shards' messages, src/shard/merge/gherkin.rs).
    pub(crate) fn new(uri: String, source: Arc<str>, parsed: Arc<ParsedFeature>) -> Self {
        Self {
            uri,
            source,
            parsed,
        }
    }
}

/// Every feature file of `plan`, in its order (shared with the plan, not copied).
pub(super) fn gherkin_sources(plan: &Plan) -> Vec<GherkinSource> {
    plan.features
        .iter()
        .map(|f| GherkinSource {
            uri: f.path.clone(),
            source: Arc::clone(&f.source),
            parsed: Arc::clone(&f.parsed),
        })
        .collect()
}

/// The borrowed form the messages writer takes.
pub(super) fn as_feature_sources(sources: &[GherkinSource]) -> Vec<FeatureSource<'_>> {
    sources
        .iter()
        .map(|s| FeatureSource {
            uri: &s.uri,
            source: &s.source,
            parsed: &s.parsed,
        })
        .collect()
}
