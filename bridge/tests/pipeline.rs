//! The bridge's behaviour end to end, in process, against a real SQLite file.

mod common;

use common::{DEVICE, Harness, T0, ddata, nbirth, ndeath, part};
use qualify_bridge::Safeguards;
use qualify_bridge::sim::{ShiftSpec, generate};
use serde_json::json;

#[test]
fn completion_record_carries_full_context() {
    let mut h = Harness::seeded();
    h.send(part(2, T0 + 1_000, "SN-1", false))
        .expect("accepted");
    h.bridge.flush().expect("flush");
    let rows = h.rows(
        "SELECT order_id, operation, part_number, revision, serial, batch, equipment_id, asset_id, device_id,
                result, source_time, historical, received_time IS NOT NULL FROM production_events",
    );
    assert_eq!(
        rows,
        vec![vec![
            "WO-1001",
            "OP-20",
            "P-100",
            "C",
            "SN-1",
            "LOT-42",
            "WC-PRESS-01",
            "AS-4711",
            DEVICE,
            "good",
            "2024-03-04T06:00:01.000Z",
            "0",
            "1"
        ]]
    );
}

#[test]
fn missing_context_is_quarantined_and_not_recorded() {
    let mut h = Harness::seeded();
    let no_order = ddata(
        2,
        T0 + 1_000,
        &[
            ("Production/Serial", json!("SN-1")),
            ("Production/Result", json!("good")),
        ],
        false,
    );
    assert_eq!(h.code(no_order), "missing_context");
    h.sql("INSERT INTO job_orders VALUES ('WO-1002', 'OP-20', 'P-100', NULL, 'LOT-42', 'WC-PRESS-01', 'running', 1)");
    let no_revision = ddata(
        3,
        T0 + 2_000,
        &[
            ("Context/WorkOrder", json!("WO-1002")),
            ("Production/Serial", json!("SN-2")),
            ("Production/Result", json!("good")),
        ],
        false,
    );
    assert_eq!(h.code(no_revision), "missing_context");
    h.bridge.flush().expect("flush");
    assert_eq!(h.count("SELECT COUNT(*) FROM production_events"), 0);
    assert_eq!(
        h.rows("SELECT reason_code FROM quarantine ORDER BY id"),
        vec![vec!["missing_context"], vec!["missing_context"]]
    );
}

#[test]
fn defective_safeguards_let_incomplete_records_through() {
    let mut h = Harness::seeded_with(Safeguards {
        require_context: false,
    });
    let no_order = ddata(
        2,
        T0 + 1_000,
        &[
            ("Production/Serial", json!("SN-1")),
            ("Production/Result", json!("good")),
        ],
        false,
    );
    assert_eq!(
        h.code(no_order),
        "ok",
        "the defective build accepts what the real one refuses"
    );
    h.bridge.flush().expect("flush");
    assert_eq!(
        h.rows("SELECT order_id, serial FROM production_events"),
        vec![vec!["", "SN-1"]]
    );
}

#[test]
fn order_complete_claim_is_an_event_never_a_status_change() {
    let mut h = Harness::seeded();
    let claim = ddata(
        2,
        T0 + 5_000,
        &[
            ("Context/WorkOrder", json!("WO-1001")),
            ("Order/Complete", json!(true)),
        ],
        false,
    );
    h.send(claim).expect("accepted");
    h.bridge.flush().expect("flush");
    assert_eq!(
        h.rows("SELECT status FROM job_orders WHERE order_id = 'WO-1001'"),
        vec![vec!["running"]]
    );
    assert_eq!(
        h.rows("SELECT order_id, event_type FROM order_events"),
        vec![vec!["WO-1001", "completion_reported"]]
    );
    h.sql("UPDATE job_orders SET status = 'completed' WHERE order_id = 'WO-1001'");
    assert_eq!(
        h.code(part(3, T0 + 6_000, "SN-9", false)),
        "order_not_active"
    );
}

#[test]
fn out_of_order_events_are_recorded_in_source_order_and_late_ones_refused() {
    let mut h = Harness::seeded();
    h.send(part(2, T0 + 10_500, "SN-B", false)).expect("b");
    h.send(part(3, T0 + 10_000, "SN-A", false))
        .expect("a, earlier, arrives later");
    h.send(part(4, T0 + 12_000, "SN-C", false))
        .expect("c releases a");
    assert_eq!(h.code(part(5, T0 + 9_999, "SN-LATE", false)), "late_event");
    h.send(part(6, T0 + 10_000, "SN-EDGE", false))
        .expect("exactly at the window edge");
    h.bridge.flush().expect("flush");
    let serials = h.rows("SELECT serial FROM production_events ORDER BY id");
    assert_eq!(
        serials,
        vec![vec!["SN-A"], vec!["SN-EDGE"], vec!["SN-B"], vec!["SN-C"]]
    );
}

