//! Campaigns with many scenarios (issue 12): correctness of the linear outline expansion and of
//! sealing a package with a folder per scenario. No timing is asserted: the speed figures come
//! from bench/scale.sh and are recorded in docs/performance.md.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::support::{Project, fixture_adapter};

/// Rows of the one outline: enough to make the old quadratic expansion and sealing visible in a
/// profile, few enough for a debug build on a loaded machine.
const ROWS: usize = 150;

/// A project whose one feature is a Scenario Outline of [`ROWS`] Examples rows (two Examples
/// blocks, the second tagged), each row one echo request to a shared fixture adapter and one match.
fn outline_project() -> Project {
    let mut feature = String::from(
        "@OQ @URS-001\nFeature: Many rows\n\n  Scenario Outline: row <i> of <serial>\n    When I send an \"echo\" request to \"sut\" with:\n      \"\"\"\n      {\"serial\": \"<serial>\", \"i\": <i>}\n      \"\"\"\n    Then the response field \"i\" equals <i>\n    And the response matches:\n      \"\"\"\n      {\"serial\": \"#regex SN-[0-9]{6}\", \"i\": \"#number\"}\n      \"\"\"\n\n    Examples: first half\n      | i | serial |\n",
    );
    for i in 0..ROWS / 2 {
        feature.push_str(&format!("      | {i} | SN-{i:06} |\n"));
    }
    feature.push_str("\n    @second-half\n    Examples: second half\n      | i | serial |\n");
    for i in ROWS / 2..ROWS {
        feature.push_str(&format!("      | {i} | SN-{i:06} |\n"));
    }
    let config = format!(
        "project:\n  name: scale\nadapters:\n  sut:\n    kind: process\n    command: [\"python3\", \"{}\"]\n    isolation: shared\n    timeouts: {{start_ms: 60000, request_ms: 60000, shutdown_ms: 10000}}\n",
        fixture_adapter().display()
    );
    Project::new()
        .file("qualify.yaml", &config)
        .file(
            "requirements.yaml",
            "requirements:\n  - {id: URS-001, title: Echo, risk: high}\n",
        )
        .file("features/many.feature", &feature)
}

/// The line of row `i` in the generated feature: header lines, then the rows, with the second
/// Examples block three lines further down (blank line, tag, keyword, header).
fn row_line(i: usize) -> usize {
    let first_row = 17;
    if i < ROWS / 2 {
        first_row + i
    } else {
        first_row + i + 4
    }
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn an_outline_of_many_rows_runs_every_row_with_the_ids_list_gives() {
    let p = outline_project();
    let list = p.qualify(&["list", "--format", "json"]).code(0);
    let listed: Value = serde_json::from_str(&list.stdout).unwrap();
    let listed_ids: Vec<String> = listed["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..ROWS)
        .map(|i| format!("features/many.feature:{}", row_line(i)))
        .collect();
    assert_eq!(listed_ids, expected);

    let run = p
        .qualify(&["run", "--progress", "quiet", "--concurrency", "2"])
        .code(0);
    assert!(
        run.stdout
            .contains(&format!("{ROWS} scenarios: {ROWS} passed, 0 failed")),
        "{}",
        run.stdout
    );
    let results = p.results();
    let scenarios = results["features"][0]["scenarios"].as_array().unwrap();
    let run_ids: Vec<&str> = scenarios
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        run_ids,
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
    for (i, s) in scenarios.iter().enumerate() {
        // Each row ran with its own values: name, request body and the asserted field.
        assert_eq!(s["name"], format!("row {i} of SN-{i:06}"));
        let tags: Vec<&str> = s["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(tags.contains(&"second-half"), i >= ROWS / 2, "{tags:?}");
        let asserted = s["steps"][1]["assertions"][0]["actual"].to_string();
        assert!(asserted.contains(&i.to_string()), "row {i}: {asserted}");
    }
}

#[test]
fn a_package_with_a_folder_per_scenario_lists_every_file_once_and_verifies() {
    let p = outline_project();
    p.qualify(&["run", "--progress", "quiet"]).code(0);
    let pkg = &p.packages()[0];
    let manifest = json_file(&pkg.join("manifest.json"));
    let entries = manifest["files"].as_array().unwrap();
    let listed: Vec<&str> = entries
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // Sorted, each path once, and exactly the files on disk (less the manifest and the trail,
    // which is written after the manifest), each with its digest and size.
    let mut sorted = listed.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(listed, sorted);
    let mut on_disk = BTreeSet::new();
    collect_files(pkg, pkg, &mut on_disk);
    on_disk.remove("manifest.json");
    on_disk.remove("audit/trail.jsonl");
    assert_eq!(
        listed
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        on_disk
    );
    for e in entries {
        let bytes = std::fs::read(pkg.join(e["path"].as_str().unwrap())).unwrap();
        assert_eq!(e["sha256"], qualify::evidence::sha256_hex(&bytes));
        assert_eq!(e["size"], bytes.len() as u64);
    }
    // One attachment folder per scenario at least: the package really has many folders.
    let folders = listed
        .iter()
        .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
        .collect::<BTreeSet<_>>();
    assert!(folders.len() >= ROWS, "{} folders", folders.len());
    p.qualify(&["verify", pkg.to_str().unwrap()]).code(0);
}

fn collect_files(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel);
        }
    }
}
