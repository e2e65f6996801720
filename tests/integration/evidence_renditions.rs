//! JUnit XML and Cucumber JSON renditions of a small hand-built run, pinned by snapshots.

use qualify::evidence::{
    AdapterIdentity, Assertion, AttachmentRef, DataTable, DocString, FeatureResult, Mismatch,
    RESULTS_SCHEMA, RunResults, ScenarioResult, Selection, Status, StepResult, Summary, ToolInfo,
    WrittenTag, write_cucumber_json, write_junit,
};
use serde_json::json;

fn step(keyword: &str, text: &str, line: usize, status: Status, ms: u64) -> StepResult {
    StepResult {
        input: None,
        output: None,
        keyword: keyword.into(),
        text: text.into(),
        line,
        background: false,
        status,
        started_at: None,
        finished_at: None,
        duration_ms: ms,
        error: None,
        doc_string: None,
        data_table: None,
        assertions: vec![],
        attachments: vec![],
    }
}

fn scenario(
    feature: &str,
    name: &str,
    line: usize,
    status: Status,
    steps: Vec<StepResult>,
) -> ScenarioResult {
    ScenarioResult {
        id: format!("{feature}:{line}"),
        name: name.into(),
        line,
        rule: None,
        stage: "OQ".into(),
        requirements: vec!["URS-010".into(), "URS-011".into()],
        tags: vec!["OQ".into(), "URS-010".into(), "URS-011".into()],
        keyword: Some("Scenario".into()),
        written_tags: ["OQ", "URS-010", "URS-011"]
            .iter()
            .map(|t| WrittenTag {
                name: t.to_string(),
                line: line - 1,
                column: None,
            })
            .collect(),
        examples: None,
        background: None,
        selected_because: Vec::new(),
        status,
        started_at: Some("2025-06-30T22:15:01Z".into()),
        finished_at: Some("2025-06-30T22:15:02Z".into()),
        duration_ms: steps.iter().map(|s| s.duration_ms).sum(),
        adapters: vec![AdapterIdentity {
            adapter: "bridge".into(),
            kind: "process".into(),
            name: Some("reference-bridge".into()),
            version: Some("1.4.0".into()),
            sha256: None,
        }],
        steps,
    }
}

