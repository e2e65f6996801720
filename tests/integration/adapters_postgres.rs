//! The `sql` adapter with `driver: postgres` against a real PostgreSQL server that each test
//! starts (initdb in a temporary folder, a free loopback port).

use std::collections::BTreeMap;
use std::sync::{Arc, Once};

use crate::support::postgres::{PASSWORD, Postgres};
use qualify::adapters::{AdapterRegistry, QueryRows, ScenarioAdapters};
use qualify::config::{AdapterConfig, AdapterKind, SqlDriver, Timeouts};
use qualify::evidence::AttachmentStore;
use serde_json::{Value, json};
use tempfile::TempDir;

const PASSWORD_VAR: &str = "QUALIFY_TEST_PG_PASSWORD";
const WRONG_VAR: &str = "QUALIFY_TEST_PG_WRONG_PASSWORD";

fn set_env() {
    static ONCE: Once = Once::new();
    // SAFETY: set once, before any adapter of this test binary reads them, with names no other
    // code uses.
    ONCE.call_once(|| unsafe {
        std::env::set_var(PASSWORD_VAR, PASSWORD);
        std::env::set_var(WRONG_VAR, "wrong-pg-password");
    });
}

fn pg(url: &str, password_env: &str, request_ms: u64) -> AdapterConfig {
    AdapterConfig {
        driver: SqlDriver::Postgres,
        url: Some(url.to_string()),
        password_env: Some(password_env.to_string()),
        timeouts: Timeouts {
            start_ms: 5_000,
            request_ms,
            shutdown_ms: 1_000,
        },
        ..AdapterConfig::new(AdapterKind::Sql)
    }
}

