//! Shared test harness: a bridge in a temporary folder whose MES tables are seeded through a
//! second, independent SQLite connection (the way the MES side does it), and message builders.
#![allow(dead_code)]

use std::path::Path;

use qualify_bridge::config::LoadedConfig;
use qualify_bridge::{Bridge, BridgeOptions, Rejection, Safeguards};
use rusqlite::Connection;
use serde_json::{Value, json};

/// 2024-03-04T06:00:00Z.
pub const T0: i64 = 1_709_532_000_000;
pub const DEVICE: &str = "Line1/edge1/press1";
pub const DDATA: &str = "spBv1.0/Line1/DDATA/edge1/press1";

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub bridge: Bridge,
    pub mes: Connection,
}

impl Harness {
    pub fn new() -> Self {
        Self::with(Safeguards::default())
    }

    pub fn with(safeguards: Safeguards) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let bridge = start(dir.path(), safeguards);
        let mes = Connection::open(dir.path().join("mes.db")).expect("mes connection");
        mes.busy_timeout(std::time::Duration::from_secs(5))
            .expect("busy timeout");
        Self { dir, bridge, mes }
    }

    /// One press, one mapping, order WO-1001 running, master data loaded, node born (seq 0),
    /// device born (seq 1).
    pub fn seeded() -> Self {
        Self::seeded_with(Safeguards::default())
    }

    pub fn seeded_with(safeguards: Safeguards) -> Self {
        let mut h = Self::with(safeguards);
        h.sql(
            "INSERT INTO equipment VALUES ('WC-PRESS-01', 'Press 1', 'Stamping');
             INSERT INTO equipment_mapping VALUES ('Line1/edge1/press1', 'WC-PRESS-01', 'AS-4711');
             INSERT INTO job_orders VALUES ('WO-1001', 'OP-20', 'P-100', 'C', 'LOT-42', 'WC-PRESS-01', 'running', 100);",
        );
        h.bridge.load_master_data().expect("master data");
        h.bridge.telemetry(&nbirth(0, T0)).expect("nbirth");
        h.bridge
            .telemetry(&json!({"topic": "spBv1.0/Line1/DBIRTH/edge1/press1", "payload": {"timestamp": T0, "seq": 1}}))
            .expect("dbirth");
        h
    }

    pub fn sql(&self, sql: &str) {
        self.mes.execute_batch(sql).expect("mes sql");
    }

    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        let mut stmt = self.mes.prepare(sql).expect("prepare");
        let columns = stmt.column_count();
        stmt.query_map([], |row| {
            (0..columns)
                .map(|i| {
                    let value: rusqlite::types::Value = row.get(i)?;
                    Ok(match value {
                        rusqlite::types::Value::Null => "NULL".to_string(),
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        rusqlite::types::Value::Real(f) => f.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        rusqlite::types::Value::Blob(_) => "<blob>".to_string(),
                    })
                })
                .collect()
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.mes
            .query_row(sql, [], |row| row.get(0))
            .expect("count")
    }

    pub fn send(&mut self, body: Value) -> Result<Value, Rejection> {
        self.bridge.telemetry(&body)
    }

    pub fn code(&mut self, body: Value) -> String {
        match self.bridge.telemetry(&body) {
            Ok(_) => "ok".into(),
            Err(rejection) => rejection.code.as_str().into(),
        }
    }
}

pub fn start(dir: &Path, safeguards: Safeguards) -> Bridge {
    let options = BridgeOptions {
        config: LoadedConfig::builtin().expect("config"),
        db: "mes.db".into(),
        workdir: dir.to_path_buf(),
        safeguards,
    };
    Bridge::start(options).expect("bridge starts")
}

pub fn nbirth(bd_seq: u64, at: i64) -> Value {
    json!({"topic": "spBv1.0/Line1/NBIRTH/edge1", "payload": {"timestamp": at, "seq": 0, "metrics": [{"name": "bdSeq", "value": bd_seq}]}})
}

pub fn ndeath(bd_seq: u64, at: i64) -> Value {
    json!({"topic": "spBv1.0/Line1/NDEATH/edge1", "payload": {"timestamp": at, "metrics": [{"name": "bdSeq", "value": bd_seq}]}})
}

/// A DDATA from press1 with the given metrics, all stamped `at`.
pub fn ddata(seq: u8, at: i64, metrics: &[(&str, Value)], historical: bool) -> Value {
    let metrics: Vec<Value> = metrics
        .iter()
        .map(|(name, value)| {
            let mut m = json!({"name": name, "timestamp": at, "value": value});
            if historical {
                m["is_historical"] = json!(true);
            }
            m
        })
        .collect();
    json!({"topic": DDATA, "payload": {"timestamp": at, "seq": seq, "metrics": metrics}})
}

/// A completion of `serial` for WO-1001.
pub fn part(seq: u8, at: i64, serial: &str, historical: bool) -> Value {
    ddata(
        seq,
        at,
        &[
            ("Context/WorkOrder", json!("WO-1001")),
            ("Production/Serial", json!(serial)),
            ("Production/Result", json!("good")),
        ],
        historical,
    )
}
