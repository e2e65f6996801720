//! Serialize → parse → equal for every document type, built in code (including the optional
//! fields a real package may not have), and the schema check of the manifest.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{TimeZone, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use qualify_evidence::schema::*;
use qualify_evidence::*;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let bytes = to_package_json(value).unwrap();
    assert_eq!(bytes.last(), Some(&b'\n'));
    let back: T = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(&back, value);
    assert_eq!(to_package_json(&back).unwrap(), bytes);
}

fn manifest() -> Manifest {
    Manifest {
        schema: MANIFEST_SCHEMA.into(),
        package_id: "20260101T000000Z-OQ-abc1234".into(),
        created_at: "2026-01-01T00:00:00.000Z".into(),
        sealed_at: "2026-01-01T00:00:01.000Z".into(),
        files: vec![ManifestEntry {
            path: "results.json".into(),
            sha256: "ab".repeat(32),
            size: 12,
        }],
    }
}

#[test]
fn manifest_round_trips_and_checks_its_schema() {
    let m = manifest();
    round_trip(&m);
    let bytes = to_package_json(&m).unwrap();
    assert_eq!(Manifest::parse(Path::new("m.json"), &bytes).unwrap(), m);
    let mut other = m.clone();
    other.schema = "qualify.manifest/v9".into();
    let err = Manifest::parse(Path::new("m.json"), &to_package_json(&other).unwrap()).unwrap_err();
    assert!(
        matches!(err, ManifestError::UnsupportedSchema { ref found, .. } if found == "qualify.manifest/v9")
    );
    assert!(matches!(
        Manifest::parse(Path::new("m.json"), b"{"),
        Err(ManifestError::Parse { .. })
    ));
    assert!(matches!(
        Manifest::load(Path::new("/nonexistent/manifest.json")),
        Err(ManifestError::Read { .. })
    ));
}