#[test]
fn duplicates_are_idempotent() {
    let mut h = Harness::seeded();
    let first = part(2, T0 + 1_000, "SN-1", false);
    h.send(first.clone()).expect("first");
    assert_eq!(h.code(first), "duplicate", "same seq again");
    assert_eq!(
        h.code(part(3, T0 + 1_000, "SN-1", false)),
        "duplicate",
        "same serial, pending in the buffer"
    );
    h.bridge.flush().expect("flush");
    assert_eq!(
        h.code(part(4, T0 + 1_000, "SN-1", true)),
        "duplicate",
        "same serial, already stored"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM production_events"), 1);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM quarantine WHERE reason_code = 'duplicate'"),
        3
    );
}

#[test]
fn store_and_forward_replay_is_complete_in_order_and_not_double_counted() {
    let mut h = Harness::seeded();
    for (i, seq) in (2u8..=4).enumerate() {
        h.send(part(
            seq,
            T0 + 1_000 * (i as i64 + 1),
            &format!("SN-{}", i + 1),
            false,
        ))
        .expect("live");
    }
    h.send(ndeath(0, T0 + 3_500)).expect("link lost");
    assert_eq!(
        h.code(part(5, T0 + 4_000, "SN-4", false)),
        "no_session",
        "nothing counts without a session"
    );
    h.send(nbirth(1, T0 + 60_000)).expect("rebirth");
    // Overlap: SN-3 had arrived; the edge re-sends it with the stored data.
    h.send(part(1, T0 + 3_000, "SN-3", true))
        .expect_err("overlap");
    for (i, seq) in (2u8..=4).enumerate() {
        let serial = format!("SN-{}", i + 4);
        h.send(part(seq, T0 + 4_000 + 10_000 * i as i64, &serial, true))
            .expect("historical");
    }
    h.send(part(5, T0 + 61_000, "SN-7", false))
        .expect("live again");
    h.bridge.flush().expect("flush");
    let rows = h.rows("SELECT serial, historical FROM production_events ORDER BY source_ts_ms");
    let expected: Vec<Vec<String>> = [
        ("SN-1", 0),
        ("SN-2", 0),
        ("SN-3", 0),
        ("SN-4", 1),
        ("SN-5", 1),
        ("SN-6", 1),
        ("SN-7", 0),
    ]
    .iter()
    .map(|(s, h)| vec![s.to_string(), h.to_string()])
    .collect();
    assert_eq!(rows, expected);
    let ids = h.rows("SELECT serial FROM production_events ORDER BY id");
    let by_time: Vec<Vec<String>> = expected.iter().map(|r| vec![r[0].clone()]).collect();
    assert_eq!(ids, by_time, "committed in source order");
}

#[test]
fn historical_backfill_older_than_the_window_is_accepted_live_data_is_not() {
    let mut h = Harness::seeded();
    h.send(part(2, T0 + 100_000, "SN-LIVE", false))
        .expect("live");
    assert_eq!(h.code(part(3, T0 + 50_000, "SN-OLD", false)), "late_event");
    h.send(part(4, T0 + 50_000, "SN-OLD", true))
        .expect("historical backfill");
    h.bridge.flush().expect("flush");
    assert_eq!(
        h.rows("SELECT serial, historical FROM production_events WHERE serial = 'SN-OLD'"),
        vec![vec!["SN-OLD", "1"]]
    );
}

#[test]
fn downtime_by_reason_and_report() {
    let mut h = Harness::seeded();
    let state = |seq, at, state: &str, reason: Option<&str>| {
        let mut metrics = vec![("Machine/State", json!(state))];
        if let Some(reason) = reason {
            metrics.push(("Machine/DownReason", json!(reason)));
        }
        ddata(seq, at, &metrics, false)
    };
    h.send(part(2, T0 + 1_000, "SN-1", false)).expect("part");
    h.send(state(3, T0 + 2_000, "DOWN", Some("JAM")))
        .expect("down");
    h.send(state(4, T0 + 62_000, "DOWN", Some("TOOL_CHANGE")))
        .expect("reason changes");
    h.send(state(5, T0 + 92_000, "RUNNING", None)).expect("up");
    assert_eq!(
        h.code(state(6, T0 + 93_000, "DOWN", None)),
        "missing_context"
    );
    h.send(part(7, T0 + 94_000, "SN-2", false)).expect("part");
    h.bridge.flush().expect("flush");
    let report = h
        .bridge
        .report(&json!({"equipment_id": "WC-PRESS-01", "from": T0, "to": T0 + 120_000}))
        .expect("report");
    assert_eq!(
        report["downtime_by_reason"],
        json!({"JAM": 60_000, "TOOL_CHANGE": 30_000})
    );
    assert_eq!(report["downtime_ms"], json!(90_000));
    assert_eq!(report["total_count"], json!(2));
    assert_eq!(report["run_time_ms"], json!(30_000));
    assert_eq!(report["average_cycle_time_ms"], json!(15_000.0));
    assert_eq!(report["availability_pct"], json!(25.0));
    assert_eq!(
        h.rows("SELECT cycle_time_ms FROM production_events ORDER BY id"),
        vec![vec!["NULL"], vec!["93000"]]
    );
}

