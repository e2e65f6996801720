//! The `qualify-evidence` crate against packages the real binary makes: every sealed document
//! and every trail line parses with the crate's types alone and is written back byte for byte
//! (so an auditor's tool built on the crate sees exactly what qualify sealed), the gate reads
//! results and git through the same types, and `qualify render` names the typed cause when it
//! cannot record a rendering.

use std::fs;
use std::path::{Path, PathBuf};

use qualify_evidence::schema::{DEVIATIONS_SCHEMA, MANIFEST_SCHEMA, RESULTS_SCHEMA};
use qualify_evidence::{
    AuditAction, AuditEntry, DeviationRegister, Environment, GitInfo, Manifest, RunResults, Status,
    layout, to_package_json,
};
use serde::de::DeserializeOwned;

use crate::support::Project;

const FEATURE: &str = r##"@OQ
Feature: Fixture system

  Background:
    Given the adapter "sut" is started

  @URS-001
  Scenario: Addition that holds
    When I send an "add" request to "sut" with:
      | a  | b  |
      | 20 | 22 |
    Then the response field "sum" equals 42

  @URS-002
  Scenario: Addition with a wrong expectation
    When I send an "add" request to "sut" with:
      | a | b |
      | 1 | 1 |
    Then the response field "sum" equals 3
"##;

fn package() -> (Project, PathBuf) {
    let p = Project::with_fixture_adapter().file("features/fixture.feature", FEATURE);
    p.qualify(&["run", "--progress", "quiet"]).code(1);
    let pkgs = p.packages();
    assert_eq!(pkgs.len(), 1, "{pkgs:?}");
    let pkg = pkgs[0].clone();
    (p, pkg)
}

/// Parses `rel` of the package with the crate's type and checks that writing it back the way
/// qualify writes gives the sealed bytes.
fn sealed<T: DeserializeOwned + serde::Serialize>(pkg: &Path, rel: &str) -> T {
    let bytes = fs::read(pkg.join(rel)).unwrap();
    let value: T = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(
        to_package_json(&value).unwrap(),
        bytes,
        "{rel} is not written back byte for byte"
    );
    value
}

#[test]
fn a_package_reads_and_round_trips_with_the_format_crate_alone() {
    let (_project, pkg) = package();
    let manifest = Manifest::load(&pkg).unwrap();
    assert_eq!(manifest.schema, MANIFEST_SCHEMA);
    let _: Manifest = sealed(&pkg, layout::MANIFEST_FILE);
    let results: RunResults = sealed(&pkg, layout::RESULTS_FILE);
    let _: Environment = sealed(&pkg, layout::ENVIRONMENT_FILE);
    let _: GitInfo = sealed(&pkg, layout::GIT_FILE);
    let register: DeviationRegister = sealed(&pkg, layout::DEVIATIONS_FILE);
    assert_eq!(results.schema, RESULTS_SCHEMA);
    assert_eq!(register.schema, DEVIATIONS_SCHEMA);
    assert_eq!(results.summary.scenarios_failed, 1);
    assert_eq!(register.deviations.len(), 1);
    assert_eq!(DeviationRegister::from_results(&results), register);
    let failed = results.features[0]
        .scenarios
        .iter()
        .find(|s| s.status == Status::Failed)
        .unwrap();
    assert_eq!(register.deviations[0].scenario.id, failed.id);

    // Every file the manifest lists is where the layout says, and the layout's sealed files are
    // all listed; what is written after sealing is not.
    for file in &manifest.files {
        assert!(pkg.join(&file.path).is_file(), "{}", file.path);
    }
    for rel in [
        layout::RESULTS_FILE,
        layout::ENVIRONMENT_FILE,
        layout::GIT_FILE,
        layout::PROJECT_FILE,
        layout::JUNIT_FILE,
        layout::CUCUMBER_FILE,
        layout::REPORT_HTML,
        layout::REPORT_PDF,
        layout::DEVIATIONS_FILE,
    ] {
        assert!(
            manifest.files.iter().any(|f| f.path == rel),
            "{rel} not sealed"
        );
    }
    assert!(!manifest.files.iter().any(|f| f.path == layout::TRAIL_FILE));
    for step in results
        .features
        .iter()
        .flat_map(|f| &f.scenarios)
        .flat_map(|s| &s.steps)
    {
        for a in &step.attachments {
            assert!(a.path.starts_with(layout::ATTACHMENTS_DIR), "{}", a.path);
        }
    }

    let trail = fs::read_to_string(pkg.join(layout::TRAIL_FILE)).unwrap();
    let entries: Vec<AuditEntry> = trail
        .lines()
        .map(|line| {
            let entry: AuditEntry = serde_json::from_str(line).unwrap();
            assert_eq!(serde_json::to_string(&entry).unwrap(), line);
            entry
        })
        .collect();
    let actions: Vec<AuditAction> = entries.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Created,
            AuditAction::DeviationOpened,
            AuditAction::Sealed
        ]
    );
}

#[test]
fn render_names_the_typed_cause_when_the_trail_cannot_record_the_rendering() {
    let (project, pkg) = package();
    let trail = pkg.join(layout::TRAIL_FILE);
    let text = fs::read_to_string(&trail).unwrap();
    // Break the chain at the second entry: the trail refuses to be extended.
    fs::write(&trail, text.replacen("\"seq\":2", "\"seq\":7", 1)).unwrap();
    let run = project
        .qualify(&["render", pkg.to_str().unwrap()])
        .code(qualify::exit_code::INTERNAL_ERROR);
    assert!(
        run.stderr
            .contains("error: cannot record the rendering in the audit trail"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("caused by: the audit trail"),
        "the cause is kept as the source: {}",
        run.stderr
    );
    assert!(
        !pkg.join(layout::RENDITIONS_DIR)
            .join(layout::REPORT_HTML)
            .exists()
    );
}
