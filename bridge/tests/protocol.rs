//! The real binaries over stdin/stdout: one short session each, the way qualify drives them.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

struct Adapter {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Adapter {
    fn start(program: &str, args: &[&str], cwd: &Path) -> Self {
        let mut child = Command::new(program)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("adapter starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Self {
            child,
            stdin,
            stdout,
            next_id: 0,
        }
    }

    fn raw(&mut self, line: &str) -> Value {
        writeln!(self.stdin, "{line}").expect("write");
        self.stdin.flush().expect("flush");
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).expect("read");
        serde_json::from_str(&answer)
            .unwrap_or_else(|err| panic!("not a JSON line ({err}): {answer:?}"))
    }

    fn request(&mut self, kind: &str, body: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id.to_string();
        let response = self.raw(&json!({"id": id, "kind": kind, "body": body}).to_string());
        assert_eq!(response["id"], json!(id), "response correlates");
        assert!(
            response.get("result").is_some() != response.get("error").is_some(),
            "exactly one of result/error"
        );
        response
    }

    fn ok(&mut self, kind: &str, body: Value) -> Value {
        let response = self.request(kind, body);
        response
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("{kind} failed: {response}"))
    }

    fn code(&mut self, kind: &str, body: Value) -> String {
        let response = self.request(kind, body);
        response["error"]["code"]
            .as_str()
            .unwrap_or("ok")
            .to_string()
    }

    fn finish(mut self) -> i32 {
        drop(self.stdin);
        self.child.wait().expect("exit").code().unwrap_or(-1)
    }
}

fn seed(db: &Path) {
    let mes = rusqlite::Connection::open(db).expect("mes");
    mes.execute_batch(
        "INSERT INTO equipment VALUES ('WC-PRESS-01', 'Press 1', 'Stamping');
         INSERT INTO equipment_mapping VALUES ('Line1/edge1/press1', 'WC-PRESS-01', 'AS-4711');
         INSERT INTO job_orders VALUES ('WO-1001', 'OP-20', 'P-100', 'C', 'LOT-42', 'WC-PRESS-01', 'running', 10);",
    )
    .expect("seed");
}

fn ddata(seq: u64, serial: Option<&str>) -> Value {
    let mut metrics = vec![
        json!({"name": "Production/Result", "timestamp": 1_709_532_001_000i64, "value": "good"}),
    ];
    if let Some(serial) = serial {
        metrics.push(json!({"name": "Production/Serial", "timestamp": 1_709_532_001_000i64, "value": serial}));
        metrics.push(json!({"name": "Context/WorkOrder", "timestamp": 1_709_532_001_000i64, "value": "WO-1001"}));
    }
    json!({"topic": "spBv1.0/Line1/DDATA/edge1/press1",
           "payload": {"timestamp": 1_709_532_001_000i64, "seq": seq, "metrics": metrics}})
}

#[test]
fn bridge_session_over_stdio() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bridge = Adapter::start(env!("CARGO_BIN_EXE_qualify-bridge"), &[], dir.path());

    let hello = bridge.ok("hello", json!({"protocol": 1}));
    assert_eq!(
        hello,
        json!({"name": "qualify-bridge", "version": env!("CARGO_PKG_VERSION"), "protocol": 1, "capabilities": ["reset"]})
    );

    let config = bridge.ok("config", json!({}));
    assert_eq!(config["schema_version"], json!(1));
    assert_eq!(config["config"]["reorder_window_ms"], json!(2000));
    assert_eq!(config["config_source"], json!("builtin"));
    let installed = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/config/bridge.yaml"))
        .expect("config file");
    assert_eq!(
        config["config_sha256"],
        json!(hex::encode(Sha256::digest(&installed)))
    );
    let exe = std::fs::read(env!("CARGO_BIN_EXE_qualify-bridge")).expect("binary");
    assert_eq!(
        config["executable"]["sha256"],
        json!(hex::encode(Sha256::digest(&exe)))
    );
    assert_eq!(config["master_data"]["loaded"], json!(false));

    seed(&dir.path().join("mes.db"));
    let master = bridge.ok("load_master_data", json!({}));
    assert_eq!(master["rows"], json!(1));

    assert_eq!(
        bridge.code("telemetry", ddata(1, Some("SN-1"))),
        "no_session"
    );
    bridge.ok("telemetry", json!({"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": 1_709_532_000_000i64, "seq": 0, "bdSeq": 0}}));
    assert_eq!(bridge.code("telemetry", ddata(1, None)), "missing_context");
    let accepted = bridge.ok("telemetry", ddata(2, Some("SN-1")));
    assert_eq!(accepted["pending"], json!(1));
    let gap = bridge.request("telemetry", ddata(5, Some("SN-2")));
    assert_eq!(gap["error"]["code"], json!("sequence_gap"));
    assert_eq!(
        gap["error"]["details"]["rebirth"]["topic"],
        json!("spBv1.0/Line1/NCMD/edge1")
    );
    let flushed = bridge.ok("flush", json!({}));
    assert_eq!(flushed["count"], json!(1));

    assert_eq!(bridge.code("frobnicate", json!({})), "unknown_kind");
    let garbage = bridge.raw("{not json");
    assert_eq!(garbage["error"]["code"], json!("invalid_request"));

    let oee = bridge.ok("oee", json!({"shift_ms": 28_800_000, "break_ms": 3_600_000, "downtime_ms": 2_820_000,
                                      "ideal_cycle_time_ms": 1000, "total_count": 19_271, "reject_count": 423}));
    assert!(
        (oee["oee_pct"].as_f64().unwrap_or(0.0) - 74.79).abs() < 0.005,
        "{oee}"
    );

    let other = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        bridge.ok("reset", json!({"workdir": other.path()})),
        json!({})
    );
    assert!(
        other.path().join("mes.db").exists(),
        "the database follows the working folder"
    );
    assert_eq!(
        bridge.ok("config", json!({}))["master_data"]["loaded"],
        json!(false)
    );

    assert_eq!(bridge.ok("shutdown", json!({})), json!({}));
    assert_eq!(bridge.finish(), 0);

    let mes = rusqlite::Connection::open(dir.path().join("mes.db")).expect("mes");
    let quarantined: Vec<String> = mes
        .prepare("SELECT reason_code FROM quarantine ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("quarantine");
    assert_eq!(
        quarantined,
        vec!["no_session", "missing_context", "sequence_gap"]
    );
    let serials: Vec<String> = mes
        .prepare("SELECT serial FROM production_events")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("records");
    assert_eq!(serials, vec!["SN-1"]);
}

