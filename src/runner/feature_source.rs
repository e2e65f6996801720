//! The features cucumber runs: the plan's parsed features (each file parsed once, by the plan),
//! as the pickles the official Gherkin compiler gives.
//!
//! cucumber 0.23's own parser (`parser::Basic`) reads the files again with the `gherkin` crate
//! and expands outlines by cloning whole scenarios per row (one outline of 10,000 rows took
//! 375 s and 14.9 GB, docs/performance.md). [`FeatureSource`] hands cucumber the plan's pickles
//! instead ([`crate::gherkin::to_cucumber`]): one scenario per pickle at the line of the scenario
//! or Examples row, Background steps inlined (so a scenario without steps runs none, as in every
//! official Cucumber), built in time linear in the rows. What runs is what was planned.

use std::path::{Path, PathBuf};

use cucumber::parser::Error as ParseError;
use gherkin::Feature;

use super::pickle_facts::{FactsByScenario, collect_facts};
use crate::gherkin::to_cucumber;
use crate::plan::Plan;

/// A cucumber [`cucumber::Parser`] over the plan's parsed features.
pub(super) struct FeatureSource {
    features: Vec<Feature>,
}

impl FeatureSource {
    /// The features of `plan`, in its order, and the facts of each pickle the results record
    /// (src/runner/pickle_facts.rs): cucumber sees Background steps as scenario steps (they are
    /// inlined), the results still mark them as Background steps.
    pub(super) fn new(plan: &Plan) -> (Self, FactsByScenario) {
        let mut features = Vec::new();
        let mut facts = FactsByScenario::new();
        for f in &plan.features {
            let path = canonical(&f.abs_path);
            collect_facts(&f.parsed, &path, &mut facts);
            features.extend(to_cucumber(&f.parsed, path));
        }
        (Self { features }, facts)
    }
}

impl<I> cucumber::Parser<I> for FeatureSource {
    type Cli = cucumber::cli::Empty;
    type Output = futures::stream::Iter<std::vec::IntoIter<Result<Feature, ParseError>>>;

    fn parse(self, _input: I, _cli: Self::Cli) -> Self::Output {
        let features: Vec<_> = self.features.into_iter().map(Ok).collect();
        futures::stream::iter(features)
    }
}

/// The path as cucumber's own parser gives it (it walks the canonical features folder), so
/// `feature.path` is what the rest of the runner expects.
fn canonical(file: &Path) -> PathBuf {
    file.canonicalize().unwrap_or_else(|_| file.to_path_buf())
}

#[cfg(test)]
mod tests;