#[test]
fn mapping_refusal_keeps_the_mapping_in_force() {
    let mut h = Harness::seeded();
    h.sql("INSERT INTO equipment_mapping VALUES ('Line1/edge1/press1', 'WC-PRESS-01', 'AS-4711')");
    let refused = h.bridge.load_master_data().expect_err("duplicate row");
    assert_eq!(refused.code.as_str(), "mapping_duplicate");
    h.send(part(2, T0 + 1_000, "SN-1", false))
        .expect("earlier mapping still resolves");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM bridge_log WHERE event = 'master_data_refused'"),
        1
    );
}

#[test]
fn reset_moves_to_a_new_folder_and_forgets_everything() {
    let mut h = Harness::seeded();
    h.send(part(2, T0 + 1_000, "SN-1", false))
        .expect("buffered");
    let other = tempfile::tempdir().expect("tempdir");
    h.bridge
        .reset(&json!({"workdir": other.path().to_str()}))
        .expect("reset");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM production_events"),
        1,
        "pending events were committed before reset"
    );
    assert_eq!(
        h.code(part(3, T0 + 2_000, "SN-2", false)),
        "no_session",
        "sessions are forgotten"
    );
    h.send(nbirth(0, T0)).expect("nbirth");
    assert_eq!(
        h.code(part(1, T0 + 2_000, "SN-2", false)),
        "master_data_not_loaded"
    );
    let fresh = rusqlite::Connection::open(other.path().join("mes.db")).expect("new db");
    let version: i64 = fresh
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 1);
    let quarantined: i64 = fresh
        .query_row("SELECT COUNT(*) FROM quarantine", [], |r| r.get(0))
        .expect("count");
    assert_eq!(quarantined, 2);
}

#[test]
fn generated_shift_reconciles() {
    let mut h = Harness::new();
    h.sql(
        "INSERT INTO equipment VALUES ('WC-PRESS-07', 'Press 7', 'Stamping');
         INSERT INTO equipment_mapping VALUES ('Plant1/edge-press-07/press07', 'WC-PRESS-07', 'AS-0707');
         INSERT INTO job_orders VALUES ('WO-PQ-0001', 'OP-10', 'P-200', 'B', 'LOT-1', 'WC-PRESS-07', 'running', 12000);",
    );
    h.bridge.load_master_data().expect("master data");
    // A short shift keeps the test fast; the PQ scenario runs the full one.
    let spec = ShiftSpec {
        seed: 42,
        messages: 3_500,
        shift_minutes: 120,
        breaks: vec![qualify_bridge::sim::BreakSpec {
            start_minute: 60,
            minutes: 10,
        }],
        outage_start_minute: 30,
        downtimes: 3,
        duplicates: 30,
        skewed_beyond: 10,
        skewed_within: 10,
        ..ShiftSpec::default()
    };
    let shift = generate(&spec).expect("shift");
    let (mut accepted, mut duplicate, mut skew) = (0u64, 0u64, 0u64);
    for line in &shift.lines {
        match h.bridge.telemetry(line) {
            Ok(_) => accepted += 1,
            Err(r) if r.code.as_str() == "duplicate" => duplicate += 1,
            Err(r) if r.code.as_str() == "clock_skew" => skew += 1,
            Err(r) => panic!("unexpected rejection {r}"),
        }
    }
    h.bridge.flush().expect("flush");
    let expected = shift.truth.expected();
    assert_eq!(json!(accepted), expected["accepted"]);
    assert_eq!(
        json!({"duplicate": duplicate, "clock_skew": skew}),
        expected["rejected"]
    );
    let (from, to, breaks) = shift.window;
    let report = h
        .bridge
        .report(&json!({"equipment_id": "WC-PRESS-07", "from": from, "to": to, "planned_break_ms": breaks}))
        .expect("report");
    for field in [
        "total_count",
        "good_count",
        "reject_count",
        "downtime_ms",
        "downtime_by_reason",
        "planned_time_ms",
        "run_time_ms",
    ] {
        assert_eq!(report[field], expected[field], "{field}");
    }
    let oee = report["oee_pct"].as_f64().unwrap_or(-1.0);
    let truth = expected["oee_pct"].as_f64().unwrap_or(-2.0);
    assert!((oee - truth).abs() < 1e-9, "{oee} vs {truth}");
    assert_eq!(
        json!(h.count("SELECT COUNT(*) FROM production_events WHERE historical = 1")),
        expected["historical_count"]
    );
}