#[test]
fn bridge_exits_on_end_of_input_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bridge = Adapter::start(
        env!("CARGO_BIN_EXE_qualify-bridge"),
        &["--db", "other.db"],
        dir.path(),
    );
    assert_eq!(bridge.finish(), 0);
    assert!(dir.path().join("other.db").exists());
    let bad = Adapter::start(
        env!("CARGO_BIN_EXE_qualify-bridge"),
        &["--nope"],
        dir.path(),
    );
    assert_eq!(bad.finish(), 2);
    let missing = Adapter::start(
        env!("CARGO_BIN_EXE_qualify-bridge"),
        &["--config", "absent.yaml"],
        dir.path(),
    );
    assert_eq!(missing.finish(), 1);
}

#[test]
fn bridge_uses_the_config_file_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bridge.json");
    let text =
        r#"{"reorder_window_ms": 0, "skew_tolerance_ms": 250, "ideal_cycle_time_ms": {"P-1": 10}}"#;
    std::fs::write(&file, text).expect("write");
    let mut bridge = Adapter::start(
        env!("CARGO_BIN_EXE_qualify-bridge"),
        &["--config", "bridge.json"],
        dir.path(),
    );
    let config = bridge.ok("config", json!({}));
    assert_eq!(config["config"]["skew_tolerance_ms"], json!(250));
    assert_eq!(config["config_source"], json!("bridge.json"));
    assert_eq!(
        config["config_sha256"],
        json!(hex::encode(Sha256::digest(text.as_bytes())))
    );
    assert_eq!(bridge.finish(), 0);
}

#[test]
fn shift_simulator_session_over_stdio() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sim = Adapter::start(env!("CARGO_BIN_EXE_shift-sim"), &[], dir.path());
    assert_eq!(
        sim.ok("hello", json!({"protocol": 1}))["name"],
        json!("shift-sim")
    );
    let spec = json!({"seed": 7, "messages": 3000, "shift_minutes": 90, "breaks": [], "outage_start_minute": 20,
                      "downtimes": 2, "duplicates": 10, "skewed_beyond": 5, "skewed_within": 5});
    let generated = sim.ok("generate_shift", spec.clone());
    assert_eq!(generated["messages"], json!(3000));
    let text = std::fs::read_to_string(dir.path().join("shift.jsonl"))
        .expect("file written in the working folder");
    assert_eq!(text.lines().count(), 3000);
    assert_eq!(
        generated["sha256"],
        json!(hex::encode(Sha256::digest(text.as_bytes())))
    );
    assert_eq!(
        generated["expected"]["rejected"],
        json!({"duplicate": 15, "clock_skew": 5})
    );
    assert_eq!(
        sim.code("generate_shift", json!({"messages": 10})),
        "invalid_request"
    );
    assert_eq!(
        sim.code("generate_shift", json!({"colour": "blue"})),
        "invalid_request"
    );
    assert_eq!(sim.finish(), 0);
}
