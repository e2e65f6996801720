//! The `qualify-evidence` crate against packages the real binary makes: every sealed document
//! and every trail line parses with the crate's types alone and is written back byte for byte
//! (so an auditor's tool built on the crate sees exactly what qualify sealed), the gate reads
//! results and git through the same types, and `qualify render` names the typed cause when it
//! cannot record a rendering.

use std::fs;
use std::path::Path;

use qualify_evidence::schema::{DEVIATIONS_SCHEMA, MANIFEST_SCHEMA, RESULTS_SCHEMA};
use qualify_evidence::{
    AuditAction, DeviationRegister, Environment, GitInfo, Manifest, RunResults, Status, layout,
    parse_trail, to_package_json,
};
use serde::de::DeserializeOwned;

use crate::reports::package;

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
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    let unsealed: Vec<&&str> = layout::SEALED_FILES
        .iter()
        .filter(|r| !listed.contains(r))
        .collect();
    assert!(unsealed.is_empty(), "not in the manifest: {unsealed:?}");
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
    let entries = parse_trail(&trail).unwrap();
    let written: Vec<String> = entries
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    assert_eq!(
        written.join("\n") + "\n",
        trail,
        "trail lines are written back as they were"
    );
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
