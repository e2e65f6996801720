//! The `sql` adapter against real SQLite files.

use std::path::PathBuf;

use qualify::adapters::{QueryRows, ScenarioAdapters};
use qualify::config::{AdapterConfig, AdapterKind, Timeouts};
use qualify::evidence::sha256_file;
use rusqlite::Connection;
use serde_json::{Value, json};

use crate::support::adapters::{Campaign, strings};

fn sql(database: &str, request_ms: u64) -> AdapterConfig {
    AdapterConfig {
        timeouts: Timeouts {
            request_ms,
            ..Timeouts::default()
        },
        database: Some(PathBuf::from(database)),
        ..AdapterConfig::new(AdapterKind::Sql)
    }
}

struct Setup {
    campaign: Campaign,
    scenario: ScenarioAdapters,
}

/// A scenario folder holding `plant.db` with a table of items, and adapters `db` (relative path),
/// `missing` (a file that does not exist) and `slow` (the same file with `request_ms`).
fn setup(request_ms: u64) -> Setup {
    let campaign = Campaign::new(vec![
        ("db", sql("plant.db", 60_000)),
        ("missing", sql("nope.db", 60_000)),
        ("slow", sql("plant.db", request_ms)),
    ]);
    let conn = Connection::open(campaign.scenario_dir("s").join("plant.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty REAL, data BLOB);
         INSERT INTO items VALUES (1, 'bolt', 2.5, x'CAFE');
         CREATE TABLE \"odd \"\"table\"\"\" (\"a b\" TEXT, \"c\"\"d\" INTEGER);",
    )
    .unwrap();
    drop(conn);
    let scenario = campaign.scenario("s");
    Setup { campaign, scenario }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_and_insert_on_a_real_file() {
    let Setup {
        campaign,
        mut scenario,
    } = setup(60_000);
    let db_path = campaign.path().join("work/s/plant.db");
    let identity = scenario.start("db").await.unwrap();
    assert_eq!(identity.kind, "sql");
    assert_eq!(identity.name.as_deref(), Some("SQLite"));
    assert_eq!(identity.version.as_deref(), Some(rusqlite::version()));
    assert_eq!(identity.sha256, Some(sha256_file(&db_path).unwrap().0));

    let rows = vec![
        vec![json!(2), json!("nut"), json!(10), Value::Null],
        vec![json!(3), json!("washer"), json!(0.25), json!("plain text")],
    ];
    let inserted = scenario
        .insert_rows(
            "db",
            "items",
            &strings(&["id", "name", "qty", "data"]),
            &rows,
        )
        .await
        .unwrap();
    assert_eq!(inserted, 2);

    let result = scenario
        .query("db", "SELECT id, name, qty, data FROM items ORDER BY id")
        .await
        .unwrap();
    assert_eq!(
        result,
        QueryRows {
            columns: strings(&["id", "name", "qty", "data"]),
            rows: vec![
                vec![json!(1), json!("bolt"), json!(2.5), json!("cafe")],
                vec![json!(2), json!("nut"), json!(10.0), Value::Null],
                vec![json!(3), json!("washer"), json!(0.25), json!("plain text")],
            ],
        }
    );
    // The rows really are in the file, for other connections too.
    let check = Connection::open(&db_path).unwrap();
    let count: i64 = check
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 3);

    // Identifiers with spaces and quotes are quoted, values are parameters.
    let odd = scenario
        .insert_rows(
            "db",
            "odd \"table\"",
            &strings(&["a b", "c\"d"]),
            &[vec![json!("x'); DROP TABLE items; --"), json!(true)]],
        )
        .await
        .unwrap();
    assert_eq!(odd, 1);
    let back = scenario
        .query("db", "SELECT * FROM \"odd \"\"table\"\"\"")
        .await
        .unwrap();
    assert_eq!(back.columns, strings(&["a b", "c\"d"]));
    assert_eq!(
        back.rows,
        vec![vec![json!("x'); DROP TABLE items; --"), json!(1)]]
    );
    assert!(
        scenario
            .query("db", "SELECT * FROM items WHERE 0")
            .await
            .unwrap()
            .rows
            .is_empty()
    );

    assert_eq!(
        scenario.attachment_paths("db"),
        vec!["attachments/s/db.sql.jsonl"]
    );
    let report = scenario.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let [log] = report.attachments.as_slice() else {
        panic!("{:?}", report.attachments)
    };
    let file = campaign.package().join(&log.path);
    assert_eq!((log.sha256.clone(), log.size), sha256_file(&file).unwrap());
    let entries: Vec<Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<&str> = entries
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        ["opened", "insert", "query", "insert", "query", "query"]
    );
    assert_eq!(
        entries[1]["detail"]["statement"],
        "INSERT INTO \"items\" (\"id\", \"name\", \"qty\", \"data\") VALUES (?, ?, ?, ?)"
    );
    assert_eq!(
        entries[2]["detail"]["rows"][0],
        json!([1, "bolt", 2.5, "cafe"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_reported_clearly() {
    let Setup {
        campaign,
        mut scenario,
    } = setup(200);
    let err = scenario
        .query("db", "SELECT nope FROM items")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "sql_error");
    let text = err.to_string();
    assert!(
        text.contains("no such column: nope") && text.contains("SELECT nope FROM items"),
        "{text}"
    );
    // A refused statement does not make the adapter unusable.
    assert_eq!(
        scenario
            .query("db", "SELECT count(*) AS n FROM items")
            .await
            .unwrap()
            .rows,
        vec![vec![json!(1)]]
    );

    let write = scenario.query("db", "DELETE FROM items").await.unwrap_err();
    assert_eq!(write.code(), "invalid_request");
    let err = scenario
        .insert_rows("db", "items", &strings(&["id", "name"]), &[vec![json!(9)]])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_request");
    assert!(
        err.to_string().contains("row 1 has 1 values for 2 columns"),
        "{err}"
    );
    let err = scenario
        .insert_rows("db", "items", &strings(&["id"]), &[vec![json!(1)]])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "sql_error", "duplicate primary key: {err}");
    let two = scenario
        .query("db", "SELECT 1; SELECT 2")
        .await
        .unwrap_err();
    assert_eq!(two.code(), "sql_error");

    // A query that never ends: the request limit is the only way out, however loaded the
    // machine is.
    let endless =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    let err = scenario.query("slow", endless).await.unwrap_err();
    assert_eq!(err.code(), "adapter_timeout");
    assert!(err.to_string().contains("within 200 ms"), "{err}");

    let err = scenario.start("missing").await.unwrap_err();
    assert_eq!(err.code(), "adapter_start_failed");
    assert!(
        err.to_string().contains("nope.db") && err.to_string().contains("does not exist"),
        "{err}"
    );
    assert!(
        !campaign.path().join("work/s/nope.db").exists(),
        "a missing database must not be created"
    );
    assert_eq!(
        scenario
            .query("missing", "SELECT 1")
            .await
            .unwrap_err()
            .code(),
        "adapter_failed_earlier"
    );
    let err = scenario.request("db", "echo", json!({})).await.unwrap_err();
    assert_eq!(err.code(), "adapter_kind_mismatch");

    let report = scenario.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let log = report
        .attachments
        .iter()
        .find(|a| a.path.ends_with("db.sql.jsonl"))
        .unwrap();
    let text = std::fs::read_to_string(campaign.package().join(&log.path)).unwrap();
    assert!(text.contains("no such column: nope"), "{text}");
    assert!(
        campaign
            .package()
            .join("attachments/s/missing.sql.jsonl")
            .exists()
    );
}