fn results() -> RunResults {
    let oee = "features/oee.feature";
    let mut background = step(
        "Given ",
        "the adapter \"bridge\" is started",
        4,
        Status::Passed,
        120,
    );
    background.background = true;
    let mut send = step(
        "When ",
        "I send a \"shift_summary\" request to \"bridge\" with:",
        8,
        Status::Passed,
        35,
    );
    send.doc_string = Some(DocString {
        content: "{\"shift\": \"A\"}".into(),
        media_type: Some("json".into()),
        line: 9,
    });
    send.data_table = Some(DataTable {
        line: 12,
        rows: vec![vec!["machine".into()], vec!["press-1".into()]],
    });
    send.attachments.push(AttachmentRef {
        path: "attachments/features-oee-feature-7/bridge.jsonl".into(),
        sha256: "0".repeat(64),
        size: 120,
        media_type: "application/jsonl".into(),
        description: "adapter traffic".into(),
    });
    let mut check = step(
        "Then ",
        "the response field \"oee\" is within 0.001 of 0.85",
        14,
        Status::Passed,
        1,
    );
    check.assertions.push(Assertion {
        subject: "response field \"oee\"".into(),
        comparison: "within 0.001 of".into(),
        expected: json!(0.85),
        actual: json!(0.8501),
        passed: true,
        mismatches: vec![],
    });
    let passed = scenario(
        oee,
        "OEE of a full shift",
        7,
        Status::Passed,
        vec![background.clone(), send.clone(), check],
    );

    let mut bad = step("Then ", "the response matches:", 24, Status::Failed, 2);
    bad.error = Some("1 comparison failed: <availability> & \"quality\"".into());
    bad.assertions.push(Assertion {
        subject: "response".into(),
        comparison: "matches".into(),
        expected: json!({"availability": 0.9, "note": "#string"}),
        actual: json!({"availability": 0.75, "note": "a < b"}),
        passed: false,
        mismatches: vec![Mismatch {
            path: "$.availability".into(),
            expected: json!(0.9),
            actual: json!(0.75),
            reason: "numbers differ".into(),
        }],
    });
    let failed = scenario(
        oee,
        "Availability with a 'planned' stop",
        20,
        Status::Failed,
        vec![
            background,
            send,
            bad,
            step("And ", "the request succeeds", 30, Status::Skipped, 0),
        ],
    );

    let mut undefined_step = step(
        "When ",
        "the line is stopped for maintenance",
        12,
        Status::Undefined,
        0,
    );
    undefined_step.error = Some("no step definition matches this text".into());
    let mut undefined = scenario(
        "features/quarantine.feature",
        "Quarantine an unknown serial",
        10,
        Status::Undefined,
        vec![
            undefined_step,
            step(
                "Then ",
                "the request is rejected with reason \"UNKNOWN_SERIAL\"",
                13,
                Status::Skipped,
                0,
            ),
        ],
    );
    undefined.rule = Some("Unknown context is quarantined".into());
    undefined.stage = "PQ".into();
    undefined.requirements = vec!["URS-020".into()];
    undefined.tags = vec!["PQ".into(), "URS-020".into()];
    // Results from before tag lines were recorded: the merged tags, at the scenario's line.
    undefined.written_tags = Vec::new();
    let skipped = scenario(
        "features/quarantine.feature",
        "Replay after reconnect",
        18,
        Status::Skipped,
        vec![step(
            "Given ",
            "the adapter \"bridge\" is started",
            19,
            Status::Skipped,
            0,
        )],
    );

    RunResults {
        schema: RESULTS_SCHEMA.into(),
        package_id: "20250630T221500Z-all-4e1c2a9".into(),
        tool: ToolInfo {
            name: "qualify".into(),
            version: "0.1.0".into(),
        },
        selection: Selection {
            stage: None,
            tags: None,
            scenarios: 4,
            impact_baseline: None,
            locations: Vec::new(),
            shard: None,
        },
        started_at: "2025-06-30T22:15:00Z".into(),
        finished_at: "2025-06-30T22:15:09Z".into(),
        summary: Summary {
            scenarios: 4,
            scenarios_passed: 1,
            scenarios_failed: 3,
            steps_passed: 5,
            steps_failed: 1,
            steps_undefined: 1,
            steps_skipped: 3,
        },
        campaign_problems: Vec::new(),
        trial: false,
        merged_from: Vec::new(),
        releasable: true,
        release_blockers: Vec::new(),
        features: vec![
            FeatureResult {
                name: "OEE calculation".into(),
                path: oee.into(),
                sha256: "a".repeat(64),
                description: Some("ISO 22400 key performance indicators.".into()),
                keyword: Some("Feature".into()),
                line: Some(1),
                tags: Vec::new(),
                scenarios: vec![passed, failed],
            },
            FeatureResult {
                name: "Quarantine".into(),
                path: "features/quarantine.feature".into(),
                sha256: "b".repeat(64),
                description: None,
                keyword: Some("Feature".into()),
                line: Some(1),
                tags: Vec::new(),
                scenarios: vec![undefined, skipped],
            },
        ],
    }
}

fn junit() -> String {
    let mut out = Vec::new();
    write_junit(&results(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn cucumber() -> String {
    let mut out = Vec::new();
    write_cucumber_json(&results(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn junit_xml() {
    let xml = junit();
    assert_eq!(xml, junit(), "output must be deterministic");
    insta::assert_snapshot!(xml);
}

#[test]
fn cucumber_json() {
    let text = cucumber();
    assert_eq!(text, cucumber(), "output must be deterministic");
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed.as_array().map(Vec::len), Some(2));
    insta::assert_snapshot!(text);
}
