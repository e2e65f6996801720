//! What cucumber runs now against what it ran with the `gherkin` crate's parser and cucumber's
//! own outline expansion: on every bundled feature the same scenarios (ids, names, tags) with the
//! same steps (Background steps included), tables and doc string text.

use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use gherkin::{Feature, GherkinEnv, Scenario, Step};

use crate::gherkin::{parse_feature, to_cucumber};

/// Every scenario with the steps cucumber runs for it (backgrounds first).
fn runs(feature: &Feature) -> Vec<(&Scenario, Vec<&Step>)> {
    let fb: Vec<&Step> = feature.background.iter().flat_map(|b| &b.steps).collect();
    let mut out: Vec<(&Scenario, Vec<&Step>)> = Vec::new();
    for s in &feature.scenarios {
        out.push((s, fb.iter().copied().chain(&s.steps).collect()));
    }
    for r in &feature.rules {
        let rb = r.background.iter().flat_map(|b| &b.steps);
        let bg: Vec<&Step> = fb.iter().copied().chain(rb).collect();
        for s in &r.scenarios {
            out.push((s, bg.iter().copied().chain(&s.steps).collect()));
        }
    }
    out
}

/// A doc string's lines without indentation or blank lines (the crate kept the delimiter lines'
/// breaks and, for typed doc strings, the type; steps read either the same way).
fn doc_lines(doc: Option<&String>) -> Vec<String> {
    let lines = doc.map(|d| d.lines().map(|l| l.trim().to_string()).collect::<Vec<_>>());
    lines
        .unwrap_or_default()
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect()
}

/// Keyword, text, line, table rows and doc string lines of a step.
type StepView = (String, String, usize, Option<Vec<Vec<String>>>, Vec<String>);

fn step_view(s: &Step) -> StepView {
    let table = s.table.as_ref().map(|t| t.rows.clone());
    (
        s.keyword.clone(),
        s.value.clone(),
        s.position.line,
        table,
        doc_lines(s.docstring.as_ref()),
    )
}

fn bundled_features() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![
        root.join("features"),
        root.join("features-mqtt"),
        root.join("assets/init/features"),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "feature") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_bundled_feature_runs_the_same_scenarios_and_steps_as_before() {
    let files = bundled_features();
    assert!(files.len() >= 25, "{}", files.len());
    let mut scenarios = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let old = Feature::parse(&text, GherkinEnv::default())
            .unwrap()
            .expand_examples()
            .unwrap();
        let parsed = parse_feature(&text, "f.feature").unwrap();
        let new = to_cucumber(&parsed, file.clone()).unwrap();
        assert!(new.background.is_none() && new.rules.iter().all(|r| r.background.is_none()));
        let (old_runs, new_runs) = (runs(&old), runs(&new));
        assert_eq!(old_runs.len(), new_runs.len(), "{}", file.display());
        for ((o, o_steps), (n, n_steps)) in old_runs.iter().zip(&new_runs) {
            let at = format!("{}:{}", file.display(), n.position.line);
            assert_eq!(
                (&o.name, o.position.line, &o.tags),
                (&n.name, n.position.line, &n.tags),
                "{at}"
            );
            let o_view: Vec<_> = o_steps.iter().map(|s| step_view(s)).collect();
            let n_view: Vec<_> = n_steps.iter().map(|s| step_view(s)).collect();
            assert_eq!(o_view, n_view, "{at}");
            scenarios += 1;
        }
    }
    assert!(scenarios > 100, "{scenarios}");
}

#[test]
fn many_rows_keep_their_lines_and_values() {
    let rows = 3000;
    let mut text = String::from(
        "@OQ\nFeature: many\n\n  Scenario Outline: row <n>\n    Then the response field \"n\" equals <n>\n\n    Examples:\n      | n |\n",
    );
    for i in 0..rows {
        text.push_str(&format!("      | {i} |\n"));
    }
    let parsed = parse_feature(&text, "f.feature").unwrap();
    let feature = to_cucumber(&parsed, PathBuf::from("/p/features/many.feature")).unwrap();
    assert_eq!(feature.scenarios.len(), rows);
    for (i, s) in feature.scenarios.iter().enumerate() {
        // The header is on line 8, row i on line 9 + i.
        assert_eq!(s.position.line, 9 + i);
        assert_eq!(s.name, format!("row {i}"));
        assert_eq!(
            s.steps[0].value,
            format!("the response field \"n\" equals {i}")
        );
        let table = s.examples[0].table.as_ref().unwrap();
        assert_eq!(table.rows, vec![vec!["n".to_string()], vec![i.to_string()]]);
    }
}