fn results() -> RunResults {
    let step = StepResult {
        keyword: "Then ".into(),
        text: "the response matches:".into(),
        line: 9,
        background: false,
        status: Status::Failed,
        started_at: Some("2026-01-01T00:00:00.100Z".into()),
        finished_at: Some("2026-01-01T00:00:00.200Z".into()),
        duration_ms: 100,
        error: Some("1 of 1 comparisons failed".into()),
        doc_string: Some(DocString {
            content: "{\"oee\": 0.85}".into(),
            media_type: Some("json".into()),
            line: 10,
        }),
        data_table: Some(DataTable {
            line: 13,
            rows: vec![vec!["m".into(), "n".into()], vec!["1".into(), "2".into()]],
        }),
        // Key order is kept (preserve_order): z before a.
        input: Some(json!({"z": 1, "a": [true, null]})),
        output: None,
        assertions: vec![Assertion {
            subject: "response".into(),
            comparison: "matches".into(),
            expected: json!({"oee": 0.85}),
            actual: json!({"oee": 0.8}),
            passed: false,
            mismatches: vec![Mismatch {
                path: "$.oee".into(),
                expected: json!(0.85),
                actual: json!(0.8),
                reason: "values differ".into(),
            }],
        }],
        attachments: vec![AttachmentRef {
            path: layout::attachment_path("s-3/sut.jsonl"),
            sha256: "cd".repeat(32),
            size: 3,
            media_type: "application/jsonl".into(),
            description: "transcript".into(),
        }],
    };
    RunResults {
        schema: RESULTS_SCHEMA.into(),
        package_id: "p".into(),
        tool: ToolInfo {
            name: "qualify".into(),
            version: "0.1.0".into(),
        },
        selection: Selection {
            stage: Some("OQ".into()),
            tags: None,
            scenarios: 1,
            impact_baseline: Some("v1".into()),
            locations: vec!["features/a.feature:3".into()],
            shard: Some(ShardSelection {
                index: 2,
                total: 4,
                scenarios_in_campaign: vec!["features/a.feature:3".into()],
                partition_digest: "ab".repeat(32),
                balanced_from: vec!["20260101T000000Z-OQ-abc1234".into()],
            }),
        },
        started_at: "2026-01-01T00:00:00.000Z".into(),
        finished_at: "2026-01-01T00:00:01.000Z".into(),
        summary: Summary {
            scenarios: 1,
            scenarios_failed: 1,
            steps_failed: 1,
            ..Summary::default()
        },
        releasable: false,
        release_blockers: vec!["dirty".into()],
        features: vec![FeatureResult {
            name: "F".into(),
            path: "features/f.feature".into(),
            sha256: "ef".repeat(32),
            description: None,
            keyword: Some("Feature".into()),
            line: Some(2),
            tags: vec![WrittenTag {
                name: "OQ".into(),
                line: 1,
                column: Some(1),
            }],
            scenarios: vec![ScenarioResult {
                id: "features/f.feature:3".into(),
                name: "S".into(),
                line: 3,
                rule: None,
                stage: "OQ".into(),
                requirements: vec!["URS-001".into()],
                tags: vec!["OQ".into()],
                keyword: Some("Scenario Outline".into()),
                written_tags: vec![WrittenTag {
                    name: "OQ".into(),
                    line: 1,
                    column: Some(1),
                }],
                examples: Some(Heading {
                    keyword: "Examples".into(),
                    name: "rows".into(),
                    line: 15,
                }),
                background: Some(Heading {
                    keyword: "Background".into(),
                    name: String::new(),
                    line: 3,
                }),
                selected_because: vec!["changed".into()],
                status: Status::Failed,
                started_at: None,
                finished_at: None,
                duration_ms: 100,
                adapters: vec![AdapterIdentity {
                    adapter: "sut".into(),
                    kind: "process".into(),
                    ..AdapterIdentity::default()
                }],
                steps: vec![step],
            }],
        }],
        campaign_problems: vec!["killed".into()],
        trial: false,
        merged_from: vec![MergedShard {
            package_id: "20260101T000000Z-OQ-shard2of4-abc1234".into(),
            manifest_sha256: "cd".repeat(32),
            index: 2,
            host: Some("runner-2".into()),
            ci_job: None,
        }],
    }
}

// RunResults is not PartialEq (floats in free-form JSON): compare the bytes.
#[test]
fn results_round_trip_with_every_optional_field() {
    let r = results();
    let bytes = to_package_json(&r).unwrap();
    let back: RunResults = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(to_package_json(&back).unwrap(), bytes);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.find("\"z\"").unwrap() < text.find("\"a\"").unwrap());
    assert!(!text.contains("\"output\""), "absent output is left out");
    let register = DeviationRegister::from_results(&back);
    assert_eq!(register.deviations.len(), 1);
    assert_eq!(register.deviations[0].evidence[0], layout::RESULTS_FILE);
    round_trip(&register);
    let reparsed = DeviationRegister::parse(&to_package_json(&register).unwrap()).unwrap();
    assert_eq!(reparsed.get("DEV-001").unwrap().step.line, 9);
    assert!(
        DeviationRegister::parse(b"{\"schema\":\"x\",\"package_id\":\"p\",\"deviations\":[]}")
            .is_err()
    );
}

#[test]
fn environment_and_git_round_trip() {
    let file = |path: &str| RecordedFile {
        path: path.into(),
        sha256: None,
        size: None,
        error: Some("unreadable".into()),
    };
    let env = Environment {
        schema: ENVIRONMENT_SCHEMA.into(),
        tool: ToolBinary {
            name: "qualify".into(),
            version: "0.1.0".into(),
            executable: file("/usr/bin/qualify"),
        },
        host: Host {
            hostname: Some("h".into()),
            os: "linux".into(),
            os_release: None,
            arch: "x86_64".into(),
            kernel: None,
            user: Some("u".into()),
        },
        ci: BTreeMap::from([("CI_JOB_ID".into(), "7".into())]),
        adapters: BTreeMap::from([("sut".into(), file("/usr/bin/python3"))]),
        adapter_files: BTreeMap::from([("sut".into(), vec![file("sut.py")])]),
        config_files: vec![file("qualify.yaml")],
        feature_files: vec![],
        adapter_env: BTreeMap::new(),
    };
    round_trip(&env);
    round_trip(&GitInfo::NoRepository {
        reason: "not a git repository".into(),
    });
}

