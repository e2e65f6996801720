//! The bundled default: the reference bridge and its IQ/OQ/PQ suite, run by the real binary with
//! the repository's own qualify.yaml; and the same suite failing against a defective bridge.

use crate::support;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(config: &Path, args: &[&str], out: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_qualify"))
        .arg("--config")
        .arg(config)
        .args(args)
        .arg("--out")
        .arg(out)
        .current_dir(repo())
        .output()
        .expect("run qualify");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn only_package(out: &Path) -> PathBuf {
    let pkgs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(pkgs.len(), 1, "{pkgs:?}");
    pkgs[0].clone()
}

fn results(pkg: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(pkg.join("results.json")).unwrap()).unwrap()
}

#[test]
fn the_bundled_suite_passes_against_the_reference_bridge() {
    support::binary("qualify-bridge");
    support::binary("shift-sim");
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(
        &repo().join("qualify.yaml"),
        &["run", "--progress", "quiet"],
        out.path(),
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let r = results(&only_package(out.path()));
    let s = &r["summary"];
    assert_eq!(s["scenarios_failed"], 0, "{stdout}");
    assert!(s["scenarios"].as_u64().unwrap() >= 100, "{s}");
    // Every stage is represented.
    let stages: std::collections::BTreeSet<String> = r["features"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["scenarios"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["stage"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(stages.into_iter().collect::<Vec<_>>(), ["IQ", "OQ", "PQ"]);
}

/// A config identical to the bundled one but for the bridge command, written outside the
/// repository (feature and requirement paths made absolute).
fn config_with_bridge(dir: &Path, bridge: &Path) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("qualify.yaml")).unwrap();
    let mut doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    doc["features"] = repo().join("features").display().to_string().into();
    doc["requirements"] = repo()
        .join("requirements.yaml")
        .display()
        .to_string()
        .into();
    doc["adapters"]["bridge"]["command"] =
        serde_norway::Value::Sequence(vec![bridge.display().to_string().into()]);
    doc["adapters"]["shift"]["command"] = serde_norway::Value::Sequence(vec![
        support::binary("shift-sim").display().to_string().into(),
    ]);
    let path = dir.join("qualify.yaml");
    std::fs::write(&path, serde_norway::to_string(&doc).unwrap()).unwrap();
    path
}

#[test]
fn a_bridge_without_the_missing_context_check_fails_the_context_scenarios() {
    let examples = support::binary("qualify-bridge")
        .parent()
        .unwrap()
        .join("examples");
    let broken = examples.join("bridge_without_context_check");
    assert!(
        broken.exists(),
        "{} is not built; run `cargo test --workspace`",
        broken.display()
    );
    let dir = tempfile::tempdir().unwrap();

    // Control: the real bridge passes the context requirement's scenarios.
    let good = config_with_bridge(dir.path(), &support::binary("qualify-bridge"));
    let good_out = dir.path().join("good");
    let (code, stdout, stderr) = run(
        &good,
        &["run", "--progress", "quiet", "--tags", "@URS-001"],
        &good_out,
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");

    // The defective bridge fails them.
    let bad = config_with_bridge(dir.path(), &broken);
    let bad_out = dir.path().join("bad");
    let (code, stdout, _) = run(
        &bad,
        &["run", "--progress", "quiet", "--tags", "@URS-001"],
        &bad_out,
    );
    assert_eq!(code, qualify::exit_code::SCENARIOS_FAILED, "{stdout}");
    let r = results(&only_package(&bad_out));
    let failed: Vec<String> = r["features"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["scenarios"].as_array().unwrap().iter())
        .filter(|s| s["status"] == "failed")
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert!(failed.len() >= 5, "{failed:?}");
    assert!(
        failed
            .iter()
            .all(|id| id.contains("features/oq/context.feature:")),
        "{failed:?}"
    );
    // The failures carry the objective evidence: expected missing_context, actual accepted.
    let text = serde_json::to_string(&r).unwrap();
    assert!(text.contains("missing_context"));
}
