//! [`DeviationRegister`]: `deviations/deviations.json`, the deviations a run opened, one per
//! failed or undefined step, written before sealing and therefore part of the sealed content.
//! Schema id [`DEVIATIONS_SCHEMA`]. A deviation is closed by a signed closure envelope at
//! [`crate::layout::closure_path`], written after sealing.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::layout::{DEVIATIONS_FILE, RESULTS_FILE};
use crate::results::{Assertion, RunResults, Status};
use crate::schema::DEVIATIONS_SCHEMA;

/// The deviations of a package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviationRegister {
    /// Always [`DEVIATIONS_SCHEMA`].
    pub schema: String,
    /// The package id.
    pub package_id: String,
    /// The deviations, in the order of the results (feature path, scenario line, step order).
    pub deviations: Vec<Deviation>,
}

/// One deviation: a step that did not do what the scenario expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deviation {
    /// `DEV-001`, numbered in order within the package.
    pub id: String,
    /// When it was opened (the end of the campaign), UTC.
    pub opened_at: String,
    /// The scenario.
    pub scenario: ScenarioRef,
    /// The step.
    pub step: StepRef,
    /// The failure message.
    pub error: String,
    /// The comparisons that failed, with expected and actual values.
    pub expected_vs_actual: Vec<Assertion>,
    /// Files of the package that back the deviation: `results.json` and the step's attachments.
    pub evidence: Vec<String>,
}

/// The scenario a deviation happened in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    /// `<feature path>:<line>`.
    pub id: String,
    /// Scenario name.
    pub name: String,
    /// Stage.
    pub stage: String,
    /// Requirements the scenario covers.
    pub requirements: Vec<String>,
}

/// The failed step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    /// Line in the feature file.
    pub line: usize,
    /// Keyword and text as written.
    pub text: String,
    /// `failed` or `undefined`.
    pub status: Status,
}

impl DeviationRegister {
    /// One deviation per failed or undefined step of `results` (skipped steps follow from an
    /// earlier failure and open none).
    pub fn from_results(results: &RunResults) -> DeviationRegister {
        let mut deviations = Vec::new();
        for feature in &results.features {
            for scenario in &feature.scenarios {
                for step in &scenario.steps {
                    if !matches!(step.status, Status::Failed | Status::Undefined) {
                        continue;
                    }
                    let mut evidence = vec![RESULTS_FILE.to_string()];
                    evidence.extend(step.attachments.iter().map(|a| a.path.clone()));
                    deviations.push(Deviation {
                        id: format!("DEV-{:03}", deviations.len() + 1),
                        opened_at: results.finished_at.clone(),
                        scenario: ScenarioRef {
                            id: scenario.id.clone(),
                            name: scenario.name.clone(),
                            stage: scenario.stage.clone(),
                            requirements: scenario.requirements.clone(),
                        },
                        step: StepRef {
                            line: step.line,
                            text: format!("{}{}", step.keyword, step.text),
                            status: step.status,
                        },
                        error: step.error.clone().unwrap_or_else(|| {
                            if step.status == Status::Undefined {
                                "no step definition matches this step".into()
                            } else {
                                "the step failed".into()
                            }
                        }),
                        expected_vs_actual: step
                            .assertions
                            .iter()
                            .filter(|a| !a.passed)
                            .cloned()
                            .collect(),
                        evidence,
                    });
                }
            }
        }
        DeviationRegister {
            schema: DEVIATIONS_SCHEMA.into(),
            package_id: results.package_id.clone(),
            deviations,
        }
    }

    /// Reads the register of a package.
    pub fn load(package_dir: &Path) -> Result<DeviationRegister, String> {
        let path = package_dir.join(DEVIATIONS_FILE);
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read it: {e}"))?;
        DeviationRegister::parse(&bytes)
    }

    /// Parses register bytes as [`DeviationRegister::load`] does (the fuzz target `deviations`).
    pub fn parse(bytes: &[u8]) -> Result<DeviationRegister, String> {
        let register: DeviationRegister =
            serde_json::from_slice(bytes).map_err(|e| format!("not a deviation register: {e}"))?;
        if register.schema != DEVIATIONS_SCHEMA {
            return Err(format!(
                "schema {:?}; this version of qualify reads {DEVIATIONS_SCHEMA:?}",
                register.schema
            ));
        }
        Ok(register)
    }

    /// The deviation with this id.
    pub fn get(&self, id: &str) -> Option<&Deviation> {
        self.deviations.iter().find(|d| d.id == id)
    }
}

impl Deviation {
    /// One line for listings: id, scenario, step and the first line of the error.
    pub fn summary(&self) -> String {
        format!(
            "{} in {} ({}), step line {} `{}`: {}",
            self.id,
            self.scenario.name,
            self.scenario.id,
            self.step.line,
            self.step.text,
            self.error.lines().next().unwrap_or_default()
        )
    }
}