fn setup(adapters: Vec<(&str, AdapterConfig)>) -> (TempDir, ScenarioAdapters) {
    set_env();
    let tmp = TempDir::new().unwrap();
    let adapters: BTreeMap<String, AdapterConfig> = adapters
        .into_iter()
        .map(|(n, c)| (n.to_string(), c))
        .collect();
    let registry = Arc::new(AdapterRegistry::new(adapters, tmp.path().to_path_buf()));
    let dir = tmp.path().join("work/s");
    std::fs::create_dir_all(&dir).unwrap();
    let store = AttachmentStore::new(tmp.path().join("package"));
    (tmp, ScenarioAdapters::new(registry, dir, store, "s".into()))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn transcript(tmp: &TempDir, adapter: &str) -> (String, Vec<Value>) {
    let text = std::fs::read_to_string(
        tmp.path()
            .join(format!("package/attachments/s/{adapter}.sql.jsonl")),
    )
    .unwrap();
    let entries = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (text, entries)
}

fn mes_database(server: &Postgres) {
    server.psql("postgres", "CREATE DATABASE mes");
    server.psql(
        "mes",
        "CREATE SCHEMA plant;
         CREATE TABLE plant.work_orders (id text PRIMARY KEY, qty integer NOT NULL, due date,
             oee numeric(5,2), released boolean DEFAULT false, payload jsonb, raw bytea);
         INSERT INTO plant.work_orders VALUES ('WO-1', 10, '2025-01-31', 74.80, true, '{\"a\": 1}', '\\xcafe');
         CREATE TABLE \"odd \"\"name\"\"\" (\"a b\" text);",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_and_insert_on_a_real_server() {
    let server = Postgres::start();
    mes_database(&server);
    let (tmp, mut s) = setup(vec![("mes", pg(&server.url("mes"), PASSWORD_VAR, 5_000))]);

    let identity = s.start("mes").await.unwrap();
    assert_eq!(identity.kind, "sql");
    assert_eq!(identity.name.as_deref(), Some("PostgreSQL"));
    assert!(
        identity
            .version
            .as_deref()
            .unwrap_or_default()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit()),
        "{identity:?}"
    );

    // Values go as text, so the server converts them to each column's type (dates, numerics, json).
    let inserted = s
        .insert_rows(
            "mes",
            "plant.work_orders",
            &strings(&["id", "qty", "due", "oee", "released", "payload"]),
            &[
                vec![
                    json!("WO-2"),
                    json!(5),
                    json!("2025-02-01"),
                    json!(81.25),
                    json!(false),
                    json!({"b": [1, 2]}),
                ],
                vec![
                    json!("x'); DROP TABLE plant.work_orders; --"),
                    json!(1),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                ],
            ],
        )
        .await
        .unwrap();
    assert_eq!(inserted, 2);
    let rows = s
        .query("mes", "SELECT id, qty, due, oee, released, payload, raw FROM plant.work_orders ORDER BY qty DESC")
        .await
        .unwrap();
    assert_eq!(
        rows,
        QueryRows {
            columns: strings(&["id", "qty", "due", "oee", "released", "payload", "raw"]),
            rows: vec![
                vec![
                    json!("WO-1"),
                    json!(10),
                    json!("2025-01-31"),
                    json!(74.8),
                    json!(true),
                    json!("{\"a\": 1}"),
                    json!("cafe")
                ],
                vec![
                    json!("WO-2"),
                    json!(5),
                    json!("2025-02-01"),
                    json!(81.25),
                    json!(false),
                    json!("{\"b\": [1, 2]}"),
                    Value::Null
                ],
                vec![
                    json!("x'); DROP TABLE plant.work_orders; --"),
                    json!(1),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null
                ],
            ],
        }
    );
    s.insert_rows(
        "mes",
        "public.odd \"name\"",
        &strings(&["a b"]),
        &[vec![json!("ok")]],
    )
    .await
    .unwrap();
    assert_eq!(
        s.query("mes", "SELECT * FROM \"odd \"\"name\"\"\"")
            .await
            .unwrap()
            .rows,
        vec![vec![json!("ok")]]
    );
    assert!(
        s.query("mes", "SELECT 1 WHERE false")
            .await
            .unwrap()
            .rows
            .is_empty()
    );

    let report = s.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let (text, entries) = transcript(&tmp, "mes");
    assert!(!text.contains(PASSWORD), "the password leaked:\n{text}");
    let events: Vec<&str> = entries
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "connecting",
            "connected",
            "insert",
            "query",
            "insert",
            "query",
            "query",
            "disconnected"
        ]
    );
    assert_eq!(
        entries[2]["detail"]["statement"],
        "INSERT INTO \"plant\".\"work_orders\" (\"id\", \"qty\", \"due\", \"oee\", \"released\", \"payload\") VALUES ($1, $2, $3, $4, $5, $6)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_errors_writes_timeouts_and_wrong_credentials() {
    let mut server = Postgres::start();
    mes_database(&server);
    let (tmp, mut s) = setup(vec![
        ("mes", pg(&server.url("mes"), PASSWORD_VAR, 500)),
        ("wrong", pg(&server.url("mes"), WRONG_VAR, 500)),
        ("nodb", pg(&server.url("nosuchdb"), PASSWORD_VAR, 500)),
    ]);

    let err = s
        .query("mes", "SELECT nope FROM plant.work_orders")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "sql_error");
    let text = err.to_string();
    assert!(
        text.contains("column \"nope\" does not exist") && text.contains("42703"),
        "{text}"
    );
    // A refused statement does not make the adapter unusable.
    assert_eq!(
        s.query("mes", "SELECT count(*) AS n FROM plant.work_orders")
            .await
            .unwrap()
            .rows,
        vec![vec![json!(1)]]
    );

    // Query steps cannot write, not even by sneaking a second statement in.
    for write in [
        "DELETE FROM plant.work_orders",
        "SELECT 1; DELETE FROM plant.work_orders",
        "COMMIT; DELETE FROM plant.work_orders",
    ] {
        let err = s.query("mes", write).await.unwrap_err();
        assert!(
            matches!(err.code(), "invalid_request" | "sql_error"),
            "{write}: {err}"
        );
    }
    assert_eq!(
        s.query("mes", "SELECT count(*) FROM plant.work_orders")
            .await
            .unwrap()
            .rows,
        vec![vec![json!(1)]]
    );

    let err = s
        .insert_rows(
            "mes",
            "plant.work_orders",
            &strings(&["id", "qty"]),
            &[vec![json!("WO-9"), json!("many")]],
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "sql_error", "{err}");

    let err = s.query("mes", "SELECT pg_sleep(3)").await.unwrap_err();
    assert_eq!(err.code(), "adapter_timeout", "{err}");
    assert_eq!(
        s.query("mes", "SELECT 2 AS two").await.unwrap().rows,
        vec![vec![json!(2)]]
    );

    let err = s.start("wrong").await.unwrap_err();
    assert_eq!(err.code(), "adapter_auth_failed", "{err}");
    let err = s.start("nodb").await.unwrap_err();
    assert_eq!(err.code(), "adapter_connection_failed", "{err}");
    assert!(err.to_string().contains("nosuchdb"), "{err}");

    // The server goes away mid-scenario: the connection is lost for good.
    server.kill();
    let err = s.query("mes", "SELECT 1").await.unwrap_err();
    assert_eq!(err.code(), "adapter_connection_lost", "{err}");
    let err = s.query("mes", "SELECT 1").await.unwrap_err();
    assert_eq!(err.code(), "adapter_failed_earlier", "{err}");

    s.finish().await;
    for adapter in ["mes", "wrong", "nodb"] {
        let (text, _) = transcript(&tmp, adapter);
        assert!(
            !text.contains(PASSWORD) && !text.contains("wrong-pg-password"),
            "{adapter} leaks:\n{text}"
        );
    }
    let (_, entries) = transcript(&tmp, "wrong");
    assert!(entries.iter().any(|e| e["event"] == "connect_failed" && e["detail"]["code"] == "adapter_auth_failed"));
}