#[test]
fn statements_envelopes_and_supersessions_round_trip() {
    let pinned = PinnedKey {
        algorithm: ED25519.into(),
        public_key: "AAAA".into(),
        key_id: "k".into(),
        registry_entry: PinnedEntry {
            id: "jdoe".into(),
            name: "Jane Doe".into(),
            roles: vec!["qa".into()],
            valid_from: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            revoked_at: None,
        },
    };
    let statement = Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject: Subject::of_package(&manifest(), "mm"),
        predicate_type: CLOSURE_PREDICATE_TYPE.into(),
        predicate: SignaturePredicate {
            signer: SignerRef {
                id: "jdoe".into(),
                name: "Jane Doe".into(),
                role: "qa".into(),
            },
            meaning: CLOSURE_MEANING.into(),
            statement: "closed".into(),
            signed_at: "2026-01-01T00:00:00.000Z".into(),
            key_id: "k".into(),
            package: PackageRef {
                id: "p".into(),
                manifest_sha256: "mm".into(),
            },
            git_commit: Some("c".into()),
            earlier_signatures: vec![FileRef {
                path: "signatures/01-executed-eng.dsse.json".into(),
                sha256: "s".into(),
            }],
            audit_entry: AuditRef {
                seq: 5,
                sha256: "e".into(),
            },
            deviation: Some(DeviationDisposition {
                id: "DEV-001".into(),
                disposition: "accepted".into(),
                assessment: DeviationAssessment {
                    classification: Some("minor".into()),
                    impact: Some("none on product quality".into()),
                    root_cause: Some("protocol typo".into()),
                    capa: Some("CAPA-2026-014".into()),
                },
            }),
            signer_key: Some(pinned),
        },
    };
    assert_eq!(
        statement.subject[0].name,
        layout::MANIFEST_FILE,
        "sorted by name"
    );
    round_trip(&statement);
    let payload = serde_json::to_vec(&statement).unwrap();
    let envelope = Envelope {
        payload_type: IN_TOTO_PAYLOAD_TYPE.into(),
        payload: base64_of(&payload),
        signatures: vec![EnvelopeSignature {
            keyid: "k".into(),
            sig: "c2ln".into(),
        }],
    };
    round_trip(&envelope);
    assert_eq!(envelope.payload_bytes().unwrap(), payload);
    assert!(
        envelope
            .signed_bytes()
            .unwrap()
            .starts_with(b"DSSEv1 28 application/vnd.in-toto+json ")
    );

    let package = |id: &str| PackageRecord {
        id: id.into(),
        manifest_sha256: format!("{id}-digest"),
        commit: None,
        scenarios: vec!["f:3".into()],
    };
    let predicate = SupersessionPredicate {
        superseded: package("old"),
        replacement: package("new"),
        reason: "rerun after fix".into(),
        signer_id: "jdoe".into(),
        signer_name: "Jane Doe".into(),
        role: "qa".into(),
        key_id: "k".into(),
        signed_at: "2026-01-01T00:00:00.000Z".into(),
    };
    let record: SupersessionStatement = Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject: predicate.subjects(),
        predicate_type: SUPERSESSION_PREDICATE_TYPE.into(),
        predicate,
    };
    assert_eq!(record.subject[0].name, "package:old");
    assert_eq!(record.subject[1].digest["sha256"], "new-digest");
    round_trip(&record);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn status_names_are_the_serialized_ones() {
    for status in [
        Status::Passed,
        Status::Failed,
        Status::Undefined,
        Status::Skipped,
    ] {
        assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
    }
}
