//! Every document of a real package (fuzz/seed-package, made by `qualify run`, `sign` and
//! `deviation close`) parses with the crate's types, and writing it back the way qualify writes
//! it gives the same bytes: the types lose no field and reorder nothing.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use qualify_evidence::schema::{
    CLOSURE_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE, SIGNATURE_PREDICATE_TYPE, STATEMENT_TYPE,
};
use qualify_evidence::{
    AuditEntry, DeviationRegister, Envelope, Environment, GitInfo, Manifest, RunResults, Statement,
    Subject, chain_seed, layout, to_package_json,
};

fn package() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seed-package")
}

fn read(rel: &str) -> Vec<u8> {
    let path = package().join(rel);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses `rel` as `T` and checks that qualify's writer gives its bytes back.
fn round_trip<T: Serialize + DeserializeOwned>(rel: &str) -> T {
    let bytes = read(rel);
    let value: T = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(
        String::from_utf8(to_package_json(&value).unwrap()).unwrap(),
        String::from_utf8(bytes).unwrap(),
        "{rel} is not written back byte for byte"
    );
    value
}

fn envelopes(dir: &str) -> Vec<(String, Envelope)> {
    let mut names: Vec<String> = fs::read_dir(package().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(layout::ENVELOPE_SUFFIX))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let rel = format!("{dir}/{n}");
            let env = round_trip::<Envelope>(&rel);
            (rel, env)
        })
        .collect()
}

#[test]
fn sealed_documents_round_trip_byte_for_byte() {
    let manifest: Manifest = round_trip(layout::MANIFEST_FILE);
    assert_eq!(Manifest::load(&package()).unwrap(), manifest);
    let results: RunResults = round_trip(layout::RESULTS_FILE);
    let environment = environment_round_trip();
    let git: GitInfo = round_trip(layout::GIT_FILE);
    let register: DeviationRegister = round_trip(layout::DEVIATIONS_FILE);

    assert_eq!(results.package_id, manifest.package_id);
    assert_eq!(register.package_id, manifest.package_id);
    assert_eq!(
        environment.schema,
        qualify_evidence::schema::ENVIRONMENT_SCHEMA
    );
    assert!(
        git.revision().is_some(),
        "the seed package was made in a repository"
    );
    assert_eq!(
        DeviationRegister::from_results(&results),
        register,
        "the register is what the results open"
    );
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    let records = [
        layout::RESULTS_FILE,
        layout::ENVIRONMENT_FILE,
        layout::GIT_FILE,
    ];
    assert!(
        records
            .iter()
            .chain([&layout::DEVIATIONS_FILE])
            .all(|p| listed.contains(p))
    );
}

/// `environment.json` of packages made before `adapter_env` existed lacks it; qualify now always
/// writes it (empty when no process adapter ran), last. Such a file reads as an empty map, and is
/// otherwise written back byte for byte.
fn environment_round_trip() -> Environment {
    let bytes = read(layout::ENVIRONMENT_FILE);
    let environment: Environment = serde_json::from_slice(&bytes).unwrap();
    let mut original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let object = original.as_object_mut().unwrap();
    if !object.contains_key("adapter_env") {
        assert!(environment.adapter_env.is_empty());
        object.insert("adapter_env".into(), serde_json::json!({}));
    }
    assert_eq!(
        to_package_json(&environment).unwrap(),
        to_package_json(&original).unwrap()
    );
    environment
}

#[test]
fn audit_trail_lines_round_trip_and_chain_from_the_seed() {
    let text = String::from_utf8(read(layout::TRAIL_FILE)).unwrap();
    let manifest = Manifest::load(&package()).unwrap();
    let entries: Vec<AuditEntry> = text
        .lines()
        .map(|line| {
            let entry: AuditEntry = serde_json::from_str(line).unwrap();
            assert_eq!(serde_json::to_string(&entry).unwrap(), line);
            entry
        })
        .collect();
    assert!(entries.len() >= 3);
    assert_eq!(qualify_evidence::parse_trail(&text).unwrap(), entries);
    assert_eq!(qualify_evidence::parse_trail("{}\n").unwrap_err().0, 1);
    assert_eq!(entries[0].subject, manifest.package_id);
    assert_eq!(
        chain_seed(&manifest.package_id),
        format!("qualify.audit/v1 {}", manifest.package_id)
    );
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
    }
}

#[test]
fn envelopes_and_their_statements_round_trip() {
    let manifest = Manifest::load(&package()).unwrap();
    let signatures = envelopes(layout::SIGNATURES_DIR);
    let closures = envelopes(layout::CLOSURES_DIR);
    assert_eq!(signatures.len(), 3);
    assert_eq!(closures.len(), 1);
    assert_eq!(closures[0].0, layout::closure_path("DEV-001"));
    for (rel, envelope) in signatures.iter().chain(&closures) {
        assert_eq!(envelope.payload_type, IN_TOTO_PAYLOAD_TYPE, "{rel}");
        let payload = envelope.payload_bytes().unwrap();
        let statement: Statement = serde_json::from_slice(&payload).unwrap();
        // Payloads are compact JSON: written back, the same bytes (so the same signature).
        assert_eq!(serde_json::to_vec(&statement).unwrap(), payload, "{rel}");
        assert_eq!(statement.statement_type, STATEMENT_TYPE);
        let expected = if rel.starts_with(layout::CLOSURES_DIR) {
            CLOSURE_PREDICATE_TYPE
        } else {
            SIGNATURE_PREDICATE_TYPE
        };
        assert_eq!(statement.predicate_type, expected, "{rel}");
        assert_eq!(statement.predicate.package.id, manifest.package_id);
        let subjects = Subject::of_package(&manifest, &statement.predicate.package.manifest_sha256);
        assert_eq!(statement.subject, subjects, "{rel}");
        assert_eq!(envelope.signatures.len(), 1, "{rel}");
        assert_eq!(
            envelope.signatures[0].keyid, statement.predicate.key_id,
            "{rel}"
        );
    }
}
