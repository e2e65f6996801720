//! The feature files of a campaign as Cucumber Messages need them (src/evidence/messages): the
//! text of each and what the official-conformant parser (src/gherkin) made of it, with ids
//! unique across the campaign (one id sequence over the files in plan order).

use crate::evidence::FeatureSource;
use crate::gherkin::{IdGenerator, ParsedFeature, compile, parse};
use crate::plan::Plan;

/// One feature file, parsed.
pub(super) struct GherkinSource {
    uri: String,
    source: String,
    parsed: ParsedFeature,
}

/// Every feature file of `plan`, in its order; a file that can no longer be read or parsed (it
/// changed since the plan read it) is left out and named in the returned problems.
pub(super) fn gherkin_sources(plan: &Plan) -> (Vec<GherkinSource>, Vec<String>) {
    let mut ids = IdGenerator::new();
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for f in &plan.features {
        let source = match std::fs::read_to_string(&f.abs_path) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("messages.ndjson: {}: {e}", f.path));
                continue;
            }
        };
        match parse(&source, &f.path, &mut ids) {
            Ok(document) => {
                let pickles = compile(&document, &f.path, &mut ids);
                sources.push(GherkinSource {
                    uri: f.path.clone(),
                    source,
                    parsed: ParsedFeature { document, pickles },
                });
            }
            Err(e) => problems.push(format!("messages.ndjson: {}: {e}", f.path)),
        }
    }
    (sources, problems)
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
