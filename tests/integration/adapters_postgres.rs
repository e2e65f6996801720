//! The `sql` adapter with `driver: postgres` against a real PostgreSQL server that each test
//! starts (initdb in a temporary folder, a leased loopback port).

use crate::support::postgres::{PASSWORD, Postgres};
use qualify::adapters::{QueryRows, ScenarioAdapters};
use qualify::config::{AdapterConfig, AdapterKind, SqlDriver, Timeouts};
use serde_json::{Value, json};

use crate::support::adapters::{
    Campaign, PG_PASSWORD_VAR as PASSWORD_VAR, PG_WRONG, PG_WRONG_VAR as WRONG_VAR, json_lines,
    strings,
};

fn pg(url: &str, password_env: &str, request_ms: u64) -> AdapterConfig {
    AdapterConfig {
        driver: SqlDriver::Postgres,
        url: Some(url.to_string()),
        password_env: Some(password_env.to_string()),
        timeouts: Timeouts {
            start_ms: 60_000,
            request_ms,
            shutdown_ms: 2_000,
        },
        ..AdapterConfig::new(AdapterKind::Sql)
    }
}

/// A campaign of `adapters` and its scenario "s".
fn setup(adapters: Vec<(&str, AdapterConfig)>) -> (Campaign, ScenarioAdapters) {
    let campaign = Campaign::new(adapters);
    let scenario = campaign.scenario("s");
    (campaign, scenario)
}

fn transcript(campaign: &Campaign, adapter: &str) -> (String, Vec<Value>) {
    let text = campaign.attachment_text(&format!("s/{adapter}.sql.jsonl"));
    let entries = json_lines(&text);
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
    let (campaign, mut s) = setup(vec![("mes", pg(&server.url("mes"), PASSWORD_VAR, 60_000))]);

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
    let (text, entries) = transcript(&campaign, "mes");
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
    let (campaign, mut s) = setup(vec![
        // Ordinary statements take milliseconds; 5 s leaves a loaded machine plenty of room, and
        // the statement that never ends below waits exactly that long.
        ("mes", pg(&server.url("mes"), PASSWORD_VAR, 5_000)),
        ("wrong", pg(&server.url("mes"), WRONG_VAR, 5_000)),
        ("nodb", pg(&server.url("nosuchdb"), PASSWORD_VAR, 5_000)),
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

    // A statement that never ends: the request limit is the only way out.
    let err = s.query("mes", "SELECT pg_sleep(86400)").await.unwrap_err();
    assert_eq!(err.code(), "adapter_timeout", "{err}");
    assert!(err.to_string().contains("5000 ms"), "{err}");
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
        let (text, _) = transcript(&campaign, adapter);
        assert!(
            !text.contains(PASSWORD) && !text.contains(PG_WRONG),
            "{adapter} leaks:\n{text}"
        );
    }
    let (_, entries) = transcript(&campaign, "wrong");
    assert!(entries.iter().any(|e| e["event"] == "connect_failed" && e["detail"]["code"] == "adapter_auth_failed"));
}
