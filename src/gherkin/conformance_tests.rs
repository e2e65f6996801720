//! Conformance with the official parser: every file of the official test data
//! (tests/fixtures/gherkin-testdata, copied from github.com/cucumber/gherkin) parsed and compared
//! with the official output. Good files: the `gherkinDocument` and every `pickle` equal as JSON.
//! Bad files: rejected, the first error at the official line with the official message.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::parse_feature;

fn testdata(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gherkin-testdata")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "feature"))
        .collect();
    files.sort();
    files
}

fn ndjson(path: &Path, suffix: &str) -> Vec<Value> {
    let file = PathBuf::from(format!("{}{suffix}", path.display()));
    std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn uri(kind: &str, path: &Path) -> String {
    format!(
        "../testdata/{kind}/{}",
        path.file_name().unwrap().to_string_lossy()
    )
}

/// What differs between our output for a good file and the official one, if anything.
fn good_file_difference(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = match parse_feature(&text, &uri("good", path)) {
        Ok(p) => p,
        Err(e) => return Some(format!("rejected: {e} [{}]", e.official_message())),
    };
    let ast = json!({ "gherkinDocument": parsed.document });
    let want_ast = &ndjson(path, ".ast.ndjson")[0];
    if &ast != want_ast {
        return Some(format!(
            "AST differs:\nours:     {ast}\nofficial: {want_ast}"
        ));
    }
    let pickles: Vec<Value> = parsed
        .pickles
        .iter()
        .map(|p| json!({ "pickle": p }))
        .collect();
    let want = ndjson(path, ".pickles.ndjson");
    if pickles != want {
        return Some(format!(
            "pickles differ:\nours:     {}\nofficial: {}",
            Value::Array(pickles),
            Value::Array(want)
        ));
    }
    None
}

#[test]
fn every_official_good_file_gives_the_official_ast_and_pickles() {
    let files = testdata("good");
    assert!(files.len() >= 45, "{} good files", files.len());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| good_file_difference(f).map(|d| format!("{}: {d}", f.display())))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} good files differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_official_bad_file_is_rejected_at_the_official_first_error() {
    let files = testdata("bad");
    assert!(files.len() >= 12, "{} bad files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let first = &ndjson(path, ".errors.ndjson")[0]["parseError"];
        let line = first["source"]["location"]["line"].as_u64().unwrap() as usize;
        match parse_feature(&text, &uri("bad", path)) {
            Ok(_) => failures.push(format!("{}: accepted", path.display())),
            Err(e) if e.line() != line || e.official_message() != first["message"] => failures
                .push(format!(
                    "{}: ours line {} {:?}, official line {line} {}",
                    path.display(),
                    e.line(),
                    e.official_message(),
                    first["message"]
                )),
            Err(e) => assert!(
                !e.message.contains("#EOF") && !e.message.contains("Line"),
                "{}",
                e.message
            ),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
